package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// staffUsersBundle is the API router with the staff user endpoints over fakes.
type staffUsersBundle struct {
	handler http.Handler
	users   *fakeStaffUsers
}

// setupStaffUsers returns the router of NewRouter with WithStaffUsers over fresh fakes:
// tokenGood authenticates a customer, tokenOperator an operator and tokenStaff an admin.
// configure changes the configuration first.
func setupStaffUsers(t *testing.T, configure ...func(*httpapi.StaffUsersConfig)) staffUsersBundle {
	t.Helper()
	b := staffUsersBundle{users: newFakeStaffUsers()}
	accounts := newFakeAccounts()
	authenticate := accounts.AuthenticateFunc
	accounts.AuthenticateFunc = func(ctx context.Context, token string) (ports.Principal, error) {
		switch token {
		case tokenStaff:
			return ports.Principal{UserID: staffUserID, SessionID: "ses_staff", Role: identity.RoleAdmin}, nil
		case tokenOperator:
			return ports.Principal{UserID: operatorUserID, SessionID: "ses_operator", Role: identity.RoleOperator}, nil
		}
		return authenticate(ctx, token)
	}
	cfg := httpapi.StaffUsersConfig{Users: b.users}
	for _, c := range configure {
		c(&cfg)
	}
	h, err := httpapi.NewRouter(discardLogger(), mustReadiness(t), testAuthConfig(accounts, newCountingLimiter()),
		httpapi.MetricsEndpoint{}, httpapi.WithStaffUsers(cfg))
	require.NoError(t, err)
	b.handler = h
	return b
}

// send serves one request through the bundle's router (see [send]).
func (b staffUsersBundle) send(t *testing.T, method, path, body string, opts ...requestOption) *httptest.ResponseRecorder {
	t.Helper()
	return send(t, b.handler, method, path, body, opts...)
}

func TestNewStaffUsersNeedsTheService(t *testing.T) {
	t.Parallel()
	_, err := httpapi.NewRouter(discardLogger(), mustReadiness(t), testAuthConfig(newFakeAccounts(), newCountingLimiter()),
		httpapi.MetricsEndpoint{}, httpapi.WithStaffUsers(httpapi.StaffUsersConfig{}))
	require.ErrorContains(t, err, "users is required")
}

// staffUserRoutes are every staff user endpoint, with a body that would pass validation,
// and whether only an admin may call it.
var staffUserRoutes = []struct {
	method, path, body string
	admin              bool
}{
	{http.MethodGet, "/api/admin/users/", "", false},
	{http.MethodGet, "/api/admin/users/42/", "", false},
	{http.MethodPost, "/api/admin/users/42/disable/", `{"reason":"fraud"}`, true},
	{http.MethodPost, "/api/admin/users/42/enable/", `{"reason":"cleared"}`, true},
	{http.MethodGet, "/api/admin/audit-log/", "", true},
}

func TestStaffUsersRoles(t *testing.T) {
	t.Parallel()
	b := setupStaffUsers(t)
	for _, r := range staffUserRoutes {
		requireError(t, b.send(t, r.method, r.path, r.body), http.StatusUnauthorized, "not_authenticated")
		requireError(t, b.send(t, r.method, r.path, r.body, withBearer(tokenGood)), http.StatusForbidden, "permission_denied")
	}
	require.Empty(t, b.users.recorded(), "customers never reach the service")

	for _, r := range staffUserRoutes {
		rec := b.send(t, r.method, r.path, r.body, withBearer(tokenOperator))
		if r.admin {
			requireError(t, rec, http.StatusForbidden, "permission_denied")
		} else {
			require.Equal(t, http.StatusOK, rec.Code, "%s %s: %s", r.method, r.path, rec.Body.String())
		}
		require.Equal(t, http.StatusOK, b.send(t, r.method, r.path, r.body, withBearer(tokenStaff)).Code, "%s %s", r.method, r.path)
	}
	requireError(t, b.send(t, http.MethodDelete, "/api/admin/users/42/", "", withBearer(tokenStaff)), http.StatusMethodNotAllowed, "method_not_allowed")
}

func TestStaffUsersList(t *testing.T) {
	t.Parallel()
	b := setupStaffUsers(t)

	items, page := listOf(t, b.send(t, http.MethodGet, "/api/admin/users/?q=+%DB%B0%DB%B9%DB%B1%DB%B2+&status=Disabled&page=2&page_size=1", "", withBearer(tokenOperator)))

	require.Len(t, items, 2)
	require.InDelta(t, 2, page["count"], 0)
	call, ok := b.users.last("Users")
	require.True(t, ok)
	yes := true
	require.Equal(t, []any{ports.UserFilter{Query: "۰۹۱۲", Disabled: &yes}, 1, 1}, call.Input, "q is trimmed and left to the service")
	require.Equal(t, operatorUserID, int(call.Principal.UserID))

	first, _ := items[0].(map[string]any)
	require.InDelta(t, float64(fakeUserID), first["id"], 0)
	require.Equal(t, fakePhone, first["phone_number"])
	require.Equal(t, "علی رضایی", first["full_name"])
	require.Equal(t, "0013542419", first["national_id"])
	require.Equal(t, "approved", first["kyc_status"])
	require.Equal(t, false, first["is_disabled"])
	require.Equal(t, "user", first["role"])
	require.Equal(t, map[string]any{
		"balance_irr": float64(4_000_000), "frozen_balance_irr": float64(10_000),
		"gold_balance": "0.750000", "frozen_gold_balance": "0.250000",
	}, first["wallet"])
	require.Equal(t, map[string]any{"status": "approved", "level": float64(1)}, first["kyc"])

	second, _ := items[1].(map[string]any)
	require.Equal(t, true, second["is_disabled"])
	require.Equal(t, "operator", second["role"])
	require.Equal(t, true, second["is_staff"])
	require.Equal(t, map[string]any{"status": "not_submitted", "level": float64(0)}, second["kyc"], "no profile: not submitted")
	require.Equal(t, map[string]any{
		"balance_irr": float64(0), "frozen_balance_irr": float64(0),
		"gold_balance": "0.000000", "frozen_gold_balance": "0.000000",
	}, second["wallet"])

	listOf(t, b.send(t, http.MethodGet, "/api/admin/users/?status=active", "", withBearer(tokenOperator)))
	call, _ = b.users.last("Users")
	no := false
	require.Equal(t, []any{ports.UserFilter{Disabled: &no}, 0, 20}, call.Input)

	for _, q := range []string{"?status=banned", "?q=" + strings.Repeat("a", 101)} {
		requireError(t, b.send(t, http.MethodGet, "/api/admin/users/"+q, "", withBearer(tokenOperator)), http.StatusBadRequest, "validation_error")
	}
	requireError(t, b.send(t, http.MethodGet, "/api/admin/users/?page=0", "", withBearer(tokenOperator)), http.StatusNotFound, "not_found")
}

func TestStaffUserGet(t *testing.T) {
	t.Parallel()
	b := setupStaffUsers(t)

	rec := b.send(t, http.MethodGet, "/api/admin/users/۴۲/", "", withBearer(tokenOperator))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	data := dataOf(t, rec)
	require.InDelta(t, float64(fakeUserID), data["id"], 0)
	require.NotNil(t, data["wallet"])
	call, _ := b.users.last("User")
	require.Equal(t, []any{fakeUserID}, call.Input)

	requireError(t, b.send(t, http.MethodGet, "/api/admin/users/43/", "", withBearer(tokenOperator)), http.StatusNotFound, "not_found")
	calls := len(b.users.recorded())
	for _, id := range []string{"abc", "0", "-1"} {
		requireError(t, b.send(t, http.MethodGet, "/api/admin/users/"+id+"/", "", withBearer(tokenOperator)), http.StatusNotFound, "not_found")
	}
	require.Len(t, b.users.recorded(), calls, "a malformed id never reaches the service")
}

func TestStaffUserDisableAndEnable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, path, method, message string
		disabled                    bool
	}{
		{"Disable", "/api/admin/users/42/disable/", "Disable", "حساب کاربر غیرفعال شد و نشست\u200cهای او باطل شد", true},
		{"Enable", "/api/admin/users/42/enable/", "Enable", "حساب کاربر فعال شد", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupStaffUsers(t)

			rec := b.send(t, http.MethodPost, tt.path, `{"reason":"  گزارش بانک  "}`, withBearer(tokenStaff), withKey("users-key-0001"))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, tt.message, messageOf(t, rec))
			require.Equal(t, tt.disabled, dataOf(t, rec)["is_disabled"])
			call, _ := b.users.last(tt.method)
			require.Equal(t, []any{fakeUserID, "گزارش بانک"}, call.Input)
			require.Equal(t, staffUserID, int(call.Principal.UserID))

			for _, body := range []string{`{}`, `{"reason":"  "}`, `{"reason":"` + strings.Repeat("ن", 501) + `"}`} {
				e := requireError(t, b.send(t, http.MethodPost, tt.path, body, withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")
				require.Contains(t, e["details"], "reason")
			}
			requireError(t, b.send(t, http.MethodPost, tt.path, `{"reason":"x"}`, withBearer(tokenStaff), withKey("short")),
				http.StatusBadRequest, "idempotency_key_invalid")
			requireError(t, b.send(t, http.MethodPost, "/api/admin/users/abc/"+strings.ToLower(tt.name)+"/", `{"reason":"x"}`, withBearer(tokenStaff)),
				http.StatusNotFound, "not_found")
			require.Len(t, b.users.recorded(), 1, "refused requests never reach the service")
		})
	}
}

func TestStaffUserDisableRefused(t *testing.T) {
	t.Parallel()
	b := setupStaffUsers(t)
	b.users.DisableFunc = func(context.Context, ports.Principal, core.UserID, string) (ports.UserSummary, error) {
		return ports.UserSummary{}, &core.InvalidStateError{Object: "user", State: "admin", Action: "disable"}
	}
	requireError(t, b.send(t, http.MethodPost, "/api/admin/users/7/disable/", `{"reason":"x"}`, withBearer(tokenStaff)), http.StatusConflict, "invalid_state")
	b.users.DisableFunc = func(context.Context, ports.Principal, core.UserID, string) (ports.UserSummary, error) {
		return ports.UserSummary{}, core.ErrNotFound
	}
	requireError(t, b.send(t, http.MethodPost, "/api/admin/users/99/disable/", `{"reason":"x"}`, withBearer(tokenStaff)), http.StatusNotFound, "not_found")
}

func TestStaffUserChangeKeysRequired(t *testing.T) {
	t.Parallel()
	b := setupStaffUsers(t, func(c *httpapi.StaffUsersConfig) { c.IdempotencyRequired = true })
	requireError(t, b.send(t, http.MethodPost, "/api/admin/users/42/disable/", `{"reason":"x"}`, withBearer(tokenStaff)),
		http.StatusPreconditionRequired, "idempotency_key_required")
	require.Empty(t, b.users.recorded())
	rec := b.send(t, http.MethodPost, "/api/admin/users/42/disable/", `{"reason":"x"}`, withBearer(tokenStaff), withKey("users-key-0002"))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

func TestStaffAuditLog(t *testing.T) {
	t.Parallel()
	b := setupStaffUsers(t)

	// The offsets' '+' arrive unescaped, read as spaces.
	items, page := listOf(t, b.send(t, http.MethodGet,
		"/api/admin/audit-log/?actor_id=%DB%B7&action=user.disable&entity=user&entity_id=42&from=2025-03-01T14:00:00+03:30&to=2025-03-02T00:00:00Z&page_size=10",
		"", withBearer(tokenStaff)))

	require.Len(t, items, 2)
	require.InDelta(t, 2, page["count"], 0)
	call, _ := b.users.last("AuditLog")
	require.Len(t, call.Input, 3)
	f, _ := call.Input[0].(ports.AuditFilter)
	require.Equal(t, core.UserID(staffUserID), f.ActorID)
	require.Equal(t, "user.disable", f.Action)
	require.Equal(t, "user", f.Entity)
	require.Equal(t, "42", f.EntityID)
	require.True(t, f.From.Equal(time.Date(2025, 3, 1, 10, 30, 0, 0, time.UTC)), "from %s", f.From)
	require.True(t, f.To.Equal(time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)), "to %s", f.To)
	require.Equal(t, []any{0, 10}, call.Input[1:])

	event, _ := items[0].(map[string]any)
	require.InDelta(t, 12, event["id"], 0)
	require.Equal(t, "2025-03-01T14:30:00+03:30", event["at"])
	require.InDelta(t, staffUserID, event["actor_id"], 0)
	require.Equal(t, "گزارش تقلب", event["reason"])
	require.Equal(t, "ab"+strings.Repeat("0", 62), event["prev_hash"])
	require.Equal(t, "cd"+strings.Repeat("0", 62), event["hash"])
	system, _ := items[1].(map[string]any)
	require.Nil(t, system["actor_id"], "the system acts as nobody")
	require.Nil(t, system["reason"])
	require.Nil(t, system["hash"], "stored before the chain began")

	for _, q := range []string{
		"?actor_id=abc", "?actor_id=0", "?from=yesterday", "?to=2025-03-01",
		"?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "?action=" + strings.Repeat("a", 101),
	} {
		requireError(t, b.send(t, http.MethodGet, "/api/admin/audit-log/"+q, "", withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")
	}
}

// TestGoldenStaffUsers snapshots the staff's user list entry, a disable and an audit-log
// page.
func TestGoldenStaffUsers(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, method, path, body string }{
		{name: "admin_user", method: http.MethodGet, path: "/api/admin/users/42/"},
		{name: "admin_user_disable", method: http.MethodPost, path: "/api/admin/users/42/disable/", body: `{"reason":"گزارش تقلب"}`},
		{name: "admin_audit_log", method: http.MethodGet, path: "/api/admin/audit-log/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupStaffUsers(t)

			rec := b.send(t, tt.method, tt.path, tt.body, withBearer(tokenStaff), withHeader("X-Request-ID", "golden-"+tt.name))

			requireGolden(t, tt.name, rec)
		})
	}
}
