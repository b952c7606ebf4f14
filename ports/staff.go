package ports

import (
	"context"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/ledger"
)

// UserFilter narrows the staff's user search; zero fields do not filter.
type UserFilter struct {
	// Query matches a user id exactly, or a substring of the phone number, the names or the
	// email (case-insensitive).
	Query string
	// Disabled, when not nil, keeps only disabled (true) or enabled (false) users.
	Disabled *bool
}

// StaffUsers is the inbound port of the staff's user administration and audit-log reading
// (API.md §3.13 users/ and audit-log/). Disabling a user and reading the audit log need the
// admin role; the rest any staff role ([core.ErrPermissionDenied] otherwise). Every change is
// audited with its reason.
type StaffUsers interface {
	// Users returns one page of users matching f with their wallets.
	Users(ctx context.Context, p Principal, f UserFilter, offset, limit int) ([]UserSummary, int, error)
	// User returns one user with its wallet and verification.
	User(ctx context.Context, p Principal, id core.UserID) (UserSummary, error)
	// Disable disables a user for reason and revokes all its sessions (admin). Disabling
	// staff or oneself is refused ([*core.InvalidStateError]).
	Disable(ctx context.Context, p Principal, id core.UserID, reason string) (UserSummary, error)
	// Enable enables a disabled user for reason (admin).
	Enable(ctx context.Context, p Principal, id core.UserID, reason string) (UserSummary, error)
	// AuditLog returns one page of audit events matching f, newest first (admin).
	AuditLog(ctx context.Context, p Principal, f AuditFilter, offset, limit int) ([]AuditEvent, int, error)
}

// UserSummary is a user as staff see it: the account, its balances and its verification.
type UserSummary struct {
	User identity.User
	IRR  ledger.Balance
	Gold ledger.Balance
	KYC  *kyc.Profile
}
