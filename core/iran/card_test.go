package iran_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

func TestParseCard(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		in       string
		want     string
		masked   string
		bankCode string
		bankName string
		wantErr  bool
	}{
		{name: "Melli", in: "6037991199500590", want: "6037991199500590", masked: "603799******0590", bankCode: "017", bankName: "بانک ملی ایران"},
		{name: "Saman", in: "6219861034529007", want: "6219861034529007", masked: "621986******9007", bankCode: "056", bankName: "بانک سامان"},
		{name: "Mellat", in: "6104331234567890", want: "6104331234567890", masked: "610433******7890", bankCode: "012", bankName: "بانک ملت"},
		{name: "Sepah", in: "5892101234567895", want: "5892101234567895", masked: "589210******7895", bankCode: "015", bankName: "بانک سپه"},
		{name: "Pasargad", in: "5022291234567897", want: "5022291234567897", masked: "502229******7897", bankCode: "057", bankName: "بانک پاسارگاد"},
		{name: "Tejarat", in: "6273531234567890", want: "6273531234567890", masked: "627353******7890", bankCode: "018", bankName: "بانک تجارت"},
		{name: "UnknownBIN", in: "9999991234567893", want: "9999991234567893", masked: "999999******7893"},
		{name: "PrintedGroups", in: "6037 9911 9950 0590", want: "6037991199500590", masked: "603799******0590", bankCode: "017", bankName: "بانک ملی ایران"},
		{name: "Dashes", in: "6037-9911-9950-0590", want: "6037991199500590", masked: "603799******0590", bankCode: "017", bankName: "بانک ملی ایران"},
		{name: "PersianDigits", in: "۶۰۳۷۹۹۱۱۹۹۵۰۰۵۹۰", want: "6037991199500590", masked: "603799******0590", bankCode: "017", bankName: "بانک ملی ایران"},
		{name: "ArabicIndicDigits", in: "٦٢١٩٨٦١٠٣٤٥٢٩٠٠٧", want: "6219861034529007", masked: "621986******9007", bankCode: "056", bankName: "بانک سامان"},
		{name: "WrongLuhn", in: "6037991199500591", wantErr: true},
		{name: "SwappedDigits", in: "6037991199505090", wantErr: true},
		{name: "ZeroAccountBlockValidLuhn", in: "6000000000000007", wantErr: true},
		{name: "ZeroAccountBlockLongerTail", in: "6000000000012341", wantErr: true},
		{name: "ZeroSerialBlockValidLuhn", in: "6037991004000000", wantErr: true},
		{name: "AllZeros", in: "0000000000000000", wantErr: true},
		{name: "FifteenDigits", in: "603799119950059", wantErr: true},
		{name: "SeventeenDigits", in: "60379911995005900", wantErr: true},
		{name: "Letters", in: "60379911995005a0", wantErr: true},
		{name: "Empty", in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := iran.ParseCard(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, iran.ErrInvalidCard)
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, c.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, c.Number())
			require.Equal(t, tt.masked, c.Masked())
			require.Equal(t, tt.want[:6], c.BIN())
			require.Equal(t, tt.bankCode, c.BankCode())
			require.Equal(t, tt.bankName, c.BankName())
		})
	}
}

func TestCardFormattingMasks(t *testing.T) {
	t.Parallel()

	c, err := iran.ParseCard("6037991199500590")
	require.NoError(t, err)
	require.Equal(t, "603799******0590", c.String())
	require.Equal(t, "603799******0590", fmt.Sprint(c))
	require.Equal(t, "603799******0590", fmt.Sprintf("%v", c))
	require.NotContains(t, fmt.Sprintf("%+v", c), "1199500590")
}

func TestCardKnownBINs(t *testing.T) {
	t.Parallel()

	// BINs from API.md §1.9 and their bank names; the card body is padded to pass Luhn.
	bins := map[string]string{
		"603799": "بانک ملی ایران", "589210": "بانک سپه", "627648": "بانک توسعه صادرات ایران",
		"627961": "بانک صنعت و معدن", "603770": "بانک کشاورزی", "628023": "بانک مسکن",
		"627760": "پست بانک ایران", "502908": "بانک توسعه تعاون", "627412": "بانک اقتصاد نوین",
		"622106": "بانک پارسیان", "502229": "بانک پاسارگاد", "627488": "بانک کارآفرین",
		"621986": "بانک سامان", "639346": "بانک سینا", "639607": "بانک سرمایه", "502806": "بانک شهر",
		"502938": "بانک دی", "603769": "بانک صادرات ایران", "610433": "بانک ملت",
		"627353": "بانک تجارت", "589463": "بانک رفاه کارگران", "627381": "بانک انصار",
		"639370": "بانک مهر اقتصاد", "636214": "بانک آینده", "505785": "بانک ایران زمین",
		"504172": "بانک قرض\u200cالحسنه رسالت", "606373": "بانک قرض\u200cالحسنه مهر ایران",
	}
	for bin, name := range bins {
		c, err := iran.ParseCard(withLuhn(bin + "123456789"))
		require.NoError(t, err, bin)
		require.Equal(t, name, c.BankName(), bin)
	}
}

// withLuhn appends the Luhn check digit to a 15-digit body, computed independently of the
// package: from the right, every second digit of the body starting with the last is doubled.
func withLuhn(body string) string {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return body + strconv.Itoa((10-sum%10)%10)
}

func TestCardZeroValue(t *testing.T) {
	t.Parallel()

	var c iran.Card
	require.True(t, c.IsZero())
	require.Empty(t, c.Number())
	require.Empty(t, c.Masked())
	require.Empty(t, c.String())
	require.Empty(t, c.BIN())
	require.Empty(t, c.BankCode())
	require.Empty(t, c.BankName())
}

func FuzzParseCard(f *testing.F) {
	for _, s := range []string{
		"6037991199500590", "6219861034529007", "6037 9911 9950 0590", "۶۰۳۷۹۹۱۱۹۹۵۰۰۵۹۰",
		"6037991199500591", "6000000000000007", "6037991004000000", "", "60379911995005900",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		t.Parallel()
		c, err := iran.ParseCard(s)
		if err != nil {
			require.ErrorIs(t, err, iran.ErrInvalidCard)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.True(t, c.IsZero())
			return
		}
		require.Len(t, c.Number(), 16)
		require.Len(t, c.Masked(), 16)
		require.Equal(t, 6, strings.Count(c.Masked(), "*"))
		again, err := iran.ParseCard(c.Number())
		require.NoError(t, err)
		require.Equal(t, c, again)
	})
}
