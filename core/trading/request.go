package trading

import "github.com/talabin/talabin/core"

// Request is what a client asks to trade (the body of preview and place_order, API.md §3.9):
// a side and exactly one of an amount of rials or, for a sell, an amount of gold.
type Request struct {
	Side Side
	// Amount is `amount_irr`: the rials to spend (buy) or to be paid before the fee (sell).
	Amount core.Rial
	// Gold is `gold_amount`: the gold to sell. Only sells may be priced by gold.
	Gold core.Microgram
}

// ByGold reports whether the request is priced by its gold amount.
func (r Request) ByGold() bool { return r.Gold != 0 }

// Validate checks the request's shape and its amount against limits: a side; not both
// amounts; gold only on a sell and above zero; otherwise the rial amount within limits
// ([OrderLimits.Check]). A gold amount's rial value is checked once priced
// ([TermsFor]). It returns a [core.ValidationError].
func (r Request) Validate(limits OrderLimits) error {
	switch {
	case r.Side.IsZero():
		return core.FieldError(fieldOrderType, msgRequired)
	case r.Amount != 0 && r.Gold != 0:
		return core.FieldError(core.NonFieldErrors, "Send either amount_irr or gold_amount, not both.")
	case r.ByGold() && r.Side != Sell:
		return core.FieldError(fieldGoldAmount, "Only sell orders can be priced by gold_amount; send amount_irr.")
	case r.Gold < 0:
		return core.FieldError(fieldGoldAmount, msgMoreThanZero)
	case r.ByGold():
		return nil
	}
	return limits.Check(r.Amount)
}
