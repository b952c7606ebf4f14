package httpapi_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/ports"
)

func TestDefaultAuthLimits(t *testing.T) {
	t.Parallel()
	l := httpapi.DefaultAuthLimits()

	for _, tc := range []struct {
		got    ports.Limit
		rate   int
		period time.Duration
	}{
		{l.Register, 5, time.Hour},
		{l.Login, 10, time.Hour},
		{l.SendOTP, 3, 5 * time.Minute},
		{l.Refresh, 30, time.Minute},
		{l.Logout, 30, time.Minute},
		{l.PasswordReset, 5, time.Hour},
		{l.ProfileUpdate, 30, time.Hour},
		{l.GlobalIP, 600, time.Minute},
		{l.GlobalUser, 300, time.Minute},
	} {
		require.NoError(t, tc.got.Validate())
		require.Equal(t, tc.rate, tc.got.Rate, tc.got.Name)
		require.Equal(t, tc.period, tc.got.Period, tc.got.Name)
		require.Equal(t, tc.rate, tc.got.EffectiveBurst(), tc.got.Name)
	}
}

func TestEndpointRateLimits(t *testing.T) {
	t.Parallel()
	const reset = `{"phone_number":"+989121234567","code":"123456","new_password":"n3w-pass!","new_password_confirm":"n3w-pass!"}`
	tests := []struct {
		name   string
		method string
		paths  []string // requests cycle through them: aliases share one counter
		body   string
		opts   []requestOption
		limit  int
	}{
		{name: "Register", method: http.MethodPost, paths: []string{"/api/auth/register/"}, limit: 5,
			body: `{"phone_number":"09121234567","password":"s3cret-pass","password_confirm":"s3cret-pass"}`},
		{name: "Login", method: http.MethodPost, paths: []string{"/api/auth/login/"}, limit: 10,
			body: `{"phone_number":"+989121234567","password":"s3cret-pass"}`},
		{name: "SendOTP", method: http.MethodPost, paths: []string{"/api/auth/send-otp/"}, limit: 3,
			body: `{"phone_number":"+989121234567"}`},
		{name: "Refresh", method: http.MethodPost, paths: []string{"/api/auth/token/refresh/"}, limit: 30,
			body: `{"refresh":"r1"}`},
		{name: "Logout", method: http.MethodPost, paths: []string{"/api/auth/logout/"}, limit: 30,
			body: `{"refresh":"r1"}`},
		{name: "PasswordResetAndAlias", method: http.MethodPost, paths: []string{"/api/auth/password-reset/", "/api/auth/reset-password/"}, limit: 5,
			body: reset},
		{name: "ProfileUpdatePerUser", method: http.MethodPatch, paths: []string{"/api/auth/profile/update/", "/api/auth/profile/", "/api/auth/update-profile/"}, limit: 30,
			body: `{"first_name":"x"}`, opts: []requestOption{withBearer(tokenGood)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)
			for i := range tt.limit {
				rec := b.send(t, tt.method, tt.paths[i%len(tt.paths)], tt.body, tt.opts...)
				require.Equal(t, http.StatusOK, rec.Code/100*100, "attempt %d: %s", i+1, rec.Body.String())
				require.Equal(t, strconv.Itoa(tt.limit), rec.Header().Get("RateLimit-Limit"))
				require.Equal(t, strconv.Itoa(tt.limit-i-1), rec.Header().Get("RateLimit-Remaining"))
			}
			calls := len(b.accounts.Calls())

			rec := b.send(t, tt.method, tt.paths[0], tt.body, tt.opts...)

			e := requireError(t, rec, http.StatusTooManyRequests, "rate_limit_exceeded")
			require.NotEmpty(t, rec.Header().Get("Retry-After"))
			require.Equal(t, rec.Header().Get("Retry-After"), strconv.FormatFloat(e["details"].(map[string]any)["retry_after"].(float64), 'f', -1, 64))
			require.Equal(t, "0", rec.Header().Get("RateLimit-Remaining"))
			require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			require.Len(t, b.accounts.Calls(), calls+boolInt(len(tt.opts) > 0), "the handler must not run (only authentication may)")
			ev := b.requireSecurityEvent(t, "rate_limit_exceeded")
			require.Equal(t, clientAddr, ev["ip"])
		})
	}
}

// boolInt is 1 for true.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestEndpointRateLimitsArePerClientIP(t *testing.T) {
	t.Parallel()
	b := setupAuth(t)
	const body = `{"phone_number":"+989121234567"}`
	for range 3 {
		require.Equal(t, http.StatusOK, b.send(t, http.MethodPost, "/api/auth/send-otp/", body).Code)
	}

	spoofed := b.send(t, http.MethodPost, "/api/auth/send-otp/", body, withHeader("X-Forwarded-For", "198.51.100.9"))
	viaProxy := b.send(t, http.MethodPost, "/api/auth/send-otp/", body, fromPeer(proxyAddr+":443"), withHeader("X-Forwarded-For", "198.51.100.9"))

	requireError(t, spoofed, http.StatusTooManyRequests, "rate_limit_exceeded")
	require.Equal(t, http.StatusOK, viaProxy.Code, "another client behind the trusted proxy has its own counter")
	require.Equal(t, 1, b.limiter.Used("auth.send_otp", "198.51.100.9"))
}

func TestGlobalBackstop(t *testing.T) {
	t.Parallel()
	t.Run("PerIP", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t, func(c *httpapi.AuthConfig) { c.Limits.GlobalIP = ports.PerPeriod("global.ip", 2, time.Minute) })
		require.Equal(t, http.StatusOK, b.send(t, http.MethodGet, "/api/auth/csrf/", "").Code)
		require.Equal(t, http.StatusOK, b.send(t, http.MethodGet, "/api/auth/me/", "", withBearer(tokenGood)).Code)

		rec := b.send(t, http.MethodPost, "/api/auth/verify-otp/", `{"phone_number":"+989121234567","code":"123456"}`)

		requireError(t, rec, http.StatusTooManyRequests, "rate_limit_exceeded")
		require.Equal(t, "30", rec.Header().Get("Retry-After"))
		b.requireSecurityEvent(t, "rate_limit_exceeded")
		_, called := lastCall[ports.VerifyOTPInput](b.accounts)
		require.False(t, called)
	})
	t.Run("PerUser", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t, func(c *httpapi.AuthConfig) { c.Limits.GlobalUser = ports.PerPeriod("global.user", 2, time.Minute) })
		for _, ip := range []string{"198.51.100.1:1", "198.51.100.2:1"} {
			require.Equal(t, http.StatusOK, b.send(t, http.MethodGet, "/api/auth/me/", "", withBearer(tokenGood), fromPeer(ip)).Code)
		}

		user := b.send(t, http.MethodGet, "/api/auth/me/", "", withBearer(tokenOther), fromPeer("198.51.100.3:1"))
		anonymous := b.send(t, http.MethodGet, "/api/auth/csrf/", "", fromPeer("198.51.100.3:1"))

		requireError(t, user, http.StatusTooManyRequests, "rate_limit_exceeded")
		require.Equal(t, http.StatusOK, anonymous.Code, "anonymous requests are not counted per user")
		ev := b.requireSecurityEvent(t, "rate_limit_exceeded")
		require.Equal(t, "42", ev["user_id"])
	})
}

// rateLimitBundle is a router with one route behind RateLimit, and the log RateLimit
// writes to.
func rateLimitBundle(t *testing.T, limiter ports.RateLimiter, limit ports.Limit, key httpapi.KeyFunc) (apiBundle, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	b := setupAPI(t, func(rt httpapi.Routes) {
		rt.With(httpapi.RateLimit(limiter, limit, key, logger)).Get("/x/", func(w http.ResponseWriter, r *http.Request) error {
			httpapi.WriteData(w, r, http.StatusOK, nil)
			return nil
		})
	})
	return b, logs
}

func TestRateLimitMiddleware(t *testing.T) {
	t.Parallel()
	t.Run("HeadersThenDenial", func(t *testing.T) {
		t.Parallel()
		limiter := newCountingLimiter()
		b, _ := rateLimitBundle(t, limiter, ports.PerPeriod("test", 2, time.Minute), httpapi.KeyByIP)

		first := b.do(t, http.MethodGet, "/x/", "", "")
		second := b.do(t, http.MethodGet, "/x/", "", "")
		third := b.do(t, http.MethodGet, "/x/", "", "")

		require.Equal(t, http.StatusOK, first.Code)
		require.Equal(t, []string{"2", "1", "30"}, rateLimitHeaders(first))
		require.Equal(t, []string{"2", "0", "60"}, rateLimitHeaders(second))
		e := requireError(t, third, http.StatusTooManyRequests, "rate_limit_exceeded")
		require.Equal(t, map[string]any{"retry_after": 30.0}, e["details"])
		require.Equal(t, "30", third.Header().Get("Retry-After"))
		require.Equal(t, []string{"2", "0", "60"}, rateLimitHeaders(third))
		require.Equal(t, 2, limiter.Used("test", "unknown"), "outside the API middleware the client IP is unknown")
	})
	t.Run("ResetRoundsUp", func(t *testing.T) {
		t.Parallel()
		b, _ := rateLimitBundle(t, newCountingLimiter(), ports.PerPeriod("test", 3, 10*time.Second), httpapi.KeyByIP)

		rec := b.do(t, http.MethodGet, "/x/", "", "")

		require.Equal(t, []string{"3", "2", "4"}, rateLimitHeaders(rec), "3.33 s is announced as 4")
	})
	t.Run("FailOpen", func(t *testing.T) {
		t.Parallel()
		limiter := newCountingLimiter()
		limiter.SetDown(true)
		b, logs := rateLimitBundle(t, limiter, ports.PerPeriod("test", 1, time.Minute), httpapi.KeyByIP)

		rec := b.do(t, http.MethodGet, "/x/", "", "")

		require.Equal(t, http.StatusOK, rec.Code)
		require.Empty(t, rec.Header().Get("RateLimit-Limit"))
		require.Contains(t, logs.String(), `"level":"WARN","msg":"rate limiter unavailable, request let through","limit":"test"`)
	})
	t.Run("LimiterErrorIsInternal", func(t *testing.T) {
		t.Parallel()
		b, _ := rateLimitBundle(t, failingLimiter{err: errors.New("boom")}, ports.PerPeriod("test", 1, time.Minute), httpapi.KeyByIP)

		rec := b.do(t, http.MethodGet, "/x/", "", "")

		requireError(t, rec, http.StatusInternalServerError, "internal_error")
	})
	t.Run("EmptyKeySkips", func(t *testing.T) {
		t.Parallel()
		limiter := newCountingLimiter()
		b, _ := rateLimitBundle(t, limiter, ports.PerPeriod("test", 1, time.Minute), httpapi.KeyByUser)

		for range 3 {
			require.Equal(t, http.StatusOK, b.do(t, http.MethodGet, "/x/", "", "").Code)
		}
	})
}

func TestRateLimitHeadersShowTheTighterLimit(t *testing.T) {
	t.Parallel()
	b := setupAuth(t, func(c *httpapi.AuthConfig) { c.Limits.GlobalIP = ports.PerPeriod("global.ip", 4, time.Minute) })

	first := b.send(t, http.MethodPost, "/api/auth/send-otp/", `{"phone_number":"+989121234567"}`)
	for range 2 {
		b.send(t, http.MethodGet, "/api/auth/csrf/", "")
	}
	last := b.send(t, http.MethodPost, "/api/auth/send-otp/", `{"phone_number":"+989121234567"}`)

	require.Equal(t, []string{"3", "2", "100"}, rateLimitHeaders(first), "send-otp (3/5 min) is tighter than the backstop's 3 left")
	require.Equal(t, []string{"4", "0", "60"}, rateLimitHeaders(last), "the backstop has none left, send-otp one")
}

// rateLimitHeaders returns RateLimit-Limit, -Remaining and -Reset.
func rateLimitHeaders(rec interface{ Header() http.Header }) []string {
	h := rec.Header()
	return []string{h.Get("RateLimit-Limit"), h.Get("RateLimit-Remaining"), h.Get("RateLimit-Reset")}
}

// failingLimiter fails every call with err.
type failingLimiter struct{ err error }

func (l failingLimiter) Allow(context.Context, string, ports.Limit) (ports.Decision, error) {
	return ports.Decision{}, l.err
}

func (l failingLimiter) AllowN(context.Context, string, ports.Limit, int) (ports.Decision, error) {
	return ports.Decision{}, l.err
}

func (l failingLimiter) Reset(context.Context, string, ports.Limit) error { return l.err }
