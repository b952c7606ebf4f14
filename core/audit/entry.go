package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"io"
	"time"

	"github.com/talabin/talabin/core"
)

// Entry is one audit event as stored: every field the chain covers. It mirrors
// ports.AuditEvent without its links.
type Entry struct {
	// ID is the entry's place in the log; the chain runs in id order.
	ID int64
	// At is when it happened, as stored (the stores keep microseconds).
	At        time.Time
	ActorID   core.UserID
	ActorRole string
	Action    string
	Entity    string
	EntityID  string
	Reason    string
	IP        string
	UserAgent string
	RequestID string
	// BeforeDigest and AfterDigest fingerprint the entity's state before and after.
	BeforeDigest, AfterDigest string
	// Chain is the chain the entry is linked in ([ChainFor]); the hash covers it, so an
	// entry cannot be moved to another chain.
	Chain int
}

// linkVersion starts every encoding, so that a later encoding can never collide with this
// one.
const linkVersion = "talabin.audit.v1"

// Link returns the hash of e chained after prev (the zero Hash for the first entry of its
// chain): SHA-256 over an encoding in which every field has a fixed place and every text its
// length first, so that no two different (prev, e) encode alike. In order: the version text,
// prev's 32 bytes, then ID, At's Unix seconds, At's nanoseconds within its second, ActorID,
// each as 8 bytes big-endian (At thus names one instant whatever its location), then
// ActorRole, Action, Entity, EntityID, Reason, IP, UserAgent, RequestID, BeforeDigest and
// AfterDigest, each as its byte length in 8 bytes big-endian followed by its bytes; last,
// for an entry of any chain but 0, Chain as 8 bytes big-endian.
//
// Chain 0 adds nothing, so its encoding is the one from before the log had several chains:
// the entries chained then, all in chain 0, keep their hashes. The encoding stays
// unambiguous, since the texts before it are length-prefixed: whether 8 more bytes follow
// tells a chain-0 entry from any other, and they are never 8 zero bytes.
func Link(prev Hash, e Entry) Hash {
	w := linkWriter{h: sha256.New()}
	w.text(linkVersion)
	w.raw(prev[:])
	w.int(e.ID)
	w.int(e.At.Unix())
	w.int(int64(e.At.Nanosecond()))
	w.int(int64(e.ActorID))
	for _, s := range [...]string{
		e.ActorRole, e.Action, e.Entity, e.EntityID, e.Reason, e.IP, e.UserAgent, e.RequestID,
		e.BeforeDigest, e.AfterDigest,
	} {
		w.text(s)
	}
	if e.Chain != 0 {
		w.int(int64(e.Chain))
	}
	var out Hash
	w.h.Sum(out[:0])
	return out
}

// linkWriter writes the encoding of [Link] into a hash. A hash.Hash's Write never fails.
type linkWriter struct {
	h   hash.Hash
	buf [8]byte
}

func (w *linkWriter) raw(b []byte) { _, _ = w.h.Write(b) }

func (w *linkWriter) int(v int64) {
	binary.BigEndian.PutUint64(w.buf[:], uint64(v))
	w.raw(w.buf[:])
}

func (w *linkWriter) text(s string) {
	w.int(int64(len(s)))
	_, _ = io.WriteString(w.h, s)
}
