package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/talabin/talabin/core"
)

// securityEvent names the security event err is, or "" when it is none. Rate limits count
// only when this layer refused the request: the services log their own.
func securityEvent(err error) string {
	var denial *rateLimitDenial
	switch {
	case errors.Is(err, core.ErrCSRFFailed):
		return "csrf_failed"
	case errors.Is(err, core.ErrTokenReused):
		return "token_reused"
	case errors.Is(err, core.ErrTokenRevoked):
		return "token_revoked"
	case errors.As(err, &denial):
		return "rate_limit_exceeded"
	}
	return ""
}

// securityEvents writes one line to the security log for each request answered with a
// security event: a CSRF failure, a revoked or reused token, a rate-limit denial. It reads
// the error the answer recorded, so it sees the middleware's and the handlers' alike.
func (a *Auth) securityEvents(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		st := stateOf(r.Context())
		if st == nil || st.err == nil {
			return
		}
		event := securityEvent(st.err)
		if event == "" {
			return
		}
		attrs := []slog.Attr{
			slog.String("event", event),
			slog.String("request_id", st.id),
			slog.String("ip", ClientIP(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("user_agent", r.UserAgent()),
			slog.String("error", st.err.Error()),
		}
		if p, ok := PrincipalOf(r.Context()); ok {
			attrs = append(attrs, slog.String("user_id", p.UserID.String()), slog.String("session_id", p.SessionID))
		}
		a.security.LogAttrs(r.Context(), slog.LevelWarn, "security event", attrs...)
	})
}
