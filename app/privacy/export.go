package privacy

import (
	"context"
	"errors"
	"fmt"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// pageSize is the page size of the scans over a user's records.
const pageSize = 100

// userJournalTypes are the journal types an export lists: the movements that change what the
// user holds, as the wallet history shows them (app/trading). Withdrawal holds and releases
// only move rials between the available and held parts of the wallet, so they net to
// nothing and are left out.
var userJournalTypes = []ledger.JournalType{
	ledger.JournalDeposit, ledger.JournalBuy, ledger.JournalSell, ledger.JournalFee,
	ledger.JournalWithdrawalSettle, ledger.JournalCorrection,
}

// Export returns the caller's personal data and activity; see [ports.Privacy.Export]. It
// reads one consistent snapshot. Bank accounts the user deleted are left out; their details
// still show under the withdrawals that used them only while the account exists.
func (s *Service) Export(ctx context.Context, p ports.Principal) (ports.PersonalData, error) {
	if p.UserID <= 0 {
		return ports.PersonalData{}, core.ErrNotAuthenticated
	}
	var d ports.PersonalData
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		d, err = s.read(ctx, tx, p.UserID)
		return err
	})
	if err != nil {
		return ports.PersonalData{}, fmt.Errorf("privacy: export: %w", err)
	}
	return d, nil
}

// read collects user's data in tx.
func (s *Service) read(ctx context.Context, tx ports.Tx, user core.UserID) (ports.PersonalData, error) {
	now := s.now()
	d := ports.PersonalData{GeneratedAt: now}
	var err error
	if d.User, err = tx.Users().Get(ctx, user); err != nil {
		if errors.Is(err, core.ErrNotFound) {
			return d, core.ErrNotAuthenticated
		}
		return d, err
	}
	if d.KYC, err = kycStatus(ctx, tx, user); err != nil {
		return d, err
	}
	if d.BankAccounts, err = tx.BankAccounts().ListByUser(ctx, user); err != nil {
		return d, err
	}
	if d.Wallet, err = wallet(ctx, tx, d.User); err != nil {
		return d, err
	}
	if d.Transactions, err = allPages(func(offset, limit int) ([]ports.LedgerEntry, int, error) {
		return tx.Ledger().Entries(ctx, user, userJournalTypes, offset, limit)
	}); err != nil {
		return d, err
	}
	if d.Orders, err = allPages(func(offset, limit int) ([]*trading.Order, int, error) {
		return tx.Orders().List(ctx, user, ports.OrderFilter{}, offset, limit)
	}); err != nil {
		return d, err
	}
	if d.Deposits, err = allPages(func(offset, limit int) ([]*payment.Deposit, int, error) {
		return tx.Deposits().List(ctx, ports.DepositFilter{User: user}, offset, limit)
	}); err != nil {
		return d, err
	}
	if d.Withdrawals, err = allPages(func(offset, limit int) ([]*payment.Withdrawal, int, error) {
		return tx.Withdrawals().List(ctx, ports.WithdrawalFilter{User: user}, offset, limit)
	}); err != nil {
		return d, err
	}
	if d.Sessions, err = tx.Sessions().ListByUser(ctx, user, now); err != nil {
		return d, err
	}
	if d.Consents, err = tx.Consents().List(ctx, user); err != nil {
		return d, err
	}
	return d, nil
}

// kycStatus reads user's verification profile with every document ever uploaded (replaced
// ones too); Required is what the current documents lack.
func kycStatus(ctx context.Context, tx ports.Tx, user core.UserID) (ports.KYCStatus, error) {
	profile, err := tx.KYC().Get(ctx, user)
	if err != nil {
		return ports.KYCStatus{}, err
	}
	all, err := tx.Documents().ListByUser(ctx, user)
	if err != nil {
		return ports.KYCStatus{}, err
	}
	current, err := tx.Documents().Current(ctx, user)
	if err != nil {
		return ports.KYCStatus{}, err
	}
	return ports.KYCStatus{Profile: profile, Documents: all, Required: kyc.Missing(current)}, nil
}

// wallet reads u's balances, valued at the latest price's buy side when there is one, as
// app/trading's wallet is.
func wallet(ctx context.Context, tx ports.Tx, u identity.User) (ports.Wallet, error) {
	w := ports.Wallet{User: u.ID(), CreatedAt: u.CreatedAt(), UpdatedAt: u.CreatedAt()}
	var err error
	if w.IRR, err = balance(ctx, tx, ledger.UserAccount(u.ID(), ledger.IRR)); err != nil {
		return w, err
	}
	if w.Gold, err = balance(ctx, tx, ledger.UserAccount(u.ID(), ledger.Gold)); err != nil {
		return w, err
	}
	last, _, err := tx.Ledger().Entries(ctx, u.ID(), nil, 0, 1)
	if err != nil {
		return w, err
	}
	if len(last) > 0 && last[0].CreatedAt.After(w.UpdatedAt) {
		w.UpdatedAt = last[0].CreatedAt
	}
	w.TotalValue = core.Rial(w.IRR.Total())
	point, err := tx.Prices().Latest(ctx)
	switch {
	case errors.Is(err, core.ErrNotFound):
		return w, nil
	case err != nil:
		return w, err
	}
	w.BuyPrice = point.Buy
	worth, err := core.RialsForGold(core.Microgram(w.Gold.Total()), w.BuyPrice)
	if err != nil {
		return w, fmt.Errorf("wallet value: %w", err)
	}
	if w.TotalValue, err = w.TotalValue.Add(worth); err != nil {
		return w, fmt.Errorf("wallet value: %w", err)
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

// allPages returns every item list yields, page by page, in its order.
func allPages[T any](list func(offset, limit int) ([]T, int, error)) ([]T, error) {
	var all []T
	for offset := 0; ; offset += pageSize {
		page, count, err := list(offset, pageSize)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < pageSize || offset+len(page) >= count {
			return all, nil
		}
	}
}
