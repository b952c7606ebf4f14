package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/ports"
)

// auditVerifyPage is how many audit events VerifyAuditLog reads at a time.
const auditVerifyPage = 1000

// AuditReport is what [VerifyAuditLog] found.
type AuditReport struct {
	// Entries is how many events were checked and found in order: all of them when the
	// chain holds, those before the break otherwise.
	Entries int64
	// Unchained is how many of them were stored before the chain began (before migration
	// postgres 00008, sqlite 00006), which it does not cover.
	Unchained int64
	// Heads are the last event of each chain that has events and its hash, by chain. An
	// operator who notes them elsewhere can later tell the log from a rewritten one, whose
	// heads would differ.
	Heads []audit.Head
	// Break is the first event at which a chain does not hold; nil when all hold.
	Break *audit.BreakError
}

// OK reports whether every chain holds.
func (r AuditReport) OK() bool { return r.Break == nil }

// String prints the report: "entries=N ok", then the unchained events when there are any and
// one "head chain K: entry ID HASH" line per chain; or the break.
func (r AuditReport) String() string {
	if r.Break != nil {
		return r.Break.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "entries=%d ok", r.Entries)
	if r.Unchained > 0 {
		fmt.Fprintf(&b, "\nunchained=%d: the first %d entries predate the hash chain and are not covered by it", r.Unchained, r.Unchained)
	}
	for _, h := range r.Heads {
		fmt.Fprintf(&b, "\nhead chain %d: entry %d %s", h.Chain, h.ID, h.Hash)
	}
	return b.String()
}

// VerifyAuditLog walks the whole audit log in id order, a page at a time, in one snapshot,
// and checks its hash chains ([audit.Verifier]). A broken chain is a report, not an error.
func VerifyAuditLog(ctx context.Context, store ports.Store) (AuditReport, error) {
	var v audit.Verifier
	err := store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		v = audit.Verifier{}
		return walkAuditLog(ctx, tx.Audit(), &v)
	})
	r := AuditReport{Entries: v.Entries(), Unchained: v.Unchained(), Heads: v.Heads()}
	if errors.As(err, &r.Break) {
		return r, nil
	}
	if err != nil {
		return AuditReport{}, fmt.Errorf("verify the audit log: %w", err)
	}
	return r, nil
}

// walkAuditLog adds every event of log to v, stopping at the first break (a
// [*audit.BreakError]).
func walkAuditLog(ctx context.Context, log ports.AuditRepository, v *audit.Verifier) error {
	var after int64
	for {
		page, err := log.Chain(ctx, after, auditVerifyPage)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := v.Add(e.Sealed()); err != nil {
				return err
			}
		}
		if len(page) < auditVerifyPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}
