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
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/sony/gobreaker/v2"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// ProviderName is the name the client gives in [ports.SMSReceipt.Provider], its breaker and
// its errors.
const ProviderName = "kavenegar"

// maxResponseBytes caps an answer's size; an answer is a few hundred bytes.
const maxResponseBytes = 1 << 20

// Client sends SMS through Kavenegar. Build it with [New]; it is safe for concurrent use.
type Client struct {
	cfg     Config
	root    string // BaseURL + "/v1/" + escaped key; never shown in errors or logs
	http    *resty.Client
	breaker *gobreaker.CircuitBreaker[ports.SMSReceipt]
	timeout error // the cause given to a call's context when Timeout passes
}

var _ ports.SMSSender = (*Client)(nil)

// New validates cfg, fills its defaults and returns a client with its own HTTP client and
// circuit breaker.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	c := &Client{
		cfg:     cfg,
		root:    cfg.BaseURL + "/v1/" + url.PathEscape(cfg.APIKey),
		http:    newHTTPClient(cfg.Timeout),
		timeout: fmt.Errorf("no answer within %s: %w", cfg.Timeout, context.DeadlineExceeded),
	}
	c.breaker = gobreaker.NewCircuitBreaker[ports.SMSReceipt](gobreaker.Settings{
		Name:        ProviderName,
		MaxRequests: 1,
		Timeout:     cfg.Breaker.OpenTimeout,
		ReadyToTrip: func(counts gobreaker.Counts) bool {
			return counts.ConsecutiveFailures >= cfg.Breaker.ConsecutiveFailures
		},
		OnStateChange: func(name string, from, to gobreaker.State) {
			cfg.Logger.Warn("sms breaker state changed", "provider", name, "from", from.String(), "to", to.String())
		},
		// A refused recipient or message shows the provider works.
		IsSuccessful: func(err error) bool { return err == nil || errors.Is(err, core.ErrInvalidInput) },
		// A caller who gave up says nothing about the provider.
		IsExcluded: func(err error) bool {
			var gone *callerGoneError
			return errors.As(err, &gone)
		},
	})
	return c, nil
}

// newHTTPClient returns a resty client whose every phase is bounded by timeout, which does
// not follow redirects, retry, keep cookies or log.
func newHTTPClient(timeout time.Duration) *resty.Client {
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          16,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
	}
	hc := &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return resty.NewWithClient(hc).
		SetLogger(discardLogger{}).
		SetRetryCount(0).
		SetResponseBodyLimit(maxResponseBytes).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", "talabin-sms")
}

// SendOTP sends code through verify/lookup with the template for purpose. See
// [ports.SMSSender.SendOTP]; not idempotent: Kavenegar has no de-duplication key on lookup,
// so a repeated call sends a second SMS.
func (c *Client) SendOTP(ctx context.Context, to iran.Mobile, code, purpose string) (ports.SMSReceipt, error) {
	if err := checkRecipient(to); err != nil {
		return ports.SMSReceipt{}, err
	}
	if err := checkCode(code); err != nil {
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
	if err := checkRecipient(to); err != nil {
		return ports.SMSReceipt{}, err
	}
	if text == "" {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %w: text is empty", ProviderName, core.ErrInvalidInput)
	}
	form := url.Values{"receptor": {to.Local()}, "message": {text}}
	if c.cfg.Sender != "" {
		form.Set("sender", c.cfg.Sender)
	}
	return c.call(ctx, "sms/send", form)
}

// call runs one API method through the breaker.
func (c *Client) call(ctx context.Context, method string, form url.Values) (ports.SMSReceipt, error) {
	if err := ctx.Err(); err != nil {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w", ProviderName, method, err)
	}
	receipt, err := c.breaker.Execute(func() (ports.SMSReceipt, error) {
		return c.post(ctx, method, form)
	})
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w: %w", ProviderName, method, core.ErrSMSUnavailable, err)
	}
	return receipt, err
}

// post makes one HTTP request and reads its answer.
func (c *Client) post(ctx context.Context, method string, form url.Values) (ports.SMSReceipt, error) {
	reqCtx, cancel := context.WithTimeoutCause(ctx, c.cfg.Timeout, c.timeout)
	defer cancel()
	var wrote atomic.Bool
	reqCtx = httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	})
	resp, err := c.http.R().
		SetContext(reqCtx).
		SetFormDataFromValues(form).
		Post(c.root + "/" + method + ".json")
	if err != nil {
		return ports.SMSReceipt{}, transportError(ctx, method, wrote.Load(), err)
	}
	receipt, err := interpret(method, resp.StatusCode(), resp.Body())
	var apiErr *APIError
	if errors.As(err, &apiErr) && errors.Is(err, core.ErrSMSUnavailable) {
		c.cfg.Logger.Log(ctx, apiErr.logLevel(), "sms provider refused the call",
			"provider", ProviderName, "method", method, "status", apiErr.Status, "message", apiErr.Message)
	}
	return receipt, err
}

// transportError classifies an error of the HTTP exchange itself: before the request was
// written nothing was sent; after it, the outcome is unknown. The URL, which holds the API
// key, is dropped from the error.
func transportError(ctx context.Context, method string, wrote bool, err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	var out error
	switch {
	case wrote:
		out = fmt.Errorf("%s: %s: %w: %w", ProviderName, method, ports.ErrSMSOutcomeUnknown, err)
	case ctx.Err() != nil:
		out = fmt.Errorf("%s: %s: %w", ProviderName, method, ctx.Err())
	default:
		out = fmt.Errorf("%s: %s: %w: %w", ProviderName, method, core.ErrSMSUnavailable, err)
	}
	if ctx.Err() != nil {
		return &callerGoneError{err: out}
	}
	return out
}

// envelope is every Kavenegar answer.
type envelope struct {
	Return struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"return"`
	Entries json.RawMessage `json:"entries"`
}

// interpret reads an answer.
func interpret(method string, httpStatus int, body []byte) (ports.SMSReceipt, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Return.Status == 0 {
		return ports.SMSReceipt{}, withoutEnvelope(method, httpStatus)
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

// withoutEnvelope classifies an answer that is not a Kavenegar envelope: a success status
// may have meant the message was sent, and so may a proxy's gateway timeout; any other
// status means the API did not take the request.
func withoutEnvelope(method string, httpStatus int) error {
	if httpStatus/100 == 2 || httpStatus == http.StatusGatewayTimeout {
		return fmt.Errorf("%s: %s: %w: unreadable answer with HTTP status %d",
			ProviderName, method, ports.ErrSMSOutcomeUnknown, httpStatus)
	}
	return fmt.Errorf("%s: %s: %w: HTTP status %d without an api answer",
		ProviderName, method, core.ErrSMSUnavailable, httpStatus)
}

// callerGoneError marks an error caused by the caller's context ending, so the breaker
// ignores it. It is transparent: its text and chain are those of the error it holds.
type callerGoneError struct{ err error }

func (e *callerGoneError) Error() string { return e.err.Error() }
func (e *callerGoneError) Unwrap() error { return e.err }

// checkRecipient refuses the zero number.
func checkRecipient(to iran.Mobile) error {
	if to.IsZero() {
		return fmt.Errorf("%s: %w: recipient is required", ProviderName, core.ErrInvalidInput)
	}
	return nil
}

// checkCode accepts 4 to 10 ASCII digits, which every template route takes as a token.
func checkCode(code string) error {
	if len(code) < 4 || len(code) > 10 {
		return fmt.Errorf("%s: %w: code must be 4 to 10 digits", ProviderName, core.ErrInvalidInput)
	}
	for i := range len(code) {
		if code[i] < '0' || code[i] > '9' {
			return fmt.Errorf("%s: %w: code must be ascii digits", ProviderName, core.ErrInvalidInput)
		}
	}
	return nil
}

// discardLogger silences resty, whose messages may hold URLs and so the API key; the client
// reports what matters through its own errors and [Config.Logger].
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

var _ resty.Logger = discardLogger{}
