package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
)

// contentTypeJSON is the Content-Type of every JSON response.
const contentTypeJSON = "application/json; charset=utf-8"

// writeJSON writes v as the JSON body of a response with the given status. An encoding
// failure after the header is sent can only be logged.
func writeJSON(w http.ResponseWriter, logger *slog.Logger, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		logger.Error("encode json response", "error", err)
		http.Error(w, `{"status":"fail"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	if _, err := w.Write(append(body, '\n')); err != nil {
		logger.Debug("write json response", "error", err)
	}
}
