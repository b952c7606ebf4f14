package accounts

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
)

// sealLabel starts the additional data of every sealed code, so a sealed code cannot pass
// for any other ciphertext under the same key.
const sealLabel = "talabin/otp-sms/v1\x00"

// errUnsealable is returned when a sealed code does not open: corrupt, sealed under another
// key, or moved to another phone or purpose.
var errUnsealable = errors.New("sealed code does not open")

// codeSealer encrypts a code for its SMS job with AES-256-GCM, binding it to its phone and
// purpose as additional data. The job table, and anyone who reads it, sees only the
// ciphertext; the worker opens it just before sending.
type codeSealer struct {
	aead cipher.AEAD
	rand io.Reader
}

func newCodeSealer(key []byte, rand io.Reader) (codeSealer, error) {
	if len(key) != SMSSealKeyLen {
		return codeSealer{}, fmt.Errorf("sms seal key must be %d bytes", SMSSealKeyLen)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return codeSealer{}, fmt.Errorf("sms seal key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return codeSealer{}, fmt.Errorf("sms seal key: %w", err)
	}
	return codeSealer{aead: aead, rand: rand}, nil
}

// additionalData binds a sealed code to phone and purpose.
func additionalData(phone, purpose string) []byte {
	return []byte(sealLabel + phone + "\x00" + purpose)
}

// seal returns the code encrypted under a fresh random nonce: nonce and ciphertext in
// unpadded base64url.
func (c codeSealer) seal(phone, purpose, code string) (string, error) {
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(code)+c.aead.Overhead())
	if _, err := io.ReadFull(c.rand, nonce); err != nil {
		return "", fmt.Errorf("seal otp code: generate nonce: %w", err)
	}
	out := c.aead.Seal(nonce, nonce, []byte(code), additionalData(phone, purpose))
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// open returns the code sealed in sealed for phone and purpose, or [errUnsealable].
func (c codeSealer) open(phone, purpose, sealed string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < c.aead.NonceSize()+c.aead.Overhead() {
		return "", errUnsealable
	}
	n := c.aead.NonceSize()
	code, err := c.aead.Open(nil, raw[:n], raw[n:], additionalData(phone, purpose))
	if err != nil {
		return "", errUnsealable
	}
	return string(code), nil
}
