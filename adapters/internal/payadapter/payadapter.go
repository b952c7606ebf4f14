// Package payadapter holds what every payment gateway adapter does the same way, so that all
// of them refuse the same arguments and read failures alike, as [ports.PaymentGateway]
// documents: the argument checks made before any request ([CheckRequest], [CheckOrderID]),
// how a failed exchange ([TransportError]) and an answer that is not the gateway's
// ([UnreadableAnswer]) read as the port's errors, and how a callback field is read
// ([SingleValue]). Each adapter keeps what is its gateway's own: the wire format and the
// meaning of the gateway's refusals.
//
// Every error it returns starts with the gateway's name and, for a call, the API method.
package payadapter

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// UserAgent is the User-Agent the payment adapters' HTTP clients send.
const UserAgent = "talabin-payment"

// TransportError classifies err, a failure of the HTTP exchange itself (no answer was read),
// given ctx, the caller's context, and written, whether the whole request had been written
// (see [outbound.StartRequest]). After the request was written the outcome is unknown
// ([ports.ErrPaymentOutcomeUnknown]); before it nothing was sent, which reads as the
// context's error when the caller gave up and as [core.ErrGatewayUnavailable] otherwise. The
// URL is dropped from the error, and when the caller's context has ended the error is marked
// with [outbound.CallerGone] so that the breaker ignores it.
func TransportError(ctx context.Context, provider, method string, written bool, err error) error {
	err = outbound.WithoutURL(err)
	var out error
	switch {
	case written:
		out = fmt.Errorf("%s: %s: %w: %w", provider, method, ports.ErrPaymentOutcomeUnknown, err)
	case ctx.Err() != nil:
		out = fmt.Errorf("%s: %s: %w", provider, method, ctx.Err())
	default:
		out = fmt.Errorf("%s: %s: %w: %w", provider, method, core.ErrGatewayUnavailable, err)
	}
	if ctx.Err() != nil {
		return outbound.CallerGone(out)
	}
	return out
}

// UnreadableAnswer classifies an answer that is not the gateway's envelope: a 2xx or a
// proxy's 504 may hide an action taken ([ports.ErrPaymentOutcomeUnknown]); any other status
// means the API did not act ([core.ErrGatewayUnavailable]).
func UnreadableAnswer(provider, method string, httpStatus int) error {
	if httpStatus/100 == 2 || httpStatus == http.StatusGatewayTimeout {
		return fmt.Errorf("%s: %s: %w: unreadable answer with HTTP status %d",
			provider, method, ports.ErrPaymentOutcomeUnknown, httpStatus)
	}
	return fmt.Errorf("%s: %s: %w: HTTP status %d without an api answer",
		provider, method, core.ErrGatewayUnavailable, httpStatus)
}

// CheckRequest refuses, with [core.ErrInvalidInput], a request the port forbids: an amount
// that is not positive, an order id [CheckOrderID] refuses, or a callback URL that is not
// absolute http(s). Gateway-specific limits (amount range, field lengths) are the gateway's
// to enforce.
func CheckRequest(provider string, req ports.PaymentRequest) error {
	if req.Amount <= 0 {
		return fmt.Errorf("%s: %w: amount must be positive", provider, core.ErrInvalidInput)
	}
	if err := CheckOrderID(provider, req.OrderID); err != nil {
		return err
	}
	if err := outbound.ValidateBaseURL(req.CallbackURL); err != nil {
		return fmt.Errorf("%s: %w: callback %w", provider, core.ErrInvalidInput, err)
	}
	if _, err := url.Parse(req.CallbackURL); err != nil {
		return fmt.Errorf("%s: %w: callback url", provider, core.ErrInvalidInput)
	}
	return nil
}

// CheckOrderID refuses, with [core.ErrInvalidInput], an order id that is not 1 to 50
// printable ASCII characters ([ports.PaymentRequest.OrderID]).
func CheckOrderID(provider, orderID string) error {
	if orderID == "" || len(orderID) > 50 {
		return fmt.Errorf("%s: %w: order id must be 1 to 50 characters", provider, core.ErrInvalidInput)
	}
	for _, r := range orderID {
		if r < 0x21 || r > 0x7e {
			return fmt.Errorf("%s: %w: order id must be printable ascii", provider, core.ErrInvalidInput)
		}
	}
	return nil
}

// SingleValue returns the one value of a callback's field key, refusing it with
// [core.ErrInvalidInput] when missing or given more than once with different values.
func SingleValue(provider string, fields url.Values, key string) (string, error) {
	vs := fields[key]
	if len(vs) == 0 {
		return "", fmt.Errorf("%s: callback: %w: %s missing", provider, core.ErrInvalidInput, key)
	}
	for _, v := range vs[1:] {
		if v != vs[0] {
			return "", fmt.Errorf("%s: callback: %w: conflicting %s", provider, core.ErrInvalidInput, key)
		}
	}
	return vs[0], nil
}

// CallbackFields returns a gateway return's fields: a GET's query or a POST's urlencoded
// form of at most maxBody bytes. Other methods, other bodies, oversized bodies and bad escapes
// read as [core.ErrInvalidInput], named after provider.
func CallbackFields(provider string, r *http.Request, maxBody int64) (url.Values, error) {
	bad := func(why string) (url.Values, error) {
		return nil, fmt.Errorf("%s: callback: %w: %s", provider, core.ErrInvalidInput, why)
	}
	switch r.Method {
	case http.MethodGet:
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return bad("bad query")
		}
		return q, nil
	case http.MethodPost:
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
			return bad("body is no urlencoded form")
		}
		if r.Body == nil {
			return bad("empty body")
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return bad("unreadable body")
		}
		if int64(len(body)) > maxBody {
			return bad("oversized body")
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return bad("bad form")
		}
		return form, nil
	default:
		return bad("method " + r.Method)
	}
}
