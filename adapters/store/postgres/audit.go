package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/ports"
)

var _ ports.AuditRepository = auditRepository{}

// auditRepository appends to and lists the audit log (audit_events, which triggers keep
// append-only) in one transaction.
type auditRepository struct{ tx *tx }

// auditChainLockBase is the key of the transaction advisory lock of chain 0 of the audit log;
// chain k's is auditChainLockBase + k ([MaxAuditChains] keeps k within the low 16 bits). The
// lock serializes the appenders of one chain, so that each chains its event after the last
// one committed to that chain.
const auditChainLockBase = 0x7461_6c61_0002_0000

// Append stores e, chained after the last event of its chain, and returns its id. An event
// without a time or an action returns an error wrapping [core.ErrInvalidInput].
//
// The chain is [audit.ChainFor] of e among [Options.AuditChains]. Append takes that chain's
// advisory lock, which is held until the transaction commits or rolls back: every other
// appender to the chain waits from its Append until then (appenders to other chains do not),
// so callers append late in their transactions. Holding it, a new statement (whose READ
// COMMITTED snapshot is taken after the lock was granted) draws the id and reads the hash of
// the chain's last event; the event is hashed with both and inserted. Ids are thus drawn in
// chain order within each chain; a rolled-back append leaves a gap in the ids, never in a
// chain.
func (r auditRepository) Append(ctx context.Context, e ports.AuditEvent) (int64, error) {
	if e.At.IsZero() || e.Action == "" {
		return 0, fmt.Errorf("%w: postgres: an audit event needs a time and an action", core.ErrInvalidInput)
	}
	e.Chain = audit.ChainFor(e.ActorID, e.Entity, e.EntityID, r.tx.store.opts.AuditChains)
	if err := r.tx.q().AuditChainLock(ctx, r.tx, auditChainLockBase+int64(e.Chain)); err != nil {
		return 0, fmt.Errorf("postgres: lock audit chain %d: %w", e.Chain, interpretError(err))
	}
	next, err := r.tx.q().AuditChainNext(ctx, r.tx, int16(e.Chain))
	if err != nil {
		return 0, fmt.Errorf("postgres: read audit chain %d: %w", e.Chain, interpretError(err))
	}
	prev, err := audit.HashFromBytes(next.PrevHash)
	if err != nil {
		return 0, fmt.Errorf("postgres: the last event of audit chain %d: %w", e.Chain, err)
	}
	// The hash covers the event as stored: timestamptz keeps microseconds.
	e.ID, e.At = next.ID, time.UnixMicro(e.At.UnixMicro()).UTC()
	hash := audit.Link(prev, e.Entry())
	params := dbsqlc.AuditInsertParams{
		ID:           e.ID,
		At:           e.At,
		ActorRole:    e.ActorRole,
		Action:       e.Action,
		Entity:       e.Entity,
		EntityID:     e.EntityID,
		Reason:       e.Reason,
		IP:           e.IP,
		UserAgent:    e.UserAgent,
		RequestID:    e.RequestID,
		BeforeDigest: e.BeforeDigest,
		AfterDigest:  e.AfterDigest,
		PrevHash:     prev[:],
		Hash:         hash[:],
		Chain:        int16(e.Chain),
	}
	if e.ActorID != 0 {
		actor := int64(e.ActorID)
		params.ActorID = &actor
	}
	if err := r.tx.q().AuditInsert(ctx, r.tx, params); err != nil {
		return 0, fmt.Errorf("postgres: append %s audit event: %w", e.Action, interpretError(err))
	}
	return e.ID, nil
}

// List returns one page of the events matching f, newest first (ties by id descending), and
// how many match.
func (r auditRepository) List(ctx context.Context, f ports.AuditFilter, offset, limit int) ([]ports.AuditEvent, int, error) {
	if err := checkPage(offset, limit); err != nil {
		return nil, 0, err
	}
	count := dbsqlc.AuditCountParams{
		ActorID:  int64(f.ActorID),
		Action:   f.Action,
		Entity:   f.Entity,
		EntityID: f.EntityID,
		FromTime: nullTime(f.From),
		ToTime:   nullTime(f.To),
	}
	rows, err := r.tx.q().AuditList(ctx, r.tx, dbsqlc.AuditListParams{
		ActorID:    count.ActorID,
		Action:     count.Action,
		Entity:     count.Entity,
		EntityID:   count.EntityID,
		FromTime:   count.FromTime,
		ToTime:     count.ToTime,
		PageOffset: int64(offset),
		PageLimit:  int64(limit),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: list audit events: %w", interpretError(err))
	}
	n, err := r.tx.q().AuditCount(ctx, r.tx, count)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: count audit events: %w", interpretError(err))
	}
	out, err := auditEventsFromRows(rows)
	if err != nil {
		return nil, 0, err
	}
	return out, int(n), nil
}

// Chain returns up to limit events with ids above afterID, in id order.
func (r auditRepository) Chain(ctx context.Context, afterID int64, limit int) ([]ports.AuditEvent, error) {
	if err := checkPage(0, limit); err != nil {
		return nil, err
	}
	rows, err := r.tx.q().AuditChain(ctx, r.tx, dbsqlc.AuditChainParams{AfterID: afterID, PageLimit: int64(limit)})
	if err != nil {
		return nil, fmt.Errorf("postgres: read the audit chain: %w", interpretError(err))
	}
	return auditEventsFromRows(rows)
}

// auditEventsFromRows converts audit_events rows.
func auditEventsFromRows(rows []dbsqlc.AuditEvent) ([]ports.AuditEvent, error) {
	out := make([]ports.AuditEvent, 0, len(rows))
	for _, row := range rows {
		e, err := auditEventFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// auditEventFromRow converts an audit_events row; its time is handed out in UTC. A stored
// hash of the wrong length (possible only behind the schema's back) returns an error naming
// the event.
func auditEventFromRow(row dbsqlc.AuditEvent) (ports.AuditEvent, error) {
	prev, err := audit.HashFromBytes(row.PrevHash)
	if err != nil {
		return ports.AuditEvent{}, fmt.Errorf("postgres: audit event %d: prev hash: %w", row.ID, err)
	}
	hash, err := audit.HashFromBytes(row.Hash)
	if err != nil {
		return ports.AuditEvent{}, fmt.Errorf("postgres: audit event %d: hash: %w", row.ID, err)
	}
	e := ports.AuditEvent{
		ID:           row.ID,
		At:           row.At.UTC(),
		ActorRole:    row.ActorRole,
		Action:       row.Action,
		Entity:       row.Entity,
		EntityID:     row.EntityID,
		Reason:       row.Reason,
		IP:           row.IP,
		UserAgent:    row.UserAgent,
		RequestID:    row.RequestID,
		BeforeDigest: row.BeforeDigest,
		AfterDigest:  row.AfterDigest,
		Chain:        int(row.Chain),
		PrevHash:     prev,
		Hash:         hash,
	}
	if row.ActorID != nil {
		e.ActorID = core.UserID(*row.ActorID)
	}
	return e, nil
}
