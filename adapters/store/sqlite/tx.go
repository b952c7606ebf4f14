package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// tx is one transaction of a [Store] and its repositories.
type tx struct {
	store *Store
	db    *sql.Tx
	q     *dbsqlc.Queries
	// accounts are the accounts this transaction resolved from the database; the store
	// caches them once the transaction has committed.
	accounts map[string]accountRef
}

var _ ports.Tx = (*tx)(nil)

func (t *tx) Ledger() ports.LedgerRepository             { return ledgerRepository{t} }
func (t *tx) Idempotency() ports.IdempotencyRepository   { return idempotencyRepository{t} }
func (t *tx) Users() ports.UserRepository                { return userRepository{t} }
func (t *tx) OTPs() ports.OTPRepository                  { return otpRepository{t} }
func (t *tx) Sessions() ports.SessionRepository          { return sessionRepository{t} }
func (t *tx) Jobs() ports.JobQueue                       { return jobQueue{t} }
func (t *tx) Prices() ports.PriceRepository              { return priceRepository{t} }
func (t *tx) TradingState() ports.TradingStateRepository { return tradingStateRepository{t} }
func (t *tx) Quotes() ports.QuoteRepository              { return quoteRepository{t} }
func (t *tx) Orders() ports.OrderRepository              { return orderRepository{t} }
func (t *tx) Audit() ports.AuditRepository               { return auditRepository{t} }
func (t *tx) Deposits() ports.DepositRepository          { return depositRepository{t} }
func (t *tx) Withdrawals() ports.WithdrawalRepository    { return withdrawalRepository{t} }
func (t *tx) BankAccounts() ports.BankAccountRepository  { return bankAccountRepository{t} }
func (t *tx) KYC() ports.KYCRepository                   { return kycRepository{t} }
func (t *tx) Documents() ports.DocumentRepository        { return documentRepository{t} }
func (t *tx) Consents() ports.ConsentRepository          { return consentRepository{t} }
func (t *tx) Erasure() ports.ErasureRepository           { return erasureRepository{t} }

// accountRef is what the store needs to know about an open account.
type accountRef struct {
	id      int64
	account ledger.Account
	// mayGoNegative is the stored flag; the ledger rule says the same (the schema checks it).
	mayGoNegative bool
}

// account resolves an account to its row, from the store's cache or the database. It returns
// an error wrapping [core.ErrNotFound] when the account is not open.
func (t *tx) account(ctx context.Context, a ledger.Account) (accountRef, error) {
	code := a.Code()
	if ref, ok := t.store.lookupAccount(code); ok {
		return ref, nil
	}
	if ref, ok := t.accounts[code]; ok {
		return ref, nil
	}
	row, err := t.q.AccountGetByCode(ctx, t.db, code)
	if err != nil {
		return accountRef{}, fmt.Errorf("account %s: %w", code, interpretError(err))
	}
	if row.Kind != a.Kind().String() {
		return accountRef{}, fmt.Errorf("sqlite: account %s is stored with kind %s", code, row.Kind)
	}
	ref := accountRef{id: row.ID, account: a, mayGoNegative: row.MayGoNegative == 1}
	if t.accounts == nil {
		t.accounts = map[string]accountRef{}
	}
	t.accounts[code] = ref
	return ref, nil
}

// accountByID returns the account stored with id.
func (t *tx) accountByID(ctx context.Context, id int64) (ledger.Account, error) {
	code, err := t.q.AccountCodeGet(ctx, t.db, id)
	if err != nil {
		return ledger.Account{}, fmt.Errorf("account %d: %w", id, interpretError(err))
	}
	return parseAccount(code)
}

func parseAccount(code string) (ledger.Account, error) {
	a, err := ledger.ParseAccount(code)
	if err != nil {
		return ledger.Account{}, fmt.Errorf("sqlite: stored account code: %w", err)
	}
	return a, nil
}

// atomically runs fn inside a savepoint: when fn fails, everything it wrote is undone and
// the transaction goes on as before the call. A repository method that writes several rows
// (a journal's balance updates, a hold and its journal) is thus all-or-nothing even when the
// caller handles its error and commits the rest of the transaction.
func (t *tx) atomically(ctx context.Context, fn func() error) (err error) {
	// SAVEPOINT is transaction control, not a query, so it is not in queries/sqlite. Nested
	// savepoints of one name are fine: ROLLBACK TO and RELEASE act on the innermost.
	if _, err := t.db.ExecContext(ctx, "SAVEPOINT talabin_op"); err != nil {
		return fmt.Errorf("sqlite: savepoint: %w", interpretError(err))
	}
	ok := false
	defer func() {
		if ok {
			return
		}
		// ROLLBACK TO keeps the savepoint open; RELEASE then pops it. On a failure here the
		// transaction is in an unknown state, so the error makes the caller roll it back.
		_, rbErr := t.db.ExecContext(context.WithoutCancel(ctx), "ROLLBACK TO talabin_op")
		_, relErr := t.db.ExecContext(context.WithoutCancel(ctx), "RELEASE talabin_op")
		if rbErr != nil || relErr != nil {
			err = errors.Join(err, fmt.Errorf("sqlite: roll back to savepoint: %w",
				interpretError(errors.Join(rbErr, relErr))))
		}
	}()
	if err := fn(); err != nil {
		return err
	}
	if _, err := t.db.ExecContext(ctx, "RELEASE talabin_op"); err != nil {
		return fmt.Errorf("sqlite: release savepoint: %w", interpretError(err))
	}
	ok = true
	return nil
}

// now is the store clock's time in the stored form.
func (t *tx) now() int64 { return t.store.opts.Clock.Now().UnixMicro() }

// errNotOpen is returned (wrapped with the account) when a balance row is missing.
var errNotOpen = fmt.Errorf("account not open: %w", core.ErrNotFound)
