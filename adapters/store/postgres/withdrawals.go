package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

var _ ports.WithdrawalRepository = withdrawalRepository{}

// withdrawalRepository keeps withdrawals in one transaction. Reads are not scoped to a
// user: the service checks ownership.
type withdrawalRepository struct{ tx *tx }

// withdrawalStatuses lists every withdrawal status, for the open ones and the ones that
// count against the limits.
var withdrawalStatuses = []payment.WithdrawalStatus{
	payment.WithdrawalPending, payment.WithdrawalApproved, payment.WithdrawalProcessing,
	payment.WithdrawalCompleted, payment.WithdrawalRejected, payment.WithdrawalCancelled,
}

// withdrawalStatusNames returns the names of the withdrawal statuses for which keep is true.
func withdrawalStatusNames(keep func(payment.WithdrawalStatus) bool) []string {
	var names []string
	for _, s := range withdrawalStatuses {
		if keep(s) {
			names = append(names, s.String())
		}
	}
	return names
}

// Create stores a new withdrawal and returns its id. It returns a [*core.ConflictError]
// (matching [core.ErrConflict]) when its number or its hold is taken, and
// [core.ErrNotFound] when the user, or a bank account of that user, does not exist. The
// insert runs in a savepoint, so the transaction stays usable after a conflict.
func (r withdrawalRepository) Create(ctx context.Context, w *payment.Withdrawal) (payment.WithdrawalID, error) {
	rec := w.Record()
	var id int64
	err := inSavepoint(ctx, r.tx, func(db dbsqlc.DBTX) error {
		var err error
		id, err = r.tx.q().WithdrawalInsert(ctx, db, dbsqlc.WithdrawalInsertParams{
			Number:        rec.Number,
			UserID:        int64(rec.User),
			BankAccountID: int64(rec.BankAccount),
			Amount:        int64(rec.Amount),
			Fee:           int64(rec.Fee),
			Status:        rec.Status.String(),
			HoldID:        nullID(rec.Hold),
			Channel:       rec.Channel,
			TrackingCode:  rec.TrackingCode,
			Reason:        rec.Reason,
			ApprovedBy:    nullID(rec.ApprovedBy),
			ProcessedBy:   nullID(rec.ProcessedBy),
			CreatedAt:     rec.CreatedAt,
			UpdatedAt:     rec.UpdatedAt,
			ProcessedAt:   nullTime(rec.ProcessedAt),
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: create withdrawal %s: %w", rec.Number, interpretError(err))
	}
	return payment.WithdrawalID(id), nil
}

// Save stores every mutable field of a withdrawal, or returns [core.ErrNotFound].
func (r withdrawalRepository) Save(ctx context.Context, w *payment.Withdrawal) error {
	rec := w.Record()
	n, err := r.tx.q().WithdrawalSave(ctx, r.tx, dbsqlc.WithdrawalSaveParams{
		ID:           int64(rec.ID),
		Status:       rec.Status.String(),
		HoldID:       nullID(rec.Hold),
		Channel:      rec.Channel,
		TrackingCode: rec.TrackingCode,
		Reason:       rec.Reason,
		ApprovedBy:   nullID(rec.ApprovedBy),
		ProcessedBy:  nullID(rec.ProcessedBy),
		UpdatedAt:    rec.UpdatedAt,
		ProcessedAt:  nullTime(rec.ProcessedAt),
	})
	if err != nil {
		return fmt.Errorf("postgres: save withdrawal %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: save withdrawal %d: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

// Get returns a withdrawal by id, or [core.ErrNotFound].
func (r withdrawalRepository) Get(ctx context.Context, id payment.WithdrawalID) (*payment.Withdrawal, error) {
	row, err := r.tx.q().WithdrawalGet(ctx, r.tx, int64(id))
	if err != nil {
		return nil, fmt.Errorf("postgres: get withdrawal %d: %w", id, interpretError(err))
	}
	return withdrawalFromRow(row)
}

// GetForUpdate returns a withdrawal by id locked until the transaction ends, or
// [core.ErrNotFound]. In a read-only transaction it reads without locking.
func (r withdrawalRepository) GetForUpdate(ctx context.Context, id payment.WithdrawalID) (*payment.Withdrawal, error) {
	if r.tx.mode.readOnly {
		return r.Get(ctx, id)
	}
	row, err := r.tx.q().WithdrawalGetForUpdate(ctx, r.tx, int64(id))
	if err != nil {
		return nil, fmt.Errorf("postgres: get withdrawal %d for update: %w", id, interpretError(err))
	}
	return withdrawalFromRow(row)
}

// List returns one page of the withdrawals matching f, newest first, and how many match.
func (r withdrawalRepository) List(ctx context.Context, f ports.WithdrawalFilter, offset, limit int) ([]*payment.Withdrawal, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	rows, err := r.tx.q().WithdrawalList(ctx, r.tx, dbsqlc.WithdrawalListParams{
		UserID:     int64(f.User),
		Status:     f.Status.String(),
		PageOffset: int64(offset),
		PageLimit:  int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: list withdrawals: %w", interpretError(err))
	}
	n, err := r.tx.q().WithdrawalCount(ctx, r.tx, dbsqlc.WithdrawalCountParams{
		UserID: int64(f.User), Status: f.Status.String(),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: count withdrawals: %w", interpretError(err))
	}
	out := make([]*payment.Withdrawal, 0, len(rows))
	for _, row := range rows {
		w, err := withdrawalFromRow(row)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, w)
	}
	return out, int(n), nil
}

// CountOpen returns how many withdrawals to account are open ([payment.WithdrawalStatus.Open]).
func (r withdrawalRepository) CountOpen(ctx context.Context, account payment.BankAccountID) (int, error) {
	n, err := r.tx.q().WithdrawalCountByAccount(ctx, r.tx, dbsqlc.WithdrawalCountByAccountParams{
		BankAccountID: int64(account),
		Statuses:      withdrawalStatusNames(payment.WithdrawalStatus.Open),
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: count open withdrawals to bank account %d: %w", account, interpretError(err))
	}
	return int(n), nil
}

// Usage sums the amounts (without fees) of user's withdrawals that count against the
// limits, created at or after dayStart and at or after monthStart.
func (r withdrawalRepository) Usage(ctx context.Context, user core.UserID, dayStart, monthStart time.Time) (payment.Usage, error) {
	row, err := r.tx.q().WithdrawalUsage(ctx, r.tx, dbsqlc.WithdrawalUsageParams{
		UserID:     int64(user),
		Statuses:   withdrawalStatusNames(payment.WithdrawalStatus.Counts),
		DayStart:   dayStart,
		MonthStart: monthStart,
	})
	if err != nil {
		return payment.Usage{}, fmt.Errorf("postgres: withdrawal usage of user %d: %w", user, interpretError(err))
	}
	return payment.Usage{Day: core.Rial(row.Day), Month: core.Rial(row.Month)}, nil
}

// withdrawalFromRow converts a withdrawals row; times are handed out in UTC. A status the
// core does not know is an internal error.
func withdrawalFromRow(row dbsqlc.Withdrawal) (*payment.Withdrawal, error) {
	status, err := payment.ParseWithdrawalStatus(row.Status)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: withdrawal %d has unknown status %q", core.ErrInternal, row.ID, row.Status)
	}
	return payment.RehydrateWithdrawal(payment.WithdrawalRecord{
		ID:           payment.WithdrawalID(row.ID),
		Number:       row.Number,
		User:         core.UserID(row.UserID),
		BankAccount:  payment.BankAccountID(row.BankAccountID),
		Amount:       core.Rial(row.Amount),
		Fee:          core.Rial(row.Fee),
		Status:       status,
		Hold:         idOf[ledger.HoldID](row.HoldID),
		Channel:      row.Channel,
		TrackingCode: row.TrackingCode,
		Reason:       row.Reason,
		ApprovedBy:   idOf[core.UserID](row.ApprovedBy),
		ProcessedBy:  idOf[core.UserID](row.ProcessedBy),
		CreatedAt:    row.CreatedAt.UTC(),
		UpdatedAt:    row.UpdatedAt.UTC(),
		ProcessedAt:  timeOf(row.ProcessedAt),
	}), nil
}
