// Package auditlog builds the audit events the app services append in the transactions of
// the changes they record (API.md §3.13 audit-log).
package auditlog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/talabin/talabin/ports"
)

// SystemRole is the actor role of what a service does on its own (a feed jump, a
// reconciliation).
const SystemRole = "system"

// Event returns an event of p's action on entity id at now, with p's client details.
func Event(p ports.Principal, now time.Time, action, entity, id string) ports.AuditEvent {
	return ports.AuditEvent{
		At:        now,
		ActorID:   p.UserID,
		ActorRole: p.Role.String(),
		Action:    action,
		Entity:    entity,
		EntityID:  id,
		IP:        p.Client.IP,
		UserAgent: p.Client.UserAgent,
		RequestID: p.Client.RequestID,
	}
}

// System returns an event of a service's own action at now.
func System(now time.Time, action, entity, id string) ports.AuditEvent {
	return ports.AuditEvent{At: now, ActorRole: SystemRole, Action: action, Entity: entity, EntityID: id}
}

// Append stores e in tx.
func Append(ctx context.Context, tx ports.Tx, e ports.AuditEvent) error {
	if _, err := tx.Audit().Append(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Digest returns the SHA-256 hex digest of fields joined by '|', the fingerprint of an
// entity's state in the audit log.
func Digest(fields ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(fields, "|")))
	return hex.EncodeToString(sum[:])
}

// Stamp writes t for a digest; the zero time is "".
func Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
