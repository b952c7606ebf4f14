package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTreasury(t *testing.T) {
	t.Parallel()
	environ := []string{"DEBUG=true", "SQLITE_PATH=" + filepath.Join(t.TempDir(), "talabin.db")}
	code, _, errText := talabin(t, environ, "", "migrate", "up")
	require.Equal(t, exitOK, code, errText)

	code, out, errText := talabin(t, environ, "", "treasury", "in", "--grams", "1000.5", "--reference", "INV-42", "--reason", "refiner purchase")
	require.Equal(t, exitOK, code, errText)
	require.Regexp(t, `^journal \d+: treasury in 1000\.500000 g GOLD \(INV-42\)\n$`, out)

	code, _, errText = talabin(t, environ, "", "treasury", "in", "--grams", "1000.5", "--reference", "INV-42", "--reason", "run again")
	require.Equal(t, exitFailure, code)
	require.Contains(t, errText, `treasury reference "INV-42" was used before`)

	code, out, errText = talabin(t, environ, "", "treasury", "out", "--grams", "0.5", "--reference", "DLV-1", "--reason", "delivered")
	require.Equal(t, exitOK, code, errText)
	require.Contains(t, out, "treasury out 0.500000 g GOLD (DLV-1)")

	code, _, errText = talabin(t, environ, "", "treasury", "out", "--grams", "1000.000001", "--reference", "DLV-2", "--reason", "too much")
	require.Equal(t, exitFailure, code)
	require.Contains(t, errText, "insufficient")

	code, out, errText = talabin(t, environ, "", "ledger", "verify")
	require.Equal(t, exitOK, code, errText)
	require.Contains(t, out, "ok")

	usage := []struct {
		name string
		args []string
		want string
	}{
		{"NoAmount", []string{"--reference", "R-1", "--reason", "x"}, "exactly one of --grams and --rials"},
		{"BothAmounts", []string{"--grams", "1", "--rials", "5", "--reference", "R-1", "--reason", "x"}, "exactly one"},
		{"NoReference", []string{"--grams", "1", "--reason", "x"}, "--reference and --reason are required"},
		{"NoReason", []string{"--grams", "1", "--reference", "R-1"}, "--reference and --reason are required"},
		{"BadGrams", []string{"--grams", "1.0000001", "--reference", "R-1", "--reason", "x"}, "--grams"},
		{"ZeroRials", []string{"--rials", "0", "--reference", "R-1", "--reason", "x"}, "positive"},
	}
	for _, tt := range usage {
		code, _, errText := talabin(t, environ, "", append([]string{"treasury", "in"}, tt.args...)...)
		require.Equal(t, exitUsage, code, tt.name)
		require.Contains(t, errText, tt.want, tt.name)
	}
}
