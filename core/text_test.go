package core_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

func TestCutText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"Short", "  دلیل  ", 10, "دلیل"},
		{"Exact", "abcd", 4, "abcd"},
		{"ASCII", "abcdef", 4, "abcd"},
		{"InsideTwoByteLetter", "ن" + "ن", 3, "ن"},
		{"InsideFourByteRune", "a😀", 3, "a"},
		{"Zero", "abc", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, core.CutText(tt.in, tt.n))
		})
	}
}

func FuzzCutText(f *testing.F) {
	f.Add(strings.Repeat("ن", 300), 500)
	f.Add(" a😀b ", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n & 0x3ff
		got := core.CutText(s, n)
		require.LessOrEqual(t, len(got), max(n, 0))
		require.True(t, strings.HasPrefix(strings.TrimSpace(s), got))
		if utf8.ValidString(s) {
			require.True(t, utf8.ValidString(got))
		}
	})
}
