package ghasedak

import (
	"fmt"

	"github.com/talabin/talabin/core"
)

// APIError is Ghasedak's refusal of one call: the statusCode and message of an answer with
// isSuccess false. It wraps [core.ErrInvalidInput] for statusCode 400 (the request's content:
// recipient or message) and [core.ErrSMSUnavailable] otherwise; see the package doc for why.
type APIError struct {
	// Method is the API method, e.g. "SendOtpSMS".
	Method string
	// StatusCode is the envelope's statusCode.
	StatusCode int
	// Message is the envelope's message, in Persian.
	Message string

	err error
}

// statusBadRequest is the statusCode taken to refuse the recipient or the message.
const statusBadRequest = 400

func newAPIError(method string, statusCode int, message string) *APIError {
	err := core.ErrSMSUnavailable
	if statusCode == statusBadRequest {
		err = core.ErrInvalidInput
	}
	return &APIError{Method: method, StatusCode: statusCode, Message: message, err: err}
}

// Error names the method, the class and the provider's code and message.
func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s: %v: status code %d: %s", ProviderName, e.Method, e.err, e.StatusCode, e.Message)
}

// Unwrap returns [core.ErrInvalidInput] or [core.ErrSMSUnavailable].
func (e *APIError) Unwrap() error { return e.err }
