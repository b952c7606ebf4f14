package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

func TestConsents(t *testing.T) {
	t.Parallel()
	b := setupAuth(t)

	rec := b.send(t, http.MethodGet, "/api/auth/consents/", "", withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, map[string]any{
		"current_version": fakeTermsVersion,
		"accepted":        false,
		"consents":        []any{},
	}, dataOf(t, rec))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	call, _ := lastCall[principalCall](b.accounts)
	require.Equal(t, "Consents", call.Method)
	require.Equal(t, fakeUserID, call.Principal.UserID)
}

func TestAcceptTerms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		status int
		// called is whether the service saw the request.
		called bool
	}{
		{name: "Current", body: `{"version":"2026-12"}`, status: http.StatusOK, called: true},
		{name: "OtherVersion", body: `{"version":"2025-01"}`, status: http.StatusBadRequest, called: true},
		{name: "Missing", body: `{}`, status: http.StatusBadRequest},
		{name: "Blank", body: `{"version":"  "}`, status: http.StatusBadRequest},
		{name: "NotAString", body: `{"version":["2026-12"]}`, status: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, http.MethodPost, "/api/auth/consents/", tt.body, withBearer(tokenGood))

			call, called := lastCall[principalCall](b.accounts)
			require.Equal(t, tt.called, called && call.Method == "AcceptTerms")
			if tt.status != http.StatusOK {
				e := requireError(t, rec, tt.status, "validation_error")
				details, ok := e["details"].(map[string]any)
				require.True(t, ok, "error: %v", e)
				require.Equal(t, []string{"version"}, keys(details))
				return
			}
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, map[string]any{
				"current_version": fakeTermsVersion,
				"accepted":        true,
				"consents": []any{map[string]any{
					"kind": "terms", "version": fakeTermsVersion, "at": "2025-03-01T14:30:00+03:30",
				}},
			}, dataOf(t, rec))
			require.Equal(t, fakeTermsVersion, call.Input)
			require.Equal(t, ports.Client{IP: clientAddr, UserAgent: "talabin-test", RequestID: rec.Header().Get("X-Request-ID")},
				call.Principal.Client, "the consent is recorded from the client's address")
		})
	}
}

func TestConsentsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		opts   []requestOption
		status int
		code   string
	}{
		{name: "GetAnonymous", method: http.MethodGet, status: http.StatusUnauthorized, code: "not_authenticated"},
		{name: "PostAnonymous", method: http.MethodPost, status: http.StatusUnauthorized, code: "not_authenticated"},
		{name: "GetDisabled", method: http.MethodGet, opts: []requestOption{withBearer(tokenGood)}, status: http.StatusForbidden, code: "account_disabled"},
		{name: "PostDisabled", method: http.MethodPost, opts: []requestOption{withBearer(tokenGood)}, status: http.StatusForbidden, code: "account_disabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)
			b.accounts.ConsentsFunc = func(context.Context, ports.Principal) (ports.ConsentStatus, error) {
				return ports.ConsentStatus{}, core.ErrAccountDisabled
			}
			b.accounts.AcceptTermsFunc = func(context.Context, ports.Principal, string) (ports.ConsentStatus, error) {
				return ports.ConsentStatus{}, core.ErrAccountDisabled
			}

			rec := b.send(t, tt.method, "/api/auth/consents/", `{"version":"2026-12"}`, tt.opts...)

			requireError(t, rec, tt.status, tt.code)
		})
	}
}
