package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// eventPasswordCheckFailed is the security event of a wrong password given to confirm an
// action (an account deletion).
const eventPasswordCheckFailed = "password_check_failed"

// CheckPassword reports whether password is user's, for an action the password confirms (an
// account deletion, app/privacy): nil when it matches, [core.ErrWrongPassword] when it does
// not or the account has none (signed up by code; it confirms by code instead),
// [core.ErrNotAuthenticated] when there is no such user and [core.ErrAccountDisabled] when it
// is disabled. It changes nothing, not even an outdated hash, and costs one password
// derivation whatever the answer about the password, as [Service.Login] does. It reads the
// user in its own snapshot: do not call it inside another open transaction. Rate limits are
// the caller's.
func (s *Service) CheckPassword(ctx context.Context, user core.UserID, password string) error {
	var u identity.User
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		u, err = tx.Users().Get(ctx, user)
		return err
	})
	switch {
	case errors.Is(err, core.ErrNotFound):
		s.hasher.DummyVerify(password)
		return core.ErrNotAuthenticated
	case err != nil:
		return fmt.Errorf("check password: %w", err)
	}
	ok := false
	if u.HasPassword() {
		if ok, _, err = s.hasher.Verify(u.PasswordHash(), password); err != nil {
			s.logger.ErrorContext(ctx, "stored password hash unusable", slog.String("user_id", user.String()), slog.Any("error", err))
			return fmt.Errorf("check password: %w: %w", core.ErrInternal, err)
		}
	} else {
		s.hasher.DummyVerify(password)
	}
	switch {
	case u.Disabled():
		return core.ErrAccountDisabled
	case !ok:
		s.audit(ctx, securityEvent{name: eventPasswordCheckFailed, level: slog.LevelWarn, user: user, phone: u.Phone(),
			attrs: []slog.Attr{reason(core.ErrWrongPassword)}})
		return core.ErrWrongPassword
	}
	return nil
}
