package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// withdrawalRepository keeps withdrawals. Reads are not scoped to a user: the service checks
// ownership.
type withdrawalRepository struct{ t *tx }

var _ ports.WithdrawalRepository = withdrawalRepository{}

// withdrawalStatuses lists every withdrawal status, for the open ones and the ones that
// count against the limits.
var withdrawalStatuses = []payment.WithdrawalStatus{
	payment.WithdrawalPending, payment.WithdrawalApproved, payment.WithdrawalProcessing,
	payment.WithdrawalCompleted, payment.WithdrawalRejected, payment.WithdrawalCancelled,
}

// withdrawalStatusList returns the withdrawal statuses for which keep is true in the ",a,b,"
// form of the queries' status lists (see queries/sqlite/withdrawals.sql).
func withdrawalStatusList(keep func(payment.WithdrawalStatus) bool) string {
	var b strings.Builder
	b.WriteString(",")
	for _, s := range withdrawalStatuses {
		if keep(s) {
			b.WriteString(s.String() + ",")
		}
	}
	return b.String()
}

// Create stores a new withdrawal and returns its id. It returns a [*core.ConflictError]
// (matching [core.ErrConflict]) when its number or its hold is taken, and
// [core.ErrNotFound] when the user, or a bank account of that user, does not exist.
func (r withdrawalRepository) Create(ctx context.Context, w *payment.Withdrawal) (payment.WithdrawalID, error) {
	rec := w.Record()
	id, err := r.t.q.WithdrawalInsert(ctx, r.t.db, dbsqlc.WithdrawalInsertParams{
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
		CreatedAt:     rec.CreatedAt.UnixMicro(),
		UpdatedAt:     rec.UpdatedAt.UnixMicro(),
		ProcessedAt:   nullMicros(rec.ProcessedAt),
	})
	if err != nil {
		return 0, fmt.Errorf("create withdrawal %s: %w", rec.Number, interpretError(err))
	}
	return payment.WithdrawalID(id), nil
}

// Save stores every mutable field of a withdrawal, or returns [core.ErrNotFound].
func (r withdrawalRepository) Save(ctx context.Context, w *payment.Withdrawal) error {
	rec := w.Record()
	n, err := r.t.q.WithdrawalSave(ctx, r.t.db, dbsqlc.WithdrawalSaveParams{
		ID:           int64(rec.ID),
		Status:       rec.Status.String(),
		HoldID:       nullID(rec.Hold),
		Channel:      rec.Channel,
		TrackingCode: rec.TrackingCode,
		Reason:       rec.Reason,
		ApprovedBy:   nullID(rec.ApprovedBy),
		ProcessedBy:  nullID(rec.ProcessedBy),
		UpdatedAt:    rec.UpdatedAt.UnixMicro(),
		ProcessedAt:  nullMicros(rec.ProcessedAt),
	})
	if err != nil {
		return fmt.Errorf("save withdrawal %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("save withdrawal %d: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

// Get returns a withdrawal by id, or [core.ErrNotFound].
func (r withdrawalRepository) Get(ctx context.Context, id payment.WithdrawalID) (*payment.Withdrawal, error) {
	row, err := r.t.q.WithdrawalGet(ctx, r.t.db, int64(id))
	if err != nil {
		return nil, fmt.Errorf("withdrawal %d: %w", id, interpretError(err))
	}
	return withdrawalFromRow(row)
}

// GetForUpdate is Get: a write transaction holds the database's write lock from its BEGIN
// IMMEDIATE.
func (r withdrawalRepository) GetForUpdate(ctx context.Context, id payment.WithdrawalID) (*payment.Withdrawal, error) {
	return r.Get(ctx, id)
}

// List returns one page of the withdrawals matching f, newest first, and how many match.
func (r withdrawalRepository) List(ctx context.Context, f ports.WithdrawalFilter, offset, limit int) ([]*payment.Withdrawal, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	rows, err := r.t.q.WithdrawalList(ctx, r.t.db, dbsqlc.WithdrawalListParams{
		UserID:     int64(f.User),
		Status:     f.Status.String(),
		PageOffset: int64(offset),
		PageLimit:  int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list withdrawals: %w", interpretError(err))
	}
	n, err := r.t.q.WithdrawalCount(ctx, r.t.db, dbsqlc.WithdrawalCountParams{
		UserID: int64(f.User), Status: f.Status.String(),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("count withdrawals: %w", interpretError(err))
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
	n, err := r.t.q.WithdrawalCountByAccount(ctx, r.t.db, dbsqlc.WithdrawalCountByAccountParams{
		BankAccountID: int64(account),
		Statuses:      withdrawalStatusList(payment.WithdrawalStatus.Open),
	})
	if err != nil {
		return 0, fmt.Errorf("count open withdrawals to bank account %d: %w", account, interpretError(err))
	}
	return int(n), nil
}

// Usage sums the amounts (without fees) of user's withdrawals that count against the
// limits, created at or after dayStart and at or after monthStart.
func (r withdrawalRepository) Usage(ctx context.Context, user core.UserID, dayStart, monthStart time.Time) (payment.Usage, error) {
	row, err := r.t.q.WithdrawalUsage(ctx, r.t.db, dbsqlc.WithdrawalUsageParams{
		UserID:     int64(user),
		Statuses:   withdrawalStatusList(payment.WithdrawalStatus.Counts),
		DayStart:   dayStart.UnixMicro(),
		MonthStart: monthStart.UnixMicro(),
	})
	if err != nil {
		return payment.Usage{}, fmt.Errorf("withdrawal usage of user %d: %w", user, interpretError(err))
	}
	return payment.Usage{Day: core.Rial(row.Day), Month: core.Rial(row.Month)}, nil
}

func withdrawalFromRow(row dbsqlc.Withdrawal) (*payment.Withdrawal, error) {
	status, err := payment.ParseWithdrawalStatus(row.Status)
	if err != nil {
		return nil, fmt.Errorf("%w: sqlite: withdrawal %d: stored status %q", core.ErrInternal, row.ID, row.Status)
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
		CreatedAt:    timeFromMicros(row.CreatedAt),
		UpdatedAt:    timeFromMicros(row.UpdatedAt),
		ProcessedAt:  timeFromNullMicros(row.ProcessedAt),
	}), nil
}
