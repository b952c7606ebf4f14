package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/ports"
)

func TestAuthenticationFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		opts          []requestOption
		code          string
		securityEvent string
	}{
		{name: "NoCredentials", code: "not_authenticated"},
		{name: "OtherScheme", opts: []requestOption{withHeader("Authorization", "Basic dXNlcjpwYXNz")}, code: "not_authenticated"},
		{name: "EmptyBearer", opts: []requestOption{withHeader("Authorization", "Bearer ")}, code: "token_invalid"},
		{name: "InvalidBearer", opts: []requestOption{withBearer("garbage")}, code: "token_invalid"},
		{name: "ExpiredBearer", opts: []requestOption{withBearer(tokenExpired)}, code: "token_expired"},
		{name: "RevokedBearer", opts: []requestOption{withBearer(tokenRevoked)}, code: "token_revoked", securityEvent: "token_revoked"},
		{name: "ExpiredCookie", opts: []requestOption{withCookie("access_token", tokenExpired)}, code: "token_expired"},
		{name: "RevokedCookie", opts: []requestOption{withCookie("access_token", tokenRevoked)}, code: "token_revoked", securityEvent: "token_revoked"},
		// Authorization wins: a valid cookie does not rescue a bad bearer.
		{name: "InvalidBearerValidCookie", opts: []requestOption{withBearer("garbage"), withCookie("access_token", tokenGood)}, code: "token_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, http.MethodGet, "/api/auth/me/", "", tt.opts...)

			requireError(t, rec, http.StatusUnauthorized, tt.code)
			require.Equal(t, "Bearer", rec.Header().Get("WWW-Authenticate"))
			if tt.securityEvent == "" {
				require.Empty(t, b.securityEvents(t))
			} else {
				b.requireSecurityEvent(t, tt.securityEvent)
			}
		})
	}
}

func TestBearerWinsOverCookie(t *testing.T) {
	t.Parallel()
	b := setupAuth(t)

	// A cookie of another session and no CSRF token: the bearer alone decides.
	rec := b.send(t, http.MethodPost, "/api/auth/change-password/",
		`{"old_password":"old-pass1","new_password":"n3w-pass!","new_password_confirm":"n3w-pass!"}`,
		withBearer(tokenGood), withCookie("access_token", tokenOther))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	call, _ := lastCall[principalCall](b.accounts)
	require.Equal(t, fakeSessionID, call.Principal.SessionID)
}

func TestCookieAuthenticatedGetNeedsNoCSRF(t *testing.T) {
	t.Parallel()
	b := setupAuth(t)

	rec := b.send(t, http.MethodGet, "/api/auth/me/", "", withCookie("access_token", tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
}

func TestCookieAuthenticatedWriteCSRF(t *testing.T) {
	t.Parallel()
	good := csrfFor(fakeSessionID)
	tests := []struct {
		name string
		opts []requestOption
		ok   bool
		// anonymous: the Origin check of cookie mode refuses the request before the cookie
		// is authenticated, so the event names no user.
		anonymous bool
	}{
		{name: "Valid", opts: []requestOption{withCookie("csrftoken", good), withHeader("X-CSRFToken", good), withOrigin(appOrigin)}, ok: true},
		{name: "OriginCaseInsensitive", opts: []requestOption{withCookie("csrftoken", good), withHeader("X-CSRFToken", good), withOrigin("HTTPS://App.Talabin.test")}, ok: true},
		{name: "RefererInsteadOfOrigin", opts: []requestOption{withCookie("csrftoken", good), withHeader("X-CSRFToken", good), withHeader("Referer", appOrigin+"/profile?tab=1")}, ok: true},
		{name: "MissingHeader", opts: []requestOption{withCookie("csrftoken", good), withOrigin(appOrigin)}},
		{name: "MissingCookie", opts: []requestOption{withHeader("X-CSRFToken", good), withOrigin(appOrigin)}},
		{name: "HeaderDiffersFromCookie", opts: []requestOption{withCookie("csrftoken", good), withHeader("X-CSRFToken", good+"x"), withOrigin(appOrigin)}},
		{name: "OtherSessionsToken", opts: []requestOption{withCookie("csrftoken", csrfFor(fakeOtherSID)), withHeader("X-CSRFToken", csrfFor(fakeOtherSID)), withOrigin(appOrigin)}},
		{name: "ForgedToken", opts: []requestOption{withCookie("csrftoken", "forged"), withHeader("X-CSRFToken", "forged"), withOrigin(appOrigin)}},
		{name: "OriginNotAllowed", opts: []requestOption{withCookie("csrftoken", good), withHeader("X-CSRFToken", good), withOrigin(evilOrigin)}, anonymous: true},
		{name: "NullOrigin", opts: []requestOption{withCookie("csrftoken", good), withHeader("X-CSRFToken", good), withOrigin("null")}, anonymous: true},
		{name: "NoOriginNoReferer", opts: []requestOption{withCookie("csrftoken", good), withHeader("X-CSRFToken", good)}, anonymous: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)
			opts := append([]requestOption{withCookie("access_token", tokenGood)}, tt.opts...)

			rec := b.send(t, http.MethodPost, "/api/auth/change-password/",
				`{"old_password":"old-pass1","new_password":"n3w-pass!","new_password_confirm":"n3w-pass!"}`, opts...)

			if tt.ok {
				require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
				require.Empty(t, b.securityEvents(t))
				return
			}
			requireError(t, rec, http.StatusForbidden, "csrf_failed")
			ev := b.requireSecurityEvent(t, "csrf_failed")
			if tt.anonymous {
				require.NotContains(t, ev, "user_id")
			} else {
				require.Equal(t, "42", ev["user_id"])
			}
			require.Equal(t, clientAddr, ev["ip"])
			_, called := lastCall[principalCall](b.accounts)
			require.False(t, called, "the handler must not run")
		})
	}
}

func TestPublicWritesInCookieModeCheckOrigin(t *testing.T) {
	t.Parallel()
	const body = `{"phone_number":"+989121234567","password":"s3cret-pass"}`
	tests := []struct {
		name string
		opts []requestOption
		ok   bool
	}{
		{name: "BearerClientWithoutOrigin", ok: true},
		{name: "AuthModeFromAllowedOrigin", opts: []requestOption{withHeader("X-Auth-Mode", "cookie"), withOrigin(appOrigin)}, ok: true},
		{name: "AuthModeWithoutOrigin", opts: []requestOption{withHeader("X-Auth-Mode", "cookie")}},
		{name: "AuthModeFromOtherOrigin", opts: []requestOption{withHeader("X-Auth-Mode", "Cookie"), withOrigin(evilOrigin)}},
		{name: "CookiePresentFromOtherOrigin", opts: []requestOption{withCookie("csrftoken", "x"), withOrigin(evilOrigin)}},
		{name: "CookiePresentFromAllowedReferer", opts: []requestOption{withCookie("csrftoken", "x"), withHeader("Referer", appOrigin+"/login")}, ok: true},
		// A bearer wins, so the cookies do not put the request in cookie mode.
		{name: "CookieWithBearer", opts: []requestOption{withCookie("csrftoken", "x"), withBearer(tokenExpired)}, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, http.MethodPost, "/api/auth/login/", body, tt.opts...)

			if tt.ok {
				require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
				return
			}
			requireError(t, rec, http.StatusForbidden, "csrf_failed")
			b.requireSecurityEvent(t, "csrf_failed")
			require.Empty(t, b.accounts.Calls())
		})
	}
}

func TestCookieModeSignIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, body string
		secure           bool
	}{
		{name: "Login", path: "/api/auth/login/", body: `{"phone_number":"+989121234567","password":"s3cret-pass"}`, secure: true},
		{name: "LoginInsecureDev", path: "/api/auth/login/", body: `{"phone_number":"+989121234567","password":"s3cret-pass"}`},
		{name: "VerifyOTPLogin", path: "/api/auth/verify-otp/", body: `{"phone_number":"+989121234567","code":"123456","otp_type":"login"}`, secure: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t, func(c *httpapi.AuthConfig) { c.CookieSecure = tt.secure })

			rec := b.send(t, http.MethodPost, tt.path, tt.body, withHeader("X-Auth-Mode", "cookie"), withOrigin(appOrigin))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, map[string]any{"user": wantUser(), "tokens": map[string]any{}}, dataOf(t, rec),
				"no token strings in the body")
			cookies := cookiesOf(rec)
			require.Len(t, cookies, 3)
			access, refresh, csrf := cookies["access_token"], cookies["refresh_token"], cookies["csrftoken"]
			require.Equal(t, "new-access-ses_new", access.Value)
			require.Equal(t, "/api/", access.Path)
			require.Equal(t, 3600, access.MaxAge)
			require.True(t, access.HttpOnly)
			require.Equal(t, http.SameSiteLaxMode, access.SameSite)
			require.Equal(t, "new-refresh-ses_new", refresh.Value)
			require.Equal(t, "/api/auth/", refresh.Path)
			require.Equal(t, 604800, refresh.MaxAge)
			require.True(t, refresh.HttpOnly)
			require.Equal(t, http.SameSiteStrictMode, refresh.SameSite)
			require.Equal(t, csrfFor("ses_new"), csrf.Value)
			require.Equal(t, "/", csrf.Path)
			require.False(t, csrf.HttpOnly)
			require.Equal(t, http.SameSiteLaxMode, csrf.SameSite)
			for _, c := range cookies {
				require.Equal(t, tt.secure, c.Secure, "cookie %s", c.Name)
			}
		})
	}
	t.Run("VerifyOTPRegistrationSetsNoCookies", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/verify-otp/", `{"phone_number":"+989121234567","code":"123456","otp_type":"registration"}`,
			withHeader("X-Auth-Mode", "cookie"), withOrigin(appOrigin))

		require.Equal(t, map[string]any{"phone_verified": true}, dataOf(t, rec))
		require.Empty(t, cookiesOf(rec))
	})
}

func TestOptionalAuthentication(t *testing.T) {
	t.Parallel()
	t.Run("ServiceFailureIsNotAnonymous", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)
		b.accounts.AuthenticateFunc = func(context.Context, string) (ports.Principal, error) {
			return ports.Principal{}, errors.New("session cache down")
		}

		rec := b.send(t, http.MethodPost, "/api/auth/logout/", `{"refresh":"r1"}`, withBearer(tokenGood))

		requireError(t, rec, http.StatusInternalServerError, "internal_error")
		_, called := lastCall[ports.LogoutInput](b.accounts)
		require.False(t, called)
	})
	t.Run("RevokedBearerIsAnonymous", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/logout/", `{"refresh":"r1"}`, withBearer(tokenRevoked))

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		in, _ := lastCall[ports.LogoutInput](b.accounts)
		require.Empty(t, in.SessionID)
		require.Empty(t, b.securityEvents(t), "public routes ignore the bearer")
	})
}
