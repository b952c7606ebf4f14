package audit_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
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

// interleaved seals entries first, first+1, ... in the chains given, one chain per entry:
// each entry follows the one before it in its chain.
func interleaved(first int64, chains ...int) []audit.Sealed {
	heads := map[int]audit.Hash{}
	out := make([]audit.Sealed, 0, len(chains))
	for i, c := range chains {
		id := first + int64(i)
		e := audit.Entry{
			ID: id, At: time.Date(2026, 3, 21, 9, 0, i, 0, time.UTC), ActorID: 7 + core.UserID(c),
			ActorRole: "user", Action: "order.place", Entity: "order", EntityID: fmt.Sprint(id), Chain: c,
		}
		s := audit.Sealed{Entry: e, Prev: heads[c], Hash: audit.Link(heads[c], e)}
		out = append(out, s)
		heads[c] = s.Hash
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
			heads := v.Heads()
			if tt.wantEntries == tt.wantUnchained {
				require.Empty(t, heads)
				return
			}
			last := log[len(log)-1]
			require.Equal(t, []audit.Head{{Chain: 0, ID: last.ID, Hash: last.Hash}}, heads)
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
	require.EqualError(t, first, "broken at entry 2 (chain 0): hash does not match its contents")
	for _, s := range log[2:] {
		require.Same(t, first, v.Add(s), "later entries repeat the first break")
	}
	require.EqualValues(t, 1, v.Entries())
	require.Equal(t, []audit.Head{{Chain: 0, ID: 1, Hash: log[0].Hash}}, v.Heads())
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

func TestVerifyInterleavedChains(t *testing.T) {
	t.Parallel()
	// Entries 1..8 in chains 0, 3, 3, 5, 0, 3, 5, 3.
	layout := []int{0, 3, 3, 5, 0, 3, 5, 3}
	tests := []struct {
		name string
		// log returns the entries as stored, in id order.
		log       func() []audit.Sealed
		wantBreak *audit.BreakError
	}{
		{"Valid", func() []audit.Sealed { return interleaved(1, layout...) }, nil},
		{"AfterUnchained", func() []audit.Sealed {
			return append(unchained(1, 2), interleaved(3, layout...)...)
		}, nil},
		{"EditedEntry", func() []audit.Sealed {
			log := interleaved(1, layout...)
			log[5].Reason = "edited"
			return log
		}, &audit.BreakError{ID: 6, Chain: 3, Reason: "hash does not match its contents"}},
		{"EditedEntryResealed", func() []audit.Sealed {
			log := interleaved(1, layout...)
			log[5].Reason = "edited"
			reseal(log, 5)
			return log
		}, &audit.BreakError{ID: 8, Chain: 3, Reason: "prev hash does not match entry 6"}},
		{"DeletedMiddle", func() []audit.Sealed {
			return slices.Delete(interleaved(1, layout...), 2, 3)
		}, &audit.BreakError{ID: 6, Chain: 3, Reason: "prev hash does not match entry 2"}},
		{"DeletedFirstOfAChain", func() []audit.Sealed {
			return slices.Delete(interleaved(1, layout...), 3, 4)
		}, &audit.BreakError{ID: 7, Chain: 5, Reason: "prev hash is not the start of the chain"}},
		{"MovedToAnotherChain", func() []audit.Sealed {
			log := interleaved(1, layout...)
			log[2].Chain = 5
			return log
		}, &audit.BreakError{ID: 3, Chain: 5, Reason: "hash does not match its contents"}},
		{"MovedToAnotherChainResealed", func() []audit.Sealed {
			// Entry 3 moved from chain 3 to chain 5 and rehashed: chain 5 has no entry
			// before it.
			log := interleaved(1, layout...)
			log[2].Chain = 5
			reseal(log, 2)
			return log
		}, &audit.BreakError{ID: 3, Chain: 5, Reason: "prev hash is not the start of the chain"}},
		{"MovedIntoAStartedChainResealed", func() []audit.Sealed {
			// Entry 6 moved from chain 3 to chain 0 and rehashed after chain 0's head:
			// chain 0 holds, and chain 3 breaks at its next entry.
			log := interleaved(1, layout...)
			log[5].Chain, log[5].Prev = 0, log[4].Hash
			reseal(log, 5)
			return log
		}, &audit.BreakError{ID: 8, Chain: 3, Reason: "prev hash does not match entry 3"}},
		{"FollowsAnotherChain", func() []audit.Sealed {
			// Entry 4, the first of chain 5, claims to follow chain 3's head.
			log := interleaved(1, layout...)
			log[3].Prev = log[2].Hash
			reseal(log, 3)
			return log
		}, &audit.BreakError{ID: 4, Chain: 5, Reason: "prev hash is not the start of the chain"}},
		{"ChainWithoutHash", func() []audit.Sealed {
			log := unchained(1, 2)
			log[1].Chain = 3
			return log
		}, &audit.BreakError{ID: 2, Chain: 3, Reason: "a chain other than 0 but no hash"}},
		{"HashRemovedAfterAnotherChainBegan", func() []audit.Sealed {
			log := interleaved(1, layout...)
			log[4].Prev, log[4].Hash, log[4].Chain = audit.Hash{}, audit.Hash{}, 0
			return log
		}, &audit.BreakError{ID: 5, Chain: 0, Reason: "no hash, though entry 4 before it has one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			log := tt.log()
			var v audit.Verifier
			var err error
			for _, s := range log {
				if err = v.Add(s); err != nil {
					break
				}
			}
			if tt.wantBreak != nil {
				var got *audit.BreakError
				require.ErrorAs(t, err, &got)
				require.Equal(t, tt.wantBreak, got)
				require.Equal(t, err, audit.Verify(log))
				return
			}
			require.NoError(t, err)
			require.EqualValues(t, len(log), v.Entries())
			require.Equal(t, int64(len(log)-len(layout)), v.Unchained())
			// The last entry of each chain, by chain.
			want := map[int]audit.Head{}
			for _, s := range log {
				if !s.Hash.IsZero() {
					want[s.Chain] = audit.Head{Chain: s.Chain, ID: s.ID, Hash: s.Hash}
				}
			}
			require.Equal(t, []audit.Head{want[0], want[3], want[5]}, v.Heads())
		})
	}
}

func TestBreakErrorNamesTheChain(t *testing.T) {
	t.Parallel()
	err := &audit.BreakError{ID: 42, Chain: 3, Reason: "hash does not match its contents"}
	require.EqualError(t, err, "broken at entry 42 (chain 3): hash does not match its contents")
}

func TestChainFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		actor    core.UserID
		entity   string
		entityID string
		chains   int
		want     int
	}{
		{"ActorModChains", 35, "order", "1", 16, 3},
		{"ActorBelowChains", 7, "", "", 16, 7},
		{"ActorMultipleOfChains", 32, "order", "1", 16, 0},
		{"EntityDoesNotMatterForAnActor", 35, "deposit", "9", 16, 3},
		{"OneChain", 35, "order", "1", 1, 0},
		{"NoChains", 35, "order", "1", 0, 0},
		{"NegativeActor", -1, "", "", 16, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, audit.ChainFor(tt.actor, tt.entity, tt.entityID, tt.chains))
		})
	}
}

func TestChainForSpreadsSystemEvents(t *testing.T) {
	t.Parallel()
	const chains = 16
	seen := map[int]bool{}
	for i := range 64 {
		c := audit.ChainFor(0, "deposit", fmt.Sprint(i), chains)
		require.GreaterOrEqual(t, c, 0)
		require.Less(t, c, chains)
		seen[c] = true
	}
	require.Greater(t, len(seen), chains/2, "64 deposits spread over most chains")
	require.NotEqual(t, audit.ChainFor(0, "deposit", "1", 1<<20), audit.ChainFor(0, "deposit1", "", 1<<20),
		"the entity and its id are kept apart")
}
