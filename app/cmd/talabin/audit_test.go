package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/ports"
)

// TestAuditVerify appends events through the store, changes the database behind its back
// (dropping the append-only triggers first, as an attacker with database access could) and
// expects `talabin audit verify` to name the first entry whose link breaks, and its chain,
// and exit 1. The appended events alternate between two actors, so that they interleave two
// chains: entries 1, 3, 5 in chain 7 and 2, 4, 6 in chain 8.
func TestAuditVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// legacy events are inserted without hashes before the appended ones, as events
		// stored before the chain's migration are.
		legacy, appended int
		// tamper returns statements to run on the database after the appends.
		tamper     func(t *testing.T, path string) []string
		wantCode   int
		wantStdout []string
	}{
		{
			name:       "Empty",
			wantCode:   exitOK,
			wantStdout: []string{"entries=0 ok\n"},
		},
		{
			name:       "Intact",
			appended:   3,
			wantCode:   exitOK,
			wantStdout: []string{"entries=3 ok\nhead chain 7: entry 3 ", "\nhead chain 8: entry 2 "},
		},
		{
			name:     "EntriesBeforeTheChain",
			legacy:   2,
			appended: 2,
			wantCode: exitOK,
			wantStdout: []string{
				"entries=4 ok\n", "unchained=2: the first 2 entries predate the hash chain",
				"head chain 7: entry 3 ", "head chain 8: entry 4 ",
			},
		},
		{
			name:       "EditedEntry",
			appended:   4,
			tamper:     statements(`DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET reason = 'nothing happened' WHERE id = 4`),
			wantCode:   exitFailure,
			wantStdout: []string{"broken at entry 4 (chain 8): hash does not match its contents\n"},
		},
		{
			name:     "EditedEntryResealed",
			appended: 6,
			// An attacker who knows the encoding edits entry 2 and recomputes its hash: the
			// link of entry 4, the next in its chain, still names the old one.
			tamper: func(t *testing.T, path string) []string {
				e := storedAuditEvent(t, path, 2)
				e.Reason = "nothing happened"
				h := audit.Link(e.PrevHash, e.Entry())
				return []string{
					`DROP TRIGGER audit_events_no_update`,
					fmt.Sprintf(`UPDATE audit_events SET reason = '%s', hash = x'%s' WHERE id = 2`, e.Reason, h),
				}
			},
			wantCode:   exitFailure,
			wantStdout: []string{"broken at entry 4 (chain 8): prev hash does not match entry 2\n"},
		},
		{
			name:       "MovedToAnotherChain",
			appended:   4,
			tamper:     statements(`DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET chain = 8 WHERE id = 3`),
			wantCode:   exitFailure,
			wantStdout: []string{"broken at entry 3 (chain 8): hash does not match its contents\n"},
		},
		{
			name:       "DeletedMiddleEntry",
			appended:   6,
			tamper:     statements(`DROP TRIGGER audit_events_no_delete`, `DELETE FROM audit_events WHERE id = 3`),
			wantCode:   exitFailure,
			wantStdout: []string{"broken at entry 5 (chain 7): prev hash does not match entry 1\n"},
		},
		{
			name:       "DeletedFirstEntryOfAChain",
			appended:   4,
			tamper:     statements(`DROP TRIGGER audit_events_no_delete`, `DELETE FROM audit_events WHERE id = 2`),
			wantCode:   exitFailure,
			wantStdout: []string{"broken at entry 4 (chain 8): prev hash is not the start of the chain\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pathEntry := tempSQLitePath(t)
			environ := []string{"DEBUG=true", pathEntry}
			path := strings.TrimPrefix(pathEntry, "SQLITE_PATH=")
			var stdout, stderr bytes.Buffer
			require.Equal(t, exitOK, run(t.Context(), []string{"migrate", "up"}, environ, &stdout, &stderr), stderr.String())

			execSQLite(t, path, legacyAuditEvents(tt.legacy)...)
			appendAuditEvents(t, path, tt.appended)
			if tt.tamper != nil {
				execSQLite(t, path, tt.tamper(t, path)...)
			}

			stdout.Reset()
			stderr.Reset()
			code := run(t.Context(), []string{"audit", "verify"}, environ, &stdout, &stderr)

			require.Equal(t, tt.wantCode, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
			for _, want := range tt.wantStdout {
				require.Contains(t, stdout.String(), want)
			}
			if tt.wantCode == exitOK {
				require.Empty(t, stderr.String())
			} else {
				require.Equal(t, "talabin: audit verify: the audit log's hash chain is broken\n", stderr.String())
			}
		})
	}
}

// appendAuditEvents appends n events through the store, each in a transaction of its own, by
// actors 7 and 8 in turn: chains 7 and 8 of the default 16.
func appendAuditEvents(t *testing.T, path string, n int) {
	t.Helper()
	if n == 0 {
		return
	}
	store, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	require.NoError(t, err)
	defer func() { require.NoError(t, store.Close()) }()
	at := time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)
	for i := range n {
		require.NoError(t, store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Audit().Append(ctx, ports.AuditEvent{
				At: at.Add(time.Duration(i) * time.Minute), ActorID: core.UserID(7 + i%2), ActorRole: "finance",
				Action: "price.set", Entity: "price", EntityID: fmt.Sprint(i + 1), Reason: "market moved",
			})
			return err
		}))
	}
}

// statements returns a tamper function that runs stmts.
func statements(stmts ...string) func(*testing.T, string) []string {
	return func(*testing.T, string) []string { return stmts }
}

// storedAuditEvent reads the event id as stored.
func storedAuditEvent(t *testing.T, path string, id int64) ports.AuditEvent {
	t.Helper()
	store, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	require.NoError(t, err)
	defer func() { require.NoError(t, store.Close()) }()
	var events []ports.AuditEvent
	require.NoError(t, store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		events, err = tx.Audit().Chain(ctx, id-1, 1)
		return err
	}))
	require.Len(t, events, 1)
	require.Equal(t, id, events[0].ID)
	return events[0]
}

// legacyAuditEvents returns the statements that store n events the way they were stored
// before the chain began: without hashes.
func legacyAuditEvents(n int) []string {
	if n == 0 {
		return nil
	}
	stmts := []string{`DROP TRIGGER audit_events_chained`}
	for i := range n {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO audit_events (at, action) VALUES (%d, 'trading.halt')`, i))
	}
	return stmts
}

// execSQLite runs stmts on the database at path behind the store's back.
func execSQLite(t *testing.T, path string, stmts ...string) {
	t.Helper()
	if len(stmts) == 0 {
		return
	}
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer func() { require.NoError(t, db.Close()) }()
	for _, stmt := range stmts {
		_, err := db.ExecContext(t.Context(), stmt)
		require.NoError(t, err, stmt)
	}
}
