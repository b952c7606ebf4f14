package iran

import (
	"fmt"
	"strings"
)

// Mobile is a validated Iranian mobile number. The zero value is not a valid number; use
// [ParseMobile].
type Mobile struct {
	e164 string // "+989XXXXXXXXX"
}

// ParseMobile parses an Iranian mobile number written as 09XXXXXXXXX, 9XXXXXXXXX,
// +989XXXXXXXXX, 989XXXXXXXXX or 00989XXXXXXXXX, in any digit script and with spaces or '-'
// between groups. The three digits after the country code or trunk 0 must be a prefix in
// [MobilePrefixes]. Errors wrap [ErrInvalidMobile].
func ParseMobile(s string) (Mobile, error) {
	s = normalize(s)
	var national string
	switch {
	case len(s) == 10:
		national = s
	case len(s) == 11 && s[0] == '0':
		national = s[1:]
	case len(s) == 12 && strings.HasPrefix(s, "98"):
		national = s[2:]
	case len(s) == 13 && strings.HasPrefix(s, "+98"):
		national = s[3:]
	case len(s) == 14 && strings.HasPrefix(s, "0098"):
		national = s[4:]
	default:
		return Mobile{}, fmt.Errorf("%w: expected 10 digits after +98 or 0", ErrInvalidMobile)
	}
	if !allDigits(national) || national[0] != '9' {
		return Mobile{}, fmt.Errorf("%w: expected 9 followed by 9 digits after +98 or 0", ErrInvalidMobile)
	}
	if _, ok := OperatorOfPrefix(national[:3]); !ok {
		return Mobile{}, fmt.Errorf("%w: unknown operator prefix %s", ErrInvalidMobile, national[:3])
	}
	return Mobile{e164: "+98" + national}, nil
}

// String returns the number in E.164 form, "+989XXXXXXXXX", or "" for the zero value.
func (m Mobile) String() string { return m.e164 }

// Local returns the number in domestic form, "09XXXXXXXXX", or "" for the zero value.
func (m Mobile) Local() string {
	if m.IsZero() {
		return ""
	}
	return "0" + m.e164[3:]
}

// Prefix returns the three-digit operator prefix, e.g. "912" for +989121234567, or "" for
// the zero value.
func (m Mobile) Prefix() string {
	if m.IsZero() {
		return ""
	}
	return m.e164[3:6]
}

// Operator returns the operator the number's prefix was allocated to (see [Operator]).
func (m Mobile) Operator() Operator {
	op, _ := OperatorOfPrefix(m.Prefix())
	return op
}

// IsZero reports whether m is the zero value.
func (m Mobile) IsZero() bool { return m.e164 == "" }
