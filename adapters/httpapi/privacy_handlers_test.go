package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

const (
	exportPath = "/api/auth/me/export/"
	mePath     = "/api/auth/me/"
	deletePath = "/api/auth/me/delete/"
	deleteBody = `{"password":"s3cret-pass","confirm":"DELETE"}`
)

func TestExportPersonalData(t *testing.T) {
	t.Parallel()
	b := setupPrivacy(t)

	rec := b.send(t, http.MethodGet, exportPath, "", withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, `attachment; filename="talabin-export-42.json"`, rec.Header().Get("Content-Disposition"))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	data := dataOf(t, rec)
	require.ElementsMatch(t, []string{
		"generated_at", "user", "addresses", "bank_accounts", "kyc", "wallet", "wallet_transactions", "orders",
		"deposits", "withdrawals", "installments", "sessions", "consents",
	}, keys(data))
	require.Equal(t, "2025-03-01T15:30:00+03:30", data["generated_at"])
	require.Equal(t, []any{}, data["addresses"])
	require.Equal(t, []any{}, data["installments"])

	user, _ := data["user"].(map[string]any)
	require.InDelta(t, float64(fakeUserID), user["id"], 0)
	require.Equal(t, fakePhone, user["phone_number"])
	require.Equal(t, fixtureNationalID, user["national_id"], "from the KYC profile")

	accounts, _ := data["bank_accounts"].([]any)
	require.Len(t, accounts, 1)
	account, _ := accounts[0].(map[string]any)
	require.Equal(t, fixtureCardMasked, account["card_number"], "masked as everywhere")
	require.Equal(t, fixtureSheba, account["sheba_number"])

	kycStatus, _ := data["kyc"].(map[string]any)
	require.Equal(t, "pending", kycStatus["status"])
	docs, _ := kycStatus["documents"].([]any)
	require.Len(t, docs, 3)
	doc, _ := docs[0].(map[string]any)
	require.ElementsMatch(t, []string{"id", "kind", "status", "created_at"}, keys(doc), "metadata only")

	wallet, _ := data["wallet"].(map[string]any)
	require.InDelta(t, 994_999, wallet["balance_irr"], 0)
	require.Equal(t, "0.000000", wallet["gold_balance"])

	txs, _ := data["wallet_transactions"].([]any)
	require.Len(t, txs, 2)
	first, _ := txs[0].(map[string]any)
	require.Equal(t, "buy_gold", first["transaction_type"])
	require.Equal(t, "1005000", first["amount_irr"])

	orders, _ := data["orders"].([]any)
	require.Len(t, orders, 1)
	order, _ := orders[0].(map[string]any)
	require.Equal(t, fixtureNumber, order["order_number"])

	deposits, _ := data["deposits"].([]any)
	require.Len(t, deposits, 1)
	deposit, _ := deposits[0].(map[string]any)
	require.Equal(t, "TXN20250301143000DEP021", deposit["transaction_id"])

	withdrawals, _ := data["withdrawals"].([]any)
	require.Len(t, withdrawals, 2)
	paid, _ := withdrawals[0].(map[string]any)
	require.Equal(t, "completed", paid["status"])
	details, _ := paid["bank_account_details"].(map[string]any)
	require.Equal(t, fixtureSheba, details["sheba_number"])
	gone, _ := withdrawals[1].(map[string]any)
	require.InDelta(t, 6, gone["bank_account"], 0)
	require.Nil(t, gone["bank_account_details"], "the account was deleted since")

	sessions, _ := data["sessions"].([]any)
	require.Len(t, sessions, 1)
	session, _ := sessions[0].(map[string]any)
	require.Equal(t, true, session["current"])
	require.Equal(t, "2025-03-01T14:30:00+03:30", session["last_used_at"])

	consents, _ := data["consents"].([]any)
	require.Equal(t, []any{map[string]any{
		"id": 1.0, "kind": "terms", "version": "2025-01", "accepted_at": "2025-03-01T14:30:00+03:30", "ip": clientAddr,
	}}, consents)

	b.privacy.mu.Lock()
	defer b.privacy.mu.Unlock()
	require.Len(t, b.privacy.exports, 1)
	require.Equal(t, fakeSessionID, b.privacy.exports[0].SessionID)
}

func TestExportPersonalDataRefused(t *testing.T) {
	t.Parallel()
	t.Run("Anonymous", func(t *testing.T) {
		t.Parallel()
		b := setupPrivacy(t)

		rec := b.send(t, http.MethodGet, exportPath, "")

		requireError(t, rec, http.StatusUnauthorized, "not_authenticated")
		require.Empty(t, b.privacy.exports)
	})
	t.Run("ThreePerDay", func(t *testing.T) {
		t.Parallel()
		b := setupPrivacy(t)
		for range 3 {
			require.Equal(t, http.StatusOK, b.send(t, http.MethodGet, exportPath, "", withBearer(tokenGood)).Code)
		}

		rec := b.send(t, http.MethodGet, exportPath, "", withBearer(tokenGood))

		requireError(t, rec, http.StatusTooManyRequests, "rate_limit_exceeded")
		require.Empty(t, rec.Header().Get("Content-Disposition"))
		require.Equal(t, 3, b.limiter.Used("privacy.export", fakeUserID.String()))
	})
	t.Run("ServiceError", func(t *testing.T) {
		t.Parallel()
		b := setupPrivacy(t)
		b.privacy.ExportFunc = func(context.Context, ports.Principal) (ports.PersonalData, error) {
			return ports.PersonalData{}, core.ErrAccountDisabled
		}

		rec := b.send(t, http.MethodGet, exportPath, "", withBearer(tokenGood))

		requireError(t, rec, http.StatusForbidden, "account_disabled")
		require.Empty(t, rec.Header().Get("Content-Disposition"))
	})
}

func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, body string
		want                     ports.AccountDeletion
	}{
		{
			name: "Delete", method: http.MethodDelete, path: mePath, body: deleteBody,
			want: ports.AccountDeletion{Password: "s3cret-pass", Confirm: "DELETE"},
		},
		{
			name: "PostAlias", method: http.MethodPost, path: deletePath, body: deleteBody,
			want: ports.AccountDeletion{Password: "s3cret-pass", Confirm: "DELETE"},
		},
		{
			name: "WithoutTrailingSlash", method: http.MethodDelete, path: "/api/auth/me", body: deleteBody,
			want: ports.AccountDeletion{Password: "s3cret-pass", Confirm: "DELETE"},
		},
		{
			name: "Code", method: http.MethodDelete, path: mePath, body: `{"code":"123456","confirm":"DELETE"}`,
			want: ports.AccountDeletion{Code: "123456", Confirm: "DELETE"},
		},
		{
			name: "OTPCodeAliasInPersianDigits", method: http.MethodPost, path: deletePath, body: `{"otp_code":"۱۲۳۴۵۶","confirm":"DELETE"}`,
			want: ports.AccountDeletion{Code: "123456", Confirm: "DELETE"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPrivacy(t)

			rec := b.send(t, tt.method, tt.path, tt.body, withBearer(tokenGood))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, map[string]any{}, dataOf(t, rec))
			require.Equal(t, "حساب کاربری شما حذف شد", messageOf(t, rec))
			require.Empty(t, cookiesOf(rec), "bearer clients have no cookies to clear")
			call, ok := b.privacy.lastDelete()
			require.True(t, ok)
			require.Equal(t, tt.want, call.Input)
			require.Equal(t, fakeUserID, call.Principal.UserID)
			require.Equal(t, fakeSessionID, call.Principal.SessionID)
			require.Equal(t, ports.IdempotentCall{}, call.Call, "no key, no deduplication")
		})
	}
	t.Run("InEnglish", func(t *testing.T) {
		t.Parallel()
		b := setupPrivacy(t)

		rec := b.send(t, http.MethodDelete, mePath, deleteBody, withBearer(tokenGood), inEnglish())

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.Equal(t, "Your account has been deleted.", messageOf(t, rec))
	})
	t.Run("CookieModeClearsCookies", func(t *testing.T) {
		t.Parallel()
		b := setupPrivacy(t)

		rec := b.send(t, http.MethodDelete, mePath, deleteBody,
			withCookie("access_token", tokenGood), withCookie("refresh_token", "r-cookie"),
			withCookie("csrftoken", csrfFor(fakeSessionID)), withHeader("X-CSRFToken", csrfFor(fakeSessionID)),
			withOrigin(appOrigin))

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		cookies := cookiesOf(rec)
		for name, path := range map[string]string{"access_token": "/api/", "refresh_token": "/api/auth/", "csrftoken": "/"} {
			c := cookies[name]
			require.NotNil(t, c, "cookie %s not cleared", name)
			require.Empty(t, c.Value)
			require.Equal(t, path, c.Path)
			require.Equal(t, -1, c.MaxAge)
		}
	})
	t.Run("CookieModeNeedsCSRF", func(t *testing.T) {
		t.Parallel()
		b := setupPrivacy(t)

		rec := b.send(t, http.MethodDelete, mePath, deleteBody, withCookie("access_token", tokenGood), withOrigin(appOrigin))

		requireError(t, rec, http.StatusForbidden, "csrf_failed")
		require.Zero(t, b.privacy.deleteRuns())
	})
	t.Run("RefusalKeepsCookies", func(t *testing.T) {
		t.Parallel()
		b := setupPrivacy(t)
		b.privacy.DeleteFunc = func(context.Context, ports.Principal, ports.AccountDeletion) error { return core.ErrAccountHasBalance }

		rec := b.send(t, http.MethodDelete, mePath, deleteBody,
			withCookie("access_token", tokenGood), withCookie("csrftoken", csrfFor(fakeSessionID)),
			withHeader("X-CSRFToken", csrfFor(fakeSessionID)), withOrigin(appOrigin))

		requireError(t, rec, http.StatusConflict, "account_has_balance")
		require.Empty(t, cookiesOf(rec))
	})
}

func TestDeleteAccountInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		fields []string
	}{
		{name: "Empty", body: `{}`, fields: []string{"confirm", core.NonFieldErrors}},
		{name: "NoConfirm", body: `{"password":"s3cret-pass"}`, fields: []string{"confirm"}},
		{name: "LowerCaseConfirm", body: `{"password":"s3cret-pass","confirm":"delete"}`, fields: []string{"confirm"}},
		{name: "NoProof", body: `{"confirm":"DELETE"}`, fields: []string{core.NonFieldErrors}},
		{name: "BlankProof", body: `{"password":"","code":"","confirm":"DELETE"}`, fields: []string{core.NonFieldErrors}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPrivacy(t)

			rec := b.send(t, http.MethodDelete, mePath, tt.body, withBearer(tokenGood))

			e := requireError(t, rec, http.StatusBadRequest, "validation_error")
			details, _ := e["details"].(map[string]any)
			require.ElementsMatch(t, tt.fields, keys(details))
			require.Zero(t, b.privacy.deleteRuns(), "the service is not asked")
		})
	}
	t.Run("Anonymous", func(t *testing.T) {
		t.Parallel()
		b := setupPrivacy(t)

		rec := b.send(t, http.MethodDelete, mePath, deleteBody)

		requireError(t, rec, http.StatusUnauthorized, "not_authenticated")
		require.Zero(t, b.privacy.deleteRuns())
	})
}

func TestDeleteAccountErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{name: "Balance", err: core.ErrAccountHasBalance, status: http.StatusConflict, code: "account_has_balance"},
		{name: "PendingDeposit", err: &core.InvalidStateError{Object: "deposit", State: "pending", Action: "delete account"},
			status: http.StatusConflict, code: "invalid_state"},
		{name: "WrongPassword", err: core.ErrWrongPassword, status: http.StatusBadRequest, code: "wrong_password"},
		{name: "WrongCode", err: core.ErrOTPInvalid, status: http.StatusBadRequest, code: "otp_invalid"},
		{name: "ExpiredCode", err: core.ErrOTPExpired, status: http.StatusBadRequest, code: "otp_expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPrivacy(t)
			b.privacy.DeleteFunc = func(context.Context, ports.Principal, ports.AccountDeletion) error { return tt.err }

			rec := b.send(t, http.MethodDelete, mePath, deleteBody, withBearer(tokenGood))

			requireError(t, rec, tt.status, tt.code)
		})
	}
	t.Run("InvalidStateDetails", func(t *testing.T) {
		t.Parallel()
		b := setupPrivacy(t)
		b.privacy.DeleteFunc = func(context.Context, ports.Principal, ports.AccountDeletion) error {
			return &core.InvalidStateError{Object: "withdrawal", State: "approved", Action: "delete account"}
		}

		rec := b.send(t, http.MethodPost, deletePath, deleteBody, withBearer(tokenGood))

		e := requireError(t, rec, http.StatusConflict, "invalid_state")
		require.Equal(t, map[string]any{"object": "withdrawal", "state": "approved", "action": "delete account"}, e["details"])
	})
}

func TestDeleteAccountIdempotent(t *testing.T) {
	t.Parallel()
	const key = "3f1b7c9e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
	b := setupPrivacy(t)
	b.privacy.DeleteFunc = func(context.Context, ports.Principal, ports.AccountDeletion) error { return core.ErrAccountHasBalance }

	first := b.send(t, http.MethodDelete, mePath, deleteBody, withBearer(tokenGood), withKey(key))
	requireError(t, first, http.StatusConflict, "account_has_balance")

	// The alias path is the same operation; another password is the same request, since the
	// fingerprint leaves the password out.
	again := b.send(t, http.MethodPost, deletePath, `{"confirm":"DELETE","password":"other-pass"}`, withBearer(tokenGood), withKey(key))

	require.Equal(t, http.StatusConflict, again.Code)
	require.Equal(t, "true", again.Header().Get("Idempotency-Replayed"))
	require.Equal(t, first.Body.String(), again.Body.String())
	call, _ := b.privacy.lastDelete()
	require.Equal(t, "user:42:auth.delete_account", call.Call.Key.Scope())
	require.Equal(t, key, call.Call.Key.Value())
	require.Equal(t, idempotency.FingerprintOf([]byte(`{"confirm":"DELETE","password":true}`)), call.Call.Fingerprint,
		"no hash of the password is stored")

	byCode := b.send(t, http.MethodDelete, mePath, `{"code":"123456","confirm":"DELETE"}`, withBearer(tokenGood), withKey(key))

	requireError(t, byCode, http.StatusConflict, "idempotency_key_reused")
}

func TestDeleteAccountStoresNothingPersonal(t *testing.T) {
	t.Parallel()
	b := setupPrivacy(t)

	rec := b.send(t, http.MethodDelete, mePath, deleteBody, withBearer(tokenGood), withKey("key-0123456789"))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	b.privacy.mu.Lock()
	defer b.privacy.mu.Unlock()
	require.Len(t, b.privacy.stored, 1)
	for _, s := range b.privacy.stored {
		require.Equal(t, http.StatusOK, s.resp.Status)
		require.Equal(t, rec.Body.String(), string(s.resp.Body))
		require.NotContains(t, string(s.resp.Body), strings.TrimPrefix(fakePhone, "+"))
	}
}

func TestDeleteAccountIdempotencyRequired(t *testing.T) {
	t.Parallel()
	b := setupPrivacy(t, func(c *httpapi.PrivacyConfig) { c.IdempotencyRequired = true })

	rec := b.send(t, http.MethodDelete, mePath, deleteBody, withBearer(tokenGood))

	requireError(t, rec, http.StatusPreconditionRequired, "idempotency_key_required")
	require.Zero(t, b.privacy.deleteRuns())
}

func TestDeleteAccountThreePerDay(t *testing.T) {
	t.Parallel()
	b := setupPrivacy(t)
	b.privacy.DeleteFunc = func(context.Context, ports.Principal, ports.AccountDeletion) error { return core.ErrWrongPassword }
	for _, r := range []struct{ method, path string }{
		{http.MethodDelete, mePath}, {http.MethodPost, deletePath}, {http.MethodDelete, mePath},
	} {
		requireError(t, b.send(t, r.method, r.path, deleteBody, withBearer(tokenGood)), http.StatusBadRequest, "wrong_password")
	}

	rec := b.send(t, http.MethodPost, deletePath, deleteBody, withBearer(tokenGood))

	requireError(t, rec, http.StatusTooManyRequests, "rate_limit_exceeded")
	require.Equal(t, 3, b.privacy.deleteRuns(), "both routes share one budget")
}

func TestNewPrivacyValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  httpapi.PrivacyConfig
		want string
	}{
		{name: "NoService", cfg: httpapi.PrivacyConfig{}, want: "privacy is required"},
		{name: "BadLimit", cfg: httpapi.PrivacyConfig{Privacy: newFakePrivacy(), Limits: httpapi.PrivacyLimits{
			Export: ports.Limit{Name: "privacy.export", Rate: 1, Period: -time.Hour},
		}}, want: "privacy config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := httpapi.NewRouter(discardLogger(), mustReadiness(t), testAuthConfig(newFakeAccounts(), newCountingLimiter()),
				httpapi.MetricsEndpoint{}, httpapi.WithPrivacy(tt.cfg))
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestSendOTPForAccountDeletion(t *testing.T) {
	t.Parallel()
	b := setupAuth(t)

	rec := b.send(t, http.MethodPost, "/api/auth/send-otp/", `{"phone_number":"+989121234567","otp_type":"account_deletion"}`)

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	in, ok := lastCall[ports.SendOTPInput](b.accounts)
	require.True(t, ok)
	require.Equal(t, identity.PurposeAccountDeletion, in.Purpose)
}

// TestGoldenPrivacy snapshots the export, a deletion and a refused one.
func TestGoldenPrivacy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, body string
		err                      error
	}{
		{name: "privacy_export", method: http.MethodGet, path: exportPath},
		{name: "privacy_delete", method: http.MethodDelete, path: mePath, body: deleteBody},
		{name: "privacy_delete_has_balance", method: http.MethodDelete, path: mePath, body: deleteBody, err: core.ErrAccountHasBalance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPrivacy(t)
			b.privacy.DeleteFunc = func(context.Context, ports.Principal, ports.AccountDeletion) error { return tt.err }

			rec := b.send(t, tt.method, tt.path, tt.body, withBearer(tokenGood), withHeader("X-Request-ID", "golden-"+tt.name))

			requireGolden(t, tt.name, rec)
		})
	}
}
