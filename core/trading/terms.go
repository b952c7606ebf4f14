package trading

import (
	"errors"
	"fmt"
	"math"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/pricing"
)

// Terms are the figures of one trade, the six fields of a quote and an order (API.md §2):
// every conversion rounded once, in the platform's favour by less than one unit. Build them
// with [BuyByRials], [SellByRials], [SellByGold] or [TermsFor].
type Terms struct {
	Side Side
	// AmountIRR is the trade's rial value before the fee: what a buyer spends on gold, or
	// what the house pays a seller before the fee is taken.
	AmountIRR core.Rial
	// Gold is what the buyer receives or the seller gives.
	Gold core.Microgram
	// Price is the rials per gram the trade used: the platform's sell price for a buy, its
	// buy price for a sell.
	Price core.RialsPerGram
	// Fee is ⌈AmountIRR × fee rate / 10,000⌉.
	Fee core.Rial
	// Total is what moves in the user's rial wallet: AmountIRR + Fee debited on a buy,
	// AmountIRR − Fee credited on a sell.
	Total core.Rial
}

// BuyByRials prices a buy of amount rials at the platform's sellPrice with fee rate feeRate:
// gold = ⌊amount × 10^6 / sellPrice⌋ µg, fee = ⌈amount × feeRate / 10,000⌉, total = amount +
// fee. Example: 1,000,000 at 3,050,000 and 50 bp → 327,868 µg, fee 5,000, total 1,005,000.
// An amount that is not positive, or too small to buy one microgram, is a
// [core.ValidationError] on amount_irr; a bad price or rate wraps [core.ErrInvalidInput]; a
// result beyond int64 wraps [core.ErrOverflow]. Limits are the caller's ([TermsFor]).
func BuyByRials(amount core.Rial, sellPrice core.RialsPerGram, feeRate core.BasisPoints) (Terms, error) {
	if amount <= 0 {
		return Terms{}, core.FieldError(fieldAmountIRR, msgMoreThanZero)
	}
	gold, err := core.GoldForRials(amount, sellPrice)
	if err != nil {
		return Terms{}, err
	}
	if gold == 0 {
		return Terms{}, core.FieldError(fieldAmountIRR, "This amount buys no gold at the current price.")
	}
	fee, err := core.FeeFor(amount, feeRate)
	if err != nil {
		return Terms{}, err
	}
	total, err := amount.Add(fee)
	if err != nil {
		return Terms{}, err
	}
	return Terms{Side: Buy, AmountIRR: amount, Gold: gold, Price: sellPrice, Fee: fee, Total: total}, nil
}

// SellByRials prices a sell that pays amount rials before the fee at the platform's buyPrice:
// gold = ⌈amount × 10^6 / buyPrice⌉ µg (the seller gives at most one microgram more than the
// exact value), fee as for a buy, total = amount − fee. An amount that is not positive, or
// so small that the fee takes all of it, is a [core.ValidationError] on amount_irr; other
// errors are those of [BuyByRials].
func SellByRials(amount core.Rial, buyPrice core.RialsPerGram, feeRate core.BasisPoints) (Terms, error) {
	if amount <= 0 {
		return Terms{}, core.FieldError(fieldAmountIRR, msgMoreThanZero)
	}
	gold, err := core.GoldNeededForRials(amount, buyPrice)
	if err != nil {
		return Terms{}, err
	}
	return sellTerms(fieldAmountIRR, amount, gold, buyPrice, feeRate)
}

// SellByGold prices a sell of gold micrograms at the platform's buyPrice: amount =
// ⌊gold × buyPrice / 10^6⌋ rials (the seller is paid less than one rial short of the exact
// value), fee and total as for [SellByRials]. A gold amount that is not positive, worth more
// than an int64 of rials, or too small to pay anything after the fee is a
// [core.ValidationError] on gold_amount. The order limits apply to the derived amount
// ([OrderLimits.CheckDerived]); [TermsFor] checks them.
func SellByGold(gold core.Microgram, buyPrice core.RialsPerGram, feeRate core.BasisPoints) (Terms, error) {
	if gold <= 0 {
		return Terms{}, core.FieldError(fieldGoldAmount, msgMoreThanZero)
	}
	amount, err := core.RialsForGold(gold, buyPrice)
	if errors.Is(err, core.ErrOverflow) {
		return Terms{}, core.FieldError(fieldGoldAmount, "This gold amount is too large.")
	}
	if err != nil {
		return Terms{}, err
	}
	return sellTerms(fieldGoldAmount, amount, gold, buyPrice, feeRate)
}

// sellTerms completes a sell's terms; field is the input a too-small amount is blamed on.
func sellTerms(field string, amount core.Rial, gold core.Microgram, price core.RialsPerGram, feeRate core.BasisPoints) (Terms, error) {
	fee, err := core.FeeFor(amount, feeRate)
	if err != nil {
		return Terms{}, err
	}
	if amount <= fee {
		return Terms{}, core.FieldError(field, "This amount is too small to pay anything after the fee.")
	}
	return Terms{Side: Sell, AmountIRR: amount, Gold: gold, Price: price, Fee: fee, Total: amount - fee}, nil
}

// TermsFor prices req at price with fee rate feeRate under limits, following API.md §3.9: it
// validates req ([Request.Validate]), takes the platform's sell price for a buy and its buy
// price for a sell, and for a sell by gold checks the derived amount
// ([OrderLimits.CheckDerived]). A price that fails [pricing.Price.Validate] wraps
// [core.ErrPriceUnavailable]; invalid input is a [core.ValidationError].
func TermsFor(req Request, price pricing.Price, feeRate core.BasisPoints, limits OrderLimits) (Terms, error) {
	if err := req.Validate(limits); err != nil {
		return Terms{}, err
	}
	if err := price.Validate(); err != nil {
		// Not wrapped: a broken price is the platform's fault, not a validation error of req.
		return Terms{}, fmt.Errorf("%w: %s", core.ErrPriceUnavailable, err.Error())
	}
	switch {
	case req.Side == Buy:
		return BuyByRials(req.Amount, price.Sell, feeRate)
	case !req.ByGold():
		return SellByRials(req.Amount, price.Buy, feeRate)
	}
	worth, err := core.RialsForGold(req.Gold, price.Buy)
	if errors.Is(err, core.ErrOverflow) {
		worth = math.MaxInt64 // beyond any maximum
	} else if err != nil {
		return Terms{}, err
	}
	if err := limits.CheckDerived(worth); err != nil {
		return Terms{}, err
	}
	return SellByGold(req.Gold, price.Buy, feeRate)
}

// Validate reports whether t is consistent: a side, positive amount, gold and price, a fee
// from zero to the amount (below it on a sell) and the total that goes with them. It returns
// an error wrapping [core.ErrInvalidInput]. Stored terms are trusted and not re-checked.
func (t Terms) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: terms: %s", core.ErrInvalidInput, fmt.Sprintf(format, args...))
	}
	switch {
	case t.Side.IsZero():
		return bad("side is required")
	case t.AmountIRR <= 0 || t.Gold <= 0:
		return bad("amount %d and gold %d must be more than zero", t.AmountIRR, t.Gold)
	case t.Price.Validate() != nil:
		return bad("price %d must be more than zero", t.Price)
	case t.Fee < 0 || t.Fee > t.AmountIRR || t.Side == Sell && t.Fee == t.AmountIRR:
		return bad("fee %d does not fit amount %d", t.Fee, t.AmountIRR)
	}
	want := t.AmountIRR - t.Fee
	if t.Side == Buy {
		sum, err := t.AmountIRR.Add(t.Fee)
		if err != nil {
			return bad("amount %d plus fee %d overflows", t.AmountIRR, t.Fee)
		}
		want = sum
	}
	if t.Total != want {
		return bad("total %d, want %d", t.Total, want)
	}
	return nil
}

// Journal returns the ledger journal that executes t for user under reference (the order
// number): on a buy the user pays Total, the house gets AmountIRR and gives Gold, the fees
// account gets Fee ([ledger.BuyJournal]); on a sell the user gives Gold, the house pays
// AmountIRR of which Fee goes to fees ([ledger.SellJournal]). Errors wrap
// [core.ErrInvalidInput].
func (t Terms) Journal(user core.UserID, reference string) (ledger.Journal, error) {
	if err := t.Validate(); err != nil {
		return ledger.Journal{}, err
	}
	if t.Side == Buy {
		return ledger.BuyJournal(user, t.AmountIRR, t.Fee, t.Gold, reference)
	}
	return ledger.SellJournal(user, t.Gold, t.AmountIRR, t.Fee, reference)
}
