// Package smsadapter holds what every SMS adapter does the same way, so that all of them
// refuse the same arguments and read failures alike, as [ports.SMSSender] documents: the
// argument checks made before any request ([CheckOTP], [CheckText]), the breaker for which a
// refused recipient or message shows the provider works ([NewBreaker]), and how an open
// breaker ([Call]), a failed exchange ([TransportError]) and an answer that is not the
// provider's ([UnreadableAnswer]) read as the port's errors. Each adapter keeps what is its
// provider's own: the wire format and the meaning of the provider's refusals.
//
// Every error it returns starts with the provider's name and, for a call, the API method.
package smsadapter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/sony/gobreaker/v2"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// UserAgent is the User-Agent the SMS adapters' HTTP clients send.
const UserAgent = "talabin-sms"

// CheckOTP returns an error wrapping [core.ErrInvalidInput] when to is the zero number or
// code is not 4 to 10 ASCII digits, the token every provider's template route takes; nil
// otherwise.
func CheckOTP(provider string, to iran.Mobile, code string) error {
	if err := checkRecipient(provider, to); err != nil {
		return err
	}
	if len(code) < 4 || len(code) > 10 {
		return fmt.Errorf("%s: %w: code must be 4 to 10 digits", provider, core.ErrInvalidInput)
	}
	for i := range len(code) {
		if code[i] < '0' || code[i] > '9' {
			return fmt.Errorf("%s: %w: code must be ascii digits", provider, core.ErrInvalidInput)
		}
	}
	return nil
}

// CheckText returns an error wrapping [core.ErrInvalidInput] when to is the zero number or
// text is empty; nil otherwise. The length limit is the provider's to enforce.
func CheckText(provider string, to iran.Mobile, text string) error {
	if err := checkRecipient(provider, to); err != nil {
		return err
	}
	if text == "" {
		return fmt.Errorf("%s: %w: text is empty", provider, core.ErrInvalidInput)
	}
	return nil
}

// checkRecipient refuses the zero number.
func checkRecipient(provider string, to iran.Mobile) error {
	if to.IsZero() {
		return fmt.Errorf("%s: %w: recipient is required", provider, core.ErrInvalidInput)
	}
	return nil
}

// NewBreaker returns the circuit breaker of one provider, as [outbound.NewBreaker] builds
// it, for which an error wrapping [core.ErrInvalidInput] (the provider refused this
// recipient or this message) is a success: it shows the provider works.
func NewBreaker(provider string, cfg outbound.BreakerConfig, logger *slog.Logger) *gobreaker.CircuitBreaker[ports.SMSReceipt] {
	return outbound.NewBreaker[ports.SMSReceipt](provider, cfg, logger, func(err error) bool {
		return err == nil || errors.Is(err, core.ErrInvalidInput)
	})
}

// Call runs send, one request of the API method, through breaker. A context that has
// already ended stops it before the breaker and reads as the context's error; an open
// breaker, or a half-open one busy with its trial call, reads as [core.ErrSMSUnavailable]
// without a request.
func Call(ctx context.Context, breaker *gobreaker.CircuitBreaker[ports.SMSReceipt], provider, method string,
	send func() (ports.SMSReceipt, error),
) (ports.SMSReceipt, error) {
	if err := ctx.Err(); err != nil {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w", provider, method, err)
	}
	receipt, err := breaker.Execute(send)
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %s: %w: %w", provider, method, core.ErrSMSUnavailable, err)
	}
	return receipt, err
}

// TransportError classifies err, a failure of the HTTP exchange itself (no answer was read),
// given ctx, the caller's context, and written, whether the whole request had been written
// (see [outbound.StartRequest]). After the request was written the outcome is unknown
// ([ports.ErrSMSOutcomeUnknown]); before it, nothing was sent, which reads as the context's
// error when the caller gave up and as [core.ErrSMSUnavailable] otherwise. The URL, which may
// hold the API key, is dropped from the error, and when the caller's context has ended the
// error is marked with [outbound.CallerGone] so that the breaker ignores it.
func TransportError(ctx context.Context, provider, method string, written bool, err error) error {
	err = outbound.WithoutURL(err)
	var out error
	switch {
	case written:
		out = fmt.Errorf("%s: %s: %w: %w", provider, method, ports.ErrSMSOutcomeUnknown, err)
	case ctx.Err() != nil:
		out = fmt.Errorf("%s: %s: %w", provider, method, ctx.Err())
	default:
		out = fmt.Errorf("%s: %s: %w: %w", provider, method, core.ErrSMSUnavailable, err)
	}
	if ctx.Err() != nil {
		return outbound.CallerGone(out)
	}
	return out
}

// UnreadableAnswer classifies an answer that is not the provider's envelope, such as a
// proxy's error page: a success status may have meant the message was sent, and so may a
// proxy's gateway timeout ([ports.ErrSMSOutcomeUnknown]); any other status means the API did
// not take the request ([core.ErrSMSUnavailable]).
func UnreadableAnswer(provider, method string, httpStatus int) error {
	if httpStatus/100 == 2 || httpStatus == http.StatusGatewayTimeout {
		return fmt.Errorf("%s: %s: %w: unreadable answer with HTTP status %d",
			provider, method, ports.ErrSMSOutcomeUnknown, httpStatus)
	}
	return fmt.Errorf("%s: %s: %w: HTTP status %d without an api answer",
		provider, method, core.ErrSMSUnavailable, httpStatus)
}
