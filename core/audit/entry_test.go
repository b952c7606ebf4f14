package audit_test

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
)

// sampleEntry has every field set.
func sampleEntry() audit.Entry {
	return audit.Entry{
		ID:           42,
		At:           time.Date(2026, 3, 21, 9, 30, 15, 123456000, time.UTC),
		ActorID:      7,
		ActorRole:    "finance",
		Action:       "trading.halt",
		Entity:       "trading",
		EntityID:     "1",
		Reason:       "maintenance",
		IP:           "203.0.113.7",
		UserAgent:    "Mozilla/5.0",
		RequestID:    "req-1",
		BeforeDigest: strings.Repeat("ab", 32),
		AfterDigest:  strings.Repeat("cd", 32),
	}
}

// encodeByHand is the encoding Link documents, written out independently of it.
func encodeByHand(prev audit.Hash, e audit.Entry) []byte {
	var b []byte
	text := func(s string) {
		b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
		b = append(b, s...)
	}
	text("talabin.audit.v1")
	b = append(b, prev[:]...)
	for _, v := range []int64{e.ID, e.At.Unix(), int64(e.At.Nanosecond()), int64(e.ActorID)} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	for _, s := range []string{
		e.ActorRole, e.Action, e.Entity, e.EntityID, e.Reason, e.IP, e.UserAgent, e.RequestID,
		e.BeforeDigest, e.AfterDigest,
	} {
		text(s)
	}
	if e.Chain != 0 {
		b = binary.BigEndian.AppendUint64(b, uint64(e.Chain))
	}
	return b
}

func TestLinkIsTheDocumentedEncoding(t *testing.T) {
	t.Parallel()
	prev := audit.Hash(sha256.Sum256([]byte("prev")))
	tests := []struct {
		name  string
		prev  audit.Hash
		entry audit.Entry
	}{
		{"Genesis", audit.Hash{}, sampleEntry()},
		{"Chained", prev, sampleEntry()},
		{"EmptyFields", prev, audit.Entry{ID: 1, At: time.Unix(0, 0), Action: "x"}},
		{"BeforeTheEpoch", prev, audit.Entry{ID: 1, At: time.Date(1969, 12, 31, 23, 59, 59, 999_999_000, time.UTC), Action: "x"}},
		{"OtherChain", prev, func() audit.Entry { e := sampleEntry(); e.Chain = 3; return e }()},
		{"LastChain", audit.Hash{}, audit.Entry{ID: 1, At: time.Unix(0, 0), Action: "x", Chain: 1023}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, audit.Hash(sha256.Sum256(encodeByHand(tt.prev, tt.entry))), audit.Link(tt.prev, tt.entry))
		})
	}
}

// TestLinkIsStable pins the hash of one entry in chain 0 and in chain 3: the stored chains
// depend on the encoding, so changing it must be a deliberate, versioned change. The chain-0
// hash is the one pinned before the log had several chains: entries chained then keep
// theirs.
func TestLinkIsStable(t *testing.T) {
	t.Parallel()
	require.Equal(t, "3400b6c0f0a6638f6415a72b7ab83004c54ac55224eb543fcc757ab3c8ebf5ae", audit.Link(audit.Hash{}, sampleEntry()).String())
	e := sampleEntry()
	e.Chain = 3
	require.Equal(t, "1e69d795558651e4fd176415f13e0ee315cf6bc77488c0280aaba9b0f40393dc", audit.Link(audit.Hash{}, e).String())
}

func TestLinkCoversTheChain(t *testing.T) {
	t.Parallel()
	e := sampleEntry()
	seen := map[audit.Hash]int{}
	for _, chain := range []int{0, 1, 2, 15, 16, 1023} {
		e.Chain = chain
		h := audit.Link(audit.Hash{}, e)
		prev, dup := seen[h]
		require.False(t, dup, "chains %d and %d hash alike", prev, chain)
		seen[h] = chain
	}
}

func TestLinkNamesAnInstant(t *testing.T) {
	t.Parallel()
	e := sampleEntry()
	want := audit.Link(audit.Hash{}, e)
	tehran := time.FixedZone("IRST", 3*3600+1800)
	e.At = e.At.In(tehran)
	require.Equal(t, want, audit.Link(audit.Hash{}, e), "the location does not matter")
	e.At = e.At.UTC().Local()
	require.Equal(t, want, audit.Link(audit.Hash{}, e), "nor does the local zone")
}

func TestLinkCoversEveryField(t *testing.T) {
	t.Parallel()
	base := sampleEntry()
	want := audit.Link(audit.Hash{}, base)
	tests := []struct {
		name   string
		change func(e *audit.Entry)
	}{
		{"ID", func(e *audit.Entry) { e.ID++ }},
		{"AtSecond", func(e *audit.Entry) { e.At = e.At.Add(time.Second) }},
		{"AtMicrosecond", func(e *audit.Entry) { e.At = e.At.Add(time.Microsecond) }},
		{"ActorID", func(e *audit.Entry) { e.ActorID = core.UserID(8) }},
		{"ActorRole", func(e *audit.Entry) { e.ActorRole = "superadmin" }},
		{"Action", func(e *audit.Entry) { e.Action = "trading.resume" }},
		{"Entity", func(e *audit.Entry) { e.Entity = "price" }},
		{"EntityID", func(e *audit.Entry) { e.EntityID = "2" }},
		{"Reason", func(e *audit.Entry) { e.Reason = "" }},
		{"IP", func(e *audit.Entry) { e.IP = "203.0.113.8" }},
		{"UserAgent", func(e *audit.Entry) { e.UserAgent = "curl/8" }},
		{"RequestID", func(e *audit.Entry) { e.RequestID = "req-2" }},
		{"BeforeDigest", func(e *audit.Entry) { e.BeforeDigest = "" }},
		{"AfterDigest", func(e *audit.Entry) { e.AfterDigest = strings.Repeat("ce", 32) }},
		{"ReasonIntoIP", func(e *audit.Entry) { e.Reason, e.IP = "maintenance2", "03.0.113.7" }},
		{"EmptyFieldsSwapped", func(e *audit.Entry) { e.BeforeDigest, e.AfterDigest = e.AfterDigest, e.BeforeDigest }},
		{"Chain", func(e *audit.Entry) { e.Chain = 3 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := base
			tt.change(&e)
			require.NotEqual(t, want, audit.Link(audit.Hash{}, e))
		})
	}
	require.NotEqual(t, want, audit.Link(audit.Hash{1}, base), "prev is covered")
}

// FuzzLinkChanges checks that Link tells apart an entry from the same entry with one field
// changed, or with bytes moved from one text field into the next: the encoding is
// unambiguous.
func FuzzLinkChanges(f *testing.F) {
	f.Add(int64(1), int64(1_774_085_415), int64(123_456_000), int64(7),
		"finance", "trading.halt", "trading", "1", "maintenance", "203.0.113.7", "Mozilla/5.0", "req-1", "", "",
		uint8(4), uint8(3))
	f.Add(int64(0), int64(0), int64(0), int64(0), "", "", "", "", "", "", "", "", "", "", uint8(0), uint8(0))
	f.Add(int64(-1), int64(-62_135_596_800), int64(999_999_999), int64(-5),
		"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", uint8(13), uint8(200))
	f.Add(int64(9), int64(5), int64(5), int64(9), "ab", "", "\x00\x00", "x", "", "", "\xff", "", "y", "zz", uint8(1), uint8(2))
	f.Fuzz(func(t *testing.T, id, sec, nsec, actor int64,
		role, action, entity, entityID, reason, ip, agent, request, before, after string,
		which, shift uint8,
	) {
		t.Parallel()
		e := audit.Entry{
			ID: id, At: time.Unix(sec, nsec%1_000_000_000), ActorID: core.UserID(actor),
			ActorRole: role, Action: action, Entity: entity, EntityID: entityID, Reason: reason,
			IP: ip, UserAgent: agent, RequestID: request, BeforeDigest: before, AfterDigest: after,
			Chain: int(shift % 3),
		}
		var prev audit.Hash
		prev[0] = byte(which)
		want := audit.Link(prev, e)
		require.Equal(t, want, audit.Link(prev, e), "deterministic")

		texts := func(e *audit.Entry) []*string {
			return []*string{
				&e.ActorRole, &e.Action, &e.Entity, &e.EntityID, &e.Reason, &e.IP, &e.UserAgent,
				&e.RequestID, &e.BeforeDigest, &e.AfterDigest,
			}
		}
		// One field changed.
		changed := e
		switch n := int(which) % 16; n {
		case 10:
			changed.ID++
		case 11:
			changed.At = changed.At.Add(time.Nanosecond)
		case 12:
			changed.ActorID++
		case 13:
			changed.At = changed.At.Add(time.Second)
		case 14:
			prev[1]++
		case 15:
			changed.Chain++
		default:
			*texts(&changed)[n] += "x"
		}
		require.NotEqual(t, want, audit.Link(prev, changed), "field %d changed", which%16)
		prev[1] = 0

		// Bytes moved between adjacent text fields, either way.
		i := int(which) % 9
		k := int(shift)
		moved := e
		left, right := texts(&moved)[i], texts(&moved)[i+1]
		if k%2 == 0 && len(*left) > 0 {
			k = 1 + k/2%len(*left)
			*left, *right = (*left)[:len(*left)-k], (*left)[len(*left)-k:]+*right
		} else if len(*right) > 0 {
			k = 1 + k/2%len(*right)
			*left, *right = *left+(*right)[:k], (*right)[k:]
		} else {
			return
		}
		require.NotEqual(t, want, audit.Link(prev, moved), "%d bytes moved between fields %d and %d", k, i, i+1)
	})
}
