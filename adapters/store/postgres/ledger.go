package postgres

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

var _ ports.LedgerRepository = ledgerRepository{}

// ledgerRepository stores journals and balances in one transaction. See the package
// documentation for the balance tables and the shard design.
type ledgerRepository struct{ tx *tx }

// OpenUserAccounts creates the IRR and gold accounts of user with zero balances. It is
// idempotent, and returns [core.ErrNotFound] when the user does not exist.
func (r ledgerRepository) OpenUserAccounts(ctx context.Context, user core.UserID) error {
	if user <= 0 {
		return fmt.Errorf("postgres: open accounts of user %d: %w", user, core.ErrNotFound)
	}
	codes := make([]string, 0, len(ledger.Assets))
	assets := make([]string, 0, len(ledger.Assets))
	for _, a := range ledger.Assets {
		codes = append(codes, ledger.UserAccount(user, a).Code())
		assets = append(assets, a.String())
	}
	n, err := r.tx.q().UserAccountsOpen(ctx, r.tx, dbsqlc.UserAccountsOpenParams{
		UserID: int64(user), Codes: codes, Assets: assets,
	})
	if err != nil {
		return fmt.Errorf("postgres: open accounts of user %d: %w", user, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: open accounts of user %d: %w", user, core.ErrNotFound)
	}
	return nil
}

// OpenClearingAccount creates the clearing account of gateway with [Options.Shards] shards.
// It is idempotent, and returns [core.ErrInvalidInput] for a malformed gateway name.
func (r ledgerRepository) OpenClearingAccount(ctx context.Context, gateway string) error {
	account := ledger.ClearingAccount(gateway)
	if err := account.Validate(); err != nil {
		return fmt.Errorf("postgres: open clearing account: %w", err)
	}
	err := r.tx.q().SystemAccountOpen(ctx, r.tx, dbsqlc.SystemAccountOpenParams{
		Code:          account.Code(),
		Kind:          account.Kind().String(),
		Asset:         account.Asset().String(),
		MayGoNegative: account.MayGoNegative(),
		Shards:        int32(r.tx.store.opts.Shards),
	})
	if err != nil {
		return fmt.Errorf("postgres: open clearing account %s: %w", account, interpretError(err))
	}
	return nil
}

// Balance returns an account's balance: a user account's row, or the sum of a system
// account's shards. It returns [core.ErrNotFound] when the account is not open.
func (r ledgerRepository) Balance(ctx context.Context, account ledger.Account) (ledger.Balance, error) {
	if err := account.Validate(); err != nil {
		return ledger.Balance{}, fmt.Errorf("postgres: balance: %w", err)
	}
	if account.IsUser() {
		row, err := r.tx.q().UserBalanceGet(ctx, r.tx, account.Code())
		if err != nil {
			return ledger.Balance{}, fmt.Errorf("postgres: balance of %s: %w", account, interpretError(err))
		}
		return ledger.Balance{Available: row.Available, Held: row.Held}, nil
	}
	total, err := r.tx.q().SystemBalanceGet(ctx, r.tx, account.Code())
	if err != nil {
		return ledger.Balance{}, fmt.Errorf("postgres: balance of %s: %w", account, interpretError(err))
	}
	return ledger.Balance{Available: total}, nil
}
