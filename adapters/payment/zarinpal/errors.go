package zarinpal

import (
	"fmt"
	"log/slog"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// APIError is ZarinPal's refusal of one call: errors.code (PROVIDERS.md §4.4) and
// errors.message. It wraps the port error the code reads as (see [classify]).
type APIError struct {
	// Method is the endpoint, e.g. "verify".
	Method string
	// Code is errors.code (negative).
	Code int
	// Message is errors.message.
	Message string

	err error
}

func newAPIError(method string, code int, message string) *APIError {
	return &APIError{Method: method, Code: code, Message: message, err: classify(code)}
}

// Error names the method, the class and the code.
func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s: %v: code %d: %s", ProviderName, e.Method, e.err, e.Code, e.Message)
}

// Unwrap returns the port error of the code.
func (e *APIError) Unwrap() error { return e.err }

// classify maps a code of §4.4 to the port's errors:
//   - -50 (verify amount differs from the paid one): [ports.ErrPaymentMismatch].
//   - -53 (another merchant's authority), -54 (invalid authority), -55 (request not
//     found): [core.ErrNotFound].
//   - -52 (unexpected error at ZarinPal): [ports.ErrPaymentOutcomeUnknown].
//   - -10, -11, -15..-19 (terminal or merchant refused), -12 (throttled), -13 (terminal
//     limit): [core.ErrGatewayUnavailable]; an operator or time fixes them.
//   - every other code (-9 validation, -14 callback domain, -30..-41 wages and amounts,
//     -60..-63 reverse): our request was refused, [core.ErrInvalidInput].
//
// -51 (not paid) never reaches here: Verify reads it as [ports.PaymentNotPaid].
func classify(code int) error {
	switch code {
	case -50:
		return ports.ErrPaymentMismatch
	case -53, -54, -55:
		return core.ErrNotFound
	case -52:
		return ports.ErrPaymentOutcomeUnknown
	case -10, -11, -12, -13, -15, -16, -17, -18, -19:
		return core.ErrGatewayUnavailable
	default:
		return core.ErrInvalidInput
	}
}

// logLevel is Error for refusals an operator must fix and Warn for the rest.
func (e *APIError) logLevel() slog.Level {
	switch e.Code {
	case -10, -11, -14, -15, -16, -17, -18, -19:
		return slog.LevelError
	default:
		return slog.LevelWarn
	}
}
