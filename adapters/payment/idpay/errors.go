package idpay

import (
	"fmt"
	"log/slog"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// APIError is IDPay's refusal of one call: error_code (PROVIDERS.md §5.4), error_message and
// the HTTP status it came with. It wraps the port error the code reads as (see [classify]).
type APIError struct {
	// Method is the endpoint, e.g. "payment/verify".
	Method string
	// Code is error_code.
	Code int
	// Message is error_message.
	Message string
	// HTTPStatus is the answer's HTTP status.
	HTTPStatus int

	err error
}

func newAPIError(method string, code int, message string, httpStatus int) *APIError {
	return &APIError{Method: method, Code: code, Message: message, HTTPStatus: httpStatus, err: classify(code)}
}

// Error names the method, the class and the code.
func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s: %v: error_code %d (HTTP %d): %s", ProviderName, e.Method, e.err, e.Code, e.HTTPStatus, e.Message)
}

// Unwrap returns the port error of the code.
func (e *APIError) Unwrap() error { return e.err }

// classify maps an error_code of §5.4 to the port's errors:
//   - 11 (user blocked), 12 (API key not found), 13 (IP not registered), 14 (web service
//     under review), 21 and 24 (bank account not approved or disabled), 22 (web service not
//     found), 23 (web service validation failed): [core.ErrGatewayUnavailable]; an operator
//     must fix the account or the configuration.
//   - 51 (transaction not created): [core.ErrGatewayUnavailable]; IDPay did not act.
//   - 52 (no such payment for this id and order id): [core.ErrNotFound].
//   - every other code (31..39 validation, amounts and callback domain, 41..44 list filters,
//     53 and 54 not verifiable): our request was refused, [core.ErrInvalidInput].
//
// 53 and 54 never reach a caller of Verify: it reads them as [ports.PaymentNotPaid].
func classify(code int) error {
	switch code {
	case 11, 12, 13, 14, 21, 22, 23, 24, 51:
		return core.ErrGatewayUnavailable
	case 52:
		return core.ErrNotFound
	default:
		return core.ErrInvalidInput
	}
}

// notVerifiable reports whether the code says a verify can never succeed: 53 (not paid or
// not in a verifiable state) and 54 (the verify window passed, IDPay returned the money).
func (e *APIError) notVerifiable() bool { return e.Code == 53 || e.Code == 54 }

// logLevel is Error for refusals an operator must fix and Warn for the rest.
func (e *APIError) logLevel() slog.Level {
	switch e.Code {
	case 11, 12, 13, 14, 21, 22, 23, 24, 38:
		return slog.LevelError
	default:
		return slog.LevelWarn
	}
}

// mismatch is the error of an answer whose echo differs from our record.
func mismatch(method, field, got, want string) error {
	return fmt.Errorf("%s: %s: %w: %s %q, ours %q", ProviderName, method, ports.ErrPaymentMismatch, field, got, want)
}
