package core_test

import (
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

func TestParseGrams(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		in      string
		want    core.Microgram
		wantErr bool
	}{
		{name: "Whole", in: "1", want: 1_000_000},
		{name: "OneDecimal", in: "1.5", want: 1_500_000},
		{name: "SixDecimals", in: "0.001234", want: 1_234},
		{name: "SmallestUnit", in: "0.000001", want: 1},
		{name: "ExampleOrder", in: "0.327868", want: 327_868},
		{name: "Zero", in: "0", want: 0},
		{name: "ZeroSixDecimals", in: "0.000000", want: 0},
		{name: "LeadingPoint", in: ".5", want: 500_000},
		{name: "TrailingPoint", in: "5.", want: 5_000_000},
		{name: "LeadingZeros", in: "0001.5", want: 1_500_000},
		{name: "ManyLeadingZeros", in: "0000000000000000000000000000001", want: 1_000_000},
		{name: "PersianDigitsPersianPoint", in: "۰٫۵", want: 500_000},
		{name: "PersianDigitsASCIIPoint", in: "۲.۷۵", want: 2_750_000},
		{name: "ArabicIndicDigits", in: "٠٫٢٥", want: 250_000},
		{name: "ASCIIDigitsPersianPoint", in: "1٫25", want: 1_250_000},
		{name: "ThousandsComma", in: "1,000.5", want: 1_000_500_000},
		{name: "PersianThousands", in: "۱٬۰۰۰", want: 1_000_000_000},
		{name: "SpacesAndMarks", in: " \u200e1.5\u200f ", want: 1_500_000},
		{name: "MaxInt64", in: "9223372036854.775807", want: math.MaxInt64},
		{name: "SevenDecimals", in: "0.0000001", wantErr: true},
		{name: "SevenDecimalsAllZero", in: "1.0000000", wantErr: true},
		{name: "Empty", in: "", wantErr: true},
		{name: "OnlySpaces", in: "   ", wantErr: true},
		{name: "PointOnly", in: ".", wantErr: true},
		{name: "Negative", in: "-1", wantErr: true},
		{name: "NegativeZero", in: "-0", wantErr: true},
		{name: "Plus", in: "+1", wantErr: true},
		{name: "Exponent", in: "1e3", wantErr: true},
		{name: "ExponentUpper", in: "1E-3", wantErr: true},
		{name: "NaN", in: "NaN", wantErr: true},
		{name: "Inf", in: "Inf", wantErr: true},
		{name: "Infinity", in: "infinity", wantErr: true},
		{name: "Hex", in: "0x10", wantErr: true},
		{name: "TwoPoints", in: "1.2.3", wantErr: true},
		{name: "TwoPersianPoints", in: "۱٫۲٫۳", wantErr: true},
		{name: "CommaAsDecimalPoint", in: "0,5", wantErr: true},
		{name: "CommaInFraction", in: "1.000,5", wantErr: true},
		{name: "ShortGroup", in: "1,00", wantErr: true},
		{name: "LongGroup", in: "1,0000", wantErr: true},
		{name: "ShortGroupBeforePoint", in: "1,00.5", wantErr: true},
		{name: "LeadingComma", in: ",500", wantErr: true},
		{name: "Newline", in: "1.5\n", wantErr: true},
		{name: "FullwidthDigit", in: "１", wantErr: true},
		{name: "Unit", in: "1.5g", wantErr: true},
		{name: "JustOverMaxInt64", in: "9223372036854.775808", wantErr: true},
		{name: "HugeInteger", in: "99999999999999999999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := core.ParseGrams(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.Zero(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestParsePositiveGrams(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		in      string
		want    core.Microgram
		wantErr bool
	}{
		{name: "SmallestUnit", in: "0.000001", want: 1},
		{name: "OneGram", in: "1", want: 1_000_000},
		{name: "Zero", in: "0", wantErr: true},
		{name: "ZeroWithDecimals", in: "0.000000", wantErr: true},
		{name: "Malformed", in: "1..5", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := core.ParsePositiveGrams(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestFormatGrams(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   core.Microgram
		want string
	}{
		{name: "Zero", in: 0, want: "0.000000"},
		{name: "SmallestUnit", in: 1, want: "0.000001"},
		{name: "ExampleOrder", in: 327_868, want: "0.327868"},
		{name: "OneGram", in: core.MicrogramsPerGram, want: "1.000000"},
		{name: "TwelveAndAHalf", in: 12_500_000, want: "12.500000"},
		{name: "MinusSmallestUnit", in: -1, want: "-0.000001"},
		{name: "MinusOneAndAHalf", in: -1_500_000, want: "-1.500000"},
		{name: "MaxInt64", in: math.MaxInt64, want: "9223372036854.775807"},
		{name: "MinInt64", in: math.MinInt64, want: "-9223372036854.775808"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, core.FormatGrams(tt.in))
			require.Equal(t, tt.want, tt.in.String())
		})
	}
}

func TestMicrogramArithmetic(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		op      func() (core.Microgram, error)
		want    core.Microgram
		wantErr bool
	}{
		{name: "AddSmall", op: func() (core.Microgram, error) { return core.Microgram(5).Add(7) }, want: 12},
		{name: "AddNegative", op: func() (core.Microgram, error) { return core.Microgram(5).Add(-7) }, want: -2},
		{name: "AddToMax", op: func() (core.Microgram, error) { return core.Microgram(math.MaxInt64 - 1).Add(1) }, want: math.MaxInt64},
		{name: "AddOverMax", op: func() (core.Microgram, error) { return core.Microgram(math.MaxInt64).Add(1) }, wantErr: true},
		{name: "AddUnderMin", op: func() (core.Microgram, error) { return core.Microgram(math.MinInt64).Add(-1) }, wantErr: true},
		{name: "SubSmall", op: func() (core.Microgram, error) { return core.Microgram(5).Sub(7) }, want: -2},
		{name: "SubToMin", op: func() (core.Microgram, error) { return core.Microgram(math.MinInt64 + 1).Sub(1) }, want: math.MinInt64},
		{name: "SubUnderMin", op: func() (core.Microgram, error) { return core.Microgram(math.MinInt64).Sub(1) }, wantErr: true},
		{name: "SubOverMax", op: func() (core.Microgram, error) { return core.Microgram(0).Sub(math.MinInt64) }, wantErr: true},
		{name: "SubMinFromMinusOne", op: func() (core.Microgram, error) { return core.Microgram(-1).Sub(math.MinInt64) }, want: math.MaxInt64},
		{name: "Neg", op: func() (core.Microgram, error) { return core.Microgram(42).Neg() }, want: -42},
		{name: "NegMax", op: func() (core.Microgram, error) { return core.Microgram(math.MaxInt64).Neg() }, want: -math.MaxInt64},
		{name: "NegMin", op: func() (core.Microgram, error) { return core.Microgram(math.MinInt64).Neg() }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.op()
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrOverflow)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// gramsSyntax is what ParseGrams accepts once digits, separators and U+066B are normalised.
var gramsSyntax = regexp.MustCompile(`^([0-9]+\.?[0-9]{0,6}|\.[0-9]{1,6})$`)

func FuzzParseGrams(f *testing.F) {
	for _, s := range []string{
		"1", "1.5", ".5", "5.", "0.000001", "0.0000001", "-1", "+1", "1e3", "NaN", "Inf", "1.2.3",
		"۰٫۵", "٠٫٢٥", "1,000.5", "0,5", "۱٬۰۰۰", "9223372036854.775807", "9223372036854.775808",
		"", ".", " 1 ", "\u200e1\u200c.5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := core.ParseGrams(s)
		norm := strings.ReplaceAll(core.NormalizeDigits(s), "\u066B", ".")
		if err != nil {
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.Zero(t, g)
			// A syntactically valid amount may only be refused for being out of range or for
			// a misplaced thousands separator.
			if gramsSyntax.MatchString(norm) {
				_, fits := microgramsOf(norm)
				require.True(t, !fits || strings.ContainsAny(s, ",\u066C"), "rejected %q", s)
			}
			return
		}
		require.Regexp(t, gramsSyntax, norm)
		want, fits := microgramsOf(norm)
		require.True(t, fits)
		require.Equal(t, want, g)

		formatted := core.FormatGrams(g)
		require.Regexp(t, `^[0-9]+\.[0-9]{6}$`, formatted)
		back, err := core.ParseGrams(formatted)
		require.NoError(t, err)
		require.Equal(t, g, back)
	})
}

// microgramsOf is the math/big reference for a string that matches gramsSyntax.
func microgramsOf(norm string) (core.Microgram, bool) {
	r, ok := new(big.Rat).SetString("0" + strings.TrimSuffix(norm, ".")) // "5." and ".5" read as "05" and "0.5"
	if !ok {
		panic("reference parse failed for " + norm)
	}
	r.Mul(r, big.NewRat(int64(core.MicrogramsPerGram), 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, false
	}
	return core.Microgram(r.Num().Int64()), true
}
