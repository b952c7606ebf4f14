package iran

import "fmt"

// Card is a validated 16-digit Iranian bank card number (PAN). Its String method masks the
// middle digits so that a card printed or logged by accident does not leak; use
// [Card.Number] for the full number. The zero value is not a valid card; use [ParseCard].
type Card struct {
	number string // 16 digits
}

// ParseCard parses a 16-digit card number, in any digit script and grouped with spaces or
// '-'. The number must pass the Luhn check, and neither digits 2–11 nor digits 11–16 may be
// all zero. Errors wrap [ErrInvalidCard].
func ParseCard(s string) (Card, error) {
	s = normalize(s)
	if len(s) != 16 || !allDigits(s) {
		return Card{}, fmt.Errorf("%w: expected 16 digits", ErrInvalidCard)
	}
	if allZero(s[1:11]) || allZero(s[10:16]) {
		return Card{}, fmt.Errorf("%w: all-zero digit block", ErrInvalidCard)
	}
	if !luhn(s) {
		return Card{}, fmt.Errorf("%w: wrong check digit", ErrInvalidCard)
	}
	return Card{number: s}, nil
}

// luhn reports whether the ASCII digit string s passes the Luhn (mod 10) check.
func luhn(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// Number returns the full 16-digit card number, or "" for the zero value.
func (c Card) Number() string { return c.number }

// Masked returns the first six and last four digits with the rest replaced by '*', e.g.
// "603799******0590", or "" for the zero value.
func (c Card) Masked() string {
	if c.IsZero() {
		return ""
	}
	return c.number[:6] + "******" + c.number[12:]
}

// String returns [Card.Masked], so formatting a Card never prints the full number.
func (c Card) String() string { return c.Masked() }

// BIN returns the six-digit issuer prefix, or "" for the zero value.
func (c Card) BIN() string {
	if c.IsZero() {
		return ""
	}
	return c.number[:6]
}

// BankCode returns the three-digit bank code of the issuer (the code used in Sheba numbers,
// see [BankName]) when the card's BIN is a well-known one, and "" otherwise.
func (c Card) BankCode() string { return bankCodeByBIN[c.BIN()] }

// BankName returns the Persian name of the issuing bank when the card's BIN is a well-known
// one, and "" otherwise.
func (c Card) BankName() string { return BankName(c.BankCode()) }

// IsZero reports whether c is the zero value.
func (c Card) IsZero() bool { return c.number == "" }
