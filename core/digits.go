package core

import "strings"

// NormalizeDigits maps Persian (U+06F0–U+06F9) and Arabic-Indic (U+0660–U+0669) digits to
// ASCII and removes the separators clients type inside numbers: spaces, ',', the Arabic
// thousands separator U+066C, ZWNJ (U+200C) and the direction marks LRM (U+200E) and RLM
// (U+200F). Every numeric parser in core calls it first (API.md §1.1), so "۱٬۰۰۰" and
// "1,000" read the same.
func NormalizeDigits(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '۰' && r <= '۹':
			b.WriteRune('0' + (r - '۰'))
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + (r - '٠'))
		case r == ' ', r == ',', r == '\u066C', r == '\u200C', r == '\u200E', r == '\u200F',
			r == '\t', r == '\u00A0':
			// separators: dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
