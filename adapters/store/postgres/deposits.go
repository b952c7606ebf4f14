package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

var _ ports.DepositRepository = depositRepository{}

// depositRepository keeps deposits in one transaction. Reads are not scoped to a user: the
// service checks ownership.
type depositRepository struct{ tx *tx }

// depositStatuses lists every deposit status, for the statuses that count against the
// limits ([payment.DepositStatus.Counts]).
var depositStatuses = []payment.DepositStatus{
	payment.DepositPending, payment.DepositUnknown, payment.DepositPaid, payment.DepositVerified,
	payment.DepositRejected, payment.DepositCancelled, payment.DepositFailed,
}

// depositStatusNames returns the names of the deposit statuses for which keep is true.
func depositStatusNames(keep func(payment.DepositStatus) bool) []string {
	var names []string
	for _, s := range depositStatuses {
		if keep(s) {
			names = append(names, s.String())
		}
	}
	return names
}

// Create stores a new deposit and returns its id. It returns a [*core.ConflictError]
// (matching [core.ErrConflict]) when its number or its (gateway, authority) exists, and
// [core.ErrNotFound] when the user does not. The insert runs in a savepoint, so the
// transaction stays usable after a conflict: the service draws another number.
func (r depositRepository) Create(ctx context.Context, d *payment.Deposit) (payment.DepositID, error) {
	rec := d.Record()
	var id int64
	err := inSavepoint(ctx, r.tx, func(db dbsqlc.DBTX) error {
		var err error
		id, err = r.tx.q().DepositInsert(ctx, db, dbsqlc.DepositInsertParams{
			Number:           rec.Number,
			UserID:           int64(rec.User),
			Amount:           int64(rec.Amount),
			Method:           rec.Method.String(),
			Gateway:          rec.Gateway,
			Authority:        rec.Authority,
			Status:           rec.Status.String(),
			GatewayReference: rec.GatewayReference,
			CardPanMasked:    rec.CardPANMasked,
			ReceiptKey:       rec.ReceiptKey,
			Notes:            rec.Notes,
			Reason:           rec.Reason,
			ReturnUrl:        rec.ReturnURL,
			Credited:         int64(rec.Credited),
			ReviewedBy:       nullID(rec.ReviewedBy),
			ExpiresAt:        nullTime(rec.ExpiresAt),
			VerifiedAt:       nullTime(rec.VerifiedAt),
			CreatedAt:        rec.CreatedAt,
			UpdatedAt:        rec.UpdatedAt,
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: create deposit %s: %w", rec.Number, interpretError(err))
	}
	return payment.DepositID(id), nil
}

// Save stores every mutable field of a deposit. It returns [core.ErrNotFound] when there is
// no such deposit and a [*core.ConflictError] when its (gateway, authority) belongs to
// another deposit.
func (r depositRepository) Save(ctx context.Context, d *payment.Deposit) error {
	rec := d.Record()
	n, err := r.tx.q().DepositSave(ctx, r.tx, dbsqlc.DepositSaveParams{
		ID:               int64(rec.ID),
		Authority:        rec.Authority,
		Status:           rec.Status.String(),
		GatewayReference: rec.GatewayReference,
		CardPanMasked:    rec.CardPANMasked,
		ReceiptKey:       rec.ReceiptKey,
		Notes:            rec.Notes,
		Reason:           rec.Reason,
		Credited:         int64(rec.Credited),
		ReviewedBy:       nullID(rec.ReviewedBy),
		VerifiedAt:       nullTime(rec.VerifiedAt),
		UpdatedAt:        rec.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("postgres: save deposit %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: save deposit %d: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

// Get returns a deposit by id, or [core.ErrNotFound].
func (r depositRepository) Get(ctx context.Context, id payment.DepositID) (*payment.Deposit, error) {
	row, err := r.tx.q().DepositGet(ctx, r.tx, int64(id))
	if err != nil {
		return nil, fmt.Errorf("postgres: get deposit %d: %w", id, interpretError(err))
	}
	return depositFromRow(row)
}

// GetForUpdate returns a deposit by id locked until the transaction ends, or
// [core.ErrNotFound]. In a read-only transaction it reads without locking.
func (r depositRepository) GetForUpdate(ctx context.Context, id payment.DepositID) (*payment.Deposit, error) {
	if r.tx.mode.readOnly {
		return r.Get(ctx, id)
	}
	row, err := r.tx.q().DepositGetForUpdate(ctx, r.tx, int64(id))
	if err != nil {
		return nil, fmt.Errorf("postgres: get deposit %d for update: %w", id, interpretError(err))
	}
	return depositFromRow(row)
}

// List returns one page of the deposits matching f, newest first, and how many match.
func (r depositRepository) List(ctx context.Context, f ports.DepositFilter, offset, limit int) ([]*payment.Deposit, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	rows, err := r.tx.q().DepositList(ctx, r.tx, dbsqlc.DepositListParams{
		UserID:     int64(f.User),
		Status:     f.Status.String(),
		OrStatus:   f.OrStatus.String(),
		Method:     f.Method.String(),
		PageOffset: int64(offset),
		PageLimit:  int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: list deposits: %w", interpretError(err))
	}
	n, err := r.tx.q().DepositCount(ctx, r.tx, dbsqlc.DepositCountParams{
		UserID: int64(f.User), Status: f.Status.String(), OrStatus: f.OrStatus.String(), Method: f.Method.String(),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: count deposits: %w", interpretError(err))
	}
	out, err := depositsFromRows(rows)
	return out, int(n), err
}

// Unsettled returns up to limit online deposits, pending or unknown, last updated before
// cutoff, oldest update first.
func (r depositRepository) Unsettled(ctx context.Context, cutoff time.Time, limit int) ([]*payment.Deposit, error) {
	if err := checkPage(0, limit); err != nil {
		return nil, err
	}
	rows, err := r.tx.q().DepositUnsettled(ctx, r.tx, dbsqlc.DepositUnsettledParams{Cutoff: cutoff, MaxRows: int64(limit)})
	if err != nil {
		return nil, fmt.Errorf("postgres: unsettled deposits: %w", interpretError(err))
	}
	return depositsFromRows(rows)
}

// Usage sums the amounts of user's deposits that count against the limits, created at or
// after dayStart and at or after monthStart.
func (r depositRepository) Usage(ctx context.Context, user core.UserID, dayStart, monthStart time.Time) (payment.Usage, error) {
	row, err := r.tx.q().DepositUsage(ctx, r.tx, dbsqlc.DepositUsageParams{
		UserID:     int64(user),
		Statuses:   depositStatusNames(payment.DepositStatus.Counts),
		DayStart:   dayStart,
		MonthStart: monthStart,
	})
	if err != nil {
		return payment.Usage{}, fmt.Errorf("postgres: deposit usage of user %d: %w", user, interpretError(err))
	}
	return payment.Usage{Day: core.Rial(row.Day), Month: core.Rial(row.Month)}, nil
}

func depositsFromRows(rows []dbsqlc.Deposit) ([]*payment.Deposit, error) {
	out := make([]*payment.Deposit, 0, len(rows))
	for _, row := range rows {
		d, err := depositFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// depositFromRow converts a deposits row; times are handed out in UTC. A method or status
// the core does not know is an internal error.
func depositFromRow(row dbsqlc.Deposit) (*payment.Deposit, error) {
	method, err := payment.ParseMethod(row.Method)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: deposit %d has unknown method %q", core.ErrInternal, row.ID, row.Method)
	}
	status, err := payment.ParseDepositStatus(row.Status)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: deposit %d has unknown status %q", core.ErrInternal, row.ID, row.Status)
	}
	return payment.RehydrateDeposit(payment.DepositRecord{
		ID:               payment.DepositID(row.ID),
		Number:           row.Number,
		User:             core.UserID(row.UserID),
		Amount:           core.Rial(row.Amount),
		Method:           method,
		Gateway:          row.Gateway,
		Authority:        row.Authority,
		Status:           status,
		GatewayReference: row.GatewayReference,
		CardPANMasked:    row.CardPanMasked,
		ReceiptKey:       row.ReceiptKey,
		Notes:            row.Notes,
		Reason:           row.Reason,
		ReturnURL:        row.ReturnUrl,
		Credited:         core.Rial(row.Credited),
		ReviewedBy:       idOf[core.UserID](row.ReviewedBy),
		ExpiresAt:        timeOf(row.ExpiresAt),
		VerifiedAt:       timeOf(row.VerifiedAt),
		CreatedAt:        row.CreatedAt.UTC(),
		UpdatedAt:        row.UpdatedAt.UTC(),
	}), nil
}

// nullID returns an id as a nullable bigint: NULL for zero, which the payment records use
// for "none yet" (no staff member has acted, no hold is placed).
func nullID[T ~int64](id T) *int64 {
	if id == 0 {
		return nil
	}
	n := int64(id)
	return &n
}

// idOf returns a nullable id, or zero for NULL.
func idOf[T ~int64](id *int64) T {
	if id == nil {
		return 0
	}
	return T(*id)
}

// inSavepoint runs fn on a savepoint of t. When fn fails, what it did is undone and the
// transaction stays usable (PostgreSQL otherwise aborts a transaction at its first failed
// statement), so a caller can handle a conflict, such as a taken number, and go on, as on
// SQLite.
func inSavepoint(ctx context.Context, t *tx, fn func(db dbsqlc.DBTX) error) error {
	if t.done {
		return errTxDone
	}
	sp, err := t.ptx.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: savepoint: %w", interpretError(err))
	}
	if err := fn(sp); err != nil {
		if rbErr := sp.Rollback(context.WithoutCancel(ctx)); rbErr != nil {
			return errors.Join(err, fmt.Errorf("postgres: roll back to savepoint: %w", rbErr))
		}
		return err
	}
	if err := sp.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: release savepoint: %w", interpretError(err))
	}
	return nil
}
