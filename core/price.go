package core

import (
	"fmt"
	"strconv"
)

// RialsPerGram is a gold price: rials for one gram of 18-karat (750) gold. A usable price is
// more than zero; the conversions reject any other.
type RialsPerGram int64

// Validate returns nil when p is more than zero, else an error wrapping [ErrInvalidInput].
func (p RialsPerGram) Validate() error {
	if p <= 0 {
		return fmt.Errorf("%w: price must be more than zero rials per gram, got %d", ErrInvalidInput, p)
	}
	return nil
}

// String returns the decimal number of rials per gram.
func (p RialsPerGram) String() string { return strconv.FormatInt(int64(p), 10) }

// ParseRialsPerGram parses a price input with the rules of [ParseRial] and requires it to be
// more than zero. Errors wrap [ErrInvalidInput].
func ParseRialsPerGram(s string) (RialsPerGram, error) {
	r, err := ParseRial(s)
	if err != nil {
		return 0, err
	}
	p := RialsPerGram(r)
	if err := p.Validate(); err != nil {
		return 0, err
	}
	return p, nil
}
