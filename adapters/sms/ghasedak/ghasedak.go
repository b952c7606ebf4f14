// Package ghasedak is the Ghasedak adapter of [ports.SMSSender] (PROVIDERS.md §2), on the
// current gateway web service, not the legacy v2 API. OTPs go through SendOtpSMS with the
// panel's template and the code as one named input; texts go through SendSingleSMS from the
// configured line. Requests are JSON POSTs with the key in the ApiKey header; answers are the
// envelope {isSuccess, statusCode, message, data}, read on every HTTP status.
//
// Ghasedak's statusCode table is not published (PROVIDERS.md §9), so the adapter assumes the
// HTTP-like convention its fake follows: statusCode 400 refuses the request's content (the
// recipient or the message) and reads as [core.ErrInvalidInput], which does not count against
// the breaker; every other refusal (401 key, 402 credit, 404 template, 422 template inputs,
// 429 throttling, 5xx) reads as [core.ErrSMSUnavailable] and does. A timeout or broken
// connection after the request was written, a success without data, or an unreadable
// success reads as [ports.ErrSMSOutcomeUnknown]. A caller's own cancellation never counts
// against the breaker.
//
// Each [Client] owns its HTTP client (explicit timeouts, no redirects, no retries) and its
// circuit breaker. The test-support package ghasedakfake is an offline Ghasedak server for
// this adapter's tests and for integration suites.
package ghasedak

import (
	"bytes"
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
const ProviderName = "ghasedak"

// maxResponseBytes caps an answer's size; an answer is a few hundred bytes.
const maxResponseBytes = 1 << 20

// Client sends SMS through Ghasedak. Build it with [New]; it is safe for concurrent use.
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
		SetHeader("ApiKey", apiKey)
}

// otpRequest is SendOtpSMS's body.
type otpRequest struct {
	Receptors    []otpReceptor `json:"receptors"`
	TemplateName string        `json:"templateName"`
	Inputs       []otpInput    `json:"inputs"`
	UDH          bool          `json:"udh"`
	IsVoice      bool          `json:"isVoice"`
}

type otpReceptor struct {
	Mobile string `json:"mobile"`
}

type otpInput struct {
	Param string `json:"param"`
	Value string `json:"value"`
}

// singleRequest is SendSingleSMS's body.
type singleRequest struct {
	LineNumber string `json:"lineNumber"`
	Receptor   string `json:"receptor"`
	Message    string `json:"message"`
	UDH        bool   `json:"udh"`
}

// SendOTP sends code through SendOtpSMS with the template for purpose. See
// [ports.SMSSender.SendOTP]; not idempotent.
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
	body := otpRequest{
		Receptors:    []otpReceptor{{Mobile: to.Local()}},
		TemplateName: template,
		Inputs:       []otpInput{{Param: c.cfg.OTPParam, Value: code}},
	}
	return c.call(ctx, "SendOtpSMS", body, otpMessageID)
}

// SendText sends text through SendSingleSMS from the configured line. See
// [ports.SMSSender.SendText]; not idempotent.
func (c *Client) SendText(ctx context.Context, to iran.Mobile, text string) (ports.SMSReceipt, error) {
	if err := checkRecipient(to); err != nil {
		return ports.SMSReceipt{}, err
	}
	if text == "" {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %w: text is empty", ProviderName, core.ErrInvalidInput)
	}
	body := singleRequest{LineNumber: c.cfg.LineNumber, Receptor: to.Local(), Message: text}
	return c.call(ctx, "SendSingleSMS", body, singleMessageID)
}

// call runs one API method through the breaker; messageID reads the message id from a
// success's data.
func (c *Client) call(ctx context.Context, method string, body any, messageID func(json.RawMessage) string) (ports.SMSReceipt, error) {
	if err := ctx.Err(); err != nil {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w", ProviderName, method, err)
	}
	receipt, err := c.breaker.Execute(func() (ports.SMSReceipt, error) {
		return c.post(ctx, method, body, messageID)
	})
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w: %w", ProviderName, method, core.ErrSMSUnavailable, err)
	}
	return receipt, err
}

// post makes one HTTP request and reads its answer.
func (c *Client) post(ctx context.Context, method string, body any, messageID func(json.RawMessage) string) (ports.SMSReceipt, error) {
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
		Post(c.cfg.BaseURL + "/" + method)
	if err != nil {
		return ports.SMSReceipt{}, transportError(ctx, method, wrote.Load(), err)
	}
	receipt, err := interpret(method, resp.StatusCode(), resp.Body(), messageID)
	var apiErr *APIError
	if errors.As(err, &apiErr) && errors.Is(err, core.ErrSMSUnavailable) {
		c.cfg.Logger.Warn("sms provider refused the call",
			"provider", ProviderName, "method", method, "status_code", apiErr.StatusCode, "message", apiErr.Message)
	}
	return receipt, err
}

// transportError classifies an error of the HTTP exchange itself: before the request was
// written nothing was sent; after it, the outcome is unknown.
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

// envelope is every Ghasedak answer. IsSuccess is a pointer so that a JSON body without it
// is told apart from a refusal.
type envelope struct {
	IsSuccess  *bool           `json:"isSuccess"`
	StatusCode int             `json:"statusCode"`
	Message    string          `json:"message"`
	Data       json.RawMessage `json:"data"`
}

// interpret reads an answer.
func interpret(method string, httpStatus int, body []byte, messageID func(json.RawMessage) string) (ports.SMSReceipt, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.IsSuccess == nil {
		return ports.SMSReceipt{}, withoutEnvelope(method, httpStatus)
	}
	if !*env.IsSuccess {
		return ports.SMSReceipt{}, newAPIError(method, env.StatusCode, env.Message)
	}
	if httpStatus/100 != 2 {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w: isSuccess with HTTP status %d",
			ProviderName, method, ports.ErrSMSOutcomeUnknown, httpStatus)
	}
	id := ""
	if len(env.Data) > 0 && !bytes.Equal(env.Data, []byte("null")) {
		id = messageID(env.Data)
	}
	if id == "" {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w: success without a message id",
			ProviderName, method, ports.ErrSMSOutcomeUnknown)
	}
	return ports.SMSReceipt{Provider: ProviderName, MessageID: id}, nil
}

// singleMessageID reads SendSingleSMS's data.messageId.
func singleMessageID(data json.RawMessage) string {
	var d struct {
		MessageID json.RawMessage `json:"messageId"`
	}
	if json.Unmarshal(data, &d) != nil {
		return ""
	}
	return idString(d.MessageID)
}

// otpMessageID reads SendOtpSMS's data.items[0].messageId.
func otpMessageID(data json.RawMessage) string {
	var d struct {
		Items []struct {
			MessageID json.RawMessage `json:"messageId"`
		} `json:"items"`
	}
	if json.Unmarshal(data, &d) != nil || len(d.Items) == 0 {
		return ""
	}
	return idString(d.Items[0].MessageID)
}

// idString reads an id sent as a JSON string or number; "" when it is neither.
func idString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// withoutEnvelope classifies an answer that is not a Ghasedak envelope: a success status
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
