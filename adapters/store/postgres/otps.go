package postgres

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

var _ ports.OTPRepository = otpRepository{}

// otpRepository stores one-time codes (their MACs) in one transaction.
type otpRepository struct{ tx *tx }

// Create voids every usable code of otp's phone and purpose at otp's creation time and
// stores otp, in one statement, and returns its id. At most one code per phone and purpose
// is usable (the partial unique index otp_codes_usable_key): when another transaction sends
// a code for the same phone and purpose at the same time, Create waits for it and then fails
// with an error wrapping [core.ErrRetryable], and [Store.InTx] runs the function again, whose
// new code then voids the other one.
func (r otpRepository) Create(ctx context.Context, otp *identity.OTP) (identity.OTPID, error) {
	rec := otp.Record()
	attempts, maxAttempts, err := otpCounters(rec)
	if err != nil {
		return 0, err
	}
	id, err := r.tx.q().OTPInsert(ctx, r.tx, dbsqlc.OTPInsertParams{
		Phone:       rec.Phone,
		Purpose:     rec.Purpose.String(),
		KeyID:       rec.KeyID,
		MAC:         rec.MAC,
		CreatedAt:   rec.CreatedAt,
		ExpiresAt:   rec.ExpiresAt,
		Attempts:    attempts,
		MaxAttempts: maxAttempts,
		ConsumedAt:  nullTime(rec.ConsumedAt),
		VoidedAt:    nullTime(rec.VoidedAt),
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: create %s otp: %w", rec.Purpose, interpretError(err))
	}
	return identity.OTPID(id), nil
}

// Latest returns the newest code of phone and purpose that is neither consumed nor voided,
// locked until the transaction ends, or [core.ErrNotFound]. A verification that waited for
// the lock while another one consumed the code finds no code. In a read-only transaction it
// reads without locking.
func (r otpRepository) Latest(ctx context.Context, phone string, purpose identity.Purpose) (*identity.OTP, error) {
	params := dbsqlc.OTPLatestForUpdateParams{Phone: phone, Purpose: purpose.String()}
	var row dbsqlc.OtpCode
	var err error
	if r.tx.mode.readOnly {
		row, err = r.tx.q().OTPLatest(ctx, r.tx, dbsqlc.OTPLatestParams(params))
	} else {
		row, err = r.tx.q().OTPLatestForUpdate(ctx, r.tx, params)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: latest %s otp: %w", purpose, interpretError(err))
	}
	return otpFromRow(row)
}

// Save stores otp's attempt counter, consumption and voiding, provided the stored code is
// still neither consumed nor voided; otherwise (another request used or voided it since otp
// was read) it returns [core.ErrOTPInvalid]. The stored attempt counter never goes down.
func (r otpRepository) Save(ctx context.Context, otp *identity.OTP) error {
	rec := otp.Record()
	attempts, _, err := otpCounters(rec)
	if err != nil {
		return err
	}
	n, err := r.tx.q().OTPSave(ctx, r.tx, dbsqlc.OTPSaveParams{
		ID:         int64(rec.ID),
		Attempts:   attempts,
		ConsumedAt: nullTime(rec.ConsumedAt),
		VoidedAt:   nullTime(rec.VoidedAt),
	})
	if err != nil {
		return fmt.Errorf("postgres: save otp %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: save otp %d: %w", rec.ID, core.ErrOTPInvalid)
	}
	return nil
}

// CountSince returns how many codes were created for phone at or after since, of purpose
// or, when purpose is zero, of any purpose.
func (r otpRepository) CountSince(ctx context.Context, phone string, purpose identity.Purpose, since time.Time) (int, error) {
	n, err := r.tx.q().OTPCountSince(ctx, r.tx, dbsqlc.OTPCountSinceParams{
		Phone: phone, Purpose: purpose.String(), Since: since,
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: count otps: %w", interpretError(err))
	}
	return int(n), nil
}

// DeleteExpired removes the codes whose expiry is before cutoff and returns how many.
func (r otpRepository) DeleteExpired(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := r.tx.q().OTPDeleteExpired(ctx, r.tx, cutoff)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete expired otps: %w", interpretError(err))
	}
	return n, nil
}

// otpCounters returns the attempt counter and cap of rec as the integer columns hold them,
// or an error wrapping [core.ErrInvalidInput] when they do not fit.
func otpCounters(rec identity.OTPRecord) (attempts, maxAttempts int32, err error) {
	if rec.Attempts < 0 || rec.Attempts > math.MaxInt32 || rec.MaxAttempts < 0 || rec.MaxAttempts > math.MaxInt32 {
		return 0, 0, fmt.Errorf("%w: postgres: otp attempts %d of %d out of range", core.ErrInvalidInput, rec.Attempts, rec.MaxAttempts)
	}
	return int32(rec.Attempts), int32(rec.MaxAttempts), nil
}

// otpFromRow converts an otp_codes row; times are handed out in UTC. A purpose the core does
// not know is an internal error.
func otpFromRow(row dbsqlc.OtpCode) (*identity.OTP, error) {
	purpose, err := identity.ParsePurpose(row.Purpose)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: otp %d has unknown purpose %q", core.ErrInternal, row.ID, row.Purpose)
	}
	return identity.RehydrateOTP(identity.OTPRecord{
		ID:          identity.OTPID(row.ID),
		Phone:       row.Phone,
		Purpose:     purpose,
		KeyID:       row.KeyID,
		MAC:         row.MAC,
		CreatedAt:   row.CreatedAt.UTC(),
		ExpiresAt:   row.ExpiresAt.UTC(),
		Attempts:    int(row.Attempts),
		MaxAttempts: int(row.MaxAttempts),
		ConsumedAt:  timeOf(row.ConsumedAt),
		VoidedAt:    timeOf(row.VoidedAt),
	}), nil
}
