package httpapi

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// accessLog logs one line per request after it is served: method, route pattern (empty when
// no route matched), status, duration, bytes written and request id, plus the error behind
// an error response and the stack of a recovered panic. Bodies, query strings and headers are
// never logged. 5xx lines are errors, others info; routes registered with [QuietLog] log at
// debug level unless they answered an error through [WriteError] (or panicked). observe,
// when not nil, is told about every request as well (see [MetricsEndpoint].ObserveFunc).
func accessLog(logger *slog.Logger, observe func(ServedRequest)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			st := stateOf(r.Context())
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			st.ww = ww
			start := time.Now()

			next.ServeHTTP(ww, r)
			elapsed := time.Since(start)

			status := ww.Status()
			if status == 0 {
				status = http.StatusOK // nothing written: net/http answers 200
			}
			level := slog.LevelInfo
			switch {
			case st.quiet && st.err == nil:
				level = slog.LevelDebug
			case status >= http.StatusInternalServerError:
				level = slog.LevelError
			}
			route := ""
			if rctx := chi.RouteContext(r.Context()); rctx != nil {
				// Joined by hand: RoutePattern drops the trailing slash of the documented form.
				route = strings.Join(rctx.RoutePatterns, "")
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Duration("duration", elapsed),
				slog.Int("bytes", ww.BytesWritten()),
				slog.String("request_id", st.id),
			}
			if st.err != nil {
				attrs = append(attrs, slog.String("error", st.err.Error()))
			}
			if st.stack != nil {
				attrs = append(attrs, slog.String("stack", string(st.stack)))
			}
			logger.LogAttrs(r.Context(), level, "http request", attrs...)
			if observe != nil {
				observe(ServedRequest{Method: r.Method, Route: route, Status: status, Duration: elapsed})
			}
		})
	}
}
