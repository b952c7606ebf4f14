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
const ProviderName = "ghasedak"

// Client sends SMS through Ghasedak. Build it with [New]; it is safe for concurrent use.
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
			Headers:   map[string]string{"Accept": "application/json", "ApiKey": cfg.APIKey},
			UserAgent: smsadapter.UserAgent,
		}),
		breaker: smsadapter.NewBreaker(ProviderName, cfg.Breaker, cfg.Logger),
	}, nil
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
	if err := smsadapter.CheckOTP(ProviderName, to, code); err != nil {
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
	if err := smsadapter.CheckText(ProviderName, to, text); err != nil {
		return ports.SMSReceipt{}, err
	}
	body := singleRequest{LineNumber: c.cfg.LineNumber, Receptor: to.Local(), Message: text}
	return c.call(ctx, "SendSingleSMS", body, singleMessageID)
}

// call runs one API method through the breaker; messageID reads the message id from a
// success's data.
func (c *Client) call(ctx context.Context, method string, body any, messageID func(json.RawMessage) string) (ports.SMSReceipt, error) {
	return smsadapter.Call(ctx, c.breaker, ProviderName, method, func() (ports.SMSReceipt, error) {
		return c.post(ctx, method, body, messageID)
	})
}

// post makes one HTTP request and reads its answer.
func (c *Client) post(ctx context.Context, method string, body any, messageID func(json.RawMessage) string) (ports.SMSReceipt, error) {
	reqCtx, written, cancel := outbound.StartRequest(ctx, c.cfg.Timeout)
	defer cancel()
	resp, err := c.http.R().
		SetContext(reqCtx).
		SetHeader("Content-Type", "application/json").
		SetBody(body).
		Post(c.cfg.BaseURL + "/" + method)
	if err != nil {
		return ports.SMSReceipt{}, smsadapter.TransportError(ctx, ProviderName, method, written(), err)
	}
	receipt, err := interpret(method, resp.StatusCode(), resp.Body(), messageID)
	var apiErr *APIError
	if errors.As(err, &apiErr) && errors.Is(err, core.ErrSMSUnavailable) {
		c.cfg.Logger.Warn("sms provider refused the call",
			"provider", ProviderName, "method", method, "status_code", apiErr.StatusCode, "message", apiErr.Message)
	}
	return receipt, err
}

// envelope is every Ghasedak answer. IsSuccess is a pointer so that a JSON body without it
// is told apart from a refusal.
type envelope struct {
	IsSuccess  *bool           `json:"isSuccess"`
	StatusCode int             `json:"statusCode"`
	Message    string          `json:"message"`
	Data       json.RawMessage `json:"data"`
}

// interpret reads an answer. An answer that is not a Ghasedak envelope reads as
// [smsadapter.UnreadableAnswer] says.
func interpret(method string, httpStatus int, body []byte, messageID func(json.RawMessage) string) (ports.SMSReceipt, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.IsSuccess == nil {
		return ports.SMSReceipt{}, smsadapter.UnreadableAnswer(ProviderName, method, httpStatus)
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
