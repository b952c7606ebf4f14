package audit

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/talabin/talabin/core"
)

// ChainFor returns which of chains chains (numbered from 0) an event of actor on
// entity/entityID goes to. The log is split into chains so that appenders of different
// chains do not wait for each other: a user's events go to chain actor mod chains, so that
// one user's events, which their wallet serializes anyway, share a chain while two users
// seldom do; the system's own events (actor 0) go by a hash of their entity, so that, say,
// the gateway's credits of different deposits seldom share one either. A chains below 2
// returns 0.
func ChainFor(actor core.UserID, entity, entityID string, chains int) int {
	if chains < 2 {
		return 0
	}
	if actor != 0 {
		return int(uint64(actor) % uint64(chains))
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(entity))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(entityID))
	return int(h.Sum64() % uint64(chains))
}

// Sealed is an entry as stored with its links: Prev, the hash of the entry before it in its
// chain, and Hash, [Link] of the two. Both are zero on an entry stored before the chain
// began.
type Sealed struct {
	Entry
	Prev, Hash Hash
}

// BreakError is the first entry at which a chain does not hold.
type BreakError struct {
	// ID is the entry's id.
	ID int64
	// Chain is the chain the entry names.
	Chain int
	// Reason says what is wrong with it, e.g. "hash does not match its contents".
	Reason string
}

func (e *BreakError) Error() string {
	return fmt.Sprintf("broken at entry %d (chain %d): %s", e.ID, e.Chain, e.Reason)
}

// Head is the last entry of one chain.
type Head struct {
	Chain int
	ID    int64
	Hash  Hash
}

// Verifier checks a log one entry at a time in id order, so that a log larger than memory is
// checked page by page. The zero Verifier is at the start of the log.
//
// The log is several chains interleaved in id order ([ChainFor]): each entry names its chain,
// and its prev is the hash of the entry before it in that chain. The log may start with
// entries stored before the chains began (no hashes, chain 0: see [Sealed]); then, in each
// chain, the first entry must have the zero Hash as its prev, and every entry after it must
// have the hash of the one before it in the chain as its prev. So an entry changed in place
// or moved to another chain breaks at itself ("hash does not match its contents"), and one
// deleted or inserted breaks the link of the next entry of its chain ("prev hash does not
// match entry N").
type Verifier struct {
	entries, unchained int64
	lastID             int64
	// lastChained is the id of the last entry with a hash, while heads is not empty.
	lastChained int64
	// heads holds the last entry of each chain with entries.
	heads  map[int]Head
	broken *BreakError
}

// Add checks the next entry, s. It returns a [*BreakError] at the first entry that breaks a
// chain, and that same error from then on.
func (v *Verifier) Add(s Sealed) error {
	if v.broken != nil {
		return v.broken
	}
	if reason := v.check(s); reason != "" {
		v.broken = &BreakError{ID: s.ID, Chain: s.Chain, Reason: reason}
		return v.broken
	}
	v.entries++
	v.lastID = s.ID
	if s.Hash.IsZero() {
		v.unchained++
		return nil
	}
	if v.heads == nil {
		v.heads = make(map[int]Head)
	}
	v.lastChained = s.ID
	v.heads[s.Chain] = Head{Chain: s.Chain, ID: s.ID, Hash: s.Hash}
	return nil
}

// check returns why s cannot follow the entries added so far, or "".
func (v *Verifier) check(s Sealed) string {
	switch {
	case v.entries > 0 && s.ID <= v.lastID:
		return fmt.Sprintf("id does not follow entry %d", v.lastID)
	case s.Hash.IsZero() && len(v.heads) > 0:
		return fmt.Sprintf("no hash, though entry %d before it has one", v.lastChained)
	case s.Hash.IsZero() && !s.Prev.IsZero():
		return "a prev hash but no hash"
	case s.Hash.IsZero() && s.Chain != 0:
		return "a chain other than 0 but no hash"
	case s.Hash.IsZero():
		return ""
	case Link(s.Prev, s.Entry) != s.Hash:
		return "hash does not match its contents"
	}
	head, ok := v.heads[s.Chain]
	switch {
	case !ok && !s.Prev.IsZero():
		return "prev hash is not the start of the chain"
	case ok && s.Prev != head.Hash:
		return fmt.Sprintf("prev hash does not match entry %d", head.ID)
	}
	return ""
}

// Entries returns how many entries were added without a break.
func (v *Verifier) Entries() int64 { return v.entries }

// Unchained returns how many of them were stored before the chains began, and so are not
// covered by them.
func (v *Verifier) Unchained() int64 { return v.unchained }

// Heads returns the last entry of each chain with entries that have hashes, by chain.
func (v *Verifier) Heads() []Head {
	out := make([]Head, 0, len(v.heads))
	for _, h := range v.heads {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Head) int { return cmp.Compare(a.Chain, b.Chain) })
	return out
}

// Verify checks a whole log, entries in id order from its first; it returns the
// [*BreakError] of the first break, or nil.
func Verify(entries []Sealed) error {
	var v Verifier
	for _, s := range entries {
		if err := v.Add(s); err != nil {
			return err
		}
	}
	return nil
}
