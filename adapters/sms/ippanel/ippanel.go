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
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
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
const ProviderName = "ippanel"

// maxResponseBytes caps an answer's size; an answer is a few hundred bytes.
const maxResponseBytes = 1 << 20

// Client sends SMS through IPPanel. Build it with [New]; it is safe for concurrent use.
type Client struct {
	cfg     Config
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
		http:    newHTTPClient(cfg.Timeout, cfg.APIKey),
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

// newHTTPClient returns a resty client whose every phase is bounded by timeout, which sends
// the key on every request and does not follow redirects, retry, keep cookies or log.
func newHTTPClient(timeout time.Duration, apiKey string) *resty.Client {
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
		SetHeader("User-Agent", "talabin-sms").
		SetHeader("Authorization", apiKey)
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
	if err := checkRecipient(to); err != nil {
		return ports.SMSReceipt{}, err
	}
	if err := checkCode(code); err != nil {
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
	if err := checkRecipient(to); err != nil {
		return ports.SMSReceipt{}, err
	}
	if text == "" {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %w: text is empty", ProviderName, core.ErrInvalidInput)
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
	if err := ctx.Err(); err != nil {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w", ProviderName, kind, err)
	}
	receipt, err := c.breaker.Execute(func() (ports.SMSReceipt, error) {
		return c.post(ctx, kind, body)
	})
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w: %w", ProviderName, kind, core.ErrSMSUnavailable, err)
	}
	return receipt, err
}

// post makes one HTTP request and reads its answer.
func (c *Client) post(ctx context.Context, kind string, body any) (ports.SMSReceipt, error) {
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
		SetHeader("Content-Type", "application/json").
		SetBody(body).
		Post(c.cfg.BaseURL + "/api/send")
	if err != nil {
		return ports.SMSReceipt{}, transportError(ctx, kind, wrote.Load(), err)
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

// transportError classifies an error of the HTTP exchange itself: before the request was
// written nothing was sent; after it, the outcome is unknown.
func transportError(ctx context.Context, kind string, wrote bool, err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	var out error
	switch {
	case wrote:
		out = fmt.Errorf("%s: %s: %w: %w", ProviderName, kind, ports.ErrSMSOutcomeUnknown, err)
	case ctx.Err() != nil:
		out = fmt.Errorf("%s: %s: %w", ProviderName, kind, ctx.Err())
	default:
		out = fmt.Errorf("%s: %s: %w: %w", ProviderName, kind, core.ErrSMSUnavailable, err)
	}
	if ctx.Err() != nil {
		return &callerGoneError{err: out}
	}
	return out
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

// interpret reads an answer to a send of sending_type kind.
func interpret(kind string, httpStatus int, body []byte) (ports.SMSReceipt, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Meta == nil || env.Meta.Status == nil {
		return ports.SMSReceipt{}, withoutEnvelope(kind, httpStatus)
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

// withoutEnvelope classifies an answer that is not an IPPanel envelope: a success status
// may have meant the message was sent, and so may a proxy's gateway timeout; any other
// status means the API did not take the request.
func withoutEnvelope(kind string, httpStatus int) error {
	if httpStatus/100 == 2 || httpStatus == http.StatusGatewayTimeout {
		return fmt.Errorf("%s: %s: %w: unreadable answer with HTTP status %d",
			ProviderName, kind, ports.ErrSMSOutcomeUnknown, httpStatus)
	}
	return fmt.Errorf("%s: %s: %w: HTTP status %d without an api answer",
		ProviderName, kind, core.ErrSMSUnavailable, httpStatus)
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

// checkCode accepts 4 to 10 ASCII digits.
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

// discardLogger silences resty; the client reports what matters through its own errors and
// [Config.Logger].
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

var _ resty.Logger = discardLogger{}
