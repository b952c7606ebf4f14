package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// entries reads one page of user's ledger entries in a snapshot.
func (b *bundle) entries(t *testing.T, user core.UserID, types []ledger.JournalType, offset, limit int) ([]ports.LedgerEntry, int) {
	t.Helper()
	var out []ports.LedgerEntry
	var total int
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		out, total, err = tx.Ledger().Entries(ctx, user, types, offset, limit)
		return err
	})
	return out, total
}

// entryView is a ledger entry without its time, which the store's clock sets.
type entryView struct {
	Type      ledger.JournalType
	Reference string
	IRR       core.Rial
	Gold      core.Microgram
}

func views(t *testing.T, entries []ports.LedgerEntry) []entryView {
	t.Helper()
	out := make([]entryView, 0, len(entries))
	for i, e := range entries {
		require.Positive(t, int64(e.Journal))
		require.False(t, e.CreatedAt.IsZero())
		if i > 0 {
			prev := entries[i-1]
			require.False(t, e.CreatedAt.After(prev.CreatedAt), "newest first")
			if e.CreatedAt.Equal(prev.CreatedAt) {
				require.Less(t, e.Journal, prev.Journal, "ties by journal id descending")
			}
		}
		out = append(out, entryView{Type: e.Type, Reference: e.Reference, IRR: e.IRR, Gold: e.Gold})
	}
	return out
}

func entryCases() []testCase {
	return []testCase{
		{"LedgerEntries", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			b.treasury(t, ledger.Gold, 1_000_000)
			b.treasury(t, ledger.IRR, 10_000_000)
			b.deposit(t, u, 1_000_000)
			b.deposit(t, other, 50_000)
			buy, err := ledger.BuyJournal(u, 500_000, 2_500, 12_500, "TXN1")
			require.NoError(t, err)
			buyID := b.post(t, buy)
			sell, err := ledger.SellJournal(u, 5_000, 190_000, 950, "TXN2")
			require.NoError(t, err)
			sellID := b.post(t, sell)
			b.placeHold(t, u, 60_000)

			deposit := entryView{Type: ledger.JournalDeposit, Reference: "dep", IRR: 1_000_000}
			bought := entryView{Type: ledger.JournalBuy, Reference: "TXN1", IRR: -502_500, Gold: 12_500}
			sold := entryView{Type: ledger.JournalSell, Reference: "TXN2", IRR: 189_050, Gold: -5_000}
			held := entryView{Type: ledger.JournalWithdrawalHold, Reference: "WD1"} // available → held nets to zero

			all, total := b.entries(t, u, nil, 0, 10)
			require.Equal(t, 4, total)
			require.Equal(t, []entryView{held, sold, bought, deposit}, views(t, all))
			require.Equal(t, sellID, all[1].Journal)
			require.Equal(t, buyID, all[2].Journal)

			trades := []ledger.JournalType{ledger.JournalBuy, ledger.JournalSell}
			got, total := b.entries(t, u, trades, 0, 10)
			require.Equal(t, 2, total)
			require.Equal(t, []entryView{sold, bought}, views(t, got))
			got, total = b.entries(t, u, trades, 1, 1)
			require.Equal(t, 2, total)
			require.Equal(t, []entryView{bought}, views(t, got))
			got, total = b.entries(t, u, []ledger.JournalType{ledger.JournalFee}, 0, 10)
			require.Zero(t, total)
			require.Empty(t, got)

			var pages []ports.LedgerEntry
			for offset := 0; offset < 4; offset += 3 {
				page, total := b.entries(t, u, nil, offset, 3)
				require.Equal(t, 4, total)
				pages = append(pages, page...)
			}
			require.Equal(t, all, pages)

			got, total = b.entries(t, other, nil, 0, 10)
			require.Equal(t, 1, total)
			require.Equal(t, []entryView{{Type: ledger.JournalDeposit, Reference: "dep", IRR: 50_000}}, views(t, got))
			got, total = b.entries(t, 987654, nil, 0, 10)
			require.Zero(t, total)
			require.Empty(t, got)
			err = b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, _, err := tx.Ledger().Entries(ctx, u, nil, -1, 10)
				return err
			})
			require.ErrorIs(t, err, core.ErrInvalidInput)
		}},
	}
}
