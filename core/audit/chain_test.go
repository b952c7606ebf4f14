package audit_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/audit"
)

// chain seals entries with the given ids, in order, after prev.
func chain(prev audit.Hash, ids ...int64) []audit.Sealed {
	out := make([]audit.Sealed, 0, len(ids))
	for _, id := range ids {
		e := audit.Entry{
			ID: id, At: time.Date(2026, 3, 21, 9, 0, int(id), 0, time.UTC), ActorID: 7,
			ActorRole: "finance", Action: "price.set", Entity: "price", EntityID: fmt.Sprint(id),
		}
		s := audit.Sealed{Entry: e, Prev: prev, Hash: audit.Link(prev, e)}
		out = append(out, s)
		prev = s.Hash
	}
	return out
}

// unchained returns entries stored before the chain began: no hashes.
func unchained(ids ...int64) []audit.Sealed {
	out := chain(audit.Hash{}, ids...)
	for i := range out {
		out[i].Prev, out[i].Hash = audit.Hash{}, audit.Hash{}
	}
	return out
}

// reseal recomputes the hash of entries[i] from its contents, as an attacker who edits an
// entry could.
func reseal(entries []audit.Sealed, i int) {
	entries[i].Hash = audit.Link(entries[i].Prev, entries[i].Entry)
}

func TestVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// log returns the entries as stored, in id order.
		log       func() []audit.Sealed
		wantBreak *audit.BreakError
		// wantEntries and wantUnchained are the counts of an unbroken log.
		wantEntries, wantUnchained int64
	}{
		{"Empty", func() []audit.Sealed { return nil }, nil, 0, 0},
		{"Valid", func() []audit.Sealed { return chain(audit.Hash{}, 1, 2, 3, 4) }, nil, 4, 0},
		{"GapsFromRolledBackAppends", func() []audit.Sealed { return chain(audit.Hash{}, 1, 2, 5, 9) }, nil, 4, 0},
		{"UnchainedPrefix", func() []audit.Sealed {
			return append(unchained(1, 2), chain(audit.Hash{}, 3, 4)...)
		}, nil, 4, 2},
		{"OnlyUnchained", func() []audit.Sealed { return unchained(1, 2, 3) }, nil, 3, 3},
		{"EditedEntry", func() []audit.Sealed {
			log := chain(audit.Hash{}, 1, 2, 3, 4)
			log[2].Reason = "edited"
			return log
		}, &audit.BreakError{ID: 3, Reason: "hash does not match its contents"}, 0, 0},
		{"EditedEntryResealed", func() []audit.Sealed {
			log := chain(audit.Hash{}, 1, 2, 3, 4)
			log[2].Reason = "edited"
			reseal(log, 2)
			return log
		}, &audit.BreakError{ID: 4, Reason: "prev hash does not match entry 3"}, 0, 0},
		{"EditedHash", func() []audit.Sealed {
			log := chain(audit.Hash{}, 1, 2, 3)
			log[1].Hash[0] ^= 1
			return log
		}, &audit.BreakError{ID: 2, Reason: "hash does not match its contents"}, 0, 0},
		{"EditedPrev", func() []audit.Sealed {
			log := chain(audit.Hash{}, 1, 2, 3)
			log[1].Prev[0] ^= 1
			return log
		}, &audit.BreakError{ID: 2, Reason: "hash does not match its contents"}, 0, 0},
		{"EditedPrevResealed", func() []audit.Sealed {
			log := chain(audit.Hash{}, 1, 2, 3)
			log[1].Prev[0] ^= 1
			reseal(log, 1)
			return log
		}, &audit.BreakError{ID: 2, Reason: "prev hash does not match entry 1"}, 0, 0},
		{"DeletedMiddle", func() []audit.Sealed {
			return slices.Delete(chain(audit.Hash{}, 1, 2, 3, 4), 1, 2)
		}, &audit.BreakError{ID: 3, Reason: "prev hash does not match entry 1"}, 0, 0},
		{"DeletedFirst", func() []audit.Sealed {
			return chain(audit.Hash{}, 1, 2, 3)[1:]
		}, &audit.BreakError{ID: 2, Reason: "prev hash is not the start of the chain"}, 0, 0},
		{"FirstHashesRemoved", func() []audit.Sealed {
			log := chain(audit.Hash{}, 1, 2, 3)
			log[0].Prev, log[0].Hash = audit.Hash{}, audit.Hash{}
			return log
		}, &audit.BreakError{ID: 2, Reason: "prev hash is not the start of the chain"}, 0, 0},
		{"Inserted", func() []audit.Sealed {
			log := chain(audit.Hash{}, 10, 20, 30)
			forged := chain(log[1].Hash, 25)
			return slices.Insert(log, 2, forged...)
		}, &audit.BreakError{ID: 30, Reason: "prev hash does not match entry 25"}, 0, 0},
		{"HashRemovedAfterChainBegan", func() []audit.Sealed {
			log := chain(audit.Hash{}, 1, 2, 3)
			log[2].Prev, log[2].Hash = audit.Hash{}, audit.Hash{}
			return log
		}, &audit.BreakError{ID: 3, Reason: "no hash, though entry 2 before it has one"}, 0, 0},
		{"PrevWithoutHash", func() []audit.Sealed {
			log := unchained(1, 2)
			log[1].Prev[0] = 1
			return log
		}, &audit.BreakError{ID: 2, Reason: "a prev hash but no hash"}, 0, 0},
		{"SwappedEntries", func() []audit.Sealed {
			log := chain(audit.Hash{}, 1, 2, 3)
			log[1], log[2] = log[2], log[1]
			return log
		}, &audit.BreakError{ID: 3, Reason: "prev hash does not match entry 1"}, 0, 0},
		{"IDsOutOfOrder", func() []audit.Sealed {
			return chain(audit.Hash{}, 1, 3, 2)
		}, &audit.BreakError{ID: 2, Reason: "id does not follow entry 3"}, 0, 0},
		{"RepeatedID", func() []audit.Sealed {
			log := chain(audit.Hash{}, 1, 2)
			return append(log, chain(log[1].Hash, 2)...)
		}, &audit.BreakError{ID: 2, Reason: "id does not follow entry 2"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log := tt.log()
			err := audit.Verify(log)
			if tt.wantBreak != nil {
				var got *audit.BreakError
				require.ErrorAs(t, err, &got)
				require.Equal(t, tt.wantBreak, got)
				return
			}
			require.NoError(t, err)
			var v audit.Verifier
			for _, s := range log {
				require.NoError(t, v.Add(s))
			}
			require.Equal(t, tt.wantEntries, v.Entries())
			require.Equal(t, tt.wantUnchained, v.Unchained())
			id, head, ok := v.Head()
			require.Equal(t, tt.wantEntries > tt.wantUnchained, ok)
			if ok {
				require.Equal(t, log[len(log)-1].ID, id)
				require.Equal(t, log[len(log)-1].Hash, head)
			}
		})
	}
}

func TestVerifierStopsAtTheFirstBreak(t *testing.T) {
	t.Parallel()
	log := chain(audit.Hash{}, 1, 2, 3, 4)
	log[1].Reason = "edited"
	var v audit.Verifier
	require.NoError(t, v.Add(log[0]))
	first := v.Add(log[1])
	require.EqualError(t, first, "broken at entry 2: hash does not match its contents")
	for _, s := range log[2:] {
		require.Same(t, first, v.Add(s), "later entries repeat the first break")
	}
	require.EqualValues(t, 1, v.Entries())
	id, _, ok := v.Head()
	require.True(t, ok)
	require.EqualValues(t, 1, id)
}

func TestVerifierPageByPage(t *testing.T) {
	t.Parallel()
	log := append(unchained(1), chain(audit.Hash{}, 2, 3, 4, 5, 6, 7)...)
	var v audit.Verifier
	for page := range slices.Chunk(log, 3) {
		for _, s := range page {
			require.NoError(t, v.Add(s))
		}
	}
	require.EqualValues(t, 7, v.Entries())
	require.EqualValues(t, 1, v.Unchained())
}
