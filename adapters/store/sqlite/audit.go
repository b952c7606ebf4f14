package sqlite

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// auditRepository appends to and lists the audit log (audit_events, which triggers keep
// append-only).
type auditRepository struct{ t *tx }

var _ ports.AuditRepository = auditRepository{}

// Append stores e and returns its id. An event without a time or an action returns an error
// wrapping [core.ErrInvalidInput].
func (r auditRepository) Append(ctx context.Context, e ports.AuditEvent) (int64, error) {
	if e.At.IsZero() || e.Action == "" {
		return 0, fmt.Errorf("%w: sqlite: an audit event needs a time and an action", core.ErrInvalidInput)
	}
	params := dbsqlc.AuditInsertParams{
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
	}
	if e.ActorID != 0 {
		actor := int64(e.ActorID)
		params.ActorID = &actor
	}
	id, err := r.t.q.AuditInsert(ctx, r.t.db, params)
	if err != nil {
		return 0, fmt.Errorf("append %s audit event: %w", e.Action, interpretError(err))
	}
	return id, nil
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
	out := make([]ports.AuditEvent, 0, len(rows))
	for _, row := range rows {
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
		}
		if row.ActorID != nil {
			e.ActorID = core.UserID(*row.ActorID)
		}
		out = append(out, e)
	}
	return out, int(n), nil
}
