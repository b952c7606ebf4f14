package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// depositRepository keeps deposits. Reads are not scoped to a user: the service checks
// ownership.
type depositRepository struct{ t *tx }

var _ ports.DepositRepository = depositRepository{}

// depositStatuses lists every deposit status, for the statuses that count against the
// limits ([payment.DepositStatus.Counts]).
var depositStatuses = []payment.DepositStatus{
	payment.DepositPending, payment.DepositUnknown, payment.DepositPaid, payment.DepositVerified,
	payment.DepositRejected, payment.DepositCancelled, payment.DepositFailed,
}

// depositStatusList returns the deposit statuses for which keep is true in the ",a,b," form
// of the queries' status lists (see queries/sqlite/deposits.sql).
func depositStatusList(keep func(payment.DepositStatus) bool) string {
	var b strings.Builder
	b.WriteString(",")
	for _, s := range depositStatuses {
		if keep(s) {
			b.WriteString(s.String() + ",")
		}
	}
	return b.String()
}

// Create stores a new deposit and returns its id. It returns a [*core.ConflictError]
// (matching [core.ErrConflict]) when its number or its (gateway, authority) exists, and
// [core.ErrNotFound] when the user does not.
func (r depositRepository) Create(ctx context.Context, d *payment.Deposit) (payment.DepositID, error) {
	rec := d.Record()
	id, err := r.t.q.DepositInsert(ctx, r.t.db, dbsqlc.DepositInsertParams{
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
		ExpiresAt:        nullMicros(rec.ExpiresAt),
		VerifiedAt:       nullMicros(rec.VerifiedAt),
		CreatedAt:        rec.CreatedAt.UnixMicro(),
		UpdatedAt:        rec.UpdatedAt.UnixMicro(),
	})
	if err != nil {
		return 0, fmt.Errorf("create deposit %s: %w", rec.Number, interpretError(err))
	}
	return payment.DepositID(id), nil
}

// Save stores every mutable field of a deposit. It returns [core.ErrNotFound] when there is
// no such deposit and a [*core.ConflictError] when its (gateway, authority) belongs to
// another deposit.
func (r depositRepository) Save(ctx context.Context, d *payment.Deposit) error {
	rec := d.Record()
	n, err := r.t.q.DepositSave(ctx, r.t.db, dbsqlc.DepositSaveParams{
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
		VerifiedAt:       nullMicros(rec.VerifiedAt),
		UpdatedAt:        rec.UpdatedAt.UnixMicro(),
	})
	if err != nil {
		return fmt.Errorf("save deposit %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("save deposit %d: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

// Get returns a deposit by id, or [core.ErrNotFound].
func (r depositRepository) Get(ctx context.Context, id payment.DepositID) (*payment.Deposit, error) {
	row, err := r.t.q.DepositGet(ctx, r.t.db, int64(id))
	if err != nil {
		return nil, fmt.Errorf("deposit %d: %w", id, interpretError(err))
	}
	return depositFromRow(row)
}

// GetForUpdate is Get: a write transaction holds the database's write lock from its BEGIN
// IMMEDIATE.
func (r depositRepository) GetForUpdate(ctx context.Context, id payment.DepositID) (*payment.Deposit, error) {
	return r.Get(ctx, id)
}

// List returns one page of the deposits matching f, newest first, and how many match.
func (r depositRepository) List(ctx context.Context, f ports.DepositFilter, offset, limit int) ([]*payment.Deposit, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	rows, err := r.t.q.DepositList(ctx, r.t.db, dbsqlc.DepositListParams{
		UserID:     int64(f.User),
		Status:     f.Status.String(),
		OrStatus:   f.OrStatus.String(),
		Method:     f.Method.String(),
		PageOffset: int64(offset),
		PageLimit:  int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list deposits: %w", interpretError(err))
	}
	n, err := r.t.q.DepositCount(ctx, r.t.db, dbsqlc.DepositCountParams{
		UserID: int64(f.User), Status: f.Status.String(), OrStatus: f.OrStatus.String(), Method: f.Method.String(),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("count deposits: %w", interpretError(err))
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
	rows, err := r.t.q.DepositUnsettled(ctx, r.t.db, dbsqlc.DepositUnsettledParams{
		Cutoff: cutoff.UnixMicro(), MaxRows: int64(limit),
	})
	if err != nil {
		return nil, fmt.Errorf("unsettled deposits: %w", interpretError(err))
	}
	return depositsFromRows(rows)
}

// Usage sums the amounts of user's deposits that count against the limits, created at or
// after dayStart and at or after monthStart.
func (r depositRepository) Usage(ctx context.Context, user core.UserID, dayStart, monthStart time.Time) (payment.Usage, error) {
	row, err := r.t.q.DepositUsage(ctx, r.t.db, dbsqlc.DepositUsageParams{
		UserID:     int64(user),
		Statuses:   depositStatusList(payment.DepositStatus.Counts),
		DayStart:   dayStart.UnixMicro(),
		MonthStart: monthStart.UnixMicro(),
	})
	if err != nil {
		return payment.Usage{}, fmt.Errorf("deposit usage of user %d: %w", user, interpretError(err))
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

func depositFromRow(row dbsqlc.Deposit) (*payment.Deposit, error) {
	method, err := payment.ParseMethod(row.Method)
	if err != nil {
		return nil, fmt.Errorf("%w: sqlite: deposit %d: stored method %q", core.ErrInternal, row.ID, row.Method)
	}
	status, err := payment.ParseDepositStatus(row.Status)
	if err != nil {
		return nil, fmt.Errorf("%w: sqlite: deposit %d: stored status %q", core.ErrInternal, row.ID, row.Status)
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
		ExpiresAt:        timeFromNullMicros(row.ExpiresAt),
		VerifiedAt:       timeFromNullMicros(row.VerifiedAt),
		CreatedAt:        timeFromMicros(row.CreatedAt),
		UpdatedAt:        timeFromMicros(row.UpdatedAt),
	}), nil
}

// nullID is the stored form of an id that may be zero, which the payment records use for
// "none yet" (no staff member has acted, no hold is placed): NULL for zero.
func nullID[T ~int64](id T) *int64 {
	if id == 0 {
		return nil
	}
	n := int64(id)
	return &n
}

// idOf turns a nullable stored id into an id, zero for NULL.
func idOf[T ~int64](id *int64) T {
	if id == nil {
		return 0
	}
	return T(*id)
}
