package httpapi

import (
	"errors"
	"fmt"

	"github.com/talabin/talabin/ports"
)

// StaffUsersConfig configures [NewStaffUsers]: the staff's user administration and
// audit-log reading of API.md §3.13 (admin/users/ and admin/audit-log/). Users is required;
// app/backoffice's Service implements it.
type StaffUsersConfig struct {
	Users ports.StaffUsers
	// IdempotencyRequired makes the Idempotency-Key header mandatory on the disable and
	// enable POSTs (IDEMPOTENCY_REQUIRED), as [PaymentsConfig.IdempotencyRequired] does.
	IdempotencyRequired bool
}

// StaffUsers serves the staff's user list, a user's page, disabling and enabling a user, and
// the audit log. Build it with [NewStaffUsers] and register [StaffUsers.Routes], or pass
// [WithStaffUsers] to [NewRouter].
type StaffUsers struct {
	auth     *Auth
	users    ports.StaffUsers
	required bool
}

// NewStaffUsers validates cfg and returns the endpoints it configures, behind auth's
// middleware (client IP, backstop limits, authentication).
func NewStaffUsers(auth *Auth, cfg StaffUsersConfig) (*StaffUsers, error) {
	var errs []error
	if auth == nil {
		errs = append(errs, errors.New("auth is required"))
	}
	if cfg.Users == nil {
		errs = append(errs, errors.New("users is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("httpapi: staff users config: %w", err)
	}
	return &StaffUsers{auth: auth, users: cfg.Users, required: cfg.IdempotencyRequired}, nil
}

// WithStaffUsers adds the staff's user and audit-log endpoints configured by cfg (see
// [NewStaffUsers]).
func WithStaffUsers(cfg StaffUsersConfig) RouterOption {
	return func(a *Auth) (func(rt Routes), error) {
		s, err := NewStaffUsers(a, cfg)
		if err != nil {
			return nil, err
		}
		return s.Routes, nil
	}
}

// Routes registers the endpoints under /api/admin/, for staff only (403 permission_denied
// for others; the service checks the role too, and disable, enable and the audit log need
// an admin): GET users/ (q, status), GET users/{id}/, POST users/{id}/disable/ and POST
// users/{id}/enable/ with a reason, and GET audit-log/ (actor_id, action, entity, entity_id,
// from, to).
func (s *StaffUsers) Routes(rt Routes) {
	s.auth.User(rt).With(requireStaff).Route("/api/admin", func(rt Routes) {
		rt.Get("/users/", s.list)
		rt.Get("/users/{id}/", s.get)
		rt.Post("/users/{id}/disable/", s.disable)
		rt.Post("/users/{id}/enable/", s.enable)
		rt.Get("/audit-log/", s.auditLog)
	})
}
