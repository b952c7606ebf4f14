package jalali_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/jalali"
)

func TestParse(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{name: "Slashes", in: "1403/01/09", want: "1403/01/09"},
		{name: "Dashes", in: "1403-01-09", want: "1403/01/09"},
		{name: "SingleDigitMonthDay", in: "1403/1/9", want: "1403/01/09"},
		{name: "SingleDigitDashes", in: "1370-6-31", want: "1370/06/31"},
		{name: "PersianDigits", in: "۱۴۰۳/۰۱/۰۹", want: "1403/01/09"},
		{name: "ArabicIndicDigits", in: "١٤٠٣-٠١-٠٩", want: "1403/01/09"},
		{name: "SurroundingSpaces", in: " 1403/01/09 ", want: "1403/01/09"},
		{name: "LeapEsfand30", in: "1403/12/30", want: "1403/12/30"},
		{name: "CommonEsfand29", in: "1402/12/29", want: "1402/12/29"},
		{name: "Shahrivar31", in: "1403/06/31", want: "1403/06/31"},
		{name: "Bahman30", in: "1403/11/30", want: "1403/11/30"},
		{name: "YearZero", in: "0000/01/01", want: "0000/01/01"},
		{name: "LastSupportedYear", in: "3177/12/29", want: "3177/12/29"},
		{name: "CommonEsfand30", in: "1402/12/30", wantErr: true},
		{name: "Mehr31", in: "1403/07/31", wantErr: true},
		{name: "Farvardin32", in: "1403/01/32", wantErr: true},
		{name: "MonthZero", in: "1403/00/10", wantErr: true},
		{name: "MonthThirteen", in: "1403/13/01", wantErr: true},
		{name: "DayZero", in: "1403/01/00", wantErr: true},
		{name: "YearOutOfRange", in: "3178/01/01", wantErr: true},
		{name: "LastSupportedYearEsfand30", in: "3177/12/30", wantErr: true},
		{name: "ThreeDigitYear", in: "403/01/09", wantErr: true},
		{name: "FiveDigitYear", in: "14030/1/9", wantErr: true},
		{name: "ThreeDigitMonth", in: "1403/001/9", wantErr: true},
		{name: "ThreeDigitDay", in: "1403/1/009", wantErr: true},
		{name: "MixedSeparators", in: "1403/01-09", wantErr: true},
		{name: "DotSeparators", in: "1403.01.09", wantErr: true},
		{name: "NoSeparators", in: "14030109", wantErr: true},
		{name: "MissingDay", in: "1403/01/", wantErr: true},
		{name: "MissingMonth", in: "1403//09", wantErr: true},
		{name: "TrailingSeparator", in: "1403/1/9/", wantErr: true},
		{name: "SignedYear", in: "+403/01/09", wantErr: true},
		{name: "NegativeYear", in: "-061/01/01", wantErr: true},
		{name: "Letters", in: "abcd/ef/gh", wantErr: true},
		{name: "GregorianOrder", in: "09/01/1403", wantErr: true},
		{name: "Empty", in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := jalali.Parse(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, jalali.ErrInvalidDate)
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, d.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, d.Format())
			require.Equal(t, tt.want, d.String())
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		year    int
		month   int
		day     int
		want    string
		wantErr bool
	}{
		{name: "Ordinary", year: 1403, month: 1, day: 9, want: "1403/01/09"},
		{name: "SmallYearPadded", year: 5, month: 2, day: 3, want: "0005/02/03"},
		{name: "NegativeYear", year: -61, month: 1, day: 1, want: "-0061/01/01"},
		{name: "NegativeSmallYear", year: -5, month: 12, day: 29, want: "-0005/12/29"},
		{name: "YearBeforeRange", year: jalali.MinYear - 1, month: 1, day: 1, wantErr: true},
		{name: "YearAfterRange", year: jalali.MaxYear + 1, month: 1, day: 1, wantErr: true},
		{name: "HugeYear", year: math.MaxInt, month: 1, day: 1, wantErr: true},
		{name: "MonthZero", year: 1403, month: 0, day: 1, wantErr: true},
		{name: "DayPastMonth", year: 1403, month: 7, day: 31, wantErr: true},
		{name: "NegativeDay", year: 1403, month: 1, day: -1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := jalali.New(tt.year, tt.month, tt.day)
			if tt.wantErr {
				require.ErrorIs(t, err, jalali.ErrInvalidDate)
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, d.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, d.Format())
			require.Equal(t, tt.year, d.Year())
			require.Equal(t, tt.month, d.Month())
			require.Equal(t, tt.day, d.Day())
		})
	}
}

func TestFromGregorianErrors(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		year  int
		month time.Month
		day   int
	}{
		{name: "February30", year: 2024, month: time.February, day: 30},
		{name: "February29CommonYear", year: 2023, month: time.February, day: 29},
		{name: "February29Century", year: 2100, month: time.February, day: 29},
		{name: "April31", year: 2024, month: time.April, day: 31},
		{name: "DayZero", year: 2024, month: time.January, day: 0},
		{name: "MonthZero", year: 2024, month: 0, day: 1},
		{name: "MonthThirteen", year: 2024, month: 13, day: 1},
		{name: "BeforeRange", year: 560, month: time.March, day: 19},
		{name: "YearBeforeRange", year: 559, month: time.December, day: 31},
		{name: "AfterRange", year: 3799, month: time.March, day: 20},
		{name: "YearAfterRange", year: 3800, month: time.January, day: 1},
		{name: "HugeYear", year: math.MaxInt, month: time.January, day: 1},
		{name: "HugeNegativeYear", year: math.MinInt, month: time.January, day: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := jalali.FromGregorian(tt.year, tt.month, tt.day)
			require.ErrorIs(t, err, jalali.ErrInvalidDate)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.True(t, d.IsZero())
		})
	}
}

func TestFromGregorianLeapDays(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		year int
		want string
	}{
		{name: "Year2000", year: 2000, want: "1378/12/10"},
		{name: "Year2024", year: 2024, want: "1402/12/10"},
		{name: "Year1600", year: 1600, want: "0978/12/10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := jalali.FromGregorian(tt.year, time.February, 29)
			require.NoError(t, err)
			require.Equal(t, tt.want, d.Format())
		})
	}
}

func TestFromTimeUsesLocation(t *testing.T) {
	t.Parallel()

	tehran := time.FixedZone("IRST", 3*3600+1800)
	instant := time.Date(2024, time.March, 19, 21, 0, 0, 0, time.UTC) // 00:30 on 20 March in Tehran

	utc, err := jalali.FromTime(instant)
	require.NoError(t, err)
	require.Equal(t, "1402/12/29", utc.Format())

	local, err := jalali.FromTime(instant.In(tehran))
	require.NoError(t, err)
	require.Equal(t, "1403/01/01", local.Format())
}

func TestDateZeroValue(t *testing.T) {
	t.Parallel()

	var d jalali.Date
	require.True(t, d.IsZero())
	require.Empty(t, d.Format())
	require.Empty(t, d.String())
	y, m, day := d.ToGregorian()
	require.Zero(t, y)
	require.Zero(t, m)
	require.Zero(t, day)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"1403/01/09", "1403-1-9", "۱۴۰۳/۰۱/۰۹", "1402/12/30", "3177/12/29", "3178/01/01",
		"0000/01/01", "1403/01-09", "", "1403/1/9/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		t.Parallel()
		d, err := jalali.Parse(s)
		if err != nil {
			require.ErrorIs(t, err, jalali.ErrInvalidDate)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.True(t, d.IsZero())
			return
		}
		require.Len(t, d.Format(), 10)
		again, err := jalali.Parse(d.Format())
		require.NoError(t, err)
		require.Equal(t, d, again)
		back, err := jalali.FromGregorian(d.ToGregorian())
		require.NoError(t, err)
		require.Equal(t, d, back)
	})
}

func FuzzFromGregorian(f *testing.F) {
	f.Add(2024, 3, 20)
	f.Add(560, 3, 20)
	f.Add(3799, 3, 19)
	f.Add(2024, 2, 30)
	f.Add(0, 0, 0)
	f.Add(math.MaxInt, 12, 31)
	f.Fuzz(func(t *testing.T, year, month, day int) {
		t.Parallel()
		d, err := jalali.FromGregorian(year, time.Month(month), day)
		if err != nil {
			require.ErrorIs(t, err, jalali.ErrInvalidDate)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.True(t, d.IsZero())
			return
		}
		y, m, dd := d.ToGregorian()
		require.Equal(t, [3]int{year, month, day}, [3]int{y, int(m), dd})
		again, err := jalali.New(d.Year(), d.Month(), d.Day())
		require.NoError(t, err)
		require.Equal(t, d, again)
		if d.Year() >= 0 {
			parsed, err := jalali.Parse(d.Format())
			require.NoError(t, err)
			require.Equal(t, d, parsed)
		}
	})
}
