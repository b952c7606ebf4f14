package httpapi

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/talabin/talabin/core"
)

// msgHTTPSRequired answers a write sent over plain HTTP to a site that requires HTTPS.
var msgHTTPSRequired = localized{
	"این سرویس فقط از راه HTTPS در دسترس است؛ درخواست را به نشانی https بفرستید.",
	"This service is only available over HTTPS; send the request to its https:// address.",
}

// isHTTPS reports whether r reached the site over HTTPS: its connection is TLS, or its peer
// is a trusted proxy and the first value of X-Forwarded-Proto is "https" (Django's
// SECURE_PROXY_SSL_HEADER reads the first value too). The proxy must set the header itself,
// replacing any the client sent. From any other peer the header is ignored: anyone can
// send it.
func isHTTPS(r *http.Request, trusted []netip.Prefix) bool {
	if r.TLS != nil {
		return true
	}
	peer, ok := parseHop(r.RemoteAddr)
	if !ok || !isTrusted(peer, trusted) {
		return false
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// redirectToHTTPS sends a request that did not arrive over HTTPS ([isHTTPS] with trusted) to
// https:// (see [SiteConfig.HTTPSRedirect]): GET and HEAD are redirected with 301 to the same
// host, path and query; other methods are refused with 400 validation_error. The probes pass
// as they are.
func redirectToHTTPS(trusted []netip.Prefix) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case isProbe(r) || isHTTPS(r, trusted):
				next.ServeHTTP(w, r)
			case r.Method == http.MethodGet || r.Method == http.MethodHead:
				// The host check has already run when hosts are configured, so Host is one of
				// the site's names: the redirect cannot point elsewhere.
				w.Header().Set("Location", "https://"+r.Host+r.URL.RequestURI())
				w.WriteHeader(http.StatusMovedPermanently)
			default:
				WriteError(w, r, core.FieldError(core.NonFieldErrors, msgHTTPSRequired.in(LanguageOf(r))))
			}
		})
	}
}
