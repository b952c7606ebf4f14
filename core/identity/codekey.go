package identity

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// MinCodeKeyLen is the shortest accepted [CodeKey] secret, in bytes: the size of an
// HMAC-SHA256 output.
const MinCodeKeyLen = 32

// maxCodeKeyIDLen is the longest accepted [CodeKey] id, in bytes.
const maxCodeKeyIDLen = 32

// codeMACLabel separates code MACs from any other use of the same key.
const codeMACLabel = "talabin/otp-code/v1"

// CodeMAC returns the HMAC-SHA256 under key of one code sent to phone for purpose p. The
// message is a fixed label followed by phone, purpose and code, each prefixed with its
// length as a 32-bit big-endian integer, so no two different triples share a message.
func CodeMAC(key []byte, phone string, p Purpose, code string) []byte {
	msg := make([]byte, 0, len(codeMACLabel)+3*4+len(phone)+len(p.name)+len(code))
	msg = append(msg, codeMACLabel...)
	for _, field := range []string{phone, p.name, code} {
		msg = binary.BigEndian.AppendUint32(msg, uint32(len(field)))
		msg = append(msg, field...)
	}
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	return h.Sum(nil)
}

// CodeKey is one server secret for [CodeMAC], named by ID so that stored codes remember
// which key MACed them.
type CodeKey struct {
	// ID names the key: 1–32 characters of A–Z, a–z, 0–9, '.', '_' or '-'. It is stored
	// next to each code's MAC.
	ID string
	// Secret is the HMAC key, at least [MinCodeKeyLen] random bytes.
	Secret []byte
}

// CodeKeys is the set of code keys in use: the current key, which MACs new codes, and older
// keys that still verify codes issued before a rotation. Keep an old key for at least
// [MaxOTPTTL] after it stops being current. The zero value holds no keys; build one with
// [NewCodeKeys].
type CodeKeys struct {
	current CodeKey
	older   []CodeKey
}

// NewCodeKeys returns the key set with current as the key for new codes and older as keys
// that only verify. Every key needs a valid, distinct id and a secret of at least
// [MinCodeKeyLen] bytes. The secrets are copied.
func NewCodeKeys(current CodeKey, older ...CodeKey) (CodeKeys, error) {
	seen := make(map[string]bool, 1+len(older))
	all := append([]CodeKey{current}, older...)
	keys := make([]CodeKey, 0, len(all))
	for _, k := range all {
		if err := validateCodeKey(k); err != nil {
			return CodeKeys{}, err
		}
		if seen[k.ID] {
			return CodeKeys{}, fmt.Errorf("otp code key id %q used twice", k.ID)
		}
		seen[k.ID] = true
		keys = append(keys, CodeKey{ID: k.ID, Secret: append([]byte(nil), k.Secret...)})
	}
	return CodeKeys{current: keys[0], older: keys[1:]}, nil
}

func validateCodeKey(k CodeKey) error {
	if k.ID == "" || len(k.ID) > maxCodeKeyIDLen {
		return fmt.Errorf("otp code key id must be 1 to %d characters", maxCodeKeyIDLen)
	}
	for i := range len(k.ID) {
		c := k.ID[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '-'
		if !ok {
			return fmt.Errorf("otp code key id %q has a character outside A-Z a-z 0-9 . _ -", k.ID)
		}
	}
	if len(k.Secret) < MinCodeKeyLen {
		return fmt.Errorf("otp code key %q: secret must be at least %d bytes", k.ID, MinCodeKeyLen)
	}
	return nil
}

// IsZero reports whether k holds no keys.
func (k CodeKeys) IsZero() bool { return k.current.ID == "" }

// CurrentID returns the id of the key that MACs new codes.
func (k CodeKeys) CurrentID() string { return k.current.ID }

// sign returns the current key's id and its [CodeMAC] of code. Callers check
// [CodeKeys.IsZero] first.
func (k CodeKeys) sign(phone string, p Purpose, code string) (keyID string, mac []byte) {
	return k.current.ID, CodeMAC(k.current.Secret, phone, p, code)
}

// Verify reports whether mac is the [CodeMAC] of code under the key named keyID, comparing
// in constant time with hmac.Equal. An unknown keyID (a key already retired) never
// verifies.
func (k CodeKeys) Verify(keyID, phone string, p Purpose, code string, mac []byte) bool {
	secret, ok := k.secret(keyID)
	if !ok {
		return false
	}
	return hmac.Equal(CodeMAC(secret, phone, p, code), mac)
}

func (k CodeKeys) secret(id string) ([]byte, bool) {
	if id == "" {
		return nil, false
	}
	if id == k.current.ID {
		return k.current.Secret, true
	}
	for _, o := range k.older {
		if o.ID == id {
			return o.Secret, true
		}
	}
	return nil, false
}
