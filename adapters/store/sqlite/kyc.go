package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// constraintNationalID is the name interpretError gives the UNIQUE constraint that keeps one
// national id to one profile (migrations/sqlite/00007_kyc.sql).
const constraintNationalID = "kyc_profiles.national_id"

// kycRepository keeps users' verification profiles. A user without a row has the profile of
// [kyc.NewProfile].
type kycRepository struct{ t *tx }

var _ ports.KYCRepository = kycRepository{}

// Get returns user's profile, [kyc.NewProfile] when the user has none, or [core.ErrNotFound]
// when the user does not exist. One statement tells the three apart, as on PostgreSQL.
func (r kycRepository) Get(ctx context.Context, user core.UserID) (*kyc.Profile, error) {
	row, err := r.t.q.KYCProfileGet(ctx, r.t.db, int64(user))
	if err != nil {
		return nil, fmt.Errorf("kyc profile of user %d: %w", user, interpretError(err))
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
		UpdatedAt:       valueOf(row.UpdatedAt),
	})
}

// GetForUpdate is Get: a write transaction holds the database's write lock from its BEGIN
// IMMEDIATE, so no other transaction can create or change the profile before this one ends.
func (r kycRepository) GetForUpdate(ctx context.Context, user core.UserID) (*kyc.Profile, error) {
	return r.Get(ctx, user)
}

// Save stores every field of p, creating its row on the first save. It returns
// [core.ErrNationalIDTaken] (and a [*core.ConflictError]) when another user's profile holds
// p's national id, and [core.ErrNotFound] when the user does not exist.
func (r kycRepository) Save(ctx context.Context, p *kyc.Profile) error {
	rec := p.Record()
	err := r.t.q.KYCProfileUpsert(ctx, r.t.db, dbsqlc.KYCProfileUpsertParams{
		UserID:          int64(rec.User),
		Status:          rec.Status.String(),
		Level:           int64(rec.Level),
		TargetLevel:     int64(rec.TargetLevel),
		FirstName:       rec.FirstName,
		LastName:        rec.LastName,
		NationalID:      nullNationalID(rec.NationalID),
		BirthDate:       nullDate(rec.BirthDate),
		Shahkar:         rec.Shahkar.String(),
		RejectionReason: rec.RejectionReason,
		ReviewedBy:      nullID(rec.ReviewedBy),
		SubmittedAt:     nullMicros(rec.SubmittedAt),
		ReviewedAt:      nullMicros(rec.ReviewedAt),
		UpdatedAt:       rec.UpdatedAt.UnixMicro(),
	})
	if err != nil {
		return fmt.Errorf("save kyc profile of user %d: %w", rec.User, nationalIDTaken(interpretError(err)))
	}
	return nil
}

// List returns one page of the profiles with status (zero: every submitted one), oldest
// submission first, and how many match.
func (r kycRepository) List(ctx context.Context, status kyc.Status, offset, limit int) ([]*kyc.Profile, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	rows, err := r.t.q.KYCProfileList(ctx, r.t.db, dbsqlc.KYCProfileListParams{
		Status: status.String(), PageOffset: int64(offset), PageLimit: int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list kyc profiles: %w", interpretError(err))
	}
	n, err := r.t.q.KYCProfileCount(ctx, r.t.db, status.String())
	if err != nil {
		return nil, 0, fmt.Errorf("count kyc profiles: %w", interpretError(err))
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
	ids, err := r.t.q.KYCProfilePendingInquiries(ctx, r.t.db, int64(limit))
	if err != nil {
		return nil, fmt.Errorf("pending kyc inquiries: %w", interpretError(err))
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

// nullNationalID is the stored form of a national id: NULL for the zero code (not given, or
// erased), so such profiles never collide on the UNIQUE constraint.
func nullNationalID(c iran.NationalCode) *string {
	if c.IsZero() {
		return nil
	}
	s := c.String()
	return &s
}

// profileFromRow converts a kyc_profiles row. A status, check, national id or birth date the
// core does not accept is an internal error.
func profileFromRow(row dbsqlc.KycProfile) (*kyc.Profile, error) {
	status, err := kyc.ParseStatus(row.Status)
	if err != nil {
		return nil, fmt.Errorf("%w: sqlite: kyc profile of user %d: stored status %q", core.ErrInternal, row.UserID, row.Status)
	}
	var check kyc.Check
	if row.Shahkar != "" {
		if check, err = kyc.ParseCheck(row.Shahkar); err != nil {
			return nil, fmt.Errorf("%w: sqlite: kyc profile of user %d: stored inquiry check %q", core.ErrInternal, row.UserID, row.Shahkar)
		}
	}
	var nationalID iran.NationalCode
	if row.NationalID != nil {
		if nationalID, err = iran.ParseNationalCode(*row.NationalID); err != nil {
			return nil, fmt.Errorf("%w: sqlite: kyc profile of user %d: malformed stored national id", core.ErrInternal, row.UserID)
		}
	}
	birth, err := dateFromNullText(row.BirthDate)
	if err != nil {
		return nil, fmt.Errorf("%w: sqlite: kyc profile of user %d: stored birth date: %w", core.ErrInternal, row.UserID, err)
	}
	return kyc.RehydrateProfile(kyc.ProfileRecord{
		User:            core.UserID(row.UserID),
		Status:          status,
		Level:           int(row.Level),
		TargetLevel:     int(row.TargetLevel),
		FirstName:       row.FirstName,
		LastName:        row.LastName,
		NationalID:      nationalID,
		BirthDate:       birth,
		Shahkar:         check,
		RejectionReason: row.RejectionReason,
		ReviewedBy:      idOf[core.UserID](row.ReviewedBy),
		SubmittedAt:     timeFromNullMicros(row.SubmittedAt),
		ReviewedAt:      timeFromNullMicros(row.ReviewedAt),
		UpdatedAt:       timeFromMicros(row.UpdatedAt),
	}), nil
}
