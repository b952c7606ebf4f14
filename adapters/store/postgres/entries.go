package postgres

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// Entries returns one page of the journals with a posting to one of user's accounts (a
// hold's journal, which moves rials from available to held, nets to zero), of the given
// types (all when types is empty), newest first (ties by journal id descending), and how
// many match. A user without accounts has no entries.
func (r ledgerRepository) Entries(ctx context.Context, user core.UserID, types []ledger.JournalType, offset, limit int) ([]ports.LedgerEntry, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	// Never nil: pgx sends a nil slice as NULL, which would match no type at all.
	names := make([]string, 0, len(types))
	for _, t := range types {
		names = append(names, t.String())
	}
	rows, err := r.tx.q().LedgerEntries(ctx, r.tx, dbsqlc.LedgerEntriesParams{
		UserID: int64(user), Types: names, PageOffset: int64(offset), PageLimit: int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: ledger entries of user %d: %w", user, interpretError(err))
	}
	n, err := r.tx.q().LedgerEntriesCount(ctx, r.tx, dbsqlc.LedgerEntriesCountParams{UserID: int64(user), Types: names})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: count ledger entries of user %d: %w", user, interpretError(err))
	}
	out := make([]ports.LedgerEntry, 0, len(rows))
	for _, row := range rows {
		typ, err := ledger.ParseJournalType(row.Type)
		if err != nil {
			return nil, 0, fmt.Errorf("%w: postgres: journal %d has unknown type %q", core.ErrInternal, row.ID, row.Type)
		}
		out = append(out, ports.LedgerEntry{
			Journal:   ledger.JournalID(row.ID),
			Type:      typ,
			Reference: row.Reference,
			IRR:       core.Rial(row.Irr),
			Gold:      core.Microgram(row.Gold),
			CreatedAt: row.CreatedAt.UTC(),
		})
	}
	return out, int(n), nil
}
