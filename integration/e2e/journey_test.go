//go:build integration

package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestJourneyPostgres runs the customer's whole journey on PostgreSQL and Redis: sign-up
// with the code the SMS provider received, KYC approved by staff, a deposit through each
// gateway, a buy and a sell at the feed's price, a payout account and a withdrawal confirmed
// by step-up codes, staff approval and payout, exact balances, and the ledger and the audit
// log verified by the binary.
func TestJourneyPostgres(t *testing.T) {
	t.Parallel()
	journey(t, postgresStore(t))
}

// TestJourneySQLite runs the same journey on the embedded default store: no DATABASE_URL,
// the SQLite file in a temporary folder, rate limits in memory.
func TestJourneySQLite(t *testing.T) {
	t.Parallel()
	journey(t, sqliteStore(t))
}

// journey is the customer's journey of TestJourneyPostgres on st.
func journey(t *testing.T, st store) {
	s := startStack(t, st, []staffAccount{admin, operator}, 1_000)
	approver, payer := s.signIn(t, admin), s.signIn(t, operator)
	u := s.signUp(t, "مریم")

	// KYC: trading needs level 1 in production; staff review the documents for level 2.
	u.fails(t, http.StatusForbidden, "kyc_required", http.MethodPost, "/api/trading/orders/place_order/",
		map[string]any{"order_type": "buy", "amount_irr": 1_000_000})
	u.submitKYC(t)
	queue := approver.ok(t, http.StatusOK, http.MethodGet, "/api/admin/kyc/?status=pending", nil).list(t)
	require.Len(t, queue, 1)
	approver.ok(t, http.StatusOK, http.MethodPost, "/api/admin/kyc/"+itoa(u.id)+"/approve/", map[string]any{"level": 2})
	require.Equal(t, int64(2), u.kycLevel(t))

	// A deposit through each gateway.
	const viaZarinPal, viaIDPay = 30_000_000, 20_000_000
	u.depositZarinPal(t, viaZarinPal)
	u.depositIDPay(t, viaIDPay)
	rials := int64(viaZarinPal + viaIDPay)
	u.requireBalance(t, rials, 0, 0, 0)

	// A buy at the feed's sell price, as previewed.
	const buyAmount = 10_000_000
	wantGold := int64(buyAmount * 1_000_000 / feedSell)
	q := u.ok(t, http.StatusOK, http.MethodPost, "/api/trading/orders/preview/",
		map[string]any{"order_type": "buy", "amount_irr": buyAmount}).data(t)
	require.Equal(t, int64(feedSell), num(t, q, "gold_price_per_gram"))
	require.Equal(t, grams(wantGold), q["gold_amount"])
	require.Equal(t, fee(buyAmount), num(t, q, "fee"))
	require.Equal(t, buyAmount+fee(buyAmount), num(t, q, "total_amount"))
	o := u.ok(t, http.StatusCreated, http.MethodPost, "/api/trading/orders/place_order/",
		map[string]any{"order_type": "buy", "amount_irr": buyAmount, "quote_id": q["quote_id"]}).data(t)
	require.Equal(t, "completed", o["status"])
	require.Equal(t, q["gold_amount"], o["gold_amount"])
	require.Equal(t, num(t, q, "total_amount"), num(t, o, "total_amount"))
	rials -= buyAmount + fee(buyAmount)
	gold := wantGold
	u.requireBalance(t, rials, 0, gold, 0)

	// A sell for rials at the feed's buy price: the gold is rounded up against the seller.
	const sellAmount = 3_000_000
	soldGold := int64((sellAmount*1_000_000 + feedBuy - 1) / feedBuy)
	q = u.ok(t, http.StatusOK, http.MethodPost, "/api/trading/orders/preview/",
		map[string]any{"order_type": "sell", "amount_irr": sellAmount}).data(t)
	require.Equal(t, int64(feedBuy), num(t, q, "gold_price_per_gram"))
	require.Equal(t, grams(soldGold), q["gold_amount"])
	require.Equal(t, sellAmount-fee(sellAmount), num(t, q, "total_amount"))
	o = u.ok(t, http.StatusCreated, http.MethodPost, "/api/trading/orders/place_order/",
		map[string]any{"order_type": "sell", "amount_irr": sellAmount, "quote_id": q["quote_id"]}).data(t)
	require.Equal(t, "completed", o["status"])
	rials += sellAmount - fee(sellAmount)
	gold -= soldGold
	u.requireBalance(t, rials, 0, gold, 0)

	// A payout account and a withdrawal, each confirmed by a step-up code; the withdrawal
	// holds its amount and fee until staff pay it out.
	account := u.addBankAccount(t, approver)
	const payout = 5_000_000
	w := u.withdraw(t, account, payout)
	require.Equal(t, fee(payout), num(t, w, "fee"))
	require.Equal(t, payout+fee(payout), num(t, w, "total_amount"))
	u.requireBalance(t, rials, payout+fee(payout), gold, 0)
	approver.ok(t, http.StatusOK, http.MethodPost, "/api/admin/withdrawals/"+idOf(t, w)+"/approve/", map[string]any{})
	payer.ok(t, http.StatusOK, http.MethodPost, "/api/admin/withdrawals/"+idOf(t, w)+"/process/", map[string]any{"channel": "paya"})
	done := payer.ok(t, http.StatusOK, http.MethodPost, "/api/admin/withdrawals/"+idOf(t, w)+"/complete/",
		map[string]any{"tracking_code": "PAYA-E2E-0001"}).data(t)
	require.Equal(t, "completed", done["status"])
	require.Equal(t, "completed", u.ok(t, http.StatusOK, http.MethodGet, "/api/wallet/withdrawals/"+idOf(t, w)+"/", nil).data(t)["status"])
	rials -= payout + fee(payout)
	u.requireBalance(t, rials, 0, gold, 0)

	// The history shows every movement, newest first.
	var moves []string
	for _, tx := range u.ok(t, http.StatusOK, http.MethodGet, "/api/wallet/transactions/", nil).list(t) {
		moves = append(moves, tx["transaction_type"].(string)+" "+tx["status"].(string)+" "+tx["amount_irr"].(string))
	}
	require.Equal(t, []string{
		"withdraw completed " + itoa(payout+fee(payout)),
		"sell_gold completed " + itoa(sellAmount-fee(sellAmount)),
		"buy_gold completed " + itoa(buyAmount+fee(buyAmount)),
		"deposit completed " + itoa(viaIDPay),
		"deposit completed " + itoa(viaZarinPal),
	}, moves)

	// The binary finds the ledger balanced and the audit log's chains unbroken.
	out := s.run(t, "", 0, "ledger", "verify")
	require.NotEmpty(t, strings.TrimSpace(out))
	s.run(t, "", 0, "audit", "verify")
}
