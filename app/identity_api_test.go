package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi/openapi/openapitest"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/integration/pgtest"
)

// These tests run the wired app, as `talabin serve` does, over real HTTP: the accounts
// service on a real store, the console SMS adapter behind the job runner, the in-memory or
// Redis rate limiter. They are the journeys a new user takes (API.md §3.1); the error codes
// of every endpoint are tested in adapters/httpapi and app/accounts.

// lockedBuffer is a log sink that the server, its handlers and the job workers write to at
// once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// liveApp is a running app and what a test needs to talk to it.
type liveApp struct {
	base    string
	logs    *lockedBuffer
	handler http.Handler // nil when the test did not keep it
}

// startApp runs the app configured by environ (DEBUG mode, a fresh SQLite file unless
// environ selects PostgreSQL) until the test ends.
func startApp(t *testing.T, environ map[string]string) liveApp {
	t.Helper()
	cfg := loadConfig(t, environ)
	logs := &lockedBuffer{}
	a, cleanup, err := app.InitializeApp(t.Context(), cfg, logs, app.BuildInfo{Version: "test"})
	require.NoError(t, err)
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, receive(t, served, "Serve to return"))
		cleanup()
	})
	return liveApp{base: "http://" + ln.Addr().String(), logs: logs, handler: a.Handler()}
}

// apiResponse is one answer of the API.
type apiResponse struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// data returns the envelope's data object.
func (r apiResponse) data(t *testing.T) map[string]any {
	t.Helper()
	d, ok := r.body["data"].(map[string]any)
	require.True(t, ok, "no data object in %s", r.raw)
	return d
}

// errorCode returns the envelope's error code.
func (r apiResponse) errorCode(t *testing.T) string {
	t.Helper()
	e, ok := r.body["error"].(map[string]any)
	require.True(t, ok, "no error object in %s", r.raw)
	return e["code"].(string)
}

// call sends one JSON request with the headers given as name, value pairs, and checks the
// answer against the OpenAPI document.
func (l liveApp) call(t *testing.T, client *http.Client, method, path string, body any, headers ...string) apiResponse {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, l.base+path, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	openapitest.Check(t, req, resp)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r := apiResponse{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	require.NoError(t, json.Unmarshal(raw, &r.body), "body %q", raw)
	return r
}

// smsCode waits for the console SMS adapter to log a code for phone and purpose (the job
// runs after the request's transaction commits) and returns the newest.
func (l liveApp) smsCode(t *testing.T, phone, purpose string) string {
	t.Helper()
	var code string
	require.Eventually(t, func() bool {
		sc := bufio.NewScanner(strings.NewReader(l.logs.String()))
		for sc.Scan() {
			var line struct {
				Msg, To, Code, Purpose string
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "sms otp (development console, not sent)" &&
				line.To == phone && line.Purpose == purpose {
				code = line.Code
			}
		}
		return code != ""
	}, waitLimit, 10*time.Millisecond, "no %s code for %s in the console log", purpose, phone)
	return code
}

// signUp registers phone with password and verifies it by its code, as the web client does.
func (l liveApp) signUp(t *testing.T, phone09, phone98, password string) {
	t.Helper()
	c := &http.Client{}
	r := l.call(t, c, http.MethodPost, "/api/auth/register/", map[string]any{
		"phone_number": phone09, "password": password, "password_confirm": password, "first_name": "سارا",
	})
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	code := l.smsCode(t, phone98, "registration")
	r = l.call(t, c, http.MethodPost, "/api/auth/verify-otp/",
		map[string]any{"phone_number": phone98, "code": code, "otp_type": "registration"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
}

func TestNewUserJourney(t *testing.T) {
	t.Parallel()
	for _, engine := range []struct {
		name    string
		environ func(t *testing.T) map[string]string
	}{
		{"SQLite", func(*testing.T) map[string]string { return map[string]string{} }},
		{"PostgreSQL", func(t *testing.T) map[string]string {
			return map[string]string{"DATABASE_URL": pgtest.New(t, pgtest.Options{Migrate: migratePostgres})}
		}},
	} {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			l := startApp(t, engine.environ(t))
			c := &http.Client{}
			const phone98, password = "+989121234567", "Gold-Bar-2026"

			r := l.call(t, c, http.MethodPost, "/api/auth/register/", map[string]any{
				"phone_number": "09121234567", "password": password, "password_confirm": password,
				"first_name": "سارا", "last_name": "رضايي",
			})
			require.Equal(t, http.StatusCreated, r.status, r.raw)
			require.Equal(t, map[string]any{"phone_number": phone98, "otp_expires_in": 300.0, "resend_after": 60.0}, r.data(t))

			// Before the phone is verified the account is inert.
			r = l.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": phone98, "password": password})
			require.Equal(t, http.StatusForbidden, r.status, r.raw)
			require.Equal(t, "phone_not_verified", r.errorCode(t))

			// The web client sends its stale bearer to verify-otp; the public route ignores it.
			code := l.smsCode(t, phone98, "registration")
			r = l.call(t, c, http.MethodPost, "/api/auth/verify-otp/",
				map[string]any{"phone_number": phone98, "code": code, "otp_type": "registration"},
				"Authorization", "Bearer stale.token.value")
			require.Equal(t, http.StatusOK, r.status, r.raw)
			require.Equal(t, map[string]any{"phone_verified": true}, r.data(t))

			// The code is single use.
			r = l.call(t, c, http.MethodPost, "/api/auth/verify-otp/",
				map[string]any{"phone_number": phone98, "code": code, "otp_type": "registration"})
			require.Equal(t, http.StatusBadRequest, r.status, r.raw)
			require.Equal(t, "otp_invalid", r.errorCode(t))

			r = l.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": phone98, "password": "wrong-password"})
			require.Equal(t, http.StatusUnauthorized, r.status, r.raw)
			require.Equal(t, "invalid_credentials", r.errorCode(t))

			r = l.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": phone98, "password": password})
			require.Equal(t, http.StatusOK, r.status, r.raw)
			user := r.data(t)["user"].(map[string]any)
			require.Equal(t, phone98, user["phone_number"])
			require.Equal(t, "سارا رضایی", user["full_name"], "names are stored, Arabic yeh normalised")
			require.Equal(t, true, user["phone_verified"])
			tokens := r.data(t)["tokens"].(map[string]any)
			access, refresh := tokens["access"].(string), tokens["refresh"].(string)

			r = l.call(t, c, http.MethodGet, "/api/auth/me/", nil, "Authorization", "Bearer "+access)
			require.Equal(t, http.StatusOK, r.status, r.raw)
			require.Equal(t, phone98, r.data(t)["phone_number"])
			require.Equal(t, "no-store", r.header.Get("Cache-Control"))

			r = l.call(t, c, http.MethodPost, "/api/auth/token/refresh/", map[string]any{"refresh": refresh})
			require.Equal(t, http.StatusOK, r.status, r.raw)
			access2, refresh2 := r.body["access"].(string), r.body["refresh"].(string)
			require.NotEqual(t, refresh, refresh2)
			require.Equal(t, map[string]any{"access": access2, "refresh": refresh2}, map[string]any{
				"access": r.data(t)["access"], "refresh": r.data(t)["refresh"],
			}, "the pair is repeated at the top level")

			// The client logs out with its bearer and the rotated refresh token.
			r = l.call(t, c, http.MethodPost, "/api/auth/logout/", map[string]any{"refresh": refresh2},
				"Authorization", "Bearer "+access2)
			require.Equal(t, http.StatusOK, r.status, r.raw)

			for _, token := range []string{access, access2} {
				r = l.call(t, c, http.MethodGet, "/api/auth/me/", nil, "Authorization", "Bearer "+token)
				require.Equal(t, http.StatusUnauthorized, r.status, r.raw)
				require.Equal(t, "token_revoked", r.errorCode(t))
				require.Equal(t, "Bearer", r.header.Get("WWW-Authenticate"))
			}
			r = l.call(t, c, http.MethodPost, "/api/auth/token/refresh/", map[string]any{"refresh": refresh2})
			require.Equal(t, http.StatusUnauthorized, r.status, r.raw)
			require.Equal(t, "token_revoked", r.errorCode(t))

			// The code left only through the console adapter: no response and no other log
			// line carries it.
			for line := range strings.SplitSeq(l.logs.String(), "\n") {
				if strings.Contains(line, `"code":"`+code+`"`) {
					require.Contains(t, line, "development console")
				}
			}
		})
	}
}

func TestPasswordResetJourney(t *testing.T) {
	t.Parallel()
	l := startApp(t, map[string]string{})
	c := &http.Client{}
	const phone98, password, newPassword = "+989351112233", "Gold-Bar-2026", "Saffron-Coin-77"
	l.signUp(t, "09351112233", phone98, password)
	r := l.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": phone98, "password": password})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	oldAccess := r.data(t)["tokens"].(map[string]any)["access"].(string)

	r = l.call(t, c, http.MethodPost, "/api/auth/send-otp/", map[string]any{"phone_number": phone98, "otp_type": "password_reset"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	code := l.smsCode(t, phone98, "password_reset")
	r = l.call(t, c, http.MethodPost, "/api/auth/verify-otp/",
		map[string]any{"phone_number": phone98, "otp_code": code, "otp_type": "password_reset"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	resetToken := r.data(t)["reset_token"].(string)
	require.InDelta(t, 600, r.data(t)["expires_in"], 0)

	reset := map[string]any{
		"phone_number": phone98, "reset_token": resetToken,
		"new_password": newPassword, "new_password_confirm": newPassword,
	}
	r = l.call(t, c, http.MethodPost, "/api/auth/reset-password/", reset)
	require.Equal(t, http.StatusOK, r.status, r.raw)

	// The reset token worked once, the old sessions are gone, the new password signs in.
	r = l.call(t, c, http.MethodPost, "/api/auth/password-reset/", reset)
	require.Equal(t, http.StatusBadRequest, r.status, r.raw)
	require.Equal(t, "otp_invalid", r.errorCode(t))
	r = l.call(t, c, http.MethodGet, "/api/auth/me/", nil, "Authorization", "Bearer "+oldAccess)
	require.Equal(t, "token_revoked", r.errorCode(t))
	r = l.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": phone98, "password": password})
	require.Equal(t, "invalid_credentials", r.errorCode(t))
	r = l.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": "09351112233", "password": newPassword})
	require.Equal(t, http.StatusOK, r.status, r.raw)
}

func TestCookieModeJourney(t *testing.T) {
	t.Parallel()
	const origin = "http://app.talabin.test"
	l := startApp(t, map[string]string{"CORS_ALLOWED_ORIGINS": origin, "COOKIE_SECURE": "false"})
	const phone98, password = "+989101234567", "Gold-Bar-2026"
	l.signUp(t, "09101234567", phone98, password)

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar}

	r := l.call(t, browser, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": phone98, "password": password},
		"X-Auth-Mode", "cookie", "Origin", origin)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, map[string]any{}, r.data(t)["tokens"], "no token strings in the body in cookie mode")
	csrf := ""
	for _, ck := range r.header.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(ck, "csrftoken="); ok {
			csrf, _, _ = strings.Cut(v, ";")
		}
	}
	require.NotEmpty(t, csrf)

	r = l.call(t, browser, http.MethodGet, "/api/auth/me/", nil)
	require.Equal(t, http.StatusOK, r.status, r.raw)

	change := map[string]any{"old_password": password, "new_password": "Saffron-Coin-77", "new_password_confirm": "Saffron-Coin-77"}
	r = l.call(t, browser, http.MethodPost, "/api/auth/profile/change-password/", change, "Origin", origin)
	require.Equal(t, http.StatusForbidden, r.status, r.raw)
	require.Equal(t, "csrf_failed", r.errorCode(t))
	r = l.call(t, browser, http.MethodPost, "/api/auth/profile/change-password/", change,
		"Origin", "http://evil.test", "X-CSRFToken", csrf)
	require.Equal(t, "csrf_failed", r.errorCode(t))
	r = l.call(t, browser, http.MethodPost, "/api/auth/profile/change-password/", change, "Origin", origin, "X-CSRFToken", csrf)
	require.Equal(t, http.StatusOK, r.status, r.raw)

	r = l.call(t, browser, http.MethodPost, "/api/auth/token/refresh/", map[string]any{}, "X-Auth-Mode", "cookie", "Origin", origin)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = l.call(t, browser, http.MethodPost, "/api/auth/logout/", map[string]any{}, "Origin", origin, "X-CSRFToken", csrf)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = l.call(t, browser, http.MethodGet, "/api/auth/me/", nil)
	require.Equal(t, http.StatusUnauthorized, r.status, r.raw)
	require.Equal(t, "not_authenticated", r.errorCode(t), "logout cleared the cookies")
}
