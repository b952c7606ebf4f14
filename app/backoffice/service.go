// Package backoffice implements [ports.StaffUsers]: the staff's user administration
// (search, view, disable, enable) and their reading of the audit log (API.md §3.13 users/ and
// audit-log/).
package backoffice

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// SessionRevoker hears of sessions revoked in the store by a use case of this package, so
// that the authentication cache of this instance (app/accounts) refuses them at once instead
// of within [ports.RevocationCacheTTL], the bound that holds for the other instances anyway.
// app/accounts' Service implements it.
type SessionRevoker interface {
	// SessionsRevoked tells that every session of user was revoked for reason, n of them,
	// in a transaction that committed.
	SessionsRevoked(user core.UserID, reason identity.RevokeReason, n int64)
}

// Service implements [ports.StaffUsers]. It is safe for concurrent use.
type Service struct {
	store   ports.Store
	clock   ports.Clock
	revoker SessionRevoker
	logger  *slog.Logger
}

var _ ports.StaffUsers = (*Service)(nil)

// NewService returns the service over store and clock; revoker hears of the sessions a
// disable revokes. A nil logger discards. It returns an error when store, clock or revoker
// is nil.
func NewService(store ports.Store, clock ports.Clock, revoker SessionRevoker, logger *slog.Logger) (*Service, error) {
	if store == nil || clock == nil || revoker == nil {
		return nil, errors.New("backoffice: store, clock and session revoker are required")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, clock: clock, revoker: revoker, logger: logger.With("component", "backoffice")}, nil
}

func (s *Service) now() time.Time { return s.clock.Now() }

// requireStaff refuses an anonymous principal and anyone but staff (operator or admin).
func requireStaff(p ports.Principal) error {
	switch {
	case p.UserID <= 0:
		return core.ErrNotAuthenticated
	case !p.Role.IsStaff():
		return core.ErrPermissionDenied
	}
	return nil
}

// requireAdmin refuses an anonymous principal and anyone but an admin.
func requireAdmin(p ports.Principal) error {
	switch {
	case p.UserID <= 0:
		return core.ErrNotAuthenticated
	case p.Role != identity.RoleAdmin:
		return core.ErrPermissionDenied
	}
	return nil
}

// Field messages of the input rules, in the style of the original API's validators.
const (
	msgRequired = "This field is required."
	msgTooLong  = "Ensure this field has no more than %d characters."
)

// checkReason returns the trimmed reason of a staff change, or a [core.ValidationError] when
// it is blank or longer than [ports.MaxReasonLen] characters.
func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", core.FieldError("reason", msgRequired)
	case utf8.RuneCountInString(reason) > ports.MaxReasonLen:
		return "", core.FieldError("reason", fmt.Sprintf(msgTooLong, ports.MaxReasonLen))
	}
	return reason, nil
}
