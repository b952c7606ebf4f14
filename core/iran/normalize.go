package iran

import (
	"strings"

	"github.com/talabin/talabin/core"
)

// normalize applies core.NormalizeDigits and then drops '-' group separators.
func normalize(s string) string {
	s = core.NormalizeDigits(s)
	if strings.IndexByte(s, '-') >= 0 {
		s = strings.ReplaceAll(s, "-", "")
	}
	return s
}

// allDigits reports whether s is non-empty and made only of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// allSame reports whether every byte of s equals its first byte.
func allSame(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

// allZero reports whether every byte of s is '0'.
func allZero(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}
