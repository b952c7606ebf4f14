package audit_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
)

func TestHashFromBytes(t *testing.T) {
	t.Parallel()
	full := bytes.Repeat([]byte{0xab}, 32)
	tests := []struct {
		name    string
		in      []byte
		want    audit.Hash
		wantErr bool
	}{
		{"Nil", nil, audit.Hash{}, false},
		{"Empty", []byte{}, audit.Hash{}, false},
		{"Full", full, audit.Hash(full), false},
		{"Short", full[:31], audit.Hash{}, true},
		{"Long", append(full, 1), audit.Hash{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := audit.HashFromBytes(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestHashRoundTrip(t *testing.T) {
	t.Parallel()
	require.True(t, audit.Hash{}.IsZero())
	h := audit.Hash{1, 2, 3}
	require.False(t, h.IsZero())
	back, err := audit.HashFromBytes(h[:])
	require.NoError(t, err)
	require.Equal(t, h, back)
	require.Equal(t, "010203"+strings.Repeat("00", 29), h.String())
}
