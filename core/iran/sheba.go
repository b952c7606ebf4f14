package iran

import "fmt"

// Sheba is a validated Iranian IBAN (شبا): "IR" followed by 24 digits, the first two of them
// the ISO 13616 check digits and the next three the bank code. The zero value is not a valid
// number; use [ParseSheba].
type Sheba struct {
	iban string // "IR" + 24 digits
}

// ParseSheba parses a Sheba number written as IR plus 24 digits or as the 24 digits alone.
// The IR prefix may be in any letter case; digits may be in any script and grouped with
// spaces or '-'. The number must pass the ISO 7064 mod-97 check (the first four characters
// moved to the end, I = 18, R = 27, remainder 1) with check digits 02–98 as ISO 13616
// requires. Errors wrap [ErrInvalidSheba].
func ParseSheba(s string) (Sheba, error) {
	s = normalize(s)
	var digits string
	switch {
	case len(s) == 24:
		digits = s
	case len(s) == 26 && (s[0] == 'I' || s[0] == 'i') && (s[1] == 'R' || s[1] == 'r'):
		digits = s[2:]
	default:
		return Sheba{}, fmt.Errorf("%w: expected IR followed by 24 digits", ErrInvalidSheba)
	}
	if !allDigits(digits) {
		return Sheba{}, fmt.Errorf("%w: expected IR followed by 24 digits", ErrInvalidSheba)
	}
	if check := digits[:2]; check == "00" || check == "01" || check == "99" {
		return Sheba{}, fmt.Errorf("%w: check digits out of range", ErrInvalidSheba)
	}
	if shebaMod97(digits) != 1 {
		return Sheba{}, fmt.Errorf("%w: wrong check digits", ErrInvalidSheba)
	}
	return Sheba{iban: "IR" + digits}, nil
}

// shebaMod97 returns the ISO 7064 mod-97 remainder of the IBAN "IR"+digits: the 22 account
// digits, then I and R as 18 and 27, then the two check digits.
func shebaMod97(digits string) int {
	r := 0
	for i := 2; i < len(digits); i++ {
		r = (r*10 + int(digits[i]-'0')) % 97
	}
	r = (r*10000 + 1827) % 97
	r = (r*100 + int(digits[0]-'0')*10 + int(digits[1]-'0')) % 97
	return r
}

// String returns the number in canonical form, "IR" followed by 24 digits, or "" for the
// zero value.
func (s Sheba) String() string { return s.iban }

// BankCode returns the three-digit bank code (characters 5–7), e.g. "017", or "" for the
// zero value.
func (s Sheba) BankCode() string {
	if s.IsZero() {
		return ""
	}
	return s.iban[4:7]
}

// BankName returns the Persian name of the bank from [Sheba.BankCode], or "" when the code is
// not in the bank table (see [BankName]).
func (s Sheba) BankName() string { return BankName(s.BankCode()) }

// IsZero reports whether s is the zero value.
func (s Sheba) IsZero() bool { return s.iban == "" }
