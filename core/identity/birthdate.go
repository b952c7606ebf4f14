package identity

import (
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/jalali"
)

// Rules of the date of birth (API.md §3.1).
const (
	// MinAge is the age in whole years a user must have reached to record a date of birth.
	MinAge = 18
	// JalaliYearBelow splits the two calendars [ParseDateOfBirth] reads: a four-digit year
	// below it is a Jalali year, any other a Gregorian one. Jalali 1699 is Gregorian 2320 and
	// Gregorian 1700 is Jalali 1079, so no living person's date is ambiguous.
	JalaliYearBelow = 1700
)

// minDateOfBirth is the earliest date of birth accepted.
var minDateOfBirth = time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC)

// Field messages of the date of birth, in the style of the original API's validators.
const (
	msgDateOfBirthFormat   = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD, YYYY/MM/DD (Jalali)."
	msgDateOfBirthFuture   = "Date of birth cannot be in the future."
	msgDateOfBirthTooEarly = "Date of birth cannot be before 1900-01-01."
	msgDateOfBirthTooYoung = "You must be at least 18 years old."
)

// ParseDateOfBirth parses a date of birth as the profile update sends it (API.md §3.1) and
// returns the civil date at midnight UTC. After [core.NormalizeDigits] (so Persian digits and
// surrounding spaces are fine) s is YYYY-MM-DD or YYYY/MM/DD with a four-digit year and a
// one- or two-digit month and day. The year decides the calendar, not the separator: below
// [JalaliYearBelow] the date is Jalali (1370/06/31) and is converted with [jalali.New],
// otherwise it is Gregorian (1991-09-22). A malformed string or a day that does not exist in
// its calendar returns a [core.ValidationError] on "date_of_birth". Whether the date is
// acceptable as a birth date (not in the future, old enough) is checked by
// [User.UpdateProfile], which knows the time.
func ParseDateOfBirth(s string) (time.Time, error) {
	year, month, day, ok := jalali.SplitDate(core.NormalizeDigits(s))
	if !ok {
		return time.Time{}, core.FieldError("date_of_birth", msgDateOfBirthFormat)
	}
	if year < JalaliYearBelow {
		d, err := jalali.New(year, month, day)
		if err != nil {
			return time.Time{}, core.FieldError("date_of_birth", msgDateOfBirthFormat)
		}
		gy, gm, gd := d.ToGregorian()
		return time.Date(gy, gm, gd, 0, 0, 0, 0, time.UTC), nil
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if y, m, d := t.Date(); y != year || int(m) != month || d != day {
		// time.Date normalised an impossible day such as February 30.
		return time.Time{}, core.FieldError("date_of_birth", msgDateOfBirthFormat)
	}
	return t, nil
}

// civilDate returns t's calendar day, in t's own location, at midnight UTC: the one form a
// date of birth takes in a [User]. The zero time stays zero ("unknown").
func civilDate(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkDateOfBirth adds a message to field of ve unless dob (a civil date, see civilDate) is
// on or after 1900-01-01, not after today and at least [MinAge] years before it. Today is
// now's calendar day in now's own location: the app passes now in the zone whose calendar
// counts.
func checkDateOfBirth(ve *core.ValidationError, field string, dob, now time.Time) {
	today := civilDate(now)
	switch {
	case dob.Before(minDateOfBirth):
		ve.Add(field, msgDateOfBirthTooEarly)
	case dob.After(today):
		ve.Add(field, msgDateOfBirthFuture)
	case ageOn(dob, today) < MinAge:
		ve.Add(field, msgDateOfBirthTooYoung)
	}
}

// ageOn returns the whole years from civil date dob to civil date today: a birthday counts
// on its day of the year. Someone born on February 29 has a birthday on March 1 in common
// years (the day after February 28), so they turn 18 on March 1 of their eighteenth year.
func ageOn(dob, today time.Time) int {
	by, bm, bd := dob.Date()
	ty, tm, td := today.Date()
	age := ty - by
	if tm < bm || (tm == bm && td < bd) {
		age--
	}
	return age
}

// CheckPersonalData normalises a person's first and last names and checks them with a
// civil date of birth (1900 or later, not in the future, age at least [MinAge] on now's
// calendar day), reporting every broken field under the names given in one
// [*core.ValidationError]. KYC submissions use it with their own field names.
func CheckPersonalData(firstField, first, lastField, last, dobField string, dob, now time.Time) (string, string, error) {
	ve := core.NewValidationError()
	first = checkName(ve, firstField, first)
	last = checkName(ve, lastField, last)
	if first == "" {
		ve.Add(firstField, msgNameRequired)
	}
	if last == "" {
		ve.Add(lastField, msgNameRequired)
	}
	checkDateOfBirth(ve, dobField, civilDate(dob), now)
	return first, last, ve.Err()
}
