package httpapi

import (
	"cmp"
	"net/http"
	"time"

	"github.com/talabin/talabin/ports"
)

// The cookies of cookie mode (API.md §1.5).
const (
	cookieAccess  = "access_token"
	cookieRefresh = "refresh_token"
	cookieCSRF    = "csrftoken"
)

// Paths of the cookies: the access token goes to every API call, the refresh token only to
// the auth endpoints that read it, the CSRF token to every page so scripts can read it.
const (
	cookiePathAccess  = "/api/"
	cookiePathRefresh = "/api/auth/"
	cookiePathCSRF    = "/"
)

// setSessionCookies stores the pair t as cookies (access_token HttpOnly, SameSite=Lax;
// refresh_token HttpOnly, SameSite=Strict) with the session's CSRF token, each Secure as
// configured.
func (a *Auth) setSessionCookies(w http.ResponseWriter, t ports.Tokens) {
	refreshTTL := cmp.Or(t.RefreshTTL, a.refreshTTL)
	http.SetCookie(w, a.cookie(cookieAccess, t.Access, cookiePathAccess, cmp.Or(t.AccessTTL, a.accessTTL), true, http.SameSiteLaxMode))
	http.SetCookie(w, a.cookie(cookieRefresh, t.Refresh, cookiePathRefresh, refreshTTL, true, http.SameSiteStrictMode))
	a.setCSRFCookie(w, a.csrf.forSession(t.SessionID), refreshTTL)
}

// setCSRFCookie stores token as the csrftoken cookie: readable by scripts, which copy it to
// X-CSRFToken.
func (a *Auth) setCSRFCookie(w http.ResponseWriter, token string, ttl time.Duration) {
	http.SetCookie(w, a.cookie(cookieCSRF, token, cookiePathCSRF, ttl, false, http.SameSiteLaxMode))
}

// clearCookies removes the three cookies of cookie mode (logout).
func (a *Auth) clearCookies(w http.ResponseWriter) {
	http.SetCookie(w, a.cookie(cookieAccess, "", cookiePathAccess, -1, true, http.SameSiteLaxMode))
	http.SetCookie(w, a.cookie(cookieRefresh, "", cookiePathRefresh, -1, true, http.SameSiteStrictMode))
	http.SetCookie(w, a.cookie(cookieCSRF, "", cookiePathCSRF, -1, false, http.SameSiteLaxMode))
}

// cookie builds one cookie; a negative ttl deletes it (Max-Age=0).
func (a *Auth) cookie(name, value, path string, ttl time.Duration, httpOnly bool, sameSite http.SameSite) *http.Cookie {
	maxAge := -1
	if ttl >= 0 {
		maxAge = max(int(ceilSeconds(ttl)), 1)
	}
	// Secure follows CookieSecure (off only for plain-HTTP development); HttpOnly and SameSite
	// are chosen per cookie as API.md §1.5 says (scripts must read csrftoken).
	return &http.Cookie{ //nolint:gosec // G124: attributes set per cookie above
		Name:     name,
		Value:    value,
		Path:     path,
		MaxAge:   maxAge,
		HttpOnly: httpOnly,
		Secure:   a.secure,
		SameSite: sameSite,
	}
}
