package identity_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/jalali"
)

// day returns the civil date y-m-d at midnight UTC, the form dates of birth take.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// parseDateOfBirthTests are the parser's table cases; their inputs also seed the fuzz test.
var parseDateOfBirthTests = []struct {
	name string
	in   string
	want time.Time // zero: the input is refused
}{
	{name: "Gregorian", in: "1990-05-12", want: day(1990, time.May, 12)},
	{name: "GregorianSlash", in: "1990/05/12", want: day(1990, time.May, 12)},
	{name: "GregorianOneDigitParts", in: "1990-5-2", want: day(1990, time.May, 2)},
	{name: "GregorianLeapDay", in: "2000-02-29", want: day(2000, time.February, 29)},
	{name: "GregorianFirstYear", in: "1700-01-01", want: day(1700, time.January, 1)},
	{name: "GregorianBeyondJalaliRange", in: "7000-1-1", want: day(7000, time.January, 1)},
	{name: "Jalali", in: "1370/06/31", want: day(1991, time.September, 22)},
	{name: "JalaliDash", in: "1370-06-31", want: day(1991, time.September, 22)},
	{name: "JalaliOneDigitParts", in: "1370/6/1", want: day(1991, time.August, 23)},
	{name: "JalaliPersianDigits", in: "۱۳۷۰/۰۶/۳۱", want: day(1991, time.September, 22)},
	{name: "JalaliLeapEsfand", in: "1399/12/30", want: day(2021, time.March, 20)},
	{name: "JalaliStart1900", in: "1278/10/11", want: day(1900, time.January, 1)},
	{name: "JalaliLastYear", in: "1699/01/01", want: day(2320, time.March, 21)},
	{name: "ArabicIndicDigits", in: "٢٠٠٠-٠١-٠١", want: day(2000, time.January, 1)},
	{name: "SurroundingSpaces", in: " 1990-05-12\t", want: day(1990, time.May, 12)},
	{name: "Empty", in: ""},
	{name: "Letters", in: "abcd-ef-gh"},
	{name: "MixedSeparators", in: "1990-05/12"},
	{name: "Dots", in: "1990.05.12"},
	{name: "TwoDigitYear", in: "90-05-12"},
	{name: "FiveDigitYear", in: "19900-5-12"},
	{name: "ThreeDigitDay", in: "1990-05-123"},
	{name: "SignedYear", in: "+990-05-12"},
	{name: "NegativeYear", in: "-061/01/01"},
	{name: "WithTime", in: "1990-05-12T00:00:00Z"},
	{name: "GregorianMonth13", in: "1990-13-01"},
	{name: "GregorianMonth0", in: "1990-00-10"},
	{name: "GregorianDay0", in: "1990-01-00"},
	{name: "GregorianFebruary29Common", in: "2001-02-29"},
	{name: "GregorianFebruary29Century", in: "1900-02-29"},
	{name: "GregorianApril31", in: "1990-04-31"},
	{name: "JalaliEsfand30Common", in: "1400/12/30"},
	{name: "JalaliMehr31", in: "1402/07/31"},
	{name: "JalaliMonth13", in: "1370/13/01"},
}

func TestParseDateOfBirth(t *testing.T) {
	t.Parallel()
	for _, tt := range parseDateOfBirthTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := identity.ParseDateOfBirth(tt.in)
			if tt.want.IsZero() {
				requireDateOfBirthError(t, err)
				require.True(t, got.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// requireDateOfBirthError checks that err is a validation error on date_of_birth only.
func requireDateOfBirthError(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrInvalidInput)
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []string{"date_of_birth"}, ve.FieldNames())
}

// FuzzParseDateOfBirth checks that any input either parses to a civil date that reads back
// the same from both of its spellings, or is refused with a date_of_birth validation error.
func FuzzParseDateOfBirth(f *testing.F) {
	for _, tt := range parseDateOfBirthTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := identity.ParseDateOfBirth(s)
		if err != nil {
			requireDateOfBirthError(t, err)
			return
		}
		require.Equal(t, time.UTC, got.Location())
		require.Equal(t, got, got.Truncate(24*time.Hour), "midnight UTC")

		if got.Year() >= identity.JalaliYearBelow {
			back, err := identity.ParseDateOfBirth(got.Format(time.DateOnly))
			require.NoError(t, err)
			require.Equal(t, got, back)
		}
		// Gregorian dates after 3799-03-19 have no Jalali form.
		if j, err := jalali.FromTime(got); err == nil && j.Year() >= 0 && j.Year() < identity.JalaliYearBelow {
			back, err := identity.ParseDateOfBirth(j.Format())
			require.NoError(t, err)
			require.Equal(t, got, back)
		}
	})
}

func TestUserUpdateProfileDateOfBirth(t *testing.T) {
	t.Parallel()
	tehran := time.FixedZone("IRST", 3*3600+30*60)
	noon := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	const (
		tooYoung = "You must be at least 18 years old."
		future   = "Date of birth cannot be in the future."
		tooEarly = "Date of birth cannot be before 1900-01-01."
	)
	tests := []struct {
		name      string
		start     time.Time // the stored date of birth before the update
		dob       time.Time
		now       time.Time
		want      time.Time
		wantMsg   string
		unchanged bool
	}{
		{name: "Set", dob: day(1990, time.May, 12), now: noon(2025, time.March, 1), want: day(1990, time.May, 12)},
		{name: "EighteenToday", dob: day(2008, time.December, 5), now: time.Date(2026, time.December, 5, 0, 0, 0, 0, time.UTC), want: day(2008, time.December, 5)},
		{name: "SeventeenTheDayBefore", dob: day(2008, time.December, 5), now: time.Date(2026, time.December, 4, 23, 59, 59, 0, time.UTC), wantMsg: tooYoung},
		{name: "SeventeenEarlierMonth", dob: day(2008, time.December, 5), now: noon(2026, time.November, 30), wantMsg: tooYoung},
		{name: "TodayIsNowsDayInItsZone", dob: day(2008, time.December, 5), now: time.Date(2026, time.December, 4, 21, 0, 0, 0, time.UTC).In(tehran), want: day(2008, time.December, 5)},
		{name: "LeapDayNotYetOnFebruary28", dob: day(2008, time.February, 29), now: noon(2026, time.February, 28), wantMsg: tooYoung},
		{name: "LeapDayEighteenOnMarch1", dob: day(2008, time.February, 29), now: noon(2026, time.March, 1), want: day(2008, time.February, 29)},
		{name: "Today", dob: day(2025, time.March, 1), now: noon(2025, time.March, 1), wantMsg: tooYoung},
		{name: "Tomorrow", dob: day(2025, time.March, 2), now: noon(2025, time.March, 1), wantMsg: future},
		{name: "FirstDayAccepted", dob: day(1900, time.January, 1), now: noon(2025, time.March, 1), want: day(1900, time.January, 1)},
		{name: "Before1900", dob: day(1899, time.December, 31), now: noon(2025, time.March, 1), wantMsg: tooEarly},
		{name: "OnlyTheCalendarDayCounts", dob: time.Date(1990, time.May, 12, 23, 30, 0, 0, tehran), now: noon(2025, time.March, 1), want: day(1990, time.May, 12)},
		{name: "Change", start: day(1990, time.May, 12), dob: day(1991, time.September, 22), now: noon(2025, time.March, 1), want: day(1991, time.September, 22)},
		{name: "Clear", start: day(1990, time.May, 12), now: noon(2025, time.March, 1)},
		{name: "ClearUnknown", now: noon(2025, time.March, 1), unchanged: true},
		{name: "SameDate", start: day(1990, time.May, 12), dob: time.Date(1990, time.May, 12, 8, 0, 0, 0, tehran), now: noon(2025, time.March, 1), want: day(1990, time.May, 12), unchanged: true},
		{name: "RefusedKeepsTheOldDate", start: day(1990, time.May, 12), dob: day(2020, time.January, 1), now: noon(2025, time.March, 1), wantMsg: tooYoung},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := registered(t, true)
			if !tt.start.IsZero() {
				require.NoError(t, u.UpdateProfile(identity.ProfileUpdate{DateOfBirth: &tt.start}, t0))
			}
			before := u.Record()
			err := u.UpdateProfile(identity.ProfileUpdate{DateOfBirth: &tt.dob}, tt.now)
			if tt.wantMsg != "" {
				var ve *core.ValidationError
				require.ErrorAs(t, err, &ve)
				require.Equal(t, map[string][]string{"date_of_birth": {tt.wantMsg}}, ve.Fields)
				require.Equal(t, before, u.Record(), "a refused update changes nothing")
				return
			}
			require.NoError(t, err)
			got, ok := u.DateOfBirth()
			require.Equal(t, !tt.want.IsZero(), ok)
			require.Equal(t, tt.want, got)
			if tt.unchanged {
				require.Equal(t, before, u.Record())
				return
			}
			require.Equal(t, tt.now, u.UpdatedAt())
		})
	}
}

func TestUserUpdateProfileDateOfBirthWithOtherFields(t *testing.T) {
	t.Parallel()
	u := registered(t, true)
	before := u.Record()
	young := day(2020, time.January, 1)
	err := u.UpdateProfile(identity.ProfileUpdate{FirstName: ptr("رضا"), Email: ptr("@"), DateOfBirth: &young}, t0)
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []string{"email", "date_of_birth"}, ve.FieldNames())
	require.Equal(t, before, u.Record())

	dob := day(1990, time.May, 12)
	require.NoError(t, u.UpdateProfile(identity.ProfileUpdate{FirstName: ptr("رضا"), DateOfBirth: &dob}, t0))
	require.Equal(t, "رضا", u.FirstName())
	got, ok := u.DateOfBirth()
	require.True(t, ok)
	require.Equal(t, dob, got)

	require.NoError(t, u.UpdateProfile(identity.ProfileUpdate{LastName: ptr("")}, t0.Add(time.Hour)))
	got, ok = u.DateOfBirth()
	require.True(t, ok, "a nil DateOfBirth leaves the date as it is")
	require.Equal(t, dob, got)
}

func TestCheckPersonalData(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	first, last, err := identity.CheckPersonalData("first_name", " علي ", "last_name", "كريمي", "birth_date",
		time.Date(1990, 3, 21, 0, 0, 0, 0, time.UTC), now)
	require.NoError(t, err)
	require.Equal(t, "علی", first)
	require.Equal(t, "کریمی", last)

	_, _, err = identity.CheckPersonalData("first_name", "", "last_name", "\x00", "birth_date",
		time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), now)
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ElementsMatch(t, []string{"first_name", "last_name", "birth_date"}, ve.FieldNames())
}
