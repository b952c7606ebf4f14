package backoffice_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

func TestAuditLogFilters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.admin(t)
	first, second := b.newUser(t, identity.RoleUser), b.newUser(t, identity.RoleUser)
	start := b.clock.Now()
	for _, step := range []struct {
		disable bool
		user    core.UserID
	}{{true, first}, {true, second}, {false, first}} {
		b.clock.Advance(time.Minute) // the steps happen at start+1m, +2m, +3m
		var err error
		if step.disable {
			_, err = b.svc.Disable(t.Context(), admin, step.user, "review")
		} else {
			_, err = b.svc.Enable(t.Context(), admin, step.user, "cleared")
		}
		require.NoError(t, err)
	}

	disabled := func(u core.UserID) string { return "user.disable " + u.String() }
	enabled := func(u core.UserID) string { return "user.enable " + u.String() }
	tests := []struct {
		name          string
		filter        ports.AuditFilter
		offset, limit int
		want          []string
		count         int
	}{
		{"All", ports.AuditFilter{}, 0, 20, []string{enabled(first), disabled(second), disabled(first)}, 3},
		{"ByAction", ports.AuditFilter{Action: "user.disable"}, 0, 20, []string{disabled(second), disabled(first)}, 2},
		{"ByActionSecondPage", ports.AuditFilter{Action: "user.disable"}, 1, 1, []string{disabled(first)}, 2},
		{"ByEntity", ports.AuditFilter{Entity: "user", EntityID: first.String()}, 0, 20, []string{enabled(first), disabled(first)}, 2},
		{"ByActor", ports.AuditFilter{ActorID: admin.UserID, Action: "user.enable"}, 0, 20, []string{enabled(first)}, 1},
		{"OtherActor", ports.AuditFilter{ActorID: first}, 0, 20, []string{}, 0},
		{"ByTime", ports.AuditFilter{From: start.Add(2 * time.Minute), To: start.Add(3 * time.Minute)}, 0, 20, []string{disabled(second)}, 1},
	}
	for _, tt := range tests {
		events, count, err := b.svc.AuditLog(t.Context(), admin, tt.filter, tt.offset, tt.limit)
		require.NoError(t, err, tt.name)
		got := make([]string, len(events))
		for i, e := range events {
			got[i] = e.Action + " " + e.EntityID
		}
		require.Equal(t, tt.want, got, tt.name)
		require.Equal(t, tt.count, count, tt.name)
	}
}
