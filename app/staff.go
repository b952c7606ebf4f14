package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// auditActionStaffCreated is the audit action of `talabin admin create`.
const auditActionStaffCreated = "user.staff_created"

// CreateStaff bootstraps a staff account from the command line (`talabin admin create`): the
// user of phone gets role, a verified phone, open wallets and password (checked by the
// password rules). A new phone is registered; an existing account is promoted and its
// password replaced, and its sessions are revoked so that no session keeps the old role. One
// audit event records it, with the operator's reason. It returns the user's id.
func CreateStaff(ctx context.Context, store ports.Store, hasher *accounts.PasswordHasher, phone, password string,
	role identity.Role, reason string, now time.Time,
) (core.UserID, error) {
	if !role.IsStaff() {
		return 0, fmt.Errorf("%w: role %q is not a staff role", core.ErrInvalidInput, role)
	}
	m, err := iran.ParseMobile(phone)
	if err != nil {
		return 0, err
	}
	if err := identity.ValidatePassword(password, m.String()); err != nil {
		return 0, err
	}
	hash, err := hasher.Hash(password)
	if err != nil {
		return 0, err
	}
	var id core.UserID
	err = store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		user, err := tx.Users().GetByPhone(ctx, m.String())
		switch {
		case errors.Is(err, core.ErrNotFound):
			if user, err = identity.NewRegisteredUser(m.String(), hash, "", "", now); err != nil {
				return err
			}
			if err := promote(&user, role, now); err != nil {
				return err
			}
			if id, err = tx.Users().Create(ctx, user); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if user, err = tx.Users().GetForUpdate(ctx, user.ID()); err != nil {
				return err
			}
			id = user.ID()
			if err := user.SetPassword(hash, now); err != nil {
				return err
			}
			user.Enable(now)
			if err := promote(&user, role, now); err != nil {
				return err
			}
			if err := tx.Users().Update(ctx, user); err != nil {
				return err
			}
			if _, err := tx.Sessions().RevokeByUser(ctx, id, "", now, identity.RevokePasswordReset); err != nil {
				return err
			}
		}
		if err := tx.Ledger().OpenUserAccounts(ctx, id); err != nil {
			return err
		}
		_, err = tx.Audit().Append(ctx, ports.AuditEvent{
			At: now, ActorRole: "cli", Action: auditActionStaffCreated, Entity: "user", EntityID: id.String(),
			Reason: reason,
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create staff: %w", err)
	}
	return id, nil
}

// promote verifies the phone of user and gives it role.
func promote(user *identity.User, role identity.Role, now time.Time) error {
	if err := user.VerifyPhone(now); err != nil {
		return err
	}
	return user.SetRole(role, now)
}
