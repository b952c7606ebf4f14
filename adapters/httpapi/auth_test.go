package httpapi_test

import (
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/ports"
)

func TestNewAuthValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		change  func(c *httpapi.AuthConfig)
		wantErr string
	}{
		{name: "NoAccounts", change: func(c *httpapi.AuthConfig) { c.Accounts = nil }, wantErr: "accounts is required"},
		{name: "NoLimiter", change: func(c *httpapi.AuthConfig) { c.Limiter = nil }, wantErr: "rate limiter is required"},
		{name: "ShortCSRFKey", change: func(c *httpapi.AuthConfig) { c.CSRFKey = []byte("short") }, wantErr: "csrf key must be at least 32 bytes"},
		{name: "NegativeTTL", change: func(c *httpapi.AuthConfig) { c.AccessTTL = -time.Second }, wantErr: "cookie ttls must not be negative"},
		{name: "InvalidLimit", change: func(c *httpapi.AuthConfig) { c.Limits.Login = ports.Limit{Name: "auth.login"} }, wantErr: `invalid rate limit "auth.login"`},
		{name: "OriginWithPath", change: func(c *httpapi.AuthConfig) { c.AllowedOrigins = []string{"https://app.example/path"} }, wantErr: `allowed origin "https://app.example/path"`},
		{name: "WildcardOrigin", change: func(c *httpapi.AuthConfig) { c.AllowedOrigins = []string{"*"} }, wantErr: `allowed origin "*"`},
		{name: "OriginWithoutScheme", change: func(c *httpapi.AuthConfig) { c.AllowedOrigins = []string{"app.example"} }, wantErr: `allowed origin "app.example"`},
		{name: "InvalidProxy", change: func(c *httpapi.AuthConfig) { c.TrustedProxies = []netip.Prefix{{}} }, wantErr: "trusted proxy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := testAuthConfig(newFakeAccounts(), newCountingLimiter())
			tt.change(&cfg)

			a, err := httpapi.NewAuth(cfg)

			require.ErrorContains(t, err, tt.wantErr)
			require.Nil(t, a)
		})
	}
}

func TestAllowedOriginsAreNormalised(t *testing.T) {
	t.Parallel()
	b := setupAuth(t, func(c *httpapi.AuthConfig) {
		c.AllowedOrigins = []string{" https://App.Example.com/ ", "http://localhost:3000"}
	})
	const body = `{"phone_number":"+989121234567","password":"s3cret-pass"}`

	configured := b.send(t, http.MethodPost, "/api/auth/login/", body, withHeader("X-Auth-Mode", "cookie"), withOrigin("https://app.example.com"))
	port := b.send(t, http.MethodPost, "/api/auth/login/", body, withHeader("X-Auth-Mode", "cookie"), withOrigin("http://localhost:3000"))
	otherPort := b.send(t, http.MethodPost, "/api/auth/login/", body, withHeader("X-Auth-Mode", "cookie"), withOrigin("http://localhost:3001"))
	otherScheme := b.send(t, http.MethodPost, "/api/auth/login/", body, withHeader("X-Auth-Mode", "cookie"), withOrigin("http://app.example.com"))

	require.Equal(t, http.StatusOK, configured.Code, configured.Body.String())
	require.Equal(t, http.StatusOK, port.Code, port.Body.String())
	requireError(t, otherPort, http.StatusForbidden, "csrf_failed")
	requireError(t, otherScheme, http.StatusForbidden, "csrf_failed")
}
