package postgres

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

var _ ports.ConsentRepository = consentRepository{}

// consentRepository keeps consent records in one transaction. The table refuses updates and
// deletes (migrations/postgres/00010_privacy.sql).
type consentRepository struct{ tx *tx }

// Record stores c and returns its id, or [core.ErrNotFound] when the user does not exist.
func (r consentRepository) Record(ctx context.Context, c ports.Consent) (int64, error) {
	id, err := r.tx.q().ConsentInsert(ctx, r.tx, dbsqlc.ConsentInsertParams{
		UserID: int64(c.User), Kind: c.Kind, Version: c.Version, At: c.At, IP: c.IP,
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: record consent of user %d: %w", c.User, interpretError(err))
	}
	return id, nil
}

// List returns user's consents, oldest first; times are handed out in UTC.
func (r consentRepository) List(ctx context.Context, user core.UserID) ([]ports.Consent, error) {
	rows, err := r.tx.q().ConsentList(ctx, r.tx, int64(user))
	if err != nil {
		return nil, fmt.Errorf("postgres: list consents of user %d: %w", user, interpretError(err))
	}
	out := make([]ports.Consent, len(rows))
	for i, row := range rows {
		out[i] = ports.Consent{
			ID: row.ID, User: core.UserID(row.UserID), Kind: row.Kind, Version: row.Version,
			At: row.At.UTC(), IP: row.IP,
		}
	}
	return out, nil
}
