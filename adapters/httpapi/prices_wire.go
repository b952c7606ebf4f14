package httpapi

import (
	"math/bits"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// goldPriceJSON is the GoldPrice object of API.md §2.
type goldPriceJSON struct {
	ID             int64             `json:"id"`
	BuyPrice       core.RialsPerGram `json:"buy_price"`
	SellPrice      core.RialsPerGram `json:"sell_price"`
	Spread         core.RialsPerGram `json:"spread"`
	SpreadPercent  Percent           `json:"spread_percent"`
	IsActive       bool              `json:"is_active"`
	IsStale        bool              `json:"is_stale"`
	TradingEnabled bool              `json:"trading_enabled"`
	Source         string            `json:"source"`
	CreatedAt      Timestamp         `json:"created_at"`
}

// goldPriceWire returns v as the GoldPrice object; created_at is when the price was
// observed.
func goldPriceWire(v ports.PriceView) goldPriceJSON {
	return goldPriceJSON{
		ID:             v.ID,
		BuyPrice:       v.Buy,
		SellPrice:      v.Sell,
		Spread:         v.Spread(),
		SpreadPercent:  Percent(spreadBasisPoints(v.Price)),
		IsActive:       v.Active,
		IsStale:        v.Stale,
		TradingEnabled: v.TradingEnabled,
		Source:         v.Source,
		CreatedAt:      Timestamp(v.At),
	}
}

// spreadBasisPoints returns the spread relative to the buy price, ⌊(sell − buy) × 10,000 /
// buy⌋ basis points, computed on 128 bits; zero for a price without a positive buy side or
// a negative spread.
func spreadBasisPoints(p pricing.Price) core.BasisPoints {
	spread := p.Spread()
	if p.Buy <= 0 || spread <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(spread), 10_000)
	if hi >= uint64(p.Buy) {
		return core.BasisPoints(int64(^uint64(0) >> 1)) // beyond any real spread
	}
	q, _ := bits.Div64(hi, lo, uint64(p.Buy))
	return core.BasisPoints(q) //nolint:gosec // G115: q < 2^63 since hi < buy < 2^63 bounds the quotient by spread × 10,000 / buy
}

// pricePointJSON is the PricePoint object of API.md §2.
type pricePointJSON struct {
	ID        int64             `json:"id"`
	Timestamp Timestamp         `json:"timestamp"`
	Price     core.RialsPerGram `json:"price"`
	BuyPrice  core.RialsPerGram `json:"buy_price"`
	SellPrice core.RialsPerGram `json:"sell_price"`
	Source    string            `json:"source"`
}

// pricePointWire returns p as the PricePoint object; price is the mid price.
func pricePointWire(p pricing.Point) pricePointJSON {
	return pricePointJSON{
		ID:        p.ID,
		Timestamp: Timestamp(p.At),
		Price:     p.Mid(),
		BuyPrice:  p.Buy,
		SellPrice: p.Sell,
		Source:    p.Source,
	}
}

// pendingPriceJSON is a feed price waiting for staff confirmation.
type pendingPriceJSON struct {
	BuyPrice   core.RialsPerGram `json:"buy_price"`
	SellPrice  core.RialsPerGram `json:"sell_price"`
	Source     string            `json:"source"`
	ObservedAt Timestamp         `json:"observed_at"`
}

// tradingStatusJSON is the answer of the staff's trading endpoints: the trading state and
// the active price.
type tradingStatusJSON struct {
	TradingEnabled bool              `json:"trading_enabled"`
	Halted         bool              `json:"halted"`
	Reason         string            `json:"reason"`
	ChangedBy      *core.UserID      `json:"changed_by"`
	ChangedAt      Timestamp         `json:"changed_at"`
	PendingJump    *pendingPriceJSON `json:"pending_jump"`
	Price          *goldPriceJSON    `json:"price"`
}

// tradingStatusWire returns s as the trading status object.
func tradingStatusWire(s ports.TradingStatus) tradingStatusJSON {
	out := tradingStatusJSON{
		Halted:    s.State.Halted,
		Reason:    s.State.Reason,
		ChangedAt: Timestamp(s.State.ChangedAt),
	}
	if !s.State.ChangedBy.IsZero() {
		id := s.State.ChangedBy
		out.ChangedBy = &id
	}
	if p := s.State.PendingJump; p != nil {
		out.PendingJump = &pendingPriceJSON{BuyPrice: p.Buy, SellPrice: p.Sell, Source: p.Source, ObservedAt: Timestamp(p.At)}
	}
	if s.Active != nil {
		price := goldPriceWire(*s.Active)
		out.Price = &price
		out.TradingEnabled = s.Active.TradingEnabled
	}
	return out
}
