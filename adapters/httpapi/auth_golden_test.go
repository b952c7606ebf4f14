package httpapi_test

import (
	"net/http"
	"testing"
)

// TestGoldenAuth snapshots the identity answers the web client parses (API.md §5.1 item 3).
func TestGoldenAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, body string
		opts                     []requestOption
	}{
		{name: "auth_login", method: http.MethodPost, path: "/api/auth/login/", body: `{"phone_number":"+989121234567","password":"s3cret-pass"}`},
		{name: "auth_register", method: http.MethodPost, path: "/api/auth/register/", body: `{"phone_number":"09121234567","password":"s3cret-pass","password_confirm":"s3cret-pass"}`},
		{name: "auth_refresh", method: http.MethodPost, path: "/api/auth/token/refresh/", body: `{"refresh":"r1"}`},
		{name: "auth_me", method: http.MethodGet, path: "/api/auth/me/", opts: []requestOption{withBearer(tokenGood)}},
		{name: "auth_me_expired", method: http.MethodGet, path: "/api/auth/me/", opts: []requestOption{withBearer(tokenExpired)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, tt.method, tt.path, tt.body, append(tt.opts, withHeader("X-Request-ID", "golden-"+tt.name))...)

			requireGolden(t, tt.name, rec)
		})
	}
}
