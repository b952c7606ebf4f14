package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/talabin/talabin/core"
)

// Hash is one link of the chain: the SHA-256 of an entry and the hash of the entry before it
// ([Link]). The zero Hash stands for "none": it is the prev hash of the first entry of the
// chain (the genesis), and both hashes of an entry stored before the chain began.
type Hash [sha256.Size]byte

// HashFromBytes returns the hash stored as b: nil or empty is the zero Hash. Any length
// other than 0 or [sha256.Size] returns an error wrapping [core.ErrInvalidInput].
func HashFromBytes(b []byte) (Hash, error) {
	var h Hash
	switch len(b) {
	case 0:
		return h, nil
	case len(h):
		copy(h[:], b)
		return h, nil
	default:
		return h, fmt.Errorf("%w: an audit hash has %d bytes, not %d", core.ErrInvalidInput, len(b), len(h))
	}
}

// IsZero reports whether h is the zero Hash ("none").
func (h Hash) IsZero() bool { return h == Hash{} }

// String returns h in lowercase hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }
