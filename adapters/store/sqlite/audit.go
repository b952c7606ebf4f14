package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/ports"
)

// auditRepository appends to and lists the audit log (audit_events, which triggers keep
// append-only).
type auditRepository struct{ t *tx }

var _ ports.AuditRepository = auditRepository{}

// Append stores e, chained after the last event of its chain ([audit.ChainFor] of e among
// [Options.AuditChains]), and returns its id. An event without a time or an action returns
// an error wrapping [core.ErrInvalidInput].
//
// The store's transactions take SQLite's write lock when they begin (BEGIN IMMEDIATE) and
// hold it until they end, so reading the last event and inserting after it cannot interleave
// with another appender: the event takes the id after the log's last and the hash of its
// chain's last event as its prev.
func (r auditRepository) Append(ctx context.Context, e ports.AuditEvent) (int64, error) {
	if e.At.IsZero() || e.Action == "" {
		return 0, fmt.Errorf("%w: sqlite: an audit event needs a time and an action", core.ErrInvalidInput)
	}
	e.Chain = audit.ChainFor(e.ActorID, e.Entity, e.EntityID, r.t.store.opts.AuditChains)
	last, err := r.t.q.AuditLastID(ctx, r.t.db)
	if err != nil {
		return 0, fmt.Errorf("read the audit log: %w", interpretError(err))
	}
	e.ID = last + 1
	var prev audit.Hash
	head, err := r.t.q.AuditChainHead(ctx, r.t.db, int64(e.Chain))
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return 0, fmt.Errorf("read audit chain %d: %w", e.Chain, interpretError(err))
	default:
		if prev, err = audit.HashFromBytes(head); err != nil {
			return 0, fmt.Errorf("the last event of audit chain %d: %w", e.Chain, err)
		}
	}
	// The hash covers the event as stored: Unix microseconds.
	e.At = timeFromMicros(e.At.UnixMicro())
	hash := audit.Link(prev, e.Entry())
	params := dbsqlc.AuditInsertParams{
		ID:           e.ID,
		At:           e.At.UnixMicro(),
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
		Chain:        int64(e.Chain),
	}
	if e.ActorID != 0 {
		actor := int64(e.ActorID)
		params.ActorID = &actor
	}
	if err := r.t.q.AuditInsert(ctx, r.t.db, params); err != nil {
		return 0, fmt.Errorf("append %s audit event: %w", e.Action, interpretError(err))
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
		FromTime: boundMicros(f.From, noLowerBound),
		ToTime:   boundMicros(f.To, noUpperBound),
	}
	rows, err := r.t.q.AuditList(ctx, r.t.db, dbsqlc.AuditListParams{
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
		return nil, 0, fmt.Errorf("list audit events: %w", interpretError(err))
	}
	n, err := r.t.q.AuditCount(ctx, r.t.db, count)
	if err != nil {
		return nil, 0, fmt.Errorf("count audit events: %w", interpretError(err))
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
	rows, err := r.t.q.AuditChain(ctx, r.t.db, dbsqlc.AuditChainParams{AfterID: afterID, PageLimit: int64(limit)})
	if err != nil {
		return nil, fmt.Errorf("read the audit chain: %w", interpretError(err))
	}
	return auditEventsFromRows(rows)
}

// auditEventsFromRows converts audit_events rows; a stored hash of the wrong length (possible
// only behind the schema's back) returns an error naming the event.
func auditEventsFromRows(rows []dbsqlc.AuditEvent) ([]ports.AuditEvent, error) {
	out := make([]ports.AuditEvent, 0, len(rows))
	for _, row := range rows {
		prev, err := audit.HashFromBytes(row.PrevHash)
		if err != nil {
			return nil, fmt.Errorf("audit event %d: prev hash: %w", row.ID, err)
		}
		hash, err := audit.HashFromBytes(row.Hash)
		if err != nil {
			return nil, fmt.Errorf("audit event %d: hash: %w", row.ID, err)
		}
		e := ports.AuditEvent{
			ID:           row.ID,
			At:           timeFromMicros(row.At),
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
		out = append(out, e)
	}
	return out, nil
}
