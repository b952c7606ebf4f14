package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/ports"
)

var (
	_ ports.Tx    = (*tx)(nil)
	_ dbsqlc.DBTX = (*tx)(nil)
)

// errTxDone is returned by statements run on a transaction whose function has returned.
var errTxDone = errors.New("postgres: transaction already finished")

// tx is one transaction of a [Store] on one pooled connection, and the repositories over it.
// It is also the generated queries' database handle, and it hands its pgx transaction to
// River to insert jobs in it. A tx is used by one goroutine at a time.
type tx struct {
	ptx   pgx.Tx
	store *Store
	// mode says how the transaction was opened, and whether it is read-only.
	mode txMode
	// done reports that fn returned.
	done bool
	// resolved holds the account ids this transaction read from the database; the store
	// caches them once it commits.
	resolved map[string]int64
}

// q returns the generated queries; t is their database handle.
func (t *tx) q() *dbsqlc.Queries { return t.store.queries }

// Ledger returns the ledger repository of the transaction.
func (t *tx) Ledger() ports.LedgerRepository { return ledgerRepository{t} }

// Idempotency returns the idempotency repository of the transaction.
func (t *tx) Idempotency() ports.IdempotencyRepository { return idempotencyRepository{t} }

// Users returns the user repository of the transaction.
func (t *tx) Users() ports.UserRepository { return userRepository{t} }

// OTPs returns the one-time code repository of the transaction.
func (t *tx) OTPs() ports.OTPRepository { return otpRepository{t} }

// Sessions returns the session repository of the transaction.
func (t *tx) Sessions() ports.SessionRepository { return sessionRepository{t} }

// Jobs returns the job queue of the transaction.
func (t *tx) Jobs() ports.JobQueue { return jobQueue{t} }

// Prices returns the gold price history of the transaction.
func (t *tx) Prices() ports.PriceRepository { return priceRepository{t} }

// TradingState returns the trading state repository of the transaction.
func (t *tx) TradingState() ports.TradingStateRepository { return tradingStateRepository{t} }

// Quotes returns the quote repository of the transaction.
func (t *tx) Quotes() ports.QuoteRepository { return quoteRepository{t} }

// Orders returns the order repository of the transaction.
func (t *tx) Orders() ports.OrderRepository { return orderRepository{t} }

// Audit returns the audit log of the transaction.
func (t *tx) Audit() ports.AuditRepository { return auditRepository{t} }

// Deposits returns the deposit repository of the transaction.
func (t *tx) Deposits() ports.DepositRepository { return depositRepository{t} }

// Withdrawals returns the withdrawal repository of the transaction.
func (t *tx) Withdrawals() ports.WithdrawalRepository { return withdrawalRepository{t} }

// BankAccounts returns the bank account repository of the transaction.
func (t *tx) BankAccounts() ports.BankAccountRepository { return bankAccountRepository{t} }

// KYC returns the verification profile repository of the transaction.
func (t *tx) KYC() ports.KYCRepository { return kycRepository{t} }

// Documents returns the identity document repository of the transaction.
func (t *tx) Documents() ports.DocumentRepository { return documentRepository{t} }

// Consents returns the consent records of the transaction.
func (t *tx) Consents() ports.ConsentRepository { return consentRepository{t} }

// Erasure returns the personal data erasure of the transaction.
func (t *tx) Erasure() ports.ErasureRepository { return erasureRepository{t} }

// Exec runs a statement in the transaction.
func (t *tx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.done {
		return pgconn.CommandTag{}, errTxDone
	}
	return t.ptx.Exec(ctx, sql, args...)
}

// Query runs a query in the transaction.
func (t *tx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.done {
		return nil, errTxDone
	}
	return t.ptx.Query(ctx, sql, args...)
}

// QueryRow runs a query that returns at most one row in the transaction.
func (t *tx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if t.done {
		return errRow{errTxDone}
	}
	return t.ptx.QueryRow(ctx, sql, args...)
}

// commit ends the transaction. A transaction that was aborted by a failed statement, which
// fn chose to ignore, answers COMMIT with ROLLBACK: pgx reports that as
// [pgx.ErrTxCommitRollback].
func (t *tx) commit(ctx context.Context) error {
	t.done = true
	return t.ptx.Commit(ctx)
}

// rollback ends the transaction without its effects. It runs even when ctx is cancelled; a
// rollback that fails makes pgx close the connection, which rolls back too.
func (t *tx) rollback(ctx context.Context) {
	t.done = true
	_ = t.ptx.Rollback(context.WithoutCancel(ctx))
}

// errRow is a row that could not be queried.
type errRow struct{ err error }

// Scan returns the error.
func (r errRow) Scan(...any) error { return r.err }
