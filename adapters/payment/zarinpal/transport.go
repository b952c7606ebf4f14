package zarinpal

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// transportError classifies a failed exchange: after the request was written the outcome is
// unknown; before it nothing was sent, which reads as the caller's context error when it
// gave up and as [core.ErrGatewayUnavailable] otherwise. A caller giving up is marked with
// [outbound.CallerGone] so that the breaker ignores it.
func transportError(ctx context.Context, method string, written bool, err error) error {
	err = outbound.WithoutURL(err)
	var out error
	switch {
	case written:
		out = fmt.Errorf("%s: %s: %w: %w", ProviderName, method, ports.ErrPaymentOutcomeUnknown, err)
	case ctx.Err() != nil:
		out = fmt.Errorf("%s: %s: %w", ProviderName, method, ctx.Err())
	default:
		out = fmt.Errorf("%s: %s: %w: %w", ProviderName, method, core.ErrGatewayUnavailable, err)
	}
	if ctx.Err() != nil {
		return outbound.CallerGone(out)
	}
	return out
}

// unreadableAnswer classifies an answer that is not ZarinPal's envelope: a 2xx or a proxy's
// 504 may hide an action taken (unknown); any other status means the API did not act.
func unreadableAnswer(method string, httpStatus int) error {
	if httpStatus/100 == 2 || httpStatus == http.StatusGatewayTimeout {
		return fmt.Errorf("%s: %s: %w: unreadable answer with HTTP status %d",
			ProviderName, method, ports.ErrPaymentOutcomeUnknown, httpStatus)
	}
	return fmt.Errorf("%s: %s: %w: HTTP status %d without an api answer",
		ProviderName, method, core.ErrGatewayUnavailable, httpStatus)
}

// checkRequest refuses a request the port forbids before any call.
func checkRequest(req ports.PaymentRequest) error {
	if req.Amount <= 0 {
		return fmt.Errorf("%s: %w: amount must be positive", ProviderName, core.ErrInvalidInput)
	}
	if req.OrderID == "" || len(req.OrderID) > 50 {
		return fmt.Errorf("%s: %w: order id must be 1 to 50 characters", ProviderName, core.ErrInvalidInput)
	}
	for _, r := range req.OrderID {
		if r < 0x21 || r > 0x7e {
			return fmt.Errorf("%s: %w: order id must be printable ascii", ProviderName, core.ErrInvalidInput)
		}
	}
	if err := outbound.ValidateBaseURL(req.CallbackURL); err != nil {
		return fmt.Errorf("%s: %w: callback %w", ProviderName, core.ErrInvalidInput, err)
	}
	if _, err := url.Parse(req.CallbackURL); err != nil {
		return fmt.Errorf("%s: %w: callback url", ProviderName, core.ErrInvalidInput)
	}
	return nil
}

// checkAuthority refuses an authority that is not well-formed.
func checkAuthority(authority string) error {
	if !authorityPattern.MatchString(authority) {
		return fmt.Errorf("%s: %w: malformed authority", ProviderName, core.ErrInvalidInput)
	}
	return nil
}
