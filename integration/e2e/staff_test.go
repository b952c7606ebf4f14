//go:build integration

package e2e_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestStaffFlows runs the staff's side on PostgreSQL and Redis: a KYC submission rejected
// and, resubmitted, approved; the deposit list; a withdrawal rejected, which releases its
// hold; a trading halt and its resumption; a customer disabled, whose token stops working;
// and the audit log, which shows each action with its staff member and verifies.
func TestStaffFlows(t *testing.T) {
	t.Parallel()
	s := startStack(t, postgresStore(t), []staffAccount{admin, operator}, 0)
	compliance, finance := s.signIn(t, admin), s.signIn(t, operator)
	u := s.signUp(t, "سارا")
	userID := itoa(u.id)

	t.Run("KYC rejected, then approved on resubmission", func(t *testing.T) {
		u.submitKYC(t)
		compliance.ok(t, http.StatusOK, http.MethodPost, "/api/admin/kyc/"+userID+"/reject/",
			map[string]any{"reason": "تصویر کارت ملی ناخواناست"})
		st := u.ok(t, http.StatusOK, http.MethodGet, "/api/kyc/status/", nil).data(t)
		require.Equal(t, "rejected", st["status"])
		require.Equal(t, "تصویر کارت ملی ناخواناست", st["rejection_reason"])
		require.Equal(t, int64(0), u.kycLevel(t))
		compliance.fails(t, http.StatusConflict, "invalid_state", http.MethodPost, "/api/admin/kyc/"+userID+"/approve/", map[string]any{"level": 1})

		u.submitKYC(t)
		compliance.ok(t, http.StatusOK, http.MethodPost, "/api/admin/kyc/"+userID+"/approve/", map[string]any{"level": 1})
		require.Equal(t, "approved", u.ok(t, http.StatusOK, http.MethodGet, "/api/kyc/status/", nil).data(t)["status"])
		require.Equal(t, int64(1), u.kycLevel(t))
	})

	const deposit = 20_000_000
	var depositID string
	t.Run("deposit list", func(t *testing.T) {
		depositID = idOf(t, u.depositZarinPal(t, deposit))
		list := finance.ok(t, http.StatusOK, http.MethodGet, "/api/admin/deposits/?status=verified", nil).list(t)
		require.Len(t, list, 1)
		require.Equal(t, depositID, idOf(t, list[0]))
		require.Equal(t, int64(deposit), num(t, list[0], "amount"))
		require.Empty(t, finance.ok(t, http.StatusOK, http.MethodGet, "/api/admin/deposits/?status=pending", nil).list(t))
		// A customer's token opens no staff route.
		u.fails(t, http.StatusForbidden, "permission_denied", http.MethodGet, "/api/admin/deposits/", nil)
	})

	t.Run("withdrawal rejected releases the hold", func(t *testing.T) {
		account := u.addBankAccount(t, compliance)
		const amount = 4_000_000
		w := u.withdraw(t, account, amount)
		u.requireBalance(t, deposit, amount+fee(amount), 0, 0)
		list := finance.ok(t, http.StatusOK, http.MethodGet, "/api/admin/withdrawals/?status=pending", nil).list(t)
		require.Len(t, list, 1)
		require.Equal(t, idOf(t, w), idOf(t, list[0]))
		r := finance.ok(t, http.StatusOK, http.MethodPost, "/api/admin/withdrawals/"+idOf(t, w)+"/reject/",
			map[string]any{"reason": "شبا به نام مشتری نیست"})
		require.Equal(t, "rejected", r.data(t)["status"])
		got := u.ok(t, http.StatusOK, http.MethodGet, "/api/wallet/withdrawals/"+idOf(t, w)+"/", nil).data(t)
		require.Equal(t, "rejected", got["status"])
		require.Equal(t, "شبا به نام مشتری نیست", got["rejection_reason"])
		u.requireBalance(t, deposit, 0, 0, 0)
		finance.fails(t, http.StatusConflict, "invalid_state", http.MethodPost, "/api/admin/withdrawals/"+idOf(t, w)+"/complete/",
			map[string]any{"tracking_code": "PAYA-E2E-0002"})
	})

	t.Run("trading halt and resume", func(t *testing.T) {
		preview := map[string]any{"order_type": "buy", "amount_irr": 1_000_000}
		u.ok(t, http.StatusOK, http.MethodPost, "/api/trading/orders/preview/", preview)
		finance.ok(t, http.StatusOK, http.MethodPost, "/api/admin/trading/halt/", map[string]any{"reason": "نوسان شدید بازار"})
		u.fails(t, http.StatusServiceUnavailable, "trading_halted", http.MethodPost, "/api/trading/orders/preview/", preview)
		u.fails(t, http.StatusServiceUnavailable, "trading_halted", http.MethodPost, "/api/trading/orders/place_order/", preview)
		require.Equal(t, false, u.ok(t, http.StatusOK, http.MethodGet, "/api/prices/gold/current/", nil).data(t)["trading_enabled"])
		finance.ok(t, http.StatusOK, http.MethodPost, "/api/admin/trading/resume/", map[string]any{"reason": "بازار آرام شد"})
		q := u.ok(t, http.StatusOK, http.MethodPost, "/api/trading/orders/preview/", preview).data(t)
		require.Equal(t, int64(feedSell), num(t, q, "gold_price_per_gram"))
	})

	t.Run("disabled customer is signed out", func(t *testing.T) {
		compliance.ok(t, http.StatusOK, http.MethodPost, "/api/admin/users/"+userID+"/disable/", map[string]any{"reason": "گزارش تقلب"})
		u.fails(t, http.StatusUnauthorized, "token_revoked", http.MethodGet, "/api/wallet/balance/", nil)
		u.fails(t, http.StatusForbidden, "account_disabled", http.MethodPost, "/api/auth/login/",
			map[string]any{"phone_number": u.phone98, "password": userPassword})
	})

	t.Run("audit log shows the actions", func(t *testing.T) {
		adminID := idOf(t, compliance.ok(t, http.StatusOK, http.MethodGet, "/api/auth/me/", nil).data(t))
		operatorID := idOf(t, finance.ok(t, http.StatusOK, http.MethodGet, "/api/auth/me/", nil).data(t))
		var staffActions []string
		entries := compliance.ok(t, http.StatusOK, http.MethodGet, "/api/admin/audit-log/?page_size=100", nil).list(t)
		for _, e := range entries {
			if e["actor_role"] == "user" || e["actor_role"] == "system" || e["action"] == "session.create" {
				continue
			}
			actor := "-"
			if e["actor_id"] != nil {
				actor = map[string]string{adminID: "admin", operatorID: "operator"}[itoa(num(t, e, "actor_id"))]
			}
			staffActions = append(staffActions, fmt.Sprintf("%s by %s on %s %v", e["action"], actor, e["entity"], e["entity_id"]))
		}
		require.Equal(t, []string{
			"user.disable by admin on user " + userID,
			"trading.resume by operator on trading ",
			"trading.halt by operator on trading ",
			"withdrawal.reject by operator on withdrawal 1",
			"bank_account.confirm by admin on bank_account 1",
			"kyc.approve by admin on kyc " + userID,
			"kyc.reject by admin on kyc " + userID,
			"user.staff_created by - on user " + operatorID,
			"user.staff_created by - on user " + adminID,
		}, staffActions, "newest first")
		// The audit log is filtered by entity.
		for _, e := range compliance.ok(t, http.StatusOK, http.MethodGet, "/api/admin/audit-log/?entity=withdrawal", nil).list(t) {
			require.Equal(t, "withdrawal", e["entity"])
		}
		s.run(t, "", 0, "audit", "verify")
		s.run(t, "", 0, "ledger", "verify")
	})
}
