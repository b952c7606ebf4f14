package trading_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

func TestWallet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.trader(t, 2_000_000)

	w, err := b.svc.Wallet(t.Context(), p)
	require.NoError(t, err)
	require.Equal(t, core.Rial(2_000_000), w.TotalValue, "no price: the rials alone")
	require.Zero(t, w.BuyPrice)

	b.market(t)
	out, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.NoError(t, err)
	w, err = b.svc.Wallet(t.Context(), p)
	require.NoError(t, err)
	require.Equal(t, p.UserID, w.User)
	require.Equal(t, ledger.Balance{Available: 995_000}, w.IRR)
	require.Equal(t, ledger.Balance{Available: 327_868}, w.Gold)
	require.Equal(t, testBuy, w.BuyPrice)
	// 995,000 + ⌊0.327868 g × 2,990,000⌋ = 995,000 + 980,325.
	require.Equal(t, core.Rial(995_000+980_325), w.TotalValue)
	require.Equal(t, out.Result.CreatedAt(), w.UpdatedAt)
}

func TestEntriesAndSummary(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 2_000_000)
	bought, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.NoError(t, err)
	sold, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: trading.Request{Side: trading.Sell, Amount: 500_000}}, ports.IdempotentCall{})
	require.NoError(t, err)

	entries, count, err := b.svc.Entries(t.Context(), p, nil, 0, 10)
	require.NoError(t, err)
	require.Equal(t, 3, count)
	require.Len(t, entries, 3)
	require.Equal(t, ledger.JournalSell, entries[0].Type)
	require.Equal(t, sold.Result.Number(), entries[0].Reference)
	require.Equal(t, sold.Result.Terms().Total, entries[0].IRR)
	require.Equal(t, ledger.JournalBuy, entries[1].Type)
	require.Equal(t, bought.Result.Number(), entries[1].Reference)
	require.Equal(t, core.Rial(-1_005_000), entries[1].IRR)
	require.Equal(t, core.Microgram(327_868), entries[1].Gold)
	require.Equal(t, ledger.JournalDeposit, entries[2].Type)

	buys, count, err := b.svc.Entries(t.Context(), p, []ledger.JournalType{ledger.JournalBuy}, 0, 10)
	require.NoError(t, err)
	require.Equal(t, 1, count)
	require.Equal(t, entries[1], buys[0])

	one, err := b.svc.Entry(t.Context(), p, entries[1].Journal)
	require.NoError(t, err)
	require.Equal(t, entries[1], one)
	_, err = b.svc.Entry(t.Context(), b.trader(t, 0), entries[1].Journal)
	require.ErrorIs(t, err, core.ErrNotFound)

	sum, err := b.svc.Summary(t.Context(), p)
	require.NoError(t, err)
	require.Equal(t, ports.TransactionSummary{
		Deposits: 2_000_000,
		Buys:     1_000_000,
		Sells:    500_000,
		Fees:     bought.Result.Terms().Fee + sold.Result.Terms().Fee,
		Count:    3,
	}, sum)
}
