package backoffice

import (
	"context"

	"github.com/talabin/talabin/ports"
)

// AuditLog returns one page of the audit events matching f, newest first, and how many
// match (admin); see [ports.StaffUsers.AuditLog].
func (s *Service) AuditLog(ctx context.Context, p ports.Principal, f ports.AuditFilter, offset, limit int) ([]ports.AuditEvent, int, error) {
	if err := requireAdmin(p); err != nil {
		return nil, 0, err
	}
	var (
		events []ports.AuditEvent
		count  int
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		events, count, err = tx.Audit().List(ctx, f, offset, limit)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return events, count, nil
}
