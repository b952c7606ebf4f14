package httpapi

import (
	"crypto/rand"
	"net/http"
)

// HeaderRequestID is the header that carries the request id both ways (API.md §1.1).
const HeaderRequestID = "X-Request-ID"

// maxRequestIDLen is the longest client request id that is echoed.
const maxRequestIDLen = 128

// saneRequestID reports whether a client's request id may be echoed and logged: 1 to 128
// characters of A–Z, a–z, 0–9, '.', '_' and '-'.
func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// newRequestID returns a fresh request id: 26 random base32 characters.
func newRequestID() string { return rand.Text() }

// requestContext is the outermost middleware. It gives every request its state: the request
// id (the client's X-Request-ID when sane, else a new one, sent back on every response), the
// language of Accept-Language and the default body limits.
func requestContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(HeaderRequestID)
		if !saneRequestID(id) {
			id = newRequestID()
		}
		st := &requestState{
			id:    id,
			lang:  ParseAcceptLanguage(r.Header.Get("Accept-Language")),
			limit: defaultBodyLimit,
		}
		w.Header().Set(HeaderRequestID, id)
		next.ServeHTTP(w, r.WithContext(withState(r.Context(), st)))
	})
}
