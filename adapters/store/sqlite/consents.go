package sqlite

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// consentRepository keeps consent records; triggers refuse updates and deletes
// (migrations/sqlite/00008_privacy.sql).
type consentRepository struct{ t *tx }

var _ ports.ConsentRepository = consentRepository{}

// Record stores c and returns its id, or [core.ErrNotFound] when the user does not exist.
func (r consentRepository) Record(ctx context.Context, c ports.Consent) (int64, error) {
	id, err := r.t.q.ConsentInsert(ctx, r.t.db, dbsqlc.ConsentInsertParams{
		UserID: int64(c.User), Kind: c.Kind, Version: c.Version, At: c.At.UnixMicro(), IP: c.IP,
	})
	if err != nil {
		return 0, fmt.Errorf("record consent of user %d: %w", c.User, interpretError(err))
	}
	return id, nil
}

// List returns user's consents, oldest first; times are handed out in UTC.
func (r consentRepository) List(ctx context.Context, user core.UserID) ([]ports.Consent, error) {
	rows, err := r.t.q.ConsentList(ctx, r.t.db, int64(user))
	if err != nil {
		return nil, fmt.Errorf("consents of user %d: %w", user, interpretError(err))
	}
	out := make([]ports.Consent, len(rows))
	for i, row := range rows {
		out[i] = ports.Consent{
			ID: row.ID, User: core.UserID(row.UserID), Kind: row.Kind, Version: row.Version,
			At: timeFromMicros(row.At), IP: row.IP,
		}
	}
	return out, nil
}
