package trading

import (
	"fmt"

	"github.com/talabin/talabin/core"
)

// The default order limits of the original backend (API.md §1.8).
const (
	// DefaultOrderMin is the smallest order, in rials.
	DefaultOrderMin core.Rial = 100_000
	// DefaultOrderMax is the largest order, in rials.
	DefaultOrderMax core.Rial = 1_000_000_000
	// DefaultOrderStep is what an order's rial amount must be a multiple of.
	DefaultOrderStep core.Rial = 1_000
)

// OrderLimits bound one order's rial amount (MIN_PURCHASE_AMOUNT, MAX_PURCHASE_AMOUNT). A
// zero field means its default ([DefaultOrderMin], [DefaultOrderMax], [DefaultOrderStep]),
// so the zero value is the original backend's policy.
type OrderLimits struct {
	Min, Max, Step core.Rial
}

// DefaultOrderLimits returns the default limits.
func DefaultOrderLimits() OrderLimits {
	return OrderLimits{Min: DefaultOrderMin, Max: DefaultOrderMax, Step: DefaultOrderStep}
}

// WithDefaults returns l with every zero field set to its default.
func (l OrderLimits) WithDefaults() OrderLimits {
	if l.Min == 0 {
		l.Min = DefaultOrderMin
	}
	if l.Max == 0 {
		l.Max = DefaultOrderMax
	}
	if l.Step == 0 {
		l.Step = DefaultOrderStep
	}
	return l
}

// Validate reports whether the limits (after [OrderLimits.WithDefaults]) make sense:
// 0 < Min ≤ Max ≤ [core.MaxRialInput] and Step > 0. It returns an error wrapping
// [core.ErrInvalidInput].
func (l OrderLimits) Validate() error {
	l = l.WithDefaults()
	switch {
	case l.Min <= 0:
		return fmt.Errorf("%w: order minimum %d must be more than zero", core.ErrInvalidInput, l.Min)
	case l.Max < l.Min:
		return fmt.Errorf("%w: order maximum %d is below the minimum %d", core.ErrInvalidInput, l.Max, l.Min)
	case l.Max > core.MaxRialInput:
		return fmt.Errorf("%w: order maximum %d is above %d", core.ErrInvalidInput, l.Max, core.MaxRialInput)
	case l.Step <= 0:
		return fmt.Errorf("%w: order step %d must be more than zero", core.ErrInvalidInput, l.Step)
	}
	return nil
}

// Check returns nil when amount, the `amount_irr` a client sent, is within the limits: at
// least Min, at most Max and a multiple of Step. Otherwise it returns a
// [core.ValidationError] on amount_irr whose message names the broken bound (a 400
// validation_error, API.md §3.9).
func (l OrderLimits) Check(amount core.Rial) error {
	l = l.WithDefaults()
	if err := l.checkRange(fieldAmountIRR, amount, "Ensure this value is greater than or equal to %d.",
		"Ensure this value is less than or equal to %d."); err != nil {
		return err
	}
	if amount%l.Step != 0 {
		return core.FieldError(fieldAmountIRR, fmt.Sprintf("Ensure this value is a multiple of %d.", l.Step))
	}
	return nil
}

// CheckDerived returns nil when amount, the rial value of a `gold_amount` a client sent, is
// at least Min and at most Max; Step does not apply, since a gold amount is worth any number
// of rials. Otherwise it returns a [core.ValidationError] on gold_amount.
func (l OrderLimits) CheckDerived(amount core.Rial) error {
	return l.WithDefaults().checkRange(fieldGoldAmount, amount,
		"Ensure this gold amount is worth at least %d rials at the current price.",
		"Ensure this gold amount is worth at most %d rials at the current price.")
}

func (l OrderLimits) checkRange(field string, amount core.Rial, minMsg, maxMsg string) error {
	switch {
	case amount < l.Min:
		return core.FieldError(field, fmt.Sprintf(minMsg, l.Min))
	case amount > l.Max:
		return core.FieldError(field, fmt.Sprintf(maxMsg, l.Max))
	}
	return nil
}
