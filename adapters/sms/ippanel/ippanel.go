// Package ippanel is the IPPanel adapter of [ports.SMSSender] (PROVIDERS.md §3), on the
// Edge API, not the legacy api2 or rest hosts. Every send is POST {BaseURL}/api/send with a
// sending_type: OTPs go as "pattern" (one recipient, the code as one placeholder of an
// approved pattern), texts as "webservice" from the configured line. Bodies are JSON, the key
// goes verbatim in the Authorization header, and answers are the envelope {data, meta:
// {status, message, message_code, errors}}, read on every HTTP status.
//
// Validation refusals (HTTP 422 or 400) whose field errors concern only the recipients or the
// message read as [core.ErrInvalidInput] and do not count against the breaker; any other
// refusal (401 key, 422 on the pattern code, line or parameters, 429 throttling, 5xx) reads
// as [core.ErrSMSUnavailable] and does. A timeout or broken connection after the request was
// written, a success without an outbox id, or an unreadable success reads as
// [ports.ErrSMSOutcomeUnknown]. A caller's own cancellation never counts against the
// breaker.
//
// Each [Client] owns its HTTP client (explicit timeouts, no redirects, no retries) and its
// circuit breaker. The test-support package ippanelfake is an offline IPPanel Edge server for
// this adapter's tests and for integration suites.
package ippanel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

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
const ProviderName = "ippanel"

// Client sends SMS through IPPanel. Build it with [New]; it is safe for concurrent use.
type Client struct {
	cfg     Config
	http    *resty.Client
	breaker *gobreaker.CircuitBreaker[ports.SMSReceipt]
}

var _ ports.SMSSender = (*Client)(nil)

// New validates cfg, fills its defaults and returns a client with its own HTTP client, which
// sends the key on every request, and its own circuit breaker.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Client{
		cfg: cfg,
		http: outbound.NewHTTPClient(outbound.Options{
			Timeout:   cfg.Timeout,
			Headers:   map[string]string{"Accept": "application/json", "Authorization": cfg.APIKey},
			UserAgent: smsadapter.UserAgent,
		}),
		breaker: smsadapter.NewBreaker(ProviderName, cfg.Breaker, cfg.Logger),
	}, nil
}

// patternRequest is /api/send's body for sending_type "pattern".
type patternRequest struct {
	SendingType string            `json:"sending_type"`
	FromNumber  string            `json:"from_number"`
	Code        string            `json:"code"`
	Recipients  []string          `json:"recipients"`
	Params      map[string]string `json:"params"`
}

// webserviceRequest is /api/send's body for sending_type "webservice".
type webserviceRequest struct {
	SendingType string           `json:"sending_type"`
	FromNumber  string           `json:"from_number"`
	Message     string           `json:"message"`
	Params      webserviceParams `json:"params"`
}

type webserviceParams struct {
	Recipients []string `json:"recipients"`
}

// SendOTP sends code through the pattern for purpose. See [ports.SMSSender.SendOTP]; not
// idempotent.
func (c *Client) SendOTP(ctx context.Context, to iran.Mobile, code, purpose string) (ports.SMSReceipt, error) {
	if err := smsadapter.CheckOTP(ProviderName, to, code); err != nil {
		return ports.SMSReceipt{}, err
	}
	pattern := c.cfg.PatternCode
	if p, ok := c.cfg.PurposePatterns[purpose]; ok {
		pattern = p
	}
	body := patternRequest{
		SendingType: "pattern",
		FromNumber:  c.cfg.FromNumber,
		Code:        pattern,
		Recipients:  []string{to.String()},
		Params:      map[string]string{c.cfg.PatternParam: code},
	}
	return c.call(ctx, "pattern", body)
}

// SendText sends text as a "webservice" message from the configured line. See
// [ports.SMSSender.SendText]; not idempotent.
func (c *Client) SendText(ctx context.Context, to iran.Mobile, text string) (ports.SMSReceipt, error) {
	if err := smsadapter.CheckText(ProviderName, to, text); err != nil {
		return ports.SMSReceipt{}, err
	}
	body := webserviceRequest{
		SendingType: "webservice",
		FromNumber:  c.cfg.FromNumber,
		Message:     text,
		Params:      webserviceParams{Recipients: []string{to.String()}},
	}
	return c.call(ctx, "webservice", body)
}

// call runs one send through the breaker; kind is its sending_type.
func (c *Client) call(ctx context.Context, kind string, body any) (ports.SMSReceipt, error) {
	return smsadapter.Call(ctx, c.breaker, ProviderName, kind, func() (ports.SMSReceipt, error) {
		return c.post(ctx, kind, body)
	})
}

// post makes one HTTP request and reads its answer.
func (c *Client) post(ctx context.Context, kind string, body any) (ports.SMSReceipt, error) {
	reqCtx, written, cancel := outbound.StartRequest(ctx, c.cfg.Timeout)
	defer cancel()
	resp, err := c.http.R().
		SetContext(reqCtx).
		SetHeader("Content-Type", "application/json").
		SetBody(body).
		Post(c.cfg.BaseURL + "/api/send")
	if err != nil {
		return ports.SMSReceipt{}, smsadapter.TransportError(ctx, ProviderName, kind, written(), err)
	}
	receipt, err := interpret(kind, resp.StatusCode(), resp.Body())
	var apiErr *APIError
	if errors.As(err, &apiErr) && errors.Is(err, core.ErrSMSUnavailable) {
		c.cfg.Logger.Warn("sms provider refused the call", "provider", ProviderName, "sending_type", kind,
			"http_status", apiErr.HTTPStatus, "message_code", apiErr.MessageCode, "message", apiErr.Message,
			"fields", apiErr.Fields)
	}
	return receipt, err
}

// envelope is every IPPanel answer. Meta.Status is a pointer so that a JSON body without
// it is told apart from a refusal.
type envelope struct {
	Data json.RawMessage `json:"data"`
	Meta *struct {
		Status      *bool                      `json:"status"`
		Message     string                     `json:"message"`
		MessageCode string                     `json:"message_code"`
		Errors      map[string]json.RawMessage `json:"errors"`
	} `json:"meta"`
}

// interpret reads an answer to a send of sending_type kind. An answer that is not an IPPanel
// envelope reads as [smsadapter.UnreadableAnswer] says.
func interpret(kind string, httpStatus int, body []byte) (ports.SMSReceipt, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Meta == nil || env.Meta.Status == nil {
		return ports.SMSReceipt{}, smsadapter.UnreadableAnswer(ProviderName, kind, httpStatus)
	}
	if !*env.Meta.Status {
		return ports.SMSReceipt{}, newAPIError(kind, httpStatus, env.Meta.MessageCode, env.Meta.Message, slices.Sorted(maps.Keys(env.Meta.Errors)))
	}
	if httpStatus/100 != 2 {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w: meta.status true with HTTP status %d",
			ProviderName, kind, ports.ErrSMSOutcomeUnknown, httpStatus)
	}
	var data struct {
		MessageOutboxIDs []json.Number `json:"message_outbox_ids"`
	}
	if err := json.Unmarshal(env.Data, &data); err != nil || len(data.MessageOutboxIDs) == 0 || data.MessageOutboxIDs[0] == "" {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w: success without an outbox id",
			ProviderName, kind, ports.ErrSMSOutcomeUnknown)
	}
	return ports.SMSReceipt{Provider: ProviderName, MessageID: data.MessageOutboxIDs[0].String()}, nil
}
