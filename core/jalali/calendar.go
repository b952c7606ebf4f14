package jalali

// This file is a transcription of the conversion core of jalaali-js
// (https://github.com/jalaali/jalaali-js, MIT), itself based on Kazimierz M. Borkowski's
// "The Persian calendar for 3000 years". JavaScript's div and mod truncate toward zero, as
// Go's / and % do, so the arithmetic carries over unchanged.

// MinYear and MaxYear bound the Jalali years the breaks table covers.
const (
	MinYear = -61
	MaxYear = 3177
)

// breaks are the Jalali years that start a new run of the 33-year leap cycle; the last entry
// is one past MaxYear.
var breaks = [...]int{
	-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210,
	1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
}

// minJDN and maxJDN are the Julian Day Numbers of 1/1/MinYear and of the last day of MaxYear.
var (
	minJDN = j2d(MinYear, 1, 1)
	maxJDN = j2d(MaxYear, 12, MonthLength(MaxYear, 12))
)

// jalCal returns, for Jalali year jy in [MinYear, MaxYear], the number of years since the
// last leap year (leap == 0 means jy itself is leap), the Gregorian year gy in which jy
// starts, and the day of March (march) on which 1 Farvardin of jy falls. Callers check the
// range; jalaali-js throws outside it.
func jalCal(jy int) (leap, gy, march int) {
	gy = jy + 621
	leapJ := -14
	jp := breaks[0]
	jump := 0
	// Find the limiting years for jy and count the Jalali leap years before the last break.
	for i := 1; i < len(breaks); i++ {
		jm := breaks[i]
		jump = jm - jp
		if jy < jm {
			break
		}
		leapJ += jump/33*8 + jump%33/4
		jp = jm
	}
	n := jy - jp

	// Jalali leap years from AD 621 to the start of jy.
	leapJ += n/33*8 + (n%33+3)/4
	if jump%33 == 4 && jump-n == 4 {
		leapJ++
	}
	// Gregorian leap years up to gy.
	leapG := gy/4 - (gy/100+1)*3/4 - 150
	// The Gregorian date of 1 Farvardin, as a day of March.
	march = 20 + leapJ - leapG

	// Years since the last leap year.
	if jump-n < 6 {
		n = n - jump + (jump+4)/33*33
	}
	leap = ((n+1)%33 - 1) % 4
	if leap == -1 {
		leap = 4
	}
	return leap, gy, march
}

// j2d returns the Julian Day Number of Jalali date jy/jm/jd.
func j2d(jy, jm, jd int) int {
	_, gy, march := jalCal(jy)
	return g2d(gy, 3, march) + (jm-1)*31 - jm/7*(jm-7) + jd - 1
}

// d2j returns the Jalali date of Julian Day Number jdn, which must lie in [minJDN, maxJDN].
func d2j(jdn int) (jy, jm, jd int) {
	gy, _, _ := d2g(jdn)
	jy = gy - 621
	if jy > MaxYear {
		// Dey to Esfand of MaxYear fall in Gregorian year MaxYear+622, where jalaali-js would
		// consult jalCal(MaxYear+1) and fail; count from Mehr 1 of MaxYear instead.
		k := jdn - j2d(MaxYear, 7, 1)
		return MaxYear, 7 + k/30, k%30 + 1
	}
	leap, jgy, march := jalCal(jy)
	k := jdn - g2d(jgy, 3, march) // days since 1 Farvardin of jy
	if k >= 0 {
		if k <= 185 {
			// The first six months have 31 days.
			return jy, 1 + k/31, k%31 + 1
		}
		k -= 186
	} else {
		// The date belongs to the previous Jalali year.
		jy--
		k += 179
		if leap == 1 {
			k++
		}
	}
	return jy, 7 + k/30, k%30 + 1
}

// g2d returns the Julian Day Number of Gregorian date gy-gm-gd (proleptic Gregorian).
func g2d(gy, gm, gd int) int {
	d := (gy+(gm-8)/6+100100)*1461/4 + (153*((gm+9)%12)+2)/5 + gd - 34840408
	return d - (gy+100100+(gm-8)/6)/100*3/4 + 752
}

// d2g returns the Gregorian date of Julian Day Number jdn.
func d2g(jdn int) (gy, gm, gd int) {
	j := 4*jdn + 139361631
	j += (4*jdn+183187720)/146097*3/4*4 - 3908
	i := j%1461/4*5 + 308
	gd = i%153/5 + 1
	gm = i/153%12 + 1
	gy = j/1461 - 100100 + (8-gm)/6
	return gy, gm, gd
}

// IsLeap reports whether Jalali year year has 366 days (Esfand has 30). It reports false for
// years outside [MinYear, MaxYear].
func IsLeap(year int) bool {
	if year < MinYear || year > MaxYear {
		return false
	}
	leap, _, _ := jalCal(year)
	return leap == 0
}

// MonthLength returns the number of days in month (1–12) of Jalali year year: 31 for months
// 1–6, 30 for months 7–11, and 30 or 29 for month 12 depending on [IsLeap]. It returns 0 when
// the month or the year is out of range.
func MonthLength(year, month int) int {
	switch {
	case year < MinYear || year > MaxYear || month < 1 || month > 12:
		return 0
	case month <= 6:
		return 31
	case month <= 11:
		return 30
	case IsLeap(year):
		return 30
	default:
		return 29
	}
}
