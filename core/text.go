package core

import (
	"strings"
	"unicode/utf8"
)

// CutText trims s and cuts it to at most n bytes at a character boundary: how free text a
// user or staff member types (a reason, notes, a reference) is bounded before it is stored.
func CutText(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
