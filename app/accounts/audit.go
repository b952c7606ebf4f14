package accounts

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// The audit actions of the identity flow. Each is appended in the transaction of its change,
// so the audit log holds exactly the changes that committed; the security log keeps the
// attempts and refusals.
const (
	actionRegister       = "user.register"
	actionPhoneVerified  = "user.phone_verified"
	actionSessionCreate  = "session.create"
	actionSessionRevoke  = "session.revoke"
	actionPasswordChange = "user.password_change"
	actionPasswordReset  = "user.password_reset"
	actionProfileUpdate  = "user.profile_update"
	entityUser           = "user"
)

// appendUserEvent appends the own action of user (with role) to the audit log in tx, at now, from client c.
// The event names the user by id only (the audit log outlives an account's erasure), and
// reason is a fixed word (a sign-in method, a revocation reason) or "": no phone, name,
// code, token or password ever goes into an event.
func appendUserEvent(ctx context.Context, tx ports.Tx, user core.UserID, role identity.Role, c ports.Client, now time.Time, action, reason string) error {
	return appendEvent(ctx, tx, userEvent(user, role, c, now, action, reason))
}

// userEvent returns the event of user's own action (see appendUserEvent).
func userEvent(user core.UserID, role identity.Role, c ports.Client, now time.Time, action, reason string) ports.AuditEvent {
	p := ports.Principal{UserID: user, Role: role, Client: c}
	e := auditlog.Event(p, now, action, entityUser, user.String())
	e.Reason = reason
	return e
}

// appendEvent stores e in tx.
func appendEvent(ctx context.Context, tx ports.Tx, e ports.AuditEvent) error {
	if err := auditlog.Append(ctx, tx, e); err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	return nil
}

// profileDigest fingerprints the profile fields a user edits. The phone is left out: a
// SHA-256 of a mobile number is reversed by trying every number.
func profileDigest(u identity.User) string {
	dob, _ := u.DateOfBirth()
	return auditlog.Digest("user_profile", u.ID().String(), u.FirstName(), u.LastName(), u.Email(), auditlog.Stamp(dob))
}
