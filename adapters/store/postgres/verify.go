package postgres

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/core/ledger"
)

// Verify recomputes every balance from the postings and checks the ledger's invariants with
// [ledger.Reconcile]: stored balances (user rows, and system accounts as the sum of their
// shards), balances derived from the postings of every account (zero for an account without
// postings), the journals whose postings do not sum to zero per asset, and the counts. It adds
// a problem when postings name no account, which the schema does not prevent by a foreign
// key. Run it in [Store.Snapshot] so that all of them come from one snapshot.
func (r ledgerRepository) Verify(ctx context.Context) (ledger.Report, error) {
	q, db := r.tx.q(), r.tx
	storedRows, err := q.LedgerStoredBalances(ctx, db)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("postgres: verify: stored balances: %w", interpretError(err))
	}
	derivedRows, err := q.LedgerDerivedBalances(ctx, db)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("postgres: verify: derived balances: %w", interpretError(err))
	}
	unbalancedIDs, err := q.LedgerUnbalancedJournals(ctx, db)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("postgres: verify: unbalanced journals: %w", interpretError(err))
	}
	counts, err := q.LedgerCounts(ctx, db)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("postgres: verify: counts: %w", interpretError(err))
	}
	stored := make([]ledger.AccountBalance, 0, len(storedRows))
	for _, row := range storedRows {
		account, err := parseAccount(row.Code)
		if err != nil {
			return ledger.Report{}, err
		}
		stored = append(stored, ledger.AccountBalance{
			Account: account, Balance: ledger.Balance{Available: row.Available, Held: row.Held},
		})
	}
	derived := make([]ledger.AccountBalance, 0, len(derivedRows))
	for _, row := range derivedRows {
		account, err := parseAccount(row.Code)
		if err != nil {
			return ledger.Report{}, err
		}
		derived = append(derived, ledger.AccountBalance{
			Account: account, Balance: ledger.Balance{Available: row.Available, Held: row.Held},
		})
	}
	unbalanced := make([]ledger.JournalID, 0, len(unbalancedIDs))
	for _, id := range unbalancedIDs {
		unbalanced = append(unbalanced, ledger.JournalID(id))
	}
	report := ledger.Reconcile(stored, derived, unbalanced, counts.Journals, counts.Postings)
	if counts.Orphans > 0 {
		// Reconcile cannot see them: derived balances and journal sums are per account.
		report.Problems = append(report.Problems, fmt.Sprintf("%d postings name no account", counts.Orphans))
	}
	return report, nil
}
