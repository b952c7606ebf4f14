package iran_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

func TestParseSheba(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		in       string
		want     string
		bankCode string
		bankName string
		wantErr  bool
	}{
		{name: "MehrIran", in: "IR430600500901007959216001", want: "IR430600500901007959216001", bankCode: "060", bankName: "بانک قرض\u200cالحسنه مهر ایران"},
		{name: "Parsian", in: "IR820540102680020817909002", want: "IR820540102680020817909002", bankCode: "054", bankName: "بانک پارسیان"},
		{name: "Melli", in: "IR650170000000110001234567", want: "IR650170000000110001234567", bankCode: "017", bankName: "بانک ملی ایران"},
		{name: "Mellat", in: "IR890120000000004444555566", want: "IR890120000000004444555566", bankCode: "012", bankName: "بانک ملت"},
		{name: "UnknownBankCode", in: "IR470990000000001234567890", want: "IR470990000000001234567890", bankCode: "099"},
		{name: "DigitsOnly", in: "430600500901007959216001", want: "IR430600500901007959216001", bankCode: "060", bankName: "بانک قرض\u200cالحسنه مهر ایران"},
		{name: "LowerCasePrefix", in: "ir820540102680020817909002", want: "IR820540102680020817909002", bankCode: "054", bankName: "بانک پارسیان"},
		{name: "MixedCasePrefix", in: "iR820540102680020817909002", want: "IR820540102680020817909002", bankCode: "054", bankName: "بانک پارسیان"},
		{name: "PrintedGroups", in: "IR82 0540 1026 8002 0817 9090 02", want: "IR820540102680020817909002", bankCode: "054", bankName: "بانک پارسیان"},
		{name: "PersianDigits", in: "IR۸۲۰۵۴۰۱۰۲۶۸۰۰۲۰۸۱۷۹۰۹۰۰۲", want: "IR820540102680020817909002", bankCode: "054", bankName: "بانک پارسیان"},
		{name: "CheckDigits97", in: "IR970170000000000000000011", want: "IR970170000000000000000011", bankCode: "017", bankName: "بانک ملی ایران"},
		{name: "CheckDigits98", in: "IR980170000000000000000090", want: "IR980170000000000000000090", bankCode: "017", bankName: "بانک ملی ایران"},
		{name: "CheckDigits02", in: "IR020170000000000000000072", want: "IR020170000000000000000072", bankCode: "017", bankName: "بانک ملی ایران"},
		{name: "WrongChecksum", in: "IR012345678901234567890123", wantErr: true},
		{name: "OneDigitChanged", in: "IR430600500901007959216002", wantErr: true},
		{name: "TwoDigitsSwapped", in: "IR430600500901007959261001", wantErr: true},
		{name: "CheckDigits00", in: "IR000170000000000000000011", wantErr: true},
		{name: "CheckDigits01", in: "IR010170000000000000000090", wantErr: true},
		{name: "CheckDigits99", in: "IR990170000000000000000072", wantErr: true},
		{name: "OtherCountry", in: "DE430600500901007959216001", wantErr: true},
		{name: "TooShort", in: "IR43060050090100795921600", wantErr: true},
		{name: "TooLong", in: "IR4306005009010079592160011", wantErr: true},
		{name: "DigitsOnlyTooShort", in: "43060050090100795921600", wantErr: true},
		{name: "LetterInDigits", in: "IR43060050090100795921600A", wantErr: true},
		{name: "PrefixOnly", in: "IR", wantErr: true},
		{name: "Empty", in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := iran.ParseSheba(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, iran.ErrInvalidSheba)
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, s.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, s.String())
			require.Equal(t, tt.bankCode, s.BankCode())
			require.Equal(t, tt.bankName, s.BankName())
		})
	}
}

func TestShebaZeroValue(t *testing.T) {
	t.Parallel()

	var s iran.Sheba
	require.True(t, s.IsZero())
	require.Empty(t, s.String())
	require.Empty(t, s.BankCode())
	require.Empty(t, s.BankName())
}

func TestBankName(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		code string
		want string
	}{
		{name: "CentralBank", code: "010", want: "بانک مرکزی جمهوری اسلامی ایران"},
		{name: "SanatOMadan", code: "011", want: "بانک صنعت و معدن"},
		{name: "Sepah", code: "015", want: "بانک سپه"},
		{name: "Keshavarzi", code: "016", want: "بانک کشاورزی"},
		{name: "Tejarat", code: "018", want: "بانک تجارت"},
		{name: "Saderat", code: "019", want: "بانک صادرات ایران"},
		{name: "PostBank", code: "021", want: "پست بانک ایران"},
		{name: "Saman", code: "056", want: "بانک سامان"},
		{name: "Pasargad", code: "057", want: "بانک پاسارگاد"},
		{name: "IranVenezuela", code: "095", want: "بانک مشترک ایران و ونزوئلا"},
		{name: "Unknown", code: "099", want: ""},
		{name: "Empty", code: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, iran.BankName(tt.code))
		})
	}
}

func TestBankTableCoversRequiredCodes(t *testing.T) {
	t.Parallel()

	codes := strings.Fields("010 011 012 013 014 015 016 017 018 019 020 021 022 051 053 054 055 056 " +
		"057 058 059 060 061 062 063 064 065 066 069 070 073 075 078 080 095")
	for _, c := range codes {
		require.NotEmpty(t, iran.BankName(c), c)
	}
}

func FuzzParseSheba(f *testing.F) {
	for _, s := range []string{
		"IR430600500901007959216001", "ir820540102680020817909002", "430600500901007959216001",
		"IR82 0540 1026 8002 0817 9090 02", "IR۸۲۰۵۴۰۱۰۲۶۸۰۰۲۰۸۱۷۹۰۹۰۰۲", "IR012345678901234567890123",
		"IR010170000000000000000090", "", "IR",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		t.Parallel()
		s, err := iran.ParseSheba(in)
		if err != nil {
			require.ErrorIs(t, err, iran.ErrInvalidSheba)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.True(t, s.IsZero())
			return
		}
		require.Len(t, s.String(), 26)
		require.True(t, strings.HasPrefix(s.String(), "IR"))
		again, err := iran.ParseSheba(s.String())
		require.NoError(t, err)
		require.Equal(t, s, again)
		digits, err := iran.ParseSheba(s.String()[2:])
		require.NoError(t, err)
		require.Equal(t, s, digits)
	})
}
