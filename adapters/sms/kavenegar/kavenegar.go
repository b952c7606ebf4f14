// Package kavenegar is the Kavenegar adapter of [ports.SMSSender] (PROVIDERS.md §1). OTPs go
// through verify/lookup with an approved template and the code as %token; texts go through
// sms/send from the configured line. Requests are form-encoded POSTs to
// {BaseURL}/v1/{API-KEY}/{scope}/{method}.json; answers are judged on both the HTTP status and
// return.status, as the real server mirrors one in the other.
//
// Each [Client] owns its HTTP client (explicit timeouts, no redirects, no retries: a send is
// never repeated on the client's initiative) and its circuit breaker. Recipient and message
// refusals (return.status 411, 413, 420, 422, 428, 431) read as [core.ErrInvalidInput] and do
// not count against the breaker; every other refusal (bad key, credit, template, throttling,
// server trouble) reads as [core.ErrSMSUnavailable] and does. A timeout or broken connection
// after the request was written reads as [ports.ErrSMSOutcomeUnknown]. A caller's own
// cancellation never counts against the breaker.
//
// The test-support package kavenegarfake is an offline Kavenegar server for this adapter's
// tests and for integration suites.
package kavenegar

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/go-resty/resty/v2"
	"github.com/sony/gobreaker/v2"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/adapters/sms/internal/smsadapter"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// ProviderName is the name the client gives in [ports.SMSReceipt.Provider], its breaker and
// its errors.
const ProviderName = "kavenegar"

// Client sends SMS through Kavenegar. Build it with [New]; it is safe for concurrent use.
type Client struct {
	cfg     Config
	root    string // BaseURL + "/v1/" + escaped key; never shown in errors or logs
	http    *resty.Client
	breaker *gobreaker.CircuitBreaker[ports.SMSReceipt]
}

var _ ports.SMSSender = (*Client)(nil)

// New validates cfg, fills its defaults and returns a client with its own HTTP client and
// circuit breaker.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Client{
		cfg:  cfg,
		root: cfg.BaseURL + "/v1/" + url.PathEscape(cfg.APIKey),
		http: outbound.NewHTTPClient(outbound.Options{
			Timeout:   cfg.Timeout,
			Headers:   map[string]string{"Accept": "application/json"},
			UserAgent: smsadapter.UserAgent,
		}),
		breaker: smsadapter.NewBreaker(ProviderName, cfg.Breaker, cfg.Logger),
	}, nil
}

// SendOTP sends code through verify/lookup with the template for purpose. See
// [ports.SMSSender.SendOTP]; not idempotent: Kavenegar has no de-duplication key on lookup,
// so a repeated call sends a second SMS.
func (c *Client) SendOTP(ctx context.Context, to iran.Mobile, code, purpose string) (ports.SMSReceipt, error) {
	if err := smsadapter.CheckOTP(ProviderName, to, code); err != nil {
		return ports.SMSReceipt{}, err
	}
	template := c.cfg.OTPTemplate
	if t, ok := c.cfg.PurposeTemplates[purpose]; ok {
		template = t
	}
	form := url.Values{"receptor": {to.Local()}, "template": {template}, "token": {code}}
	return c.call(ctx, "verify/lookup", form)
}

// SendText sends text through sms/send from the configured line. See
// [ports.SMSSender.SendText]; not idempotent.
func (c *Client) SendText(ctx context.Context, to iran.Mobile, text string) (ports.SMSReceipt, error) {
	if err := smsadapter.CheckText(ProviderName, to, text); err != nil {
		return ports.SMSReceipt{}, err
	}
	form := url.Values{"receptor": {to.Local()}, "message": {text}}
	if c.cfg.Sender != "" {
		form.Set("sender", c.cfg.Sender)
	}
	return c.call(ctx, "sms/send", form)
}

// call runs one API method through the breaker.
func (c *Client) call(ctx context.Context, method string, form url.Values) (ports.SMSReceipt, error) {
	return smsadapter.Call(ctx, c.breaker, ProviderName, method, func() (ports.SMSReceipt, error) {
		return c.post(ctx, method, form)
	})
}

// post makes one HTTP request and reads its answer.
func (c *Client) post(ctx context.Context, method string, form url.Values) (ports.SMSReceipt, error) {
	reqCtx, written, cancel := outbound.StartRequest(ctx, c.cfg.Timeout)
	defer cancel()
	resp, err := c.http.R().
		SetContext(reqCtx).
		SetFormDataFromValues(form).
		Post(c.root + "/" + method + ".json")
	if err != nil {
		return ports.SMSReceipt{}, smsadapter.TransportError(ctx, ProviderName, method, written(), err)
	}
	receipt, err := interpret(method, resp.StatusCode(), resp.Body())
	var apiErr *APIError
	if errors.As(err, &apiErr) && errors.Is(err, core.ErrSMSUnavailable) {
		c.cfg.Logger.Log(ctx, apiErr.logLevel(), "sms provider refused the call",
			"provider", ProviderName, "method", method, "status", apiErr.Status, "message", apiErr.Message)
	}
	return receipt, err
}

// envelope is every Kavenegar answer.
type envelope struct {
	Return struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"return"`
	Entries json.RawMessage `json:"entries"`
}

// interpret reads an answer. An answer that is not a Kavenegar envelope reads as
// [smsadapter.UnreadableAnswer] says.
func interpret(method string, httpStatus int, body []byte) (ports.SMSReceipt, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Return.Status == 0 {
		return ports.SMSReceipt{}, smsadapter.UnreadableAnswer(ProviderName, method, httpStatus)
	}
	if env.Return.Status != http.StatusOK {
		return ports.SMSReceipt{}, newAPIError(method, env.Return.Status, env.Return.Message)
	}
	if httpStatus != http.StatusOK {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w: return.status 200 with HTTP status %d",
			ProviderName, method, ports.ErrSMSOutcomeUnknown, httpStatus)
	}
	var entries []struct {
		MessageID json.Number `json:"messageid"`
	}
	if err := json.Unmarshal(env.Entries, &entries); err != nil || len(entries) == 0 || entries[0].MessageID == "" {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w: success without a message entry",
			ProviderName, method, ports.ErrSMSOutcomeUnknown)
	}
	return ports.SMSReceipt{Provider: ProviderName, MessageID: entries[0].MessageID.String()}, nil
}
