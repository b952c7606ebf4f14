package httpapi

import "net/http"

// defaultContentSecurityPolicy is the Content-Security-Policy of every response: a JSON API
// loads nothing and is framed by no one. A handler that serves its own page (the sandbox
// gateway's payment page, the docs UI) replaces it with its own policy; see [secureHeaders].
const defaultContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'"

// securityHeaders are sent on every response (API.md §1.1).
var securityHeaders = [...][2]string{
	{"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
	{"Content-Security-Policy", defaultContentSecurityPolicy},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "same-origin"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
}

// secureHeaders sets the security headers before anything else can answer, so 404s, 405s,
// recovered panics and the site checks' answers carry them too. Because they are set before
// the handler runs, a handler may still replace one (a page's own Content-Security-Policy)
// by setting it before it writes its header.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range securityHeaders {
			h.Set(kv[0], kv[1])
		}
		next.ServeHTTP(w, r)
	})
}
