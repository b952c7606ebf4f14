package httpapi

import (
	"context"

	"github.com/go-chi/chi/v5/middleware"
)

// requestState is what the router's middleware knows about one request. The request
// middleware creates it and puts it in the context; route options, the decoder, the error
// writer and the access log read and update it. Only the request's goroutine touches it.
type requestState struct {
	id    string
	lang  Language
	limit bodyLimit
	quiet bool // log the request at debug level (probes)

	ww middleware.WrapResponseWriter // the response as the access log sees it

	err   error  // the error behind an error response, for the access log
	stack []byte // the stack of a recovered panic

	decoded   *decodedBody // the body, once decoded
	decodeErr error        // why the body could not be decoded
}

// stateKey is the context key of the *requestState.
type stateKey struct{}

// withState returns ctx carrying st.
func withState(ctx context.Context, st *requestState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

// stateOf returns the state the router put in ctx, or nil outside the router.
func stateOf(ctx context.Context) *requestState {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	return st
}

// responseStarted reports whether the response of st's request has sent its header.
func (st *requestState) responseStarted() bool {
	return st != nil && st.ww != nil && st.ww.Status() != 0
}

// recordError keeps err (the first one) for the access log line of the request.
func (st *requestState) recordError(err error) {
	if st != nil && st.err == nil {
		st.err = err
	}
}

// RequestID returns the id of the request ctx belongs to (the X-Request-ID it was answered
// with), or "" outside the router.
func RequestID(ctx context.Context) string {
	if st := stateOf(ctx); st != nil {
		return st.id
	}
	return ""
}
