package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
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
	// The query takes the types as one ",a,b," string (see queries/sqlite/entries.sql).
	var list string
	if len(types) > 0 {
		names := make([]string, 0, len(types))
		for _, t := range types {
			names = append(names, t.String())
		}
		list = "," + strings.Join(names, ",") + ","
	}
	uid := int64(user)
	rows, err := r.t.q.LedgerEntries(ctx, r.t.db, dbsqlc.LedgerEntriesParams{
		UserID: &uid, Types: list, PageOffset: int64(offset), PageLimit: int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("ledger entries of user %d: %w", user, interpretError(err))
	}
	n, err := r.t.q.LedgerEntriesCount(ctx, r.t.db, dbsqlc.LedgerEntriesCountParams{UserID: &uid, Types: list})
	if err != nil {
		return nil, 0, fmt.Errorf("count ledger entries of user %d: %w", user, interpretError(err))
	}
	out := make([]ports.LedgerEntry, 0, len(rows))
	for _, row := range rows {
		typ, err := ledger.ParseJournalType(row.Type)
		if err != nil {
			return nil, 0, fmt.Errorf("%w: sqlite: journal %d: stored type %q", core.ErrInternal, row.ID, row.Type)
		}
		out = append(out, ports.LedgerEntry{
			Journal:   ledger.JournalID(row.ID),
			Type:      typ,
			Reference: row.Reference,
			IRR:       core.Rial(row.Irr),
			Gold:      core.Microgram(row.Gold),
			CreatedAt: timeFromMicros(row.CreatedAt),
		})
	}
	return out, int(n), nil
}
