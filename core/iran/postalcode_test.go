package iran_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

func TestParsePostalCode(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		in        string
		want      string
		wantErr   bool
		strictErr bool
	}{
		{name: "Plain", in: "1193653471", want: "1193653471"},
		{name: "DashedFiveFive", in: "11936-53471", want: "1193653471"},
		{name: "SpacedFiveFive", in: "11936 53471", want: "1193653471"},
		{name: "PersianDigits", in: "۱۱۹۳۶۵۳۴۷۱", want: "1193653471"},
		{name: "ArabicIndicDigits", in: "١١٩٣٦٥٣٤٧١", want: "1193653471"},
		{name: "ZerosInLastFive", in: "1193600000", want: "1193600000"},
		{name: "AllNinesLastFive", in: "9876199999", want: "9876199999"},
		{name: "AllZerosLooseOnly", in: "0000000000", want: "0000000000", strictErr: true},
		{name: "FirstFourEqual", in: "1111153471", want: "1111153471", strictErr: true},
		{name: "LeadingZero", in: "0193653471", want: "0193653471", strictErr: true},
		{name: "TwoInFirstFour", in: "1293653471", want: "1293653471", strictErr: true},
		{name: "FifthDigitFive", in: "1193553471", want: "1193553471", strictErr: true},
		{name: "FifthDigitZero", in: "1193053471", want: "1193053471", strictErr: true},
		{name: "FifthDigitTwo", in: "1193253471", want: "1193253471", strictErr: true},
		{name: "TwoInLastFive", in: "1193653472", want: "1193653472", strictErr: true},
		{name: "Sequential", in: "12345-67890", want: "1234567890", strictErr: true},
		{name: "NineDigits", in: "119365347", wantErr: true},
		{name: "ElevenDigits", in: "11936534710", wantErr: true},
		{name: "Letters", in: "11936A3471", wantErr: true},
		{name: "Empty", in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := iran.ParsePostalCode(tt.in)
			strict, strictErr := iran.ParseStrictPostalCode(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, iran.ErrInvalidPostalCode)
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, p.IsZero())
				require.ErrorIs(t, strictErr, iran.ErrInvalidPostalCode)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, p.String())
			if tt.strictErr {
				require.ErrorIs(t, strictErr, iran.ErrInvalidPostalCode)
				require.ErrorIs(t, strictErr, core.ErrInvalidInput)
				require.True(t, strict.IsZero())
				return
			}
			require.NoError(t, strictErr)
			require.Equal(t, p, strict)
		})
	}
}

func TestPostalCodeZeroValue(t *testing.T) {
	t.Parallel()

	var p iran.PostalCode
	require.True(t, p.IsZero())
	require.Empty(t, p.String())
}

func FuzzParsePostalCode(f *testing.F) {
	for _, s := range []string{
		"1193653471", "11936-53471", "۱۱۹۳۶۵۳۴۷۱", "0000000000", "1111153471", "1193553471",
		"119365347", "", "11936A3471",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		t.Parallel()
		p, err := iran.ParsePostalCode(s)
		strict, strictErr := iran.ParseStrictPostalCode(s)
		if err != nil {
			require.ErrorIs(t, err, iran.ErrInvalidPostalCode)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.True(t, p.IsZero())
			require.ErrorIs(t, strictErr, iran.ErrInvalidPostalCode)
			return
		}
		require.Len(t, p.String(), 10)
		again, err := iran.ParsePostalCode(p.String())
		require.NoError(t, err)
		require.Equal(t, p, again)
		if strictErr != nil {
			require.ErrorIs(t, strictErr, iran.ErrInvalidPostalCode)
			require.False(t, matchesStrictRule(p.String()), p.String())
			return
		}
		require.Equal(t, p, strict)
		require.True(t, matchesStrictRule(strict.String()), strict.String())
		strictAgain, err := iran.ParseStrictPostalCode(strict.String())
		require.NoError(t, err)
		require.Equal(t, strict, strictAgain)
	})
}

// matchesStrictRule is an independent, character-class transcription of
// ^(?!(\d)\1{3})[13-9]{4}[1346-9][013-9]{5}$ used to cross-check the parser.
func matchesStrictRule(s string) bool {
	in := func(c byte, set string) bool {
		for i := 0; i < len(set); i++ {
			if set[i] == c {
				return true
			}
		}
		return false
	}
	if len(s) != 10 || (s[0] == s[1] && s[1] == s[2] && s[2] == s[3]) {
		return false
	}
	for i := range 4 {
		if !in(s[i], "13456789") {
			return false
		}
	}
	if !in(s[4], "1346789") {
		return false
	}
	for i := 5; i < 10; i++ {
		if !in(s[i], "013456789") {
			return false
		}
	}
	return true
}
