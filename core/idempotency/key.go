// Package idempotency holds the rules of idempotent requests (API.md §1.6): what a valid key
// is, how a request is fingerprinted, and what is stored for replay.
package idempotency

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
)

// Retention is how long a stored response answers replays.
const Retention = 24 * time.Hour

// Key scopes a client's Idempotency-Key to the caller and the operation, so two users (or two
// operations) never share a record.
type Key struct {
	scope string
	value string
}

// NewKey validates value (8–255 printable ASCII characters) and scopes it. scope names the
// caller and operation, e.g. "user:42:place_order". It returns an error wrapping
// [core.ErrIdempotencyKeyInvalid].
func NewKey(scope, value string) (Key, error) {
	if scope == "" || len(scope) > 200 {
		return Key{}, fmt.Errorf("%w: scope must be 1–200 bytes", core.ErrIdempotencyKeyInvalid)
	}
	if len(value) < 8 || len(value) > 255 {
		return Key{}, fmt.Errorf("%w: key must be 8–255 characters", core.ErrIdempotencyKeyInvalid)
	}
	for i := range len(value) {
		if value[i] < 0x20 || value[i] > 0x7e {
			return Key{}, fmt.Errorf("%w: key must be printable ASCII", core.ErrIdempotencyKeyInvalid)
		}
	}
	return Key{scope: scope, value: value}, nil
}

// Scope returns the caller-and-operation scope.
func (k Key) Scope() string { return k.scope }

// Value returns the client's key.
func (k Key) Value() string { return k.value }

// Fingerprint is the SHA-256 of a request's canonical form; a replay must match it.
type Fingerprint [sha256.Size]byte

// FingerprintOf hashes a canonical request body.
func FingerprintOf(canonical []byte) Fingerprint { return sha256.Sum256(canonical) }

// Response is what a completed request answered, replayed verbatim to later requests with the
// same key and fingerprint.
type Response struct {
	Status int
	Body   []byte
}
