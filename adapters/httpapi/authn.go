package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// PrincipalOf returns the authenticated caller of the request ctx belongs to, and false for
// an anonymous request.
func PrincipalOf(ctx context.Context) (ports.Principal, bool) {
	if c := callerOf(ctx); c != nil && c.signedIn {
		return c.principal, true
	}
	return ports.Principal{}, false
}

// credentials is how a request tries to authenticate.
type credentials struct {
	token    string
	present  bool // Authorization or the access_token cookie was sent
	byCookie bool
}

// credentialsOf reads r's access token (API.md §1.5): an Authorization header wins, and then
// only a Bearer token counts (another scheme is no credentials, as simplejwt had it);
// without the header, the access_token cookie.
func credentialsOf(r *http.Request) credentials {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, _ := strings.Cut(strings.TrimSpace(h), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return credentials{}
		}
		return credentials{token: strings.TrimSpace(token), present: true}
	}
	if c, err := r.Cookie(cookieAccess); err == nil && c.Value != "" {
		return credentials{token: c.Value, present: true, byCookie: true}
	}
	return credentials{}
}

// authenticate returns middleware that authenticates the request with [ports.Accounts]. When
// required, no credentials answer 401 not_authenticated and a bad token the service's 401
// (token_expired, token_invalid, token_revoked); otherwise both leave the request anonymous
// (a failure of the service itself is still answered).
// A cookie-authenticated write must pass the CSRF check (403 csrf_failed) either way: the
// cookie would otherwise act for a forged cross-site request. Authenticated responses carry
// Cache-Control: no-store.
func (a *Auth) authenticate(required bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			cred := credentialsOf(r)
			if !cred.present {
				if required {
					return core.ErrNotAuthenticated
				}
				next.ServeHTTP(w, r)
				return nil
			}
			p, err := a.verify(r.Context(), cred.token)
			if err != nil {
				if status, _ := ErrorStatus(err); required || status != http.StatusUnauthorized {
					return err
				}
				next.ServeHTTP(w, r) // a bad token on a public route: anonymous
				return nil
			}
			c, r := ensureCaller(r)
			p.Client = ClientOf(r)
			c.principal, c.signedIn, c.byCookie = p, true, cred.byCookie
			w.Header().Set("Cache-Control", "no-store")
			if cred.byCookie && unsafeMethod(r.Method) {
				if err := a.checkCSRF(r, p.SessionID); err != nil {
					return err
				}
			}
			next.ServeHTTP(w, r)
			return nil
		})
	}
}

// verify checks an access token; an empty one is invalid without asking the service.
func (a *Auth) verify(ctx context.Context, token string) (ports.Principal, error) {
	if token == "" {
		return ports.Principal{}, core.ErrTokenInvalid
	}
	return a.accounts.Authenticate(ctx, token)
}

// principal returns the caller of a route behind [Auth.User]; a route registered without it
// answers 401 rather than act for nobody.
func principal(r *http.Request) (ports.Principal, error) {
	p, ok := PrincipalOf(r.Context())
	if !ok {
		return ports.Principal{}, core.ErrNotAuthenticated
	}
	return p, nil
}

// unsafeMethod reports whether method may change state, so needs the CSRF defences.
func unsafeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}
