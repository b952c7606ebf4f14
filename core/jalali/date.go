package jalali

import (
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
)

// Date is a valid day of the Jalali calendar. The zero value is not a valid date (IsZero
// reports true); values come from [New], [Parse], [FromGregorian] or [FromTime].
type Date struct {
	year, month, day int
}

// New returns the Jalali date year/month/day, checking that year is in [MinYear, MaxYear],
// month in 1–12 and day within [MonthLength]. Errors wrap [ErrInvalidDate].
func New(year, month, day int) (Date, error) {
	if year < MinYear || year > MaxYear {
		return Date{}, fmt.Errorf("%w: year %d outside %d..%d", ErrInvalidDate, year, MinYear, MaxYear)
	}
	if month < 1 || month > 12 {
		return Date{}, fmt.Errorf("%w: month %d outside 1..12", ErrInvalidDate, month)
	}
	if n := MonthLength(year, month); day < 1 || day > n {
		return Date{}, fmt.Errorf("%w: day %d outside 1..%d", ErrInvalidDate, day, n)
	}
	return Date{year: year, month: month, day: day}, nil
}

// Parse parses a Jalali date written YYYY/MM/DD or YYYY-MM-DD, in any digit script
// ([core.NormalizeDigits] runs first, so surrounding spaces are ignored). The year has
// exactly four digits (0000–3177; years before 0 cannot be parsed); month and day have one or
// two, and both separators must be the same. The date is then checked as by [New]. Errors
// wrap [ErrInvalidDate].
func Parse(s string) (Date, error) {
	year, month, day, ok := SplitDate(core.NormalizeDigits(s))
	if !ok {
		return Date{}, fmt.Errorf("%w: expected YYYY/MM/DD", ErrInvalidDate)
	}
	return New(year, month, day)
}

// SplitDate reads the fields of a date written YYYY<sep>M[M]<sep>D[D], with sep '/' or '-'
// the same both times and ASCII digits only; it checks the form, not the calendar. [Parse]
// uses it, and so do parsers that read Gregorian dates in the same form.
func SplitDate(s string) (year, month, day int, ok bool) {
	if len(s) < 8 || len(s) > 10 || (s[4] != '/' && s[4] != '-') {
		return 0, 0, 0, false
	}
	sep := s[4]
	rest := s[5:]
	i := 0
	for i < len(rest) && rest[i] != sep {
		i++
	}
	if i == len(rest) {
		return 0, 0, 0, false
	}
	year, okY := atoi(s[:4], 4)
	month, okM := atoi(rest[:i], 2)
	day, okD := atoi(rest[i+1:], 2)
	return year, month, day, okY && okM && okD
}

// atoi parses 1 to maxLen ASCII digits.
func atoi(s string, maxLen int) (int, bool) {
	if s == "" || len(s) > maxLen {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// FromGregorian returns the Jalali date of the proleptic Gregorian date year-month-day. The
// date must be a real Gregorian date whose Jalali year lies in [MinYear, MaxYear], that is
// from 560-03-20 to 3799-03-19. Errors wrap [ErrInvalidDate].
func FromGregorian(year int, month time.Month, day int) (Date, error) {
	if month < time.January || month > time.December {
		return Date{}, fmt.Errorf("%w: gregorian month %d outside 1..12", ErrInvalidDate, month)
	}
	if n := gregorianMonthLength(year, month); day < 1 || day > n {
		return Date{}, fmt.Errorf("%w: gregorian day %d outside 1..%d", ErrInvalidDate, day, n)
	}
	// Bound the year before any arithmetic so that huge years cannot overflow.
	if year < MinYear+621 || year > MaxYear+622 {
		return Date{}, fmt.Errorf("%w: gregorian year %d out of range", ErrInvalidDate, year)
	}
	jdn := g2d(year, int(month), day)
	if jdn < minJDN || jdn > maxJDN {
		return Date{}, fmt.Errorf("%w: gregorian date %04d-%02d-%02d out of range", ErrInvalidDate, year, int(month), day)
	}
	jy, jm, jd := d2j(jdn)
	return Date{year: jy, month: jm, day: jd}, nil
}

// FromTime returns the Jalali date of t's calendar day in t's own location. Callers that
// mean the day in Iran convert t with t.In(tehran) first. Errors wrap [ErrInvalidDate].
func FromTime(t time.Time) (Date, error) {
	y, m, d := t.Date()
	return FromGregorian(y, m, d)
}

// gregorianMonthLength returns the days in month of proleptic Gregorian year year.
func gregorianMonthLength(year int, month time.Month) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	default:
		return 31
	}
}

// Year returns the Jalali year.
func (d Date) Year() int { return d.year }

// Month returns the Jalali month, 1 (Farvardin) to 12 (Esfand).
func (d Date) Month() int { return d.month }

// Day returns the day of the month, from 1.
func (d Date) Day() int { return d.day }

// IsZero reports whether d is the zero value.
func (d Date) IsZero() bool { return d.month == 0 }

// ToGregorian returns the proleptic Gregorian date of d, or zeros for the zero value.
func (d Date) ToGregorian() (year int, month time.Month, day int) {
	if d.IsZero() {
		return 0, 0, 0
	}
	gy, gm, gd := d2g(j2d(d.year, d.month, d.day))
	return gy, time.Month(gm), gd
}

// Format returns d as YYYY/MM/DD with zero padding, e.g. "1403/01/09", the form [Parse]
// accepts; years before 0 get a leading '-'. The zero value formats as "".
func (d Date) Format() string {
	if d.IsZero() {
		return ""
	}
	b := make([]byte, 0, 11)
	y := d.year
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	b = appendPadded(b, y, 4)
	b = append(b, '/')
	b = appendPadded(b, d.month, 2)
	b = append(b, '/')
	b = appendPadded(b, d.day, 2)
	return string(b)
}

// String returns [Date.Format].
func (d Date) String() string { return d.Format() }

// appendPadded appends the non-negative n in decimal, left-padded with zeros to width.
func appendPadded(b []byte, n, width int) []byte {
	var buf [8]byte
	i := len(buf)
	for n > 0 || i > len(buf)-width {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, buf[i:]...)
}
