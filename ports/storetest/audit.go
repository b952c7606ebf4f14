package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/ports"
)

// appendAudit stores e and returns it as stored: with its id, its time to the microsecond,
// its chain and its links.
func (b *bundle) appendAudit(t *testing.T, e ports.AuditEvent) ports.AuditEvent {
	t.Helper()
	var id int64
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.Audit().Append(ctx, e)
		return err
	})
	require.Positive(t, id)
	var stored []ports.AuditEvent
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		stored, err = tx.Audit().Chain(ctx, id-1, 1)
		return err
	})
	require.Len(t, stored, 1)
	got := stored[0]
	want := e
	want.ID, want.At, want.PrevHash, want.Hash = id, e.At.UTC().Truncate(time.Microsecond), got.PrevHash, got.Hash
	want.Chain = got.Chain
	require.Equal(t, want, got, "the event as stored")
	require.GreaterOrEqual(t, got.Chain, 0)
	require.Equal(t, audit.Link(got.PrevHash, got.Entry()), got.Hash)
	return got
}

// listAudit reads one page of the audit log in a snapshot.
func (b *bundle) listAudit(t *testing.T, f ports.AuditFilter, offset, limit int) ([]ports.AuditEvent, int) {
	t.Helper()
	var events []ports.AuditEvent
	var total int
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		events, total, err = tx.Audit().List(ctx, f, offset, limit)
		return err
	})
	return events, total
}

// auditChain reads the whole audit log in id order, pageSize events at a time, in one
// snapshot.
func (b *bundle) auditChain(t *testing.T, pageSize int) []ports.AuditEvent {
	t.Helper()
	var all []ports.AuditEvent
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		all = nil
		var after int64
		for {
			page, err := tx.Audit().Chain(ctx, after, pageSize)
			if err != nil {
				return err
			}
			require.LessOrEqual(t, len(page), pageSize)
			if len(page) == 0 {
				return nil
			}
			all = append(all, page...)
			after = page[len(page)-1].ID
		}
	})
	return all
}

// requireChained checks that events, the whole log in id order, form whole chains: the first
// event of each chain follows the zero hash, every other follows the one before it in its
// chain (no fork, no gap), and every hash recomputes. It returns the events by chain.
func requireChained(t *testing.T, events []ports.AuditEvent) map[int][]ports.AuditEvent {
	t.Helper()
	chains := map[int][]ports.AuditEvent{}
	for i, e := range events {
		if i > 0 {
			require.Greater(t, e.ID, events[i-1].ID, "id order")
		}
		var prev audit.Hash
		if before := chains[e.Chain]; len(before) > 0 {
			prev = before[len(before)-1].Hash
		}
		require.Equal(t, prev, e.PrevHash, "prev hash of event %d in chain %d", e.ID, e.Chain)
		require.False(t, e.Hash.IsZero(), "event %d has a hash", e.ID)
		require.Equal(t, audit.Link(e.PrevHash, e.Entry()), e.Hash, "hash of event %d", e.ID)
		chains[e.Chain] = append(chains[e.Chain], e)
	}
	sealed := make([]audit.Sealed, 0, len(events))
	for _, e := range events {
		sealed = append(sealed, e.Sealed())
	}
	require.NoError(t, audit.Verify(sealed))
	return chains
}

// requireOneChainPerActor checks that all the events of each actor are in one chain. The
// system's own events (actor 0) go by their entity instead.
func requireOneChainPerActor(t *testing.T, events []ports.AuditEvent) {
	t.Helper()
	chainOf := map[core.UserID]int{}
	for _, e := range events {
		if e.ActorID == 0 {
			continue
		}
		if c, ok := chainOf[e.ActorID]; ok {
			require.Equal(t, c, e.Chain, "event %d of actor %d", e.ID, e.ActorID)
			continue
		}
		chainOf[e.ActorID] = e.Chain
	}
}

// errRollBack rolls a test transaction back.
var errRollBack = errors.New("storetest: roll back")

func auditCases() []testCase {
	return []testCase{
		{"AuditAppendAndList", func(t *testing.T, b *bundle) {
			admin, finance := b.newUser(t), b.newUser(t)
			at := func(m int) time.Time { return b.now.Add(time.Duration(m) * time.Minute) }
			digest := strings.Repeat("ab", 32)
			halt := b.appendAudit(t, ports.AuditEvent{
				At: at(0), ActorID: finance, ActorRole: "finance", Action: "trading.halt",
				Entity: "trading", EntityID: "1", Reason: "maintenance", IP: "203.0.113.7",
				UserAgent: "Mozilla/5.0", RequestID: "req-1", BeforeDigest: digest, AfterDigest: strings.Repeat("cd", 32),
			})
			price := b.appendAudit(t, ports.AuditEvent{
				At: at(1), ActorID: finance, ActorRole: "finance", Action: "price.set", Entity: "price", EntityID: "7",
			})
			disable := b.appendAudit(t, ports.AuditEvent{
				At: at(2), ActorID: admin, ActorRole: "superadmin", Action: "user.disable", Entity: "user", EntityID: "42",
				Reason: "fraud",
			})
			enable := b.appendAudit(t, ports.AuditEvent{
				At: at(2), ActorID: admin, ActorRole: "superadmin", Action: "user.enable", Entity: "user", EntityID: "42",
			})
			system := b.appendAudit(t, ports.AuditEvent{At: at(3), Action: "trading.halt", Entity: "trading", EntityID: "1"})

			tests := []struct {
				name   string
				filter ports.AuditFilter
				want   []ports.AuditEvent
			}{
				{"All", ports.AuditFilter{}, []ports.AuditEvent{system, enable, disable, price, halt}},
				{"Actor", ports.AuditFilter{ActorID: finance}, []ports.AuditEvent{price, halt}},
				{"Action", ports.AuditFilter{Action: "trading.halt"}, []ports.AuditEvent{system, halt}},
				{"Entity", ports.AuditFilter{Entity: "user", EntityID: "42"}, []ports.AuditEvent{enable, disable}},
				{"EntityOtherID", ports.AuditFilter{Entity: "user", EntityID: "43"}, nil},
				{"FromInclusive", ports.AuditFilter{From: at(2)}, []ports.AuditEvent{system, enable, disable}},
				{"ToExclusive", ports.AuditFilter{To: at(2)}, []ports.AuditEvent{price, halt}},
				{"Window", ports.AuditFilter{From: at(1), To: at(3)}, []ports.AuditEvent{enable, disable, price}},
				{"Everything", ports.AuditFilter{ActorID: admin, Action: "user.disable", Entity: "user", EntityID: "42", From: at(2), To: at(3)}, []ports.AuditEvent{disable}},
			}
			for _, tt := range tests {
				got, total := b.listAudit(t, tt.filter, 0, 10)
				require.Equal(t, len(tt.want), total, tt.name)
				if len(tt.want) == 0 {
					require.Empty(t, got, tt.name)
					continue
				}
				require.Equal(t, tt.want, got, tt.name)
			}
			var pages []ports.AuditEvent
			for offset := 0; offset < 6; offset += 2 {
				page, total := b.listAudit(t, ports.AuditFilter{}, offset, 2)
				require.Equal(t, 5, total)
				pages = append(pages, page...)
			}
			require.Equal(t, []ports.AuditEvent{system, enable, disable, price, halt}, pages)
		}},
		{"AuditAppendInvalid", func(t *testing.T, b *bundle) {
			for name, e := range map[string]ports.AuditEvent{
				"NoTime":   {Action: "price.set"},
				"NoAction": {At: b.now},
			} {
				err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
					_, err := tx.Audit().Append(ctx, e)
					return err
				})
				require.ErrorIs(t, err, core.ErrInvalidInput, name)
			}
			require.Empty(t, b.auditChain(t, 10), "nothing was appended")
		}},
		{"AuditChainAcrossTransactions", func(t *testing.T, b *bundle) {
			user := b.newUser(t)
			// Nanoseconds, which the stores drop: the hash covers the stored time.
			first := b.appendAudit(t, ports.AuditEvent{
				At: b.now.Add(123_456_789), ActorID: user, ActorRole: "user", Action: "order.place",
				Entity: "order", EntityID: "1", IP: "203.0.113.7", UserAgent: "Mozilla/5.0", RequestID: "req-1",
			})
			require.True(t, first.PrevHash.IsZero(), "the first event of a chain follows the zero hash")
			second := b.appendAudit(t, ports.AuditEvent{At: b.now, ActorID: user, Action: "order.cancel", Entity: "order", EntityID: "1"})
			require.Equal(t, first.Chain, second.Chain, "one actor, one chain")
			require.Equal(t, first.Hash, second.PrevHash)
			// Two events in one transaction chain one after the other.
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				for i := range 2 {
					if _, err := tx.Audit().Append(ctx, ports.AuditEvent{At: b.now, ActorID: user, Action: "price.set", EntityID: fmt.Sprint(i)}); err != nil {
						return err
					}
				}
				return nil
			})
			b.appendAudit(t, ports.AuditEvent{At: b.now.In(time.FixedZone("IRST", 12600)), ActorID: user, Action: "trading.resume"})
			chain := b.auditChain(t, 10)
			require.Len(t, chain, 5)
			require.Equal(t, []ports.AuditEvent{first, second}, chain[:2])
			require.Equal(t, map[int][]ports.AuditEvent{first.Chain: chain}, requireChained(t, chain), "the user's events share one chain")
			listed, total := b.listAudit(t, ports.AuditFilter{}, 0, 10)
			require.Equal(t, 5, total)
			require.ElementsMatch(t, chain, listed, "List hands out the chains and links too")
		}},
		{"AuditChainsPerActor", func(t *testing.T, b *bundle) {
			// Two users and the system append in turn, one event per transaction: each
			// event follows the last event of its own chain, whatever was appended to other
			// chains in between, and each actor's events stay in one chain.
			alice, bob := b.newUser(t), b.newUser(t)
			events := []ports.AuditEvent{
				{At: b.now, ActorID: alice, ActorRole: "user", Action: "order.place", Entity: "order", EntityID: "1"},
				{At: b.now, ActorID: bob, ActorRole: "user", Action: "order.place", Entity: "order", EntityID: "2"},
				{At: b.now, ActorRole: "system", Action: "deposit.credit", Entity: "deposit", EntityID: "1"},
				{At: b.now, ActorID: alice, ActorRole: "user", Action: "order.cancel", Entity: "order", EntityID: "1"},
				{At: b.now, ActorRole: "system", Action: "deposit.credit", Entity: "deposit", EntityID: "2"},
				{At: b.now, ActorID: bob, ActorRole: "user", Action: "order.place", Entity: "order", EntityID: "3"},
				{At: b.now, ActorID: alice, ActorRole: "user", Action: "order.place", Entity: "order", EntityID: "4"},
				{At: b.now, ActorRole: "system", Action: "deposit.fail", Entity: "deposit", EntityID: "1"},
			}
			heads := map[int]audit.Hash{}
			var stored []ports.AuditEvent
			for _, e := range events {
				got := b.appendAudit(t, e)
				require.Equal(t, heads[got.Chain], got.PrevHash, "event %d follows the last of chain %d", got.ID, got.Chain)
				heads[got.Chain] = got.Hash
				stored = append(stored, got)
			}
			require.Equal(t, stored[0].Chain, stored[3].Chain, "alice's events share a chain")
			require.Equal(t, stored[2].Chain, stored[7].Chain, "the system's events on one deposit share a chain")
			chain := b.auditChain(t, 3)
			require.Equal(t, stored, chain)
			requireChained(t, chain)
			requireOneChainPerActor(t, chain)
		}},
		{"AuditChainSkipsRolledBackAppends", func(t *testing.T, b *bundle) {
			alice, bob := b.newUser(t), b.newUser(t)
			kept := b.appendAudit(t, ports.AuditEvent{At: b.now, ActorID: alice, Action: "price.set"})
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				for _, actor := range []core.UserID{alice, alice, bob} {
					if _, err := tx.Audit().Append(ctx, ports.AuditEvent{At: b.now, ActorID: actor, Action: "trading.halt"}); err != nil {
						return err
					}
				}
				return errRollBack
			})
			require.ErrorIs(t, err, errRollBack)
			next := b.appendAudit(t, ports.AuditEvent{At: b.now, ActorID: alice, Action: "trading.resume"})
			require.Equal(t, kept.Hash, next.PrevHash, "the rolled-back events left no gap in the chain")
			other := b.appendAudit(t, ports.AuditEvent{At: b.now, ActorID: bob, Action: "trading.resume"})
			if other.Chain != kept.Chain {
				require.True(t, other.PrevHash.IsZero(), "bob's rolled-back event did not start his chain")
			}
			requireChained(t, b.auditChain(t, 10))
		}},
		{"AuditChainParallelAppends", func(t *testing.T, b *bundle) {
			// 8 goroutines of 4 actors, two each, each running 4 transactions that append one
			// or two events of its actor; every third transaction rolls back. Appends race
			// within a chain (one actor's goroutines) and across chains. Every chain must come
			// out whole: one event after another in id order, no two following the same one;
			// each actor's events in one chain; and the actors spread over several chains
			// (as every store does with its default number of chains).
			const goroutines, txs = 8, 4
			var committed atomic.Int64
			wins := race(t, goroutines, func(g int) error {
				actor := core.UserID(1 + g/2)
				for i := range txs {
					events := 1 + (g+i)%2
					err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
						for k := range events {
							e := ports.AuditEvent{
								At: b.now, ActorID: actor, ActorRole: "user", Action: "order.place", Entity: "order",
								EntityID: fmt.Sprintf("%d-%d-%d", g, i, k),
							}
							if _, err := tx.Audit().Append(ctx, e); err != nil {
								return err
							}
						}
						if (g*txs+i)%3 == 0 {
							return errRollBack
						}
						return nil
					})
					switch {
					case errors.Is(err, errRollBack):
					case err != nil:
						return err
					default:
						committed.Add(int64(events))
					}
				}
				return nil
			})
			require.EqualValues(t, goroutines, wins)
			chain := b.auditChain(t, 7)
			require.Len(t, chain, int(committed.Load()))
			byChain := requireChained(t, chain)
			requireOneChainPerActor(t, chain)
			require.Greater(t, len(byChain), 1, "the actors spread over chains")
		}},
		{"AuditChainPages", func(t *testing.T, b *bundle) {
			var appended []ports.AuditEvent
			for i := range 5 {
				appended = append(appended, b.appendAudit(t, ports.AuditEvent{At: b.now, Action: "price.set", EntityID: fmt.Sprint(i)}))
			}
			for _, size := range []int{1, 2, 5, 6} {
				require.Equal(t, appended, b.auditChain(t, size), "pages of %d", size)
			}
			last := appended[len(appended)-1].ID
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				after, err := tx.Audit().Chain(ctx, appended[1].ID, 2)
				require.NoError(t, err)
				require.Equal(t, appended[2:4], after)
				none, err := tx.Audit().Chain(ctx, last, 10)
				require.NoError(t, err)
				require.Empty(t, none)
				none, err = tx.Audit().Chain(ctx, 0, 0)
				require.NoError(t, err)
				require.Empty(t, none, "a zero limit returns none")
				_, err = tx.Audit().Chain(ctx, 0, -1)
				require.ErrorIs(t, err, core.ErrInvalidInput)
				return nil
			})
		}},
	}
}
