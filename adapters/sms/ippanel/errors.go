package ippanel

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/talabin/talabin/core"
)

// APIError is IPPanel's refusal of one send: an answer with meta.status false. It wraps
// [core.ErrInvalidInput] when it is a validation refusal (HTTP 422 or 400) whose field errors
// all concern the recipients or the message, and [core.ErrSMSUnavailable] otherwise.
type APIError struct {
	// SendingType is the refused send's sending_type, "pattern" or "webservice".
	SendingType string
	// HTTPStatus is the answer's HTTP status.
	HTTPStatus int
	// MessageCode is meta.message_code, e.g. "400-1" (invalid token) or "400-2" (validation).
	MessageCode string
	// Message is meta.message, in Persian.
	Message string
	// Fields lists the keys of meta.errors, sorted, e.g. "recipients.0" or "code".
	Fields []string

	err error
}

func newAPIError(kind string, httpStatus int, messageCode, message string, fields []string) *APIError {
	err := core.ErrSMSUnavailable
	if refusesMessage(httpStatus, fields) {
		err = core.ErrInvalidInput
	}
	return &APIError{
		SendingType: kind, HTTPStatus: httpStatus, MessageCode: messageCode, Message: message, Fields: fields, err: err,
	}
}

// Error names the send, the class and the provider's status, code, message and fields.
func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s: %v: HTTP status %d, message code %s: %s (fields: %s)",
		ProviderName, e.SendingType, e.err, e.HTTPStatus, e.MessageCode, e.Message, strings.Join(e.Fields, ", "))
}

// Unwrap returns [core.ErrInvalidInput] or [core.ErrSMSUnavailable].
func (e *APIError) Unwrap() error { return e.err }

// refusesMessage reports whether a refusal concerns only this recipient or this message: a
// validation status whose field errors all name a recipients field (recipients,
// recipients.0, params.recipients.0) or the message. Errors on the pattern code, the line
// or the pattern's parameters come from our configuration, so they count as unavailable.
func refusesMessage(httpStatus int, fields []string) bool {
	if httpStatus != http.StatusUnprocessableEntity && httpStatus != http.StatusBadRequest || len(fields) == 0 {
		return false
	}
	for _, f := range fields {
		if f != "message" && !strings.HasPrefix(f, "recipients") && !strings.HasPrefix(f, "params.recipients") {
			return false
		}
	}
	return true
}
