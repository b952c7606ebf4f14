package identity_test

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/identity"
)

// t0 is the fixed "now" of the tests: core never reads the clock.
var t0 = time.Date(2025, time.March, 1, 10, 0, 0, 0, time.UTC)

const testPhone = "+989121234567"

// testKey returns a code key named id whose secret is 32 copies of fill.
func testKey(id string, fill byte) identity.CodeKey {
	return identity.CodeKey{ID: id, Secret: bytes.Repeat([]byte{fill}, identity.MinCodeKeyLen)}
}

// testKeys returns a key set with the current key "k1" and no older keys.
func testKeys(t *testing.T) identity.CodeKeys {
	t.Helper()
	keys, err := identity.NewCodeKeys(testKey("k1", 1))
	require.NoError(t, err)
	return keys
}

// seeded returns a deterministic ChaCha8 reader for reproducible draws.
func seeded(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// newTestOTP issues code for testPhone and login with the default TTL.
func newTestOTP(t *testing.T, code string, keys identity.CodeKeys) *identity.OTP {
	t.Helper()
	o, err := identity.NewOTP(testPhone, identity.PurposeLogin, code, keys, t0, 0)
	require.NoError(t, err)
	return o
}

// newChaCha returns a ChaCha8 reader with the given seed.
func newChaCha(seed [32]byte) *rand.ChaCha8 { return rand.NewChaCha8(seed) }
