package idempotency_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
)

func TestNewKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		scope string
		value string
		ok    bool
	}{
		{"UUID", "user:1:place_order", "3f2a1c9e-8a7b-4c2d-9e1f-0a1b2c3d4e5f", true},
		{"EightChars", "s", "abcdefgh", true},
		{"MaxLength", "s", strings.Repeat("k", 255), true},
		{"SpaceInside", "s", "abc defgh", true},
		{"TooShort", "s", "abcdefg", false},
		{"TooLong", "s", strings.Repeat("k", 256), false},
		{"NonASCII", "s", "abcdefgh۱", false},
		{"ControlChar", "s", "abcdefgh\n", false},
		{"NoScope", "", "abcdefgh", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := idempotency.NewKey(tt.scope, tt.value)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrIdempotencyKeyInvalid)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.scope, k.Scope())
			require.Equal(t, tt.value, k.Value())
		})
	}
}

func TestFingerprintOf(t *testing.T) {
	t.Parallel()
	a, again := []byte(`{"a":1}`), []byte(`{"a":1}`)
	require.Equal(t, idempotency.FingerprintOf(a), idempotency.FingerprintOf(again))
	require.Equal(t, "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
		hex.EncodeToString(func() []byte { f := idempotency.FingerprintOf(a); return f[:] }()))
	require.NotEqual(t, idempotency.FingerprintOf([]byte(`{"a":1}`)), idempotency.FingerprintOf([]byte(`{"a":2}`)))
}
