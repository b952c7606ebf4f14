package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

type otpRepository struct{ t *tx }

var _ ports.OTPRepository = otpRepository{}

// Create voids the usable codes of the phone and purpose at the new code's creation time,
// then inserts it, both inside a savepoint: a failed insert leaves the old codes usable.
func (r otpRepository) Create(ctx context.Context, otp *identity.OTP) (identity.OTPID, error) {
	rec := otp.Record()
	var id int64
	err := r.t.atomically(ctx, func() error {
		err := r.t.q.OTPVoidUsable(ctx, r.t.db, dbsqlc.OTPVoidUsableParams{
			VoidedAt: nullMicros(rec.CreatedAt),
			Phone:    rec.Phone,
			Purpose:  rec.Purpose.String(),
		})
		if err != nil {
			return fmt.Errorf("void earlier codes: %w", interpretError(err))
		}
		id, err = r.t.q.OTPInsert(ctx, r.t.db, dbsqlc.OTPInsertParams{
			Phone:       rec.Phone,
			Purpose:     rec.Purpose.String(),
			KeyID:       rec.KeyID,
			MAC:         rec.MAC,
			CreatedAt:   rec.CreatedAt.UnixMicro(),
			ExpiresAt:   rec.ExpiresAt.UnixMicro(),
			Attempts:    int64(rec.Attempts),
			MaxAttempts: int64(rec.MaxAttempts),
			ConsumedAt:  nullMicros(rec.ConsumedAt),
			VoidedAt:    nullMicros(rec.VoidedAt),
		})
		if err != nil {
			return fmt.Errorf("insert: %w", interpretError(err))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("create otp: %w", err)
	}
	return identity.OTPID(id), nil
}

// Latest needs no row lock: a write transaction holds the database's write lock from its
// BEGIN IMMEDIATE until it ends.
func (r otpRepository) Latest(ctx context.Context, phone string, purpose identity.Purpose) (*identity.OTP, error) {
	row, err := r.t.q.OTPGetLatest(ctx, r.t.db, dbsqlc.OTPGetLatestParams{
		Phone:   phone,
		Purpose: purpose.String(),
	})
	if err != nil {
		return nil, fmt.Errorf("latest otp: %w", interpretError(err))
	}
	return otpFromRow(row)
}

func (r otpRepository) Save(ctx context.Context, otp *identity.OTP) error {
	rec := otp.Record()
	n, err := r.t.q.OTPSave(ctx, r.t.db, dbsqlc.OTPSaveParams{
		ID:         int64(rec.ID),
		Attempts:   int64(rec.Attempts),
		ConsumedAt: nullMicros(rec.ConsumedAt),
		VoidedAt:   nullMicros(rec.VoidedAt),
	})
	if err != nil {
		return fmt.Errorf("save otp %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 { // consumed or voided since it was read, or never stored
		return fmt.Errorf("save otp %d: %w", rec.ID, core.ErrOTPInvalid)
	}
	return nil
}

func (r otpRepository) CountSince(ctx context.Context, phone string, purpose identity.Purpose, since time.Time) (int, error) {
	var (
		n   int64
		err error
	)
	if purpose.IsZero() {
		n, err = r.t.q.OTPCountSinceAnyPurpose(ctx, r.t.db, dbsqlc.OTPCountSinceAnyPurposeParams{
			Phone: phone,
			Since: since.UnixMicro(),
		})
	} else {
		n, err = r.t.q.OTPCountSince(ctx, r.t.db, dbsqlc.OTPCountSinceParams{
			Phone:   phone,
			Purpose: purpose.String(),
			Since:   since.UnixMicro(),
		})
	}
	if err != nil {
		return 0, fmt.Errorf("count otps: %w", interpretError(err))
	}
	return int(n), nil
}

func (r otpRepository) DeleteExpired(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := r.t.q.OTPDeleteExpired(ctx, r.t.db, cutoff.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("delete expired otps: %w", interpretError(err))
	}
	return n, nil
}

func otpFromRow(row dbsqlc.OtpCode) (*identity.OTP, error) {
	purpose, err := identity.ParsePurpose(row.Purpose)
	if err != nil {
		return nil, fmt.Errorf("sqlite: otp %d: stored purpose: %w", row.ID, err)
	}
	return identity.RehydrateOTP(identity.OTPRecord{
		ID:          identity.OTPID(row.ID),
		Phone:       row.Phone,
		Purpose:     purpose,
		KeyID:       row.KeyID,
		MAC:         row.MAC,
		CreatedAt:   timeFromMicros(row.CreatedAt),
		ExpiresAt:   timeFromMicros(row.ExpiresAt),
		Attempts:    int(row.Attempts),
		MaxAttempts: int(row.MaxAttempts),
		ConsumedAt:  timeFromNullMicros(row.ConsumedAt),
		VoidedAt:    timeFromNullMicros(row.VoidedAt),
	}), nil
}
