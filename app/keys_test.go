package app_test

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/core/identity"
)

const (
	keysSecret = "k8Zq2vR7xN4mT1pW9sL6cY3bH0dF5gJ2aE8uQ7rV4nM1zX6tK9wP3yB0hG5jD2fS"
	keysOld1   = "Zr4Yw9Tq2Lm7Xc1Vb8Nk3Hs6Jd0Fg5Pa2Qe7Wu4Io9Ty1Rx6Cv3Bn8Mz0Kl5Gh2D"
	keysOld2   = "Pq7Ls2Dk9Fj4Ha1Gz6Xm3Cn8Vb5Nw0Qe2Rt7Yu4Io9Pa1Sd6Fg3Hj8Kl5Zx0Cv2B"
)

func deriveKeys(t *testing.T, secret string, fallbacks ...string) app.Keys {
	t.Helper()
	k, err := app.DeriveKeys(config.Config{SecretKey: secret, SecretKeyFallbacks: fallbacks})
	require.NoError(t, err)
	return k
}

// hkdfKey is the derivation DeriveKeys documents, computed here independently.
func hkdfKey(t *testing.T, secret, label string) []byte {
	t.Helper()
	k, err := hkdf.Key(sha256.New, []byte(secret), nil, label, 32)
	require.NoError(t, err)
	return k
}

func TestDeriveKeysDeterministic(t *testing.T) {
	t.Parallel()
	a := deriveKeys(t, keysSecret, keysOld1)
	b := deriveKeys(t, keysSecret, keysOld1)
	require.Equal(t, a, b, "every instance and restart derives the same keys and ids")
}

// TestDeriveKeysKnownAnswer pins the labels and the key id rule: a change to either would
// sign every user out and void every code and sealed job in flight.
func TestDeriveKeysKnownAnswer(t *testing.T) {
	t.Parallel()
	k := deriveKeys(t, keysSecret)

	tests := []struct {
		name  string
		label string
		got   []byte
	}{
		{"Access", "talabin/jwt/v1", k.AccessKey.Secret},
		{"RefreshSuccessor", "talabin/refresh-successor/v1", k.RefreshSuccessor},
		{"ResetToken", "talabin/reset-token/v1", k.ResetToken},
		{"SMSSeal", "talabin/sms-seal/v1", k.SMSSeal},
		{"CSRF", "talabin/csrf/v1", k.CSRF},
		{"DepositCallback", "talabin/deposit-callback/v1", k.DepositCallback},
		{"Tombstone", "talabin/tombstone/v1", k.Tombstone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, hkdfKey(t, keysSecret, tt.label), tt.got)
		})
	}
	t.Run("AccessKeyID", func(t *testing.T) {
		t.Parallel()
		sum := sha256.Sum256(hkdfKey(t, keysSecret, "talabin/jwt/v1"))
		require.Equal(t, hex.EncodeToString(sum[:4]), k.AccessKey.ID)
	})
	t.Run("OTPCodeKey", func(t *testing.T) {
		t.Parallel()
		secret := hkdfKey(t, keysSecret, "talabin/otp-code/v1")
		sum := sha256.Sum256(secret)
		id := hex.EncodeToString(sum[:4])
		require.Equal(t, id, k.OTPCodeKeys.CurrentID())
		mac := identity.CodeMAC(secret, "+989121234567", identity.PurposeLogin, "123456")
		require.True(t, k.OTPCodeKeys.Verify(id, "+989121234567", identity.PurposeLogin, "123456", mac))
	})
}

func TestDeriveKeysDistinctPerPurpose(t *testing.T) {
	t.Parallel()
	k := deriveKeys(t, keysSecret)
	keys := map[string][]byte{
		"access":            k.AccessKey.Secret,
		"otp-code":          hkdfKey(t, keysSecret, "talabin/otp-code/v1"),
		"refresh-successor": k.RefreshSuccessor,
		"reset-token":       k.ResetToken,
		"sms-seal":          k.SMSSeal,
		"csrf":              k.CSRF,
		"deposit-callback":  k.DepositCallback,
		"tombstone":         k.Tombstone,
	}
	seen := map[string]string{}
	for name, key := range keys {
		require.Len(t, key, 32, name)
		other, dup := seen[string(key)]
		require.False(t, dup, "%s and %s share a key", name, other)
		seen[string(key)] = name
	}
}

func TestDeriveKeysRotation(t *testing.T) {
	t.Parallel()
	k := deriveKeys(t, keysSecret, keysOld1, keysOld2)
	old1 := deriveKeys(t, keysOld1)
	old2 := deriveKeys(t, keysOld2)

	t.Run("CurrentKeysComeFromSecretKey", func(t *testing.T) {
		t.Parallel()
		cur := deriveKeys(t, keysSecret)
		require.Equal(t, cur.AccessKey, k.AccessKey)
		require.Equal(t, cur.OTPCodeKeys.CurrentID(), k.OTPCodeKeys.CurrentID())
		require.Equal(t, cur.SMSSeal, k.SMSSeal)
		require.Equal(t, cur.CSRF, k.CSRF)
	})
	t.Run("OlderKeysInFallbackOrder", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, []accounts.AccessKey{old1.AccessKey, old2.AccessKey}, k.OlderAccessKeys)
		require.Equal(t, []app.RetiredKeys{
			{RefreshSuccessor: old1.RefreshSuccessor, ResetToken: old1.ResetToken, SMSSeal: old1.SMSSeal, CSRF: old1.CSRF},
			{RefreshSuccessor: old2.RefreshSuccessor, ResetToken: old2.ResetToken, SMSSeal: old2.SMSSeal, CSRF: old2.CSRF},
		}, k.Retired)
	})
	t.Run("OldOTPCodesStillVerify", func(t *testing.T) {
		t.Parallel()
		oldSecret := hkdfKey(t, keysOld2, "talabin/otp-code/v1")
		mac := identity.CodeMAC(oldSecret, "+989121234567", identity.PurposeLogin, "654321")
		require.True(t, k.OTPCodeKeys.Verify(old2.OTPCodeKeys.CurrentID(), "+989121234567", identity.PurposeLogin, "654321", mac))
		require.False(t, deriveKeys(t, keysSecret).OTPCodeKeys.Verify(old2.OTPCodeKeys.CurrentID(), "+989121234567", identity.PurposeLogin, "654321", mac),
			"without the fallback the old code no longer verifies")
	})
	t.Run("OldAccessTokensStillVerify", func(t *testing.T) {
		t.Parallel()
		clock := fixedClock{time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)}
		issuer, err := accounts.NewAccessTokens(accounts.AccessTokenConfig{
			Key: old1.AccessKey.Secret, KeyID: old1.AccessKey.ID, Issuer: "talabin", Audience: "talabin-api", Clock: clock,
		})
		require.NoError(t, err)
		token, _, err := issuer.Issue(accounts.AccessClaims{UserID: 7, SessionID: "s1", Role: identity.RoleUser})
		require.NoError(t, err)

		verifier, err := accounts.NewAccessTokens(accounts.AccessTokenConfig{
			Key: k.AccessKey.Secret, KeyID: k.AccessKey.ID, OlderKeys: k.OlderAccessKeys,
			Issuer: "talabin", Audience: "talabin-api", Clock: clock,
		})
		require.NoError(t, err)
		claims, err := verifier.Verify(token)
		require.NoError(t, err)
		require.Equal(t, "s1", claims.SessionID)
	})
}

func TestDeriveKeysRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  config.Config
	}{
		{"EmptySecret", config.Config{}},
		{"EmptyFallback", config.Config{SecretKey: keysSecret, SecretKeyFallbacks: []string{""}}},
		{"RepeatedSecret", config.Config{SecretKey: keysSecret, SecretKeyFallbacks: []string{keysSecret}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := app.DeriveKeys(tt.cfg)
			require.Error(t, err)
		})
	}
}

// fixedClock is a clock stopped at one instant.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }
