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
// It is also the generated queries' database handle: it opens the transaction lazily, sending
// BEGIN in one pipeline with the first statement, which saves a round trip per transaction.
// A tx is used by one goroutine at a time.
type tx struct {
	conn  *pgx.Conn
	store *Store
	// mode says how the transaction is opened, and whether it is read-only.
	mode txMode
	// begun reports whether BEGIN was sent; done that fn returned.
	begun, done bool
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

// Exec runs a statement in the transaction.
func (t *tx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if t.done {
		return pgconn.CommandTag{}, errTxDone
	}
	if t.begun {
		return t.conn.Exec(ctx, sql, args...)
	}
	br, err := t.sendWithBegin(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	return tag, closeBatch(br, err)
}

// Query runs a query in the transaction.
func (t *tx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if t.done {
		return nil, errTxDone
	}
	if t.begun {
		return t.conn.Query(ctx, sql, args...)
	}
	br, err := t.sendWithBegin(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		return nil, closeBatch(br, err)
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryRow runs a query that returns at most one row in the transaction.
func (t *tx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if t.done {
		return errRow{errTxDone}
	}
	if t.begun {
		return t.conn.QueryRow(ctx, sql, args...)
	}
	br, err := t.sendWithBegin(ctx, sql, args)
	if err != nil {
		return errRow{err}
	}
	return batchRow{row: br.QueryRow(), br: br}
}

// sendWithBegin sends BEGIN and the first statement in one pipeline and reads BEGIN's result.
// The caller reads the statement's result and closes the batch.
func (t *tx) sendWithBegin(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	t.begun = true
	var b pgx.Batch
	b.Queue(t.mode.begin)
	b.Queue(sql, args...)
	br := t.conn.SendBatch(ctx, &b)
	if _, err := br.Exec(); err != nil {
		return nil, closeBatch(br, err)
	}
	return br, nil
}

// closeBatch closes br and returns err, or the error of closing when err is nil: after a
// failed statement, closing reports the same failure again.
func closeBatch(br pgx.BatchResults, err error) error {
	if cerr := br.Close(); err == nil {
		return cerr
	}
	return err
}

// commit ends the transaction. A transaction that was aborted by a failed statement, which
// fn chose to ignore, answers COMMIT with ROLLBACK: that is an error too.
func (t *tx) commit(ctx context.Context) error {
	t.done = true
	if !t.begun {
		return nil
	}
	tag, err := t.conn.Exec(ctx, "commit")
	if err != nil {
		return err
	}
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// rollback ends the transaction without its effects. It runs even when ctx is cancelled; a
// rollback that fails leaves the connection outside idle state, and the pool then closes it,
// which rolls back too.
func (t *tx) rollback(ctx context.Context) {
	t.done = true
	if t.begun {
		_, _ = t.conn.Exec(context.WithoutCancel(ctx), "rollback")
	}
}

// batchRows are the rows of a statement sent with BEGIN; closing them closes the batch.
type batchRows struct {
	pgx.Rows
	br  pgx.BatchResults
	err error
}

// Next advances to the next row, closing the batch after the last one.
func (r *batchRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

// Close closes the rows and the batch.
func (r *batchRows) Close() {
	r.Rows.Close()
	if r.br != nil {
		r.err = r.br.Close()
		r.br = nil
	}
}

// Err returns the error of the rows or of closing the batch.
func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// batchRow is the row of a statement sent with BEGIN; scanning it closes the batch.
type batchRow struct {
	row pgx.Row
	br  pgx.BatchResults
}

// Scan reads the row and closes the batch.
func (r batchRow) Scan(dest ...any) error {
	return closeBatch(r.br, r.row.Scan(dest...))
}

// errRow is a row that could not be queried.
type errRow struct{ err error }

// Scan returns the error.
func (r errRow) Scan(...any) error { return r.err }
