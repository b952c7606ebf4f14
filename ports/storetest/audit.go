package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// appendAudit stores e and returns it with its id.
func (b *bundle) appendAudit(t *testing.T, e ports.AuditEvent) ports.AuditEvent {
	t.Helper()
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		e.ID, err = tx.Audit().Append(ctx, e)
		return err
	})
	require.Positive(t, e.ID)
	return e
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
		}},
	}
}
