package trading

import (
	"context"
	"errors"
	"fmt"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// UserJournalTypes are the journal types a user's histories show: the movements that
// change what the user holds. Withdrawal holds and releases only move rials between the
// available and held parts of the wallet, so they net to nothing and are left out.
var UserJournalTypes = []ledger.JournalType{
	ledger.JournalDeposit, ledger.JournalBuy, ledger.JournalSell, ledger.JournalFee,
	ledger.JournalWithdrawalSettle, ledger.JournalCorrection,
}

// entriesPage is the page size of the scans over a user's entries.
const entriesPage = 100

// Wallet returns the caller's balances; see [ports.Wallets.Wallet].
func (s *Service) Wallet(ctx context.Context, p ports.Principal) (ports.Wallet, error) {
	if p.UserID <= 0 {
		return ports.Wallet{}, core.ErrNotAuthenticated
	}
	w := ports.Wallet{User: p.UserID}
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		u, err := tx.Users().Get(ctx, p.UserID)
		if err != nil {
			return err
		}
		w.CreatedAt, w.UpdatedAt = u.CreatedAt(), u.CreatedAt()
		if w.IRR, err = balance(ctx, tx, ledger.UserAccount(p.UserID, ledger.IRR)); err != nil {
			return err
		}
		if w.Gold, err = balance(ctx, tx, ledger.UserAccount(p.UserID, ledger.Gold)); err != nil {
			return err
		}
		last, _, err := tx.Ledger().Entries(ctx, p.UserID, nil, 0, 1)
		if err != nil {
			return err
		}
		if len(last) > 0 && last[0].CreatedAt.After(w.UpdatedAt) {
			w.UpdatedAt = last[0].CreatedAt
		}
		return nil
	})
	if err != nil {
		return ports.Wallet{}, fmt.Errorf("trading: wallet: %w", err)
	}
	w.TotalValue = core.Rial(w.IRR.Total())
	if sn := s.snap.Load(); sn.hasPrice() {
		w.BuyPrice = sn.point.Buy
		worth, err := core.RialsForGold(core.Microgram(w.Gold.Total()), w.BuyPrice)
		if err != nil {
			return ports.Wallet{}, fmt.Errorf("trading: wallet value: %w", err)
		}
		if w.TotalValue, err = w.TotalValue.Add(worth); err != nil {
			return ports.Wallet{}, fmt.Errorf("trading: wallet value: %w", err)
		}
	}
	return w, nil
}

// balance returns an account's balance, zero when the account is not open.
func balance(ctx context.Context, tx ports.Tx, a ledger.Account) (ledger.Balance, error) {
	b, err := tx.Ledger().Balance(ctx, a)
	if errors.Is(err, core.ErrNotFound) {
		return ledger.Balance{}, nil
	}
	return b, err
}

// Entries returns one page of the caller's journals; see [ports.Wallets.Entries].
func (s *Service) Entries(ctx context.Context, p ports.Principal, types []ledger.JournalType, offset, limit int) ([]ports.LedgerEntry, int, error) {
	if p.UserID <= 0 {
		return nil, 0, core.ErrNotAuthenticated
	}
	if len(types) == 0 {
		types = UserJournalTypes
	}
	var (
		entries []ports.LedgerEntry
		count   int
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		entries, count, err = tx.Ledger().Entries(ctx, p.UserID, types, offset, limit)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("trading: ledger entries: %w", err)
	}
	return entries, count, nil
}

// Entry returns one of the caller's journals; see [ports.Wallets.Entry]. The store offers
// no lookup by journal yet, so it scans the caller's entries, newest first, until it finds
// id: the cost grows with the user's history.
func (s *Service) Entry(ctx context.Context, p ports.Principal, id ledger.JournalID) (ports.LedgerEntry, error) {
	if p.UserID <= 0 {
		return ports.LedgerEntry{}, core.ErrNotAuthenticated
	}
	var found *ports.LedgerEntry
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		found = nil
		return scanEntries(ctx, tx, p.UserID, UserJournalTypes, func(e ports.LedgerEntry) bool {
			if e.Journal == id {
				found = &e
			}
			return found == nil
		})
	})
	if err != nil {
		return ports.LedgerEntry{}, fmt.Errorf("trading: ledger entry %d: %w", id, err)
	}
	if found == nil {
		return ports.LedgerEntry{}, fmt.Errorf("trading: ledger entry %d: %w", id, core.ErrNotFound)
	}
	return *found, nil
}

// scanEntries calls fn with each of user's entries of types, newest first, until fn returns
// false or the entries run out.
func scanEntries(ctx context.Context, tx ports.Tx, user core.UserID, types []ledger.JournalType, fn func(ports.LedgerEntry) bool) error {
	for offset := 0; ; offset += entriesPage {
		page, count, err := tx.Ledger().Entries(ctx, user, types, offset, entriesPage)
		if err != nil {
			return err
		}
		for _, e := range page {
			if !fn(e) {
				return nil
			}
		}
		if len(page) < entriesPage || offset+len(page) >= count {
			return nil
		}
	}
}

// Summary totals the caller's completed movements; see [ports.Wallets.Summary]. Buys, sells
// and their fees come from the orders; deposits, withdrawals and separate fees from the
// ledger.
func (s *Service) Summary(ctx context.Context, p ports.Principal) (ports.TransactionSummary, error) {
	if p.UserID <= 0 {
		return ports.TransactionSummary{}, core.ErrNotAuthenticated
	}
	var sum ports.TransactionSummary
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		orders, err := tx.Orders().Summary(ctx, p.UserID)
		if err != nil {
			return err
		}
		var (
			count                       int
			deposits, withdrawals, fees int64
			fits                        = true
		)
		add := func(total *int64, r core.Rial) {
			var ok bool
			*total, ok = core.AddInt64(*total, absRial(r))
			fits = fits && ok
		}
		err = scanEntries(ctx, tx, p.UserID, UserJournalTypes, func(e ports.LedgerEntry) bool {
			count++
			switch e.Type {
			case ledger.JournalDeposit:
				add(&deposits, e.IRR)
			case ledger.JournalWithdrawalSettle:
				add(&withdrawals, e.IRR)
			case ledger.JournalFee:
				add(&fees, e.IRR)
			}
			return true
		})
		if err != nil {
			return err
		}
		add(&fees, orders.BuyFees)
		add(&fees, orders.SellFees)
		if !fits {
			return fmt.Errorf("summary: %w", core.ErrOverflow)
		}
		sum = ports.TransactionSummary{
			Deposits: core.Rial(deposits), Withdrawals: core.Rial(withdrawals),
			Buys: orders.BoughtIRR, Sells: orders.SoldIRR, Fees: core.Rial(fees), Count: count,
		}
		return nil
	})
	if err != nil {
		return ports.TransactionSummary{}, fmt.Errorf("trading: transaction summary: %w", err)
	}
	return sum, nil
}

// absRial returns |r| as an int64; the most negative value, which no balance change reaches,
// saturates.
func absRial(r core.Rial) int64 {
	switch {
	case r >= 0:
		return int64(r)
	case r == -r: // math.MinInt64
		return int64(^uint64(0) >> 1)
	}
	return int64(-r)
}
