package accounts

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// Me returns the signed-in user, or [core.ErrAccountDisabled].
func (s *Service) Me(ctx context.Context, p ports.Principal) (identity.User, error) {
	var user identity.User
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		user, err = tx.Users().Get(ctx, p.UserID)
		return err
	})
	if err != nil {
		return identity.User{}, fmt.Errorf("me: %w", err)
	}
	if user.Disabled() {
		return identity.User{}, core.ErrAccountDisabled
	}
	return user, nil
}

// UpdateProfile applies a partial profile change ([identity.User.UpdateProfile]). The KYC
// lock on names ([core.ErrKYCLocked]) applies once KYC state exists; until then nothing is
// locked. A change is audited in its transaction with digests of the profile before and
// after; an update that changes nothing is not.
func (s *Service) UpdateProfile(ctx context.Context, p ports.Principal, in identity.ProfileUpdate) (identity.User, error) {
	var user identity.User
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if user, err = tx.Users().GetForUpdate(ctx, p.UserID); err != nil {
			return err
		}
		if user.Disabled() {
			return core.ErrAccountDisabled
		}
		now := s.now()
		before := profileDigest(user)
		if err := user.UpdateProfile(in, now); err != nil {
			return err
		}
		if err := tx.Users().Update(ctx, user); err != nil {
			return err
		}
		after := profileDigest(user)
		if after == before {
			return nil
		}
		e := userEvent(user.ID(), p.Role, p.Client, now, actionProfileUpdate, "")
		e.BeforeDigest, e.AfterDigest = before, after
		return appendEvent(ctx, tx, e)
	})
	if err != nil {
		return identity.User{}, fmt.Errorf("update profile: %w", err)
	}
	return user, nil
}
