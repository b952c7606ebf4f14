package kavenegar

import (
	"fmt"
	"log/slog"

	"github.com/talabin/talabin/core"
)

// APIError is Kavenegar's refusal of one call: the return.status (PROVIDERS.md §1.5) and
// return.message of its answer. It wraps [core.ErrInvalidInput] when the refusal concerns the
// recipient or the message, and [core.ErrSMSUnavailable] otherwise.
type APIError struct {
	// Method is the API method, e.g. "verify/lookup".
	Method string
	// Status is return.status.
	Status int
	// Message is return.message, in Persian.
	Message string

	err error
}

func newAPIError(method string, status int, message string) *APIError {
	err := core.ErrSMSUnavailable
	if refusesMessage(status) {
		err = core.ErrInvalidInput
	}
	return &APIError{Method: method, Status: status, Message: message, err: err}
}

// Error names the method, the class and the provider's code and message.
func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s: %v: status %d: %s", ProviderName, e.Method, e.err, e.Status, e.Message)
}

// Unwrap returns [core.ErrInvalidInput] or [core.ErrSMSUnavailable].
func (e *APIError) Unwrap() error { return e.err }

// refusesMessage reports whether a return.status refuses this recipient or this message
// rather than our account or the service: 411 invalid receptor, 413 message empty or too
// long, 420 links not allowed, 422 invalid characters, 428 voice delivery impossible for
// the token, 431 token structure invalid. Parameter errors (400, 406) mean our request is
// malformed, which another provider may not mind, so they count as unavailable.
func refusesMessage(status int) bool {
	switch status {
	case 411, 413, 420, 422, 428, 431:
		return true
	default:
		return false
	}
}

// logLevel is Error for refusals an operator must fix (account disabled, bad key, sender
// line, IP restrictions, credit, template, service level, test account) and Warn for the
// rest (throttling, server trouble).
func (e *APIError) logLevel() slog.Level {
	switch e.Status {
	case 401, 403, 407, 412, 416, 418, 424, 426, 427, 429, 432, 501:
		return slog.LevelError
	default:
		return slog.LevelWarn
	}
}
