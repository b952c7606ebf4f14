package ports_test

import (
	"bytes"
	"crypto/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

func TestNewBlobKey(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`\Akyc/2026/12/[a-z2-7]{26}\z`)
	seen := map[string]bool{}
	for range 1000 {
		key, err := ports.NewBlobKey("kyc/2026/12", rand.Reader)
		require.NoError(t, err)
		require.Regexp(t, shape, key)
		require.NoError(t, ports.ValidateBlobKey(key))
		require.False(t, seen[key], "duplicate key %s", key)
		seen[key] = true
	}
}

func TestNewBlobKeyIsTheRandomBits(t *testing.T) {
	t.Parallel()
	key, err := ports.NewBlobKey("receipts", bytes.NewReader(make([]byte, 16)))
	require.NoError(t, err)
	require.Equal(t, "receipts/"+strings.Repeat("a", 26), key)
}

func TestNewBlobKeyErrors(t *testing.T) {
	t.Parallel()
	_, err := ports.NewBlobKey("../kyc", rand.Reader)
	require.ErrorIs(t, err, core.ErrInvalidInput)
	_, err = ports.NewBlobKey("", rand.Reader)
	require.ErrorIs(t, err, core.ErrInvalidInput)
	_, err = ports.NewBlobKey("kyc", bytes.NewReader(make([]byte, 15)))
	require.Error(t, err)
	require.NotErrorIs(t, err, core.ErrInvalidInput, "a failing random source is not the caller's input")
}

func TestValidateBlobKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key string
		ok  bool
	}{
		{"a", true},
		{"kyc/2026/12/abc234", true},
		{"kyc/doc-1_front.jpg", true},
		{"", false},
		{"/etc/passwd", false},
		{"../secret", false},
		{"kyc/../../secret", false},
		{"kyc/./a", false},
		{"kyc/.hidden", false},
		{"kyc//a", false},
		{"kyc/", false},
		{`kyc\..\a`, false},
		{"c:/windows", false},
		{"Kyc/a", false},
		{"kyc/a b", false},
		{"kyc/a\x00b", false},
		{"kyc/é", false},
		{strings.Repeat("a", ports.MaxBlobKeyLen), true},
		{strings.Repeat("a", ports.MaxBlobKeyLen+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			err := ports.ValidateBlobKey(tt.key)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
		})
	}
}

func TestValidateContentType(t *testing.T) {
	t.Parallel()
	require.NoError(t, ports.ValidateContentType("image/jpeg"))
	require.ErrorIs(t, ports.ValidateContentType(""), core.ErrInvalidInput)
	require.ErrorIs(t, ports.ValidateContentType("image/png\nX-Evil: 1"), core.ErrInvalidInput)
	require.ErrorIs(t, ports.ValidateContentType(strings.Repeat("a", 128)), core.ErrInvalidInput)
}
