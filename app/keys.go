package app

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/core/identity"
)

// The HKDF info label of each key derived from SECRET_KEY: one per purpose, so that no key
// serves two and a leak of one reveals nothing of the others. Changing a label changes its
// key (signing everyone out, voiding codes and sealed jobs in flight): bump the version only
// on purpose.
const (
	labelAccess           = "talabin/jwt/v1"
	labelOTPCode          = "talabin/otp-code/v1"
	labelRefreshSuccessor = "talabin/refresh-successor/v1"
	labelReset            = "talabin/reset-token/v1"
	labelSMSSeal          = "talabin/sms-seal/v1"
	labelCSRF             = "talabin/csrf/v1"
	labelDepositCallback  = "talabin/deposit-callback/v1"
	labelTombstone        = "talabin/tombstone/v1"
)

// derivedKeyLen is the length of every derived key: 32 bytes, an HMAC-SHA256 key and an
// AES-256 key alike.
const derivedKeyLen = 32

// keyIDBytes is how much of a key's SHA-256 names it: 4 bytes, 8 hex digits.
const keyIDBytes = 4

// Keys are the app's signing, MAC and encryption keys, each derived from SECRET_KEY for one
// purpose, plus verify-only keys derived the same way from each SECRET_KEY_FALLBACKS entry.
// Derivation is deterministic, so every instance and every restart with the same secrets
// holds the same keys and key ids.
type Keys struct {
	// AccessKey signs and verifies access tokens ([accounts.AccessTokenConfig] Key and
	// KeyID); its ID is derived from the key.
	AccessKey accounts.AccessKey
	// OlderAccessKeys only verify access tokens ([accounts.AccessTokenConfig] OlderKeys),
	// one per fallback secret in SECRET_KEY_FALLBACKS order.
	OlderAccessKeys []accounts.AccessKey
	// OTPCodeKeys MAC new OTP codes under SECRET_KEY's key and verify codes under it and the
	// fallbacks' keys.
	OTPCodeKeys identity.CodeKeys
	// RefreshSuccessor keys the MAC that derives the successor of a refresh token, so that a
	// token replayed within the grace window yields the same pair.
	RefreshSuccessor []byte
	// ResetToken keys the MAC of password reset tokens.
	ResetToken []byte
	// SMSSeal is the AES-256 key that seals OTP codes in SMS job args.
	SMSSeal []byte
	// CSRF keys the MAC of CSRF tokens in cookie mode.
	CSRF []byte
	// DepositCallback keys the signature of gateway callback URLs. It has no fallbacks: a
	// callback lives as long as its deposit's session (30 minutes), and a return whose
	// signature a rotation voided is still settled by the reconciler.
	DepositCallback []byte
	// Tombstone keys the hashes that replace a deleted account's phone and national id, so
	// fraud checks can still match them. Rotating SECRET_KEY changes it: tombstones made
	// before no longer match new hashes (nothing else breaks).
	Tombstone []byte
	// Retired holds the RefreshSuccessor, ResetToken, SMSSeal and CSRF keys of each fallback
	// secret, in SECRET_KEY_FALLBACKS order: they verify MACs and open sealed values made
	// before a rotation and never make new ones.
	Retired []RetiredKeys
}

// RetiredKeys are the keys of one SECRET_KEY_FALLBACKS entry for the purposes whose
// consumers take plain byte keys; see [Keys].
type RetiredKeys struct {
	RefreshSuccessor []byte
	ResetToken       []byte
	SMSSeal          []byte
	CSRF             []byte
}

// DeriveKeys derives the app's [Keys] from cfg.SecretKey and cfg.SecretKeyFallbacks with
// HKDF-SHA256, one label per purpose. A key's id is the first 8 hex digits of the SHA-256 of
// the key. It returns an error when a secret is empty or two secrets derive the same key id
// (a repeated secret, which [config.Load] refuses).
func DeriveKeys(cfg config.Config) (Keys, error) {
	current, err := deriveSet(cfg.SecretKey)
	if err != nil {
		return Keys{}, fmt.Errorf("derive keys from SECRET_KEY: %w", err)
	}
	k := Keys{
		AccessKey:        current.access,
		RefreshSuccessor: current.bytes.RefreshSuccessor,
		ResetToken:       current.bytes.ResetToken,
		SMSSeal:          current.bytes.SMSSeal,
		CSRF:             current.bytes.CSRF,
		DepositCallback:  current.depositCallback,
		Tombstone:        current.tombstone,
	}
	var olderCodeKeys []identity.CodeKey
	for i, secret := range cfg.SecretKeyFallbacks {
		old, err := deriveSet(secret)
		if err != nil {
			return Keys{}, fmt.Errorf("derive keys from SECRET_KEY_FALLBACKS entry %d: %w", i+1, err)
		}
		k.OlderAccessKeys = append(k.OlderAccessKeys, old.access)
		olderCodeKeys = append(olderCodeKeys, old.otpCode)
		k.Retired = append(k.Retired, old.bytes)
	}
	k.OTPCodeKeys, err = identity.NewCodeKeys(current.otpCode, olderCodeKeys...)
	if err != nil {
		return Keys{}, fmt.Errorf("derive keys: %w", err)
	}
	return k, nil
}

// keySet is every key one secret derives.
type keySet struct {
	access          accounts.AccessKey
	otpCode         identity.CodeKey
	bytes           RetiredKeys // the purposes with plain byte keys that rotate
	depositCallback []byte
	tombstone       []byte
}

// deriveSet derives every purpose's key from secret.
func deriveSet(secret string) (keySet, error) {
	if secret == "" {
		return keySet{}, errors.New("secret is empty")
	}
	labels := []string{labelAccess, labelOTPCode, labelRefreshSuccessor, labelReset, labelSMSSeal, labelCSRF, labelDepositCallback, labelTombstone}
	keys := make(map[string][]byte, len(labels))
	for _, label := range labels {
		key, err := hkdf.Key(sha256.New, []byte(secret), nil, label, derivedKeyLen)
		if err != nil {
			return keySet{}, fmt.Errorf("hkdf %s: %w", label, err)
		}
		keys[label] = key
	}
	return keySet{
		access:  accounts.AccessKey{ID: keyID(keys[labelAccess]), Secret: keys[labelAccess]},
		otpCode: identity.CodeKey{ID: keyID(keys[labelOTPCode]), Secret: keys[labelOTPCode]},
		bytes: RetiredKeys{
			RefreshSuccessor: keys[labelRefreshSuccessor],
			ResetToken:       keys[labelReset],
			SMSSeal:          keys[labelSMSSeal],
			CSRF:             keys[labelCSRF],
		},
		depositCallback: keys[labelDepositCallback],
		tombstone:       keys[labelTombstone],
	}, nil
}

// keyID names key by the first bytes of its SHA-256, in hex: stable across restarts and
// instances, and not the key.
func keyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:keyIDBytes])
}
