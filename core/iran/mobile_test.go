package iran_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

func TestParseMobile(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "Local", in: "09121234567", want: "+989121234567"},
		{name: "NoTrunk", in: "9121234567", want: "+989121234567"},
		{name: "E164", in: "+989121234567", want: "+989121234567"},
		{name: "CountryCodeNoPlus", in: "989121234567", want: "+989121234567"},
		{name: "InternationalPrefix", in: "00989121234567", want: "+989121234567"},
		{name: "PersianDigits", in: "۰۹۱۲۱۲۳۴۵۶۷", want: "+989121234567"},
		{name: "ArabicIndicDigits", in: "+٩٨٩١٢١٢٣٤٥٦٧", want: "+989121234567"},
		{name: "MixedScripts", in: "۰۹12۱۲۳4567", want: "+989121234567"},
		{name: "Spaces", in: " 0912 123 4567 ", want: "+989121234567"},
		{name: "Dashes", in: "+98-912-123-4567", want: "+989121234567"},
		{name: "Irancell", in: "09351234567", want: "+989351234567"},
		{name: "IrancellTDLTE", in: "09411234567", want: "+989411234567"},
		{name: "Irancell900", in: "09001234567", want: "+989001234567"},
		{name: "Rightel", in: "09231234567", want: "+989231234567"},
		{name: "Taliya", in: "09321234567", want: "+989321234567"},
		{name: "MCI996", in: "09961234567", want: "+989961234567"},
		{name: "Shatel", in: "09981234567", want: "+989981234567"},
		{name: "MVNO", in: "09991234567", want: "+989991234567"},
		{name: "Empty", in: "", wantErr: true},
		{name: "TooShort", in: "091212345", wantErr: true},
		{name: "TooLong", in: "091212345678", wantErr: true},
		{name: "NineDigitsAfterCountryCode", in: "+98912123456", wantErr: true},
		{name: "Letters", in: "0912a234567", wantErr: true},
		{name: "LettersOnly", in: "abcdefghijk", wantErr: true},
		{name: "UnknownPrefix907", in: "09071234567", wantErr: true},
		{name: "UnknownPrefix931", in: "09311234567", wantErr: true},
		{name: "UnknownPrefix934", in: "09341234567", wantErr: true},
		{name: "UnknownPrefix997", in: "09971234567", wantErr: true},
		{name: "Landline", in: "02112345678", wantErr: true},
		{name: "LandlineE164", in: "+982112345678", wantErr: true},
		{name: "OtherCountry", in: "+999121234567", wantErr: true},
		{name: "TrunkAfterCountryCode", in: "+9809121234567", wantErr: true},
		{name: "PlusWithoutCountryCode", in: "+9121234567", wantErr: true},
		{name: "DoublePlus", in: "++989121234567", wantErr: true},
		{name: "Decimal", in: "0912.1234567", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := iran.ParseMobile(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, iran.ErrInvalidMobile)
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, m.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, m.String())
		})
	}
}

func TestMobileAccessors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		in       string
		local    string
		prefix   string
		operator iran.Operator
		persian  string
	}{
		{name: "MCI", in: "+989121234567", local: "09121234567", prefix: "912", operator: iran.OperatorMCI, persian: "همراه اول"},
		{name: "Irancell", in: "09031234567", local: "09031234567", prefix: "903", operator: iran.OperatorIrancell, persian: "ایرانسل"},
		{name: "Rightel", in: "9201234567", local: "09201234567", prefix: "920", operator: iran.OperatorRightel, persian: "رایتل"},
		{name: "Taliya", in: "09321234567", local: "09321234567", prefix: "932", operator: iran.OperatorTaliya, persian: "تالیا"},
		{name: "Shatel", in: "09981234567", local: "09981234567", prefix: "998", operator: iran.OperatorShatel, persian: "شاتل موبایل"},
		{name: "MVNO", in: "09991234567", local: "09991234567", prefix: "999", operator: iran.OperatorMVNO, persian: "اپراتور مجازی"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := iran.ParseMobile(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.local, m.Local())
			require.Equal(t, tt.prefix, m.Prefix())
			require.Equal(t, tt.operator, m.Operator())
			require.Equal(t, tt.persian, m.Operator().PersianName())
			require.False(t, m.Operator().IsZero())
		})
	}
}

func TestMobileFormsResolveToSameValue(t *testing.T) {
	t.Parallel()

	// Login sends +98…, register sends 09…: both must be the same user (API.md §1.9).
	forms := []string{"09121234567", "9121234567", "+989121234567", "989121234567", "00989121234567", "۰۹۱۲۱۲۳۴۵۶۷"}
	first, err := iran.ParseMobile(forms[0])
	require.NoError(t, err)
	for _, f := range forms[1:] {
		m, err := iran.ParseMobile(f)
		require.NoError(t, err)
		require.Equal(t, first, m, f)
	}
}

func TestMobileZeroValue(t *testing.T) {
	t.Parallel()

	var m iran.Mobile
	require.True(t, m.IsZero())
	require.Empty(t, m.String())
	require.Empty(t, m.Local())
	require.Empty(t, m.Prefix())
	require.True(t, m.Operator().IsZero())
	require.Empty(t, m.Operator().String())
	require.Empty(t, m.Operator().PersianName())
}

func TestMobilePrefixes(t *testing.T) {
	t.Parallel()

	var want []string
	add := func(from, to int) {
		for p := from; p <= to; p++ {
			want = append(want, strconv.Itoa(p))
		}
	}
	add(900, 905)
	add(910, 923)
	add(930, 930)
	add(932, 933)
	add(935, 939)
	add(941, 941)
	add(990, 996)
	add(998, 999)
	require.Equal(t, want, iran.MobilePrefixes())

	for _, p := range want {
		op, ok := iran.OperatorOfPrefix(p)
		require.True(t, ok, p)
		require.False(t, op.IsZero(), p)
	}
	for _, p := range []string{"906", "909", "924", "931", "934", "940", "942", "997", "899", "091", "9a1", "91", "9120", ""} {
		op, ok := iran.OperatorOfPrefix(p)
		require.False(t, ok, p)
		require.True(t, op.IsZero(), p)
	}
}

func FuzzParseMobile(f *testing.F) {
	for _, s := range []string{
		"09121234567", "9121234567", "+989121234567", "989121234567", "00989121234567",
		"۰۹۱۲۱۲۳۴۵۶۷", "0912-123-4567", "09071234567", "+98", "0098", "", "+9809121234567",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		t.Parallel()
		m, err := iran.ParseMobile(s)
		if err != nil {
			require.ErrorIs(t, err, iran.ErrInvalidMobile)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.True(t, m.IsZero())
			return
		}
		require.Len(t, m.String(), 13)
		_, ok := iran.OperatorOfPrefix(m.Prefix())
		require.True(t, ok)
		again, err := iran.ParseMobile(m.String())
		require.NoError(t, err)
		require.Equal(t, m, again)
		local, err := iran.ParseMobile(m.Local())
		require.NoError(t, err)
		require.Equal(t, m, local)
	})
}
