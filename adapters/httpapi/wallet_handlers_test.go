package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/ledger"
)

func TestWalletBalance(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	rec := b.send(t, http.MethodGet, "/api/wallet/balance/", "", withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, map[string]any{
		"id": 42.0, "balance_irr": 995_000.0, "gold_balance": "0.327868", "frozen_balance_irr": 95_000.0,
		"frozen_gold_balance": "0.000000", "available_balance_irr": 900_000.0, "available_gold_balance": "0.327868",
		"total_value_irr": 1_975_325.0, "created_at": "2025-03-01T14:30:00+03:30", "updated_at": "2025-03-01T14:30:00+03:30",
	}, dataOf(t, rec))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
}

func TestWalletTransactions(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	items, page := listOf(t, b.send(t, http.MethodGet, "/api/wallet/transactions/", "", withBearer(tokenGood)))

	require.Equal(t, []any{
		map[string]any{
			"id": 31.0, "transaction_type": "buy_gold", "transaction_type_display": "خرید طلا", "status": "completed",
			"status_display": "تکمیل شده", "amount_irr": "1005000", "amount_gold": "0.327868", "description": "خرید طلا",
			"reference_id": fixtureNumber, "created_at": "2025-03-01T14:30:00+03:30",
		},
		map[string]any{
			"id": 30.0, "transaction_type": "deposit", "transaction_type_display": "واریز", "status": "completed",
			"status_display": "تکمیل شده", "amount_irr": "2000000", "amount_gold": "0.000000", "description": "واریز به کیف پول",
			"reference_id": "DEP1", "created_at": "2025-03-01T13:30:00+03:30",
		},
	}, items)
	require.InDelta(t, 2, page["count"], 0)
	call, _ := lastTradingCall[entriesCall](b.trading)
	require.Equal(t, entriesCall{Offset: 0, Limit: 20}, call)
}

func TestTransactionFilters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		path  string
		types []ledger.JournalType
		empty bool
	}{
		{name: "WalletBuy", path: "/api/wallet/transactions/?type=buy_gold", types: []ledger.JournalType{ledger.JournalBuy}},
		{name: "WalletWithdraw", path: "/api/wallet/transactions/?type=withdraw&status=completed", types: []ledger.JournalType{ledger.JournalWithdrawalSettle}},
		{name: "WalletPending", path: "/api/wallet/transactions/?status=pending", empty: true},
		{name: "UnifiedSell", path: "/api/transactions/?type=SELL", types: []ledger.JournalType{ledger.JournalSell}},
		{name: "UnifiedRefund", path: "/api/transactions/?type=refund", types: []ledger.JournalType{ledger.JournalCorrection}},
		{name: "UnifiedInstallment", path: "/api/transactions/?type=installment", empty: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupTrading(t)

			items, page := listOf(t, b.send(t, http.MethodGet, tt.path, "", withBearer(tokenGood)))

			call, called := lastTradingCall[entriesCall](b.trading)
			if tt.empty {
				require.Empty(t, items)
				require.InDelta(t, 0, page["count"], 0)
				require.False(t, called)
				return
			}
			require.Equal(t, tt.types, call.Types)
		})
	}
	for _, path := range []string{
		"/api/wallet/transactions/?type=buy", "/api/transactions/?type=buy_gold", "/api/wallet/transactions/?status=done",
	} {
		t.Run("Invalid"+path, func(t *testing.T) {
			t.Parallel()
			b := setupTrading(t)
			requireError(t, b.send(t, http.MethodGet, path, "", withBearer(tokenGood)), http.StatusBadRequest, "validation_error")
		})
	}
}

func TestUnifiedTransactions(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	items, _ := listOf(t, b.send(t, http.MethodGet, "/api/transactions/", "", withBearer(tokenGood)))
	first, ok := items[0].(map[string]any)
	require.True(t, ok)
	require.Equal(t, "buy", first["transaction_type"])

	rec := b.send(t, http.MethodGet, "/api/transactions/31/", "", withBearer(tokenGood))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "buy", dataOf(t, rec)["transaction_type"])
	requireError(t, b.send(t, http.MethodGet, "/api/transactions/99/", "", withBearer(tokenGood)), http.StatusNotFound, "not_found")

	rec = b.send(t, http.MethodGet, "/api/transactions/summary/", "", withBearer(tokenGood))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, map[string]any{
		"total_deposits": 2_000_000.0, "total_withdrawals": 0.0, "total_buys": 1_000_000.0, "total_sells": 0.0,
		"total_fees": 5_000.0, "total_transactions": 2.0,
	}, dataOf(t, rec))
}
