package privacy_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/privacy"
)

func TestNewServiceValidates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	valid := func() privacy.Config {
		return privacy.Config{Blobs: b.blobs, TombstoneKey: tombstoneKey, Passwords: b.accounts, StepUp: b.accounts, Revoker: b.accounts}
	}
	tests := []struct {
		name   string
		change func(c *privacy.Config)
		want   string
	}{
		{name: "NoBlobs", change: func(c *privacy.Config) { c.Blobs = nil }, want: "required"},
		{name: "NoPasswords", change: func(c *privacy.Config) { c.Passwords = nil }, want: "required"},
		{name: "NoStepUp", change: func(c *privacy.Config) { c.StepUp = nil }, want: "required"},
		{name: "NoRevoker", change: func(c *privacy.Config) { c.Revoker = nil }, want: "required"},
		{name: "ShortKey", change: func(c *privacy.Config) { c.TombstoneKey = tombstoneKey[:31] }, want: "tombstone key"},
		{name: "NegativeRetention", change: func(c *privacy.Config) { c.IdempotencyRetention = -1 }, want: "retention"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid()
			tt.change(&cfg)

			_, err := privacy.NewService(cfg, b.store, b.clock, nil)

			require.ErrorContains(t, err, tt.want)
		})
	}
	t.Run("NoStore", func(t *testing.T) {
		t.Parallel()
		_, err := privacy.NewService(valid(), nil, b.clock, nil)
		require.ErrorContains(t, err, "store and clock are required")
	})
	t.Run("Valid", func(t *testing.T) {
		t.Parallel()
		_, err := privacy.NewService(valid(), b.store, b.clock, nil)
		require.NoError(t, err)
	})
}

func TestTombstone(t *testing.T) {
	t.Parallel()
	const phone = "+989121234567"
	other := bytes.Repeat([]byte{8}, privacy.MinTombstoneKeyLen)

	got := privacy.Tombstone(tombstoneKey, phone)

	require.True(t, strings.HasPrefix(got, privacy.TombstonePrefix))
	require.Len(t, got, len(privacy.TombstonePrefix)+40)
	require.NotContains(t, got, "9121234567")
	require.Equal(t, got, privacy.Tombstone(tombstoneKey, phone), "the same number matches")
	require.NotEqual(t, got, privacy.Tombstone(tombstoneKey, "+989121234568"))
	require.NotEqual(t, got, privacy.Tombstone(other, phone), "keyed")
}
