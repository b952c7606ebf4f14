package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// userKYCFields returns the KYC fields of a User object.
func userKYCFields(user map[string]any) map[string]any {
	return map[string]any{
		"verification_status": user["verification_status"], "kyc_status": user["kyc_status"],
		"kyc_level": user["kyc_level"], "national_id": user["national_id"], "is_verified": user["is_verified"],
	}
}

func TestUserShowsKYCStatus(t *testing.T) {
	t.Parallel()
	profile := func(change func(r *kyc.ProfileRecord)) ports.KYCStatus {
		return ports.KYCStatus{Profile: withProfile(fixtureProfile(), change)}
	}
	tests := []struct {
		name   string
		status ports.KYCStatus
		want   map[string]any
	}{
		{
			name:   "NeverSubmitted",
			status: ports.KYCStatus{Profile: kyc.NewProfile(fakeUserID)},
			want:   map[string]any{"verification_status": "pending", "kyc_status": "not_submitted", "kyc_level": 0.0, "national_id": nil, "is_verified": true},
		},
		{
			name:   "NoProfile",
			status: ports.KYCStatus{},
			want:   map[string]any{"verification_status": "pending", "kyc_status": "not_submitted", "kyc_level": 0.0, "national_id": nil, "is_verified": true},
		},
		{
			name:   "Pending",
			status: fixturePendingStatus(),
			want:   map[string]any{"verification_status": "pending", "kyc_status": "pending", "kyc_level": 0.0, "national_id": fixtureNationalID, "is_verified": true},
		},
		{
			name:   "ApprovedAtLevelOne",
			status: profile(func(r *kyc.ProfileRecord) { r.Status, r.Level, r.Shahkar = kyc.StatusApproved, 1, kyc.CheckPassed }),
			want:   map[string]any{"verification_status": "verified", "kyc_status": "approved", "kyc_level": 1.0, "national_id": fixtureNationalID, "is_verified": true},
		},
		{
			name:   "RejectedKeepsTheLevel",
			status: profile(func(r *kyc.ProfileRecord) { r.Status, r.Level = kyc.StatusRejected, 1 }),
			want:   map[string]any{"verification_status": "rejected", "kyc_status": "rejected", "kyc_level": 1.0, "national_id": fixtureNationalID, "is_verified": true},
		},
		{
			name:   "PendingLevelTwoAfterLevelOne",
			status: profile(func(r *kyc.ProfileRecord) { r.Level, r.Shahkar = 1, kyc.CheckSkipped }),
			want:   map[string]any{"verification_status": "pending", "kyc_status": "pending", "kyc_level": 1.0, "national_id": fixtureNationalID, "is_verified": true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupKYC(t)
			b.kyc.StatusFunc = func(context.Context, ports.Principal) (ports.KYCStatus, error) { return tt.status, nil }

			for _, r := range []struct{ method, path, body string }{
				{http.MethodGet, "/api/auth/me/", ""},
				{http.MethodGet, "/api/auth/profile/", ""},
				{http.MethodPatch, "/api/auth/profile/update/", `{"first_name":"علی"}`},
			} {
				rec := b.send(t, r.method, r.path, r.body, withBearer(tokenGood))
				require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
				require.Equal(t, tt.want, userKYCFields(dataOf(t, rec)), "%s %s", r.method, r.path)
				call, _ := b.kyc.lastKYCCall("Status")
				require.Equal(t, fakeUserID, call.Principal.UserID)
				require.Equal(t, fakeSessionID, call.Principal.SessionID)
			}
		})
	}
}

func TestSignInShowsKYCStatus(t *testing.T) {
	t.Parallel()
	approved := ports.KYCStatus{Profile: withProfile(fixtureProfile(), func(r *kyc.ProfileRecord) {
		r.Status, r.Level, r.Shahkar = kyc.StatusApproved, 2, kyc.CheckPassed
	})}
	want := map[string]any{"verification_status": "verified", "kyc_status": "approved", "kyc_level": 2.0, "national_id": fixtureNationalID, "is_verified": true}
	tests := []struct {
		name, path, body string
	}{
		{name: "Login", path: "/api/auth/login/", body: `{"phone_number":"+989121234567","password":"s3cret-pass"}`},
		{name: "VerifyOTPLogin", path: "/api/auth/verify-otp/", body: `{"phone_number":"+989121234567","code":"123456","otp_type":"login"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupKYC(t)
			b.kyc.StatusFunc = func(context.Context, ports.Principal) (ports.KYCStatus, error) { return approved, nil }

			// A stale bearer of another session must not be the principal asked about.
			rec := b.send(t, http.MethodPost, tt.path, tt.body, withBearer(tokenOther))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			user, _ := dataOf(t, rec)["user"].(map[string]any)
			require.Equal(t, want, userKYCFields(user))
			call, ok := b.kyc.lastKYCCall("Status")
			require.True(t, ok)
			require.Equal(t, ports.Principal{
				UserID: fakeUserID, SessionID: "ses_new", Role: identity.RoleUser,
				Client: ports.Client{IP: clientAddr, UserAgent: "talabin-test", RequestID: call.Principal.Client.RequestID},
			}, call.Principal, "the principal of the new session")
			require.NotEmpty(t, call.Principal.Client.RequestID)
		})
	}
}

func TestUserKYCStatusFailure(t *testing.T) {
	t.Parallel()
	b := setupKYC(t)
	b.kyc.StatusFunc = func(context.Context, ports.Principal) (ports.KYCStatus, error) {
		return ports.KYCStatus{}, errors.New("kyc store down")
	}

	// The session exists once login succeeded: the answer still carries it, with no KYC data.
	rec := b.send(t, http.MethodPost, "/api/auth/login/", `{"phone_number":"+989121234567","password":"s3cret-pass"}`)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	data := dataOf(t, rec)
	user, _ := data["user"].(map[string]any)
	require.Equal(t, "not_submitted", user["kyc_status"])
	require.NotEmpty(t, data["tokens"])

	requireError(t, b.send(t, http.MethodGet, "/api/auth/me/", "", withBearer(tokenGood)), http.StatusInternalServerError, "internal_error")
}

func TestUserWithoutKYCServiceIsNotSubmitted(t *testing.T) {
	t.Parallel()
	fake := newFakeKYC()
	fake.StatusFunc = func(context.Context, ports.Principal) (ports.KYCStatus, error) { return fixturePendingStatus(), nil }
	accounts, limiter := newFakeAccounts(), newCountingLimiter()
	// The KYC endpoints are served, but AuthConfig.KYC is not set.
	h, err := httpapi.NewRouter(discardLogger(), mustReadiness(t), testAuthConfig(accounts, limiter), httpapi.MetricsEndpoint{},
		httpapi.WithKYC(httpapi.KYCConfig{KYC: fake}))
	require.NoError(t, err)

	data := dataOf(t, send(t, h, http.MethodGet, "/api/auth/me/", "", withBearer(tokenGood)))

	require.Equal(t, map[string]any{
		"verification_status": "pending", "kyc_status": "not_submitted", "kyc_level": 0.0, "national_id": nil, "is_verified": true,
	}, userKYCFields(data))
	require.Empty(t, fake.Calls())
}
