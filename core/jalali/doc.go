// Package jalali converts between the Jalali (Solar Hijri, شمسی) calendar used in Iran and the
// Gregorian calendar, and parses and formats Jalali dates (API.md §1.9).
//
// Leap years follow the "breaks" algorithm of the jalaali-js library (Borkowski's arithmetic
// over the table of 33-year cycle breaks), which matches the astronomical Iranian calendar for
// years [MinYear] to [MaxYear]. Conversion works on Julian Day Numbers: j2d and g2d map a
// date to its day number, d2j and d2g map back.
package jalali
