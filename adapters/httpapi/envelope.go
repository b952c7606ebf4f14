package httpapi

import "net/http"

// successEnvelope is the body of a successful response with one object (API.md §1.2).
type successEnvelope struct {
	Success bool   `json:"success"`
	Message string `json:"message,omitempty"`
	Data    any    `json:"data"`
}

// emptyData is the data of a response that has nothing else to say: DELETE and other
// actions answer {"success":true,"message":...,"data":{}}, never an empty body.
var emptyData = struct{}{}

// WriteData answers r with {"success":true,"data":data} and status (200 or 201, chosen by
// the handler). A nil data is sent as {} so that clients always find a data member.
func WriteData(w http.ResponseWriter, r *http.Request, status int, data any) {
	WriteMessage(w, r, status, "", data)
}

// WriteMessage answers r with {"success":true,"message":message,"data":data} and status; an
// empty message is left out and a nil data is sent as {}. The message is shown to users as
// it is, so it is written in the request's language ([LanguageOf]). DELETE handlers answer
// 200 through it, never 204.
func WriteMessage(w http.ResponseWriter, r *http.Request, status int, message string, data any) {
	if data == nil {
		data = emptyData
	}
	writeJSON(w, r, status, successEnvelope{Success: true, Message: message, Data: data})
}
