package httpapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/talabin/talabin/core"
)

// Request headers of cookie mode (API.md §1.5).
const (
	// HeaderAuthMode set to "cookie" on login/, verify-otp/ or token/refresh/ asks for the
	// tokens as cookies instead of in the body.
	HeaderAuthMode = "X-Auth-Mode"
	// HeaderCSRFToken carries the csrftoken cookie's value on cookie-authenticated writes.
	HeaderCSRFToken = "X-CSRFToken" //nolint:gosec // G101: a header name, not a credential
)

// authModeCookie is the value of [HeaderAuthMode] that selects cookie mode.
const authModeCookie = "cookie"

// Labels of the CSRF token MACs, so that the key never MACs the same input for two uses.
const (
	csrfSessionLabel = "talabin/csrf/v1\x00"
	csrfNonceLabel   = "talabin/csrf/nonce/v1\x00"
)

// maxLoggedOrigin bounds the client-sent origin copied into a CSRF error (and so the log).
const maxLoggedOrigin = 200

// csrfTokens mints and checks CSRF tokens: for a session, base64url(HMAC(key, label|sid)),
// which the server can recompute from the session's access token alone; without a session
// (GET csrf/ before signing in), nonce.base64url(HMAC(key, label|nonce)), which no write
// accepts because it is bound to no session.
type csrfTokens struct {
	key []byte
}

// forSession returns the CSRF token of session sid.
func (t csrfTokens) forSession(sid string) string {
	return t.mac(csrfSessionLabel, sid)
}

// anonymous returns a fresh CSRF token bound to a random nonce.
func (t csrfTokens) anonymous() string {
	nonce := rand.Text()
	return nonce + "." + t.mac(csrfNonceLabel, nonce)
}

// mac returns base64url(HMAC-SHA256(key, label|msg)) without padding.
func (t csrfTokens) mac(label, msg string) string {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(label))
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validFor reports, in constant time, whether token is the CSRF token of session sid.
func (t csrfTokens) validFor(token, sid string) bool {
	return sid != "" && subtle.ConstantTimeCompare([]byte(token), []byte(t.forSession(sid))) == 1
}

// originAllowlist is the set of origins allowed to use cookie mode, each as
// "scheme://host[:port]" in lower case.
type originAllowlist map[string]struct{}

// newOriginAllowlist checks and normalises the configured origins: http or https, a host,
// no path (a trailing slash is tolerated), no query, fragment or user info, no wildcard.
func newOriginAllowlist(origins []string) (originAllowlist, error) {
	l := make(originAllowlist, len(origins))
	var errs []error
	for _, o := range origins {
		norm, ok := normalizeOrigin(strings.TrimSuffix(strings.TrimSpace(o), "/"))
		if !ok {
			errs = append(errs, fmt.Errorf("allowed origin %q must be scheme://host[:port]", o))
			continue
		}
		l[norm] = struct{}{}
	}
	return l, errors.Join(errs...)
}

// normalizeOrigin returns s as a lower-case origin when it is exactly an http(s) origin.
func normalizeOrigin(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil || u.Opaque != "" || strings.Contains(u.Host, "*") {
		return "", false
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), true
}

// allows reports whether origin (as a browser sends it) is allowlisted.
func (l originAllowlist) allows(origin string) bool {
	norm, ok := normalizeOrigin(origin)
	if !ok {
		return false
	}
	_, ok = l[norm]
	return ok
}

// requestOrigin returns the origin a browser says r comes from: the Origin header, else the
// scheme and host of the Referer.
func requestOrigin(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" {
		return o
	}
	ref, err := url.Parse(r.Header.Get("Referer"))
	if err != nil || ref.Scheme == "" || ref.Host == "" {
		return ""
	}
	return ref.Scheme + "://" + ref.Host
}

// checkRequestOrigin fails with [core.ErrCSRFFailed] unless r comes from an allowlisted
// origin.
func (a *Auth) checkRequestOrigin(r *http.Request) error {
	origin := requestOrigin(r)
	switch {
	case origin == "":
		return fmt.Errorf("%w: no origin or referer", core.ErrCSRFFailed)
	case !a.origins.allows(origin):
		if len(origin) > maxLoggedOrigin {
			origin = origin[:maxLoggedOrigin]
		}
		return fmt.Errorf("%w: origin %q not allowed", core.ErrCSRFFailed, origin)
	}
	return nil
}

// checkCSRF is the check of a cookie-authenticated write in session sid (API.md §1.5): the
// X-CSRFToken header equals the csrftoken cookie, is the session's token, and the request
// comes from an allowlisted origin. It fails with [core.ErrCSRFFailed] saying why.
func (a *Auth) checkCSRF(r *http.Request, sid string) error {
	header := r.Header.Get(HeaderCSRFToken)
	cookie, err := r.Cookie(cookieCSRF)
	switch {
	case header == "":
		return fmt.Errorf("%w: no %s header", core.ErrCSRFFailed, HeaderCSRFToken)
	case err != nil || cookie.Value == "":
		return fmt.Errorf("%w: no %s cookie", core.ErrCSRFFailed, cookieCSRF)
	case subtle.ConstantTimeCompare([]byte(header), []byte(cookie.Value)) != 1:
		return fmt.Errorf("%w: header and cookie differ", core.ErrCSRFFailed)
	case !a.csrf.validFor(header, sid):
		return fmt.Errorf("%w: token not issued for this session", core.ErrCSRFFailed)
	}
	return a.checkRequestOrigin(r)
}

// wantsCookieMode reports whether r asks for cookie mode with X-Auth-Mode: cookie.
func wantsCookieMode(r *http.Request) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get(HeaderAuthMode)), authModeCookie)
}

// inCookieMode reports whether r comes from a browser in cookie mode: it asks for it, or it
// carries one of the cookie-mode cookies and no Authorization header (which would win).
func inCookieMode(r *http.Request) bool {
	if wantsCookieMode(r) {
		return true
	}
	if r.Header.Get("Authorization") != "" {
		return false
	}
	for _, name := range []string{cookieAccess, cookieRefresh, cookieCSRF} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return true
		}
	}
	return false
}

// checkOrigin is the Origin check of public writes in cookie mode (API.md §1.5): a browser
// whose cookies the request could carry must send it from an allowlisted origin, else 403
// csrf_failed. Requests outside cookie mode (bearer clients, server-to-server) pass.
func (a *Auth) checkOrigin(next http.Handler) http.Handler {
	return HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if unsafeMethod(r.Method) && inCookieMode(r) {
			if err := a.checkRequestOrigin(r); err != nil {
				return err
			}
		}
		next.ServeHTTP(w, r)
		return nil
	})
}
