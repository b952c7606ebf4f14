package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

var _ ports.KYCRepository = kycRepository{}

// constraintNationalID keeps one national id to one profile (migrations/postgres/00009_kyc.sql).
const constraintNationalID = "kyc_profiles_national_id_key"

// kycRepository keeps users' verification profiles in one transaction. A user without a row
// has the profile of [kyc.NewProfile].
type kycRepository struct{ tx *tx }

// Get returns user's profile, [kyc.NewProfile] when the user has none, or [core.ErrNotFound]
// when the user does not exist. One statement tells the three apart: every order reads its
// trader's level here.
func (r kycRepository) Get(ctx context.Context, user core.UserID) (*kyc.Profile, error) {
	row, err := r.tx.q().KYCProfileGet(ctx, r.tx, int64(user))
	if err != nil {
		return nil, fmt.Errorf("postgres: get kyc profile of user %d: %w", user, interpretError(err))
	}
	if row.Status == nil { // no kyc_profiles row joined the user's
		return kyc.NewProfile(user), nil
	}
	return profileFromRow(dbsqlc.KycProfile{
		UserID:          row.UserID,
		Status:          *row.Status,
		Level:           valueOf(row.Level),
		TargetLevel:     valueOf(row.TargetLevel),
		FirstName:       valueOf(row.FirstName),
		LastName:        valueOf(row.LastName),
		NationalID:      row.NationalID,
		BirthDate:       row.BirthDate,
		Shahkar:         valueOf(row.Shahkar),
		RejectionReason: valueOf(row.RejectionReason),
		ReviewedBy:      row.ReviewedBy,
		SubmittedAt:     row.SubmittedAt,
		ReviewedAt:      row.ReviewedAt,
		UpdatedAt:       row.UpdatedAt.Time,
	})
}

// GetForUpdate is Get, locking the profile's row (FOR UPDATE) until the transaction ends.
// When the user has no profile it locks the user's row instead (FOR NO KEY UPDATE, which
// conflicts with itself) and reads again: a transaction that waited there sees the profile
// that the one before it created, so two first submissions of one user serialize. In a
// read-only transaction it reads without locking.
func (r kycRepository) GetForUpdate(ctx context.Context, user core.UserID) (*kyc.Profile, error) {
	if r.tx.mode.readOnly {
		return r.Get(ctx, user)
	}
	p, found, err := r.lockProfile(ctx, user)
	if err != nil || found {
		return p, err
	}
	if _, err := r.tx.q().KYCProfileLockUser(ctx, r.tx, int64(user)); err != nil {
		return nil, fmt.Errorf("postgres: lock user %d for its kyc profile: %w", user, interpretError(err))
	}
	// At READ COMMITTED this statement sees what committed while the lock above waited.
	p, found, err = r.lockProfile(ctx, user)
	if err != nil || found {
		return p, err
	}
	return kyc.NewProfile(user), nil
}

// lockProfile reads user's profile row FOR UPDATE and reports whether there is one.
func (r kycRepository) lockProfile(ctx context.Context, user core.UserID) (*kyc.Profile, bool, error) {
	row, err := r.tx.q().KYCProfileGetForUpdate(ctx, r.tx, int64(user))
	if err != nil {
		err = interpretError(err)
		if errors.Is(err, core.ErrNotFound) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("postgres: get kyc profile of user %d for update: %w", user, err)
	}
	p, err := profileFromRow(row)
	return p, err == nil, err
}

// Save stores every field of p, creating its row on the first save. It returns
// [core.ErrNationalIDTaken] (and a [*core.ConflictError]) when another user's profile holds
// p's national id, and [core.ErrNotFound] when the user does not exist. The upsert runs in a
// savepoint, so the transaction stays usable after a conflict.
func (r kycRepository) Save(ctx context.Context, p *kyc.Profile) error {
	rec := p.Record()
	err := inSavepoint(ctx, r.tx, func(db dbsqlc.DBTX) error {
		return r.tx.q().KYCProfileUpsert(ctx, db, dbsqlc.KYCProfileUpsertParams{
			UserID:          int64(rec.User),
			Status:          rec.Status.String(),
			Level:           int16(rec.Level), // 0..kyc.MaxLevel, and the column checks it
			TargetLevel:     int16(rec.TargetLevel),
			FirstName:       rec.FirstName,
			LastName:        rec.LastName,
			NationalID:      nullNationalID(rec.NationalID),
			BirthDate:       nullDate(rec.BirthDate),
			Shahkar:         rec.Shahkar.String(),
			RejectionReason: rec.RejectionReason,
			ReviewedBy:      nullID(rec.ReviewedBy),
			SubmittedAt:     nullTime(rec.SubmittedAt),
			ReviewedAt:      nullTime(rec.ReviewedAt),
			UpdatedAt:       rec.UpdatedAt,
		})
	})
	if err != nil {
		return fmt.Errorf("postgres: save kyc profile of user %d: %w", rec.User, nationalIDTaken(interpretError(err)))
	}
	return nil
}

// List returns one page of the profiles with status (zero: every submitted one), oldest
// submission first, and how many match.
func (r kycRepository) List(ctx context.Context, status kyc.Status, offset, limit int) ([]*kyc.Profile, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	rows, err := r.tx.q().KYCProfileList(ctx, r.tx, dbsqlc.KYCProfileListParams{
		Status: status.String(), PageOffset: int64(offset), PageLimit: int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: list kyc profiles: %w", interpretError(err))
	}
	n, err := r.tx.q().KYCProfileCount(ctx, r.tx, status.String())
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: count kyc profiles: %w", interpretError(err))
	}
	out := make([]*kyc.Profile, 0, len(rows))
	for _, row := range rows {
		p, err := profileFromRow(row)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, int(n), nil
}

// PendingInquiries returns up to limit users whose pending submission waits for the mobile
// inquiry, oldest submission first.
func (r kycRepository) PendingInquiries(ctx context.Context, limit int) ([]core.UserID, error) {
	if err := checkPage(0, limit); err != nil {
		return nil, err
	}
	ids, err := r.tx.q().KYCProfilePendingInquiries(ctx, r.tx, int64(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: pending kyc inquiries: %w", interpretError(err))
	}
	out := make([]core.UserID, len(ids))
	for i, id := range ids {
		out[i] = core.UserID(id)
	}
	return out, nil
}

// valueOf reads a NOT NULL column of a row that a LEFT JOIN matched, which sqlc types as
// nullable.
func valueOf[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}

// nationalIDTaken adds [core.ErrNationalIDTaken] to a conflict on the profiles' national id.
func nationalIDTaken(err error) error {
	var conflict *core.ConflictError
	if errors.As(err, &conflict) && conflict.Constraint == constraintNationalID {
		return fmt.Errorf("%w: %w", core.ErrNationalIDTaken, err)
	}
	return err
}

// nullNationalID returns a national id as nullable text: NULL for the zero code (not given,
// or erased), so such profiles never collide on the unique constraint.
func nullNationalID(c iran.NationalCode) *string {
	if c.IsZero() {
		return nil
	}
	s := c.String()
	return &s
}

// profileFromRow converts a kyc_profiles row; times are handed out in UTC, the birth date at
// midnight UTC. A status, check or national id the core does not accept is an internal
// error.
func profileFromRow(row dbsqlc.KycProfile) (*kyc.Profile, error) {
	status, err := kyc.ParseStatus(row.Status)
	if err != nil {
		return nil, fmt.Errorf("%w: postgres: kyc profile of user %d has unknown status %q", core.ErrInternal, row.UserID, row.Status)
	}
	var check kyc.Check
	if row.Shahkar != "" {
		if check, err = kyc.ParseCheck(row.Shahkar); err != nil {
			return nil, fmt.Errorf("%w: postgres: kyc profile of user %d has unknown inquiry check %q", core.ErrInternal, row.UserID, row.Shahkar)
		}
	}
	var nationalID iran.NationalCode
	if row.NationalID != nil {
		if nationalID, err = iran.ParseNationalCode(*row.NationalID); err != nil {
			return nil, fmt.Errorf("%w: postgres: kyc profile of user %d has a malformed national id", core.ErrInternal, row.UserID)
		}
	}
	return kyc.RehydrateProfile(kyc.ProfileRecord{
		User:            core.UserID(row.UserID),
		Status:          status,
		Level:           int(row.Level),
		TargetLevel:     int(row.TargetLevel),
		FirstName:       row.FirstName,
		LastName:        row.LastName,
		NationalID:      nationalID,
		BirthDate:       dateOf(row.BirthDate),
		Shahkar:         check,
		RejectionReason: row.RejectionReason,
		ReviewedBy:      idOf[core.UserID](row.ReviewedBy),
		SubmittedAt:     timeOf(row.SubmittedAt),
		ReviewedAt:      timeOf(row.ReviewedAt),
		UpdatedAt:       row.UpdatedAt.UTC(),
	}), nil
}
