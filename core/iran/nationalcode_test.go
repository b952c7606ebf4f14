package iran_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

func TestParseNationalCode(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "Valid0499370899", in: "0499370899", want: "0499370899"},
		{name: "Valid0790419904", in: "0790419904", want: "0790419904"},
		{name: "Valid0084575948", in: "0084575948", want: "0084575948"},
		{name: "Valid0013542419", in: "0013542419", want: "0013542419"},
		{name: "Valid0067749828", in: "0067749828", want: "0067749828"},
		{name: "Valid0684159414", in: "0684159414", want: "0684159414"},
		{name: "NineDigitsPadded", in: "499370899", want: "0499370899"},
		{name: "EightDigitsPadded", in: "84575948", want: "0084575948"},
		{name: "PersianDigits", in: "۰۴۹۹۳۷۰۸۹۹", want: "0499370899"},
		{name: "ArabicIndicDigits", in: "٠٧٩٠٤١٩٩٠٤", want: "0790419904"},
		{name: "CardLayoutWithDashes", in: "049-937089-9", want: "0499370899"},
		{name: "Spaces", in: " 0499 370 899 ", want: "0499370899"},
		{name: "RemainderZero", in: "0020010060", want: "0020010060"},
		{name: "RemainderOne", in: "0010010051", want: "0010010051"},
		{name: "RemainderOneWrongCheck", in: "0010010050", wantErr: true},
		{name: "RemainderTen", in: "0010000291", want: "0010000291"},
		{name: "AllOnes", in: "1111111111", wantErr: true},
		{name: "AllZeros", in: "0000000000", wantErr: true},
		{name: "WrongCheckDigit", in: "0499370898", wantErr: true},
		{name: "MiddleBlockZeroValidCheck", in: "1230000003", wantErr: true},
		{name: "MiddleBlockZeroValidCheckLeadingOne", in: "1000000001", wantErr: true},
		{name: "MiddleBlockZeroPadded", in: "10000003", wantErr: true},
		{name: "SevenDigits", in: "4575948", wantErr: true},
		{name: "ElevenDigits", in: "04993708990", wantErr: true},
		{name: "Empty", in: "", wantErr: true},
		{name: "Letters", in: "049937089a", wantErr: true},
		{name: "Sign", in: "+499370899", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := iran.ParseNationalCode(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, iran.ErrInvalidNationalCode)
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, c.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, c.String())
			require.False(t, c.IsZero())
		})
	}
}

func FuzzParseNationalCode(f *testing.F) {
	for _, s := range []string{
		"0499370899", "499370899", "84575948", "۰۴۹۹۳۷۰۸۹۹", "049-937089-9",
		"1111111111", "0000000000", "0499370898", "", "12345678901",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		t.Parallel()
		c, err := iran.ParseNationalCode(s)
		if err != nil {
			require.ErrorIs(t, err, iran.ErrInvalidNationalCode)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.True(t, c.IsZero())
			return
		}
		require.Len(t, c.String(), 10)
		again, err := iran.ParseNationalCode(c.String())
		require.NoError(t, err)
		require.Equal(t, c, again)
	})
}
