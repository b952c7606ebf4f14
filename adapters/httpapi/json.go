package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// contentTypeJSON is the Content-Type of every JSON response.
const contentTypeJSON = "application/json; charset=utf-8"

// internalErrorBody is sent when a response body cannot be encoded; it is the error
// envelope of internal_error without a request id.
var internalErrorBody = []byte(`{"success":false,"error":{"code":"internal_error","message":"An internal server error occurred.","details":{},"request_id":""}}` + "\n")

// encodeJSON returns v as one line of JSON. HTML characters are not escaped: every body is
// served as application/json with nosniff.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeJSON writes v as the JSON body of a response with the given status. When v cannot be
// encoded the client gets a 500 internal_error envelope and the encoding error goes to the
// access log. A failed write (the client went away) is not reported: there is no one left to
// answer.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := encodeJSON(v)
	if err != nil {
		stateOf(r.Context()).recordError(fmt.Errorf("encode json response: %w", err))
		body, status = encodeInternalError(r)
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(body) //nolint:gosec // G705: a JSON body served as application/json with nosniff, never HTML
}

// encodeInternalError returns the internal_error envelope for r in its language.
func encodeInternalError(r *http.Request) ([]byte, int) {
	body, err := encodeJSON(errorEnvelope{Error: errorBody{
		Code:      codeInternal,
		Message:   codeMessage(codeInternal, LanguageOf(r)),
		Details:   map[string]any{},
		RequestID: RequestID(r.Context()),
	}})
	if err != nil {
		return internalErrorBody, http.StatusInternalServerError
	}
	return body, http.StatusInternalServerError
}
