package iran

import "github.com/talabin/talabin/core"

// Sentinel errors returned by the parsers in this package. Each is wrapped with the specific
// reason, and each matches [core.ErrInvalidInput] under errors.Is.
var (
	// ErrInvalidMobile is returned by [ParseMobile] when the input is not an Iranian mobile
	// number with a known operator prefix.
	ErrInvalidMobile error = &invalidError{"invalid mobile number"}

	// ErrInvalidNationalCode is returned by [ParseNationalCode] when the input is not 8–10
	// digits or fails the national code check digit rules.
	ErrInvalidNationalCode error = &invalidError{"invalid national code"}

	// ErrInvalidSheba is returned by [ParseSheba] when the input is not IR plus 24 digits or
	// fails the ISO 7064 mod-97 check.
	ErrInvalidSheba error = &invalidError{"invalid sheba number"}

	// ErrInvalidCard is returned by [ParseCard] when the input is not 16 digits, fails the
	// Luhn check or has an all-zero account or serial block.
	ErrInvalidCard error = &invalidError{"invalid card number"}

	// ErrInvalidPostalCode is returned by [ParsePostalCode] when the input is not exactly 10
	// digits, and by [ParseStrictPostalCode] when it also breaks the stricter digit rule.
	ErrInvalidPostalCode error = &invalidError{"invalid postal code"}
)

// invalidError is a sentinel whose chain continues to core.ErrInvalidInput, so callers that
// only know the core catalogue still classify it as a validation failure.
type invalidError struct{ msg string }

// Error returns the sentinel's message.
func (e *invalidError) Error() string { return e.msg }

// Unwrap returns core.ErrInvalidInput.
func (e *invalidError) Unwrap() error { return core.ErrInvalidInput }
