package iran

import (
	"slices"
	"strconv"
)

// Operator is the mobile network operator a number prefix was allocated to. Since mobile
// number portability, a subscriber may have moved to another network; the operator is
// therefore informational and never used to route messages. The zero value means unknown.
type Operator struct{ slug string }

// The operators that hold the prefixes in [MobilePrefixes].
var (
	// OperatorMCI is Hamrah-e Avval (همراه اول, Mobile Communication Company of Iran).
	OperatorMCI = Operator{"mci"}
	// OperatorIrancell is Irancell (ایرانسل, MTN Irancell).
	OperatorIrancell = Operator{"irancell"}
	// OperatorRightel is RighTel (رایتل).
	OperatorRightel = Operator{"rightel"}
	// OperatorTaliya is Taliya (تالیا).
	OperatorTaliya = Operator{"taliya"}
	// OperatorShatel is Shatel Mobile (شاتل موبایل).
	OperatorShatel = Operator{"shatel"}
	// OperatorMVNO groups the virtual operators sharing prefix 999 (Lotustel, Aptel, Azartel,
	// Samantel and others); the fourth digit decides which, and that split is not tracked.
	OperatorMVNO = Operator{"mvno"}
)

// String returns the operator's stable lower-case slug, e.g. "mci", or "" when unknown.
func (o Operator) String() string { return o.slug }

// IsZero reports whether the operator is unknown.
func (o Operator) IsZero() bool { return o.slug == "" }

// PersianName returns the operator's Persian name, or "" when unknown.
func (o Operator) PersianName() string {
	switch o {
	case OperatorMCI:
		return "همراه اول"
	case OperatorIrancell:
		return "ایرانسل"
	case OperatorRightel:
		return "رایتل"
	case OperatorTaliya:
		return "تالیا"
	case OperatorShatel:
		return "شاتل موبایل"
	case OperatorMVNO:
		return "اپراتور مجازی"
	default:
		return ""
	}
}

// operatorRanges is the table of accepted mobile prefixes: the three digits that follow the
// country code (+98) or the trunk 0, inclusive ranges. A prefix missing here is rejected by
// ParseMobile. Source: the allocation lists used by persian-tools and libphonenumber.
var operatorRanges = []struct {
	from, to int
	op       Operator
}{
	{900, 905, OperatorIrancell},
	{910, 919, OperatorMCI},
	{920, 923, OperatorRightel},
	{930, 930, OperatorIrancell},
	{932, 932, OperatorTaliya},
	{933, 933, OperatorIrancell},
	{935, 939, OperatorIrancell},
	{941, 941, OperatorIrancell},
	{990, 996, OperatorMCI},
	{998, 998, OperatorShatel},
	{999, 999, OperatorMVNO},
}

// operatorByPrefix indexes operatorRanges by prefix − 900.
var operatorByPrefix = func() (t [100]Operator) {
	for _, r := range operatorRanges {
		for p := r.from; p <= r.to; p++ {
			t[p-900] = r.op
		}
	}
	return t
}()

// MobilePrefixes returns the accepted three-digit mobile prefixes ("900" … "999") in
// ascending order. The slice is a fresh copy on every call.
func MobilePrefixes() []string {
	var out []string
	for i, op := range operatorByPrefix {
		if !op.IsZero() {
			out = append(out, strconv.Itoa(900+i))
		}
	}
	return slices.Clip(out)
}

// OperatorOfPrefix returns the operator for a three-digit mobile prefix such as "912", and
// false when the prefix is not in [MobilePrefixes].
func OperatorOfPrefix(prefix string) (Operator, bool) {
	if len(prefix) != 3 || prefix[0] != '9' || !allDigits(prefix) {
		return Operator{}, false
	}
	op := operatorByPrefix[int(prefix[1]-'0')*10+int(prefix[2]-'0')]
	return op, !op.IsZero()
}
