package trading

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// The audit actions this service writes.
const (
	actionOrderPlace   = "order.place"
	actionOrderCancel  = "order.cancel"
	actionPriceSet     = "price.set"
	actionPriceJump    = "price.jump"
	actionJumpCleared  = "price.jump_cleared"
	actionTradingHalt  = "trading.halt"
	actionTradingStart = "trading.resume"
)

// The audited entities.
const (
	entityOrder   = "order"
	entityPrice   = "price"
	entityTrading = "trading"
)

// systemRole is the actor role of what the service does on its own (a feed jump).
const systemRole = "system"

// auditEvent returns an event of p's action on entity id at now, with p's client details.
func auditEvent(p ports.Principal, now time.Time, action, entity, id string) ports.AuditEvent {
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

// systemEvent returns an event of the service's own action at now.
func systemEvent(now time.Time, action, entity, id string) ports.AuditEvent {
	return ports.AuditEvent{At: now, ActorRole: systemRole, Action: action, Entity: entity, EntityID: id}
}

// appendAudit stores e in tx.
func appendAudit(ctx context.Context, tx ports.Tx, e ports.AuditEvent) error {
	if _, err := tx.Audit().Append(ctx, e); err != nil {
		return fmt.Errorf("trading: audit %s: %w", e.Action, err)
	}
	return nil
}

// digest returns the SHA-256 hex digest of fields joined by '|', the fingerprint of an
// entity's state in the audit log.
func digest(fields ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(fields, "|")))
	return hex.EncodeToString(sum[:])
}

// stamp writes t for a digest; the zero time is "".
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// orderDigest fingerprints an order's stored form.
func orderDigest(o *trading.Order) string {
	r := o.Record()
	return digest("order", r.ID.String(), r.Number, r.User.String(), r.Terms.Side.String(),
		r.Terms.AmountIRR.String(), strconv.FormatInt(int64(r.Terms.Gold), 10), r.Terms.Price.String(),
		r.Terms.Fee.String(), r.Terms.Total.String(), r.QuoteID.String(), r.Status.String(), r.FailureReason,
		stamp(r.CreatedAt), stamp(r.ExecutedAt), stamp(r.CancelledAt))
}

// priceDigest fingerprints a price; "" when there is none.
func priceDigest(p pricing.Point) string {
	if p.ID == 0 && p.Price == (pricing.Price{}) {
		return ""
	}
	return digest("price", strconv.FormatInt(p.ID, 10), p.Buy.String(), p.Sell.String(), p.Source, stamp(p.At))
}

// stateDigest fingerprints the trading state.
func stateDigest(st ports.TradingState) string {
	pending := ""
	if st.PendingJump != nil {
		pending = priceDigest(pricing.Point{Price: *st.PendingJump})
	}
	return digest("trading", strconv.FormatBool(st.Halted), st.Reason, st.ChangedBy.String(), stamp(st.ChangedAt), pending)
}
