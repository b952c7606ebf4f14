package audit

import "fmt"

// Sealed is an entry as stored with its links: Prev, the hash of the entry before it, and
// Hash, [Link] of the two. Both are zero on an entry stored before the chain began.
type Sealed struct {
	Entry
	Prev, Hash Hash
}

// BreakError is the first entry at which a chain does not hold.
type BreakError struct {
	// ID is the entry's id.
	ID int64
	// Reason says what is wrong with it, e.g. "hash does not match its contents".
	Reason string
}

func (e *BreakError) Error() string {
	return fmt.Sprintf("broken at entry %d: %s", e.ID, e.Reason)
}

// Verifier checks a log one entry at a time in id order, so that a log larger than memory is
// checked page by page. The zero Verifier is at the start of the log.
//
// The log may start with entries stored before the chain began (no hashes: see [Sealed]);
// the first entry with a hash must then have the zero Hash as its prev, and every entry
// after it must have a hash whose prev is the hash of the entry before it. So an entry
// changed in place breaks the chain at itself ("hash does not match its contents"), and one
// deleted or inserted breaks it at the entry after it ("prev hash does not match entry N").
type Verifier struct {
	entries, unchained int64
	lastID             int64
	// chained reports that an entry with a hash was added; headID and head are the last.
	chained bool
	headID  int64
	head    Hash
	broken  *BreakError
}

// Add checks the next entry, s. It returns a [*BreakError] at the first entry that breaks the
// chain, and that same error from then on.
func (v *Verifier) Add(s Sealed) error {
	if v.broken != nil {
		return v.broken
	}
	if reason := v.check(s); reason != "" {
		v.broken = &BreakError{ID: s.ID, Reason: reason}
		return v.broken
	}
	v.entries++
	v.lastID = s.ID
	if s.Hash.IsZero() {
		v.unchained++
		return nil
	}
	v.chained, v.headID, v.head = true, s.ID, s.Hash
	return nil
}

// check returns why s cannot follow the entries added so far, or "".
func (v *Verifier) check(s Sealed) string {
	switch {
	case v.entries > 0 && s.ID <= v.lastID:
		return fmt.Sprintf("id does not follow entry %d", v.lastID)
	case s.Hash.IsZero() && v.chained:
		return fmt.Sprintf("no hash, though entry %d before it has one", v.headID)
	case s.Hash.IsZero() && !s.Prev.IsZero():
		return "a prev hash but no hash"
	case s.Hash.IsZero():
		return ""
	case Link(s.Prev, s.Entry) != s.Hash:
		return "hash does not match its contents"
	case !v.chained && !s.Prev.IsZero():
		return "prev hash is not the start of the chain"
	case v.chained && s.Prev != v.head:
		return fmt.Sprintf("prev hash does not match entry %d", v.headID)
	}
	return ""
}

// Entries returns how many entries were added without a break.
func (v *Verifier) Entries() int64 { return v.entries }

// Unchained returns how many of them were stored before the chain began, and so are not
// covered by it.
func (v *Verifier) Unchained() int64 { return v.unchained }

// Head returns the last entry of the chain so far and its hash; ok is false while no entry
// with a hash was added.
func (v *Verifier) Head() (id int64, h Hash, ok bool) { return v.headID, v.head, v.chained }

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
