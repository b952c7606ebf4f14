package trading

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/talabin/talabin/app/auditlog"
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

// auditEvent returns an event of p's action on entity id at now, with p's client details.
func auditEvent(p ports.Principal, now time.Time, action, entity, id string) ports.AuditEvent {
	return auditlog.Event(p, now, action, entity, id)
}

// systemEvent returns an event of the service's own action at now.
func systemEvent(now time.Time, action, entity, id string) ports.AuditEvent {
	return auditlog.System(now, action, entity, id)
}

// appendAudit stores e in tx.
func appendAudit(ctx context.Context, tx ports.Tx, e ports.AuditEvent) error {
	if err := auditlog.Append(ctx, tx, e); err != nil {
		return fmt.Errorf("trading: %w", err)
	}
	return nil
}

// digest and stamp fingerprint an entity's state ([auditlog.Digest], [auditlog.Stamp]).
var (
	digest = auditlog.Digest
	stamp  = auditlog.Stamp
)

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
