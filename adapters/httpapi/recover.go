package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
)

// errPanic marks the error recorded for a recovered panic. It is not in the error table, so
// a panic always answers 500 internal_error, whatever value it carried.
var errPanic = errors.New("handler panicked")

// recoverer turns a panic in a handler into a 500 internal_error envelope (when nothing was
// written yet) and hands the panic value and stack to the access log. http.ErrAbortHandler is
// re-raised: it is net/http's way to abort a response on purpose.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			if st := stateOf(r.Context()); st != nil {
				st.stack = debug.Stack()
			}
			WriteError(w, r, fmt.Errorf("%w: %v", errPanic, v))
		}()
		next.ServeHTTP(w, r)
	})
}
