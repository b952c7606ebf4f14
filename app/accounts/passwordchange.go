package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// ChangePassword replaces the password of p's user after checking the old one, and revokes
// every other session of the user ([identity.RevokePasswordChange]); p's session stays.
// The input is validated first; then each attempt spends one unit of
// [Limits.ChangePassword] for the user before the old password is checked. An account
// without a password (signed up by code) cannot confirm one and gets
// [core.ErrWrongPassword]; it sets one through a password reset. The change is audited in
// its transaction.
func (s *Service) ChangePassword(ctx context.Context, p ports.Principal, in ports.ChangePasswordInput) error {
	user, err := s.Me(ctx, p)
	if err != nil {
		return err
	}
	ve := core.NewValidationError()
	if in.OldPassword == "" {
		ve.Add("old_password", msgRequired)
	}
	if err := s.checkNewPassword(ve, in.NewPassword, in.NewPasswordConfirm, user.Phone()); err != nil {
		return err
	}
	if err := ve.Err(); err != nil {
		return err
	}
	ev := securityEvent{client: p.Client, user: user.ID(), phone: user.Phone()}
	if err := s.allowOpen(ctx, s.cfg.Limits.ChangePassword, user.ID().String()); err != nil {
		if errors.Is(err, core.ErrRateLimited) {
			ev.name, ev.level = eventPasswordChangeLocked, slog.LevelWarn
			s.audit(ctx, ev)
		}
		return err
	}
	ok := false
	if user.HasPassword() {
		if ok, _, err = s.hasher.Verify(user.PasswordHash(), in.OldPassword); err != nil {
			return fmt.Errorf("change password: %w: %w", core.ErrInternal, err)
		}
	} else {
		s.hasher.DummyVerify(in.OldPassword)
	}
	if !ok {
		ev.name, ev.level = eventPasswordChangeFailed, slog.LevelWarn
		ev.attrs = []slog.Attr{reason(core.ErrWrongPassword)}
		s.audit(ctx, ev)
		return core.ErrWrongPassword
	}
	hash, err := s.hasher.Hash(in.NewPassword)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	var revoked int64
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		u, err := tx.Users().GetForUpdate(ctx, user.ID())
		if err != nil {
			return err
		}
		switch {
		case u.Disabled():
			return core.ErrAccountDisabled
		case u.PasswordHash() != user.PasswordHash():
			return core.ErrWrongPassword // changed since the old one was checked
		}
		if err := u.SetPassword(hash, s.now()); err != nil {
			return err
		}
		if err := tx.Users().Update(ctx, u); err != nil {
			return err
		}
		if revoked, err = tx.Sessions().RevokeByUser(ctx, u.ID(), p.SessionID, s.now(), identity.RevokePasswordChange); err != nil {
			return err
		}
		return appendUserEvent(ctx, tx, u.ID(), u.Role(), p.Client, s.now(), actionPasswordChange, "")
	})
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	s.sessions.forgetUser(user.ID(), p.SessionID)
	s.metrics.revoked(identity.RevokePasswordChange, revoked)
	ev.name = eventPasswordChanged
	ev.attrs = []slog.Attr{slog.Int64("sessions_revoked", revoked)}
	s.audit(ctx, ev)
	return nil
}

// checkNewPassword adds to ve what is wrong with a new password and its confirmation for
// the account of phone.
func (s *Service) checkNewPassword(ve *core.ValidationError, password, confirm, phone string) error {
	if err := mergeValidation(ve, identity.ValidatePasswordField("new_password", password, phone)); err != nil {
		return err
	}
	if confirm != password {
		ve.Add("new_password_confirm", msgPasswordMismatch)
	}
	return nil
}

// ResetPassword sets a new password proven by a reset token (from a verified
// password_reset code) or by a password_reset code itself, and revokes every session of
// the user ([identity.RevokePasswordReset]). A code is checked like [Service.VerifyOTP]
// does, rate limits and counted attempts included; a token works once, since it is bound to
// the password it replaces. The per-account sign-in backoff is cleared: the phone's owner
// proved it.
func (s *Service) ResetPassword(ctx context.Context, in ports.ResetPasswordInput) error {
	ve := core.NewValidationError()
	phone, err := parsePhone("phone_number", in.Phone)
	if err := mergeValidation(ve, err); err != nil {
		return err
	}
	byToken, byCode := in.ResetToken != "", in.Code != ""
	if byToken == byCode {
		ve.Add(core.NonFieldErrors, msgOneProof)
	}
	if err := s.checkNewPassword(ve, in.NewPassword, in.NewPasswordConfirm, phone.String()); err != nil {
		return err
	}
	if err := ve.Err(); err != nil {
		return err
	}
	ev := securityEvent{client: in.Client, phone: phone.String(), attrs: []slog.Attr{slog.String("method", resetMethod(in))}}
	fail := func(err error) error {
		ev.name, ev.level = eventPasswordResetFailed, slog.LevelWarn
		ev.attrs = append(ev.attrs, reason(err))
		s.audit(ctx, ev)
		return err
	}
	if byCode {
		if err := s.allowVerify(ctx, phone, identity.PurposePasswordReset, in.Client); err != nil {
			return err
		}
	} else if err := s.precheckResetToken(ctx, phone, in.ResetToken); err != nil {
		if isVerdict(err) {
			return fail(err)
		}
		return err
	}
	hash, err := s.hasher.Hash(in.NewPassword)
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	var (
		user    identity.User
		revoked int64
	)
	// Commits whenever a code was checked, so that the attempt stands.
	domainErr, err := s.inTxKeepingVerdict(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		user, revoked, err = s.resetInTx(ctx, tx, phone, in, hash)
		return err
	})
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	if domainErr != nil {
		return fail(domainErr)
	}
	s.sessions.forgetUser(user.ID(), "")
	s.metrics.revoked(identity.RevokePasswordReset, revoked)
	if err := s.limiter.Reset(ctx, phone.String(), s.cfg.Limits.LoginPhone); err != nil {
		s.logger.WarnContext(ctx, "login backoff not cleared", slog.Any("error", err))
	}
	ev.name, ev.user = eventPasswordReset, user.ID()
	ev.attrs = append(ev.attrs, slog.Int64("sessions_revoked", revoked))
	s.audit(ctx, ev)
	return nil
}

// resetMethod names the proof of in, a fixed word for the logs: "code" or "token".
func resetMethod(in ports.ResetPasswordInput) string {
	if in.Code != "" {
		return "code"
	}
	return "token"
}

// precheckResetToken checks a reset token against the stored account before the new
// password is hashed, so a bad token costs no hashing; the transaction checks it again.
func (s *Service) precheckResetToken(ctx context.Context, phone iran.Mobile, token string) error {
	tokenPhone, err := s.resets.phone(token)
	if err != nil {
		return err
	}
	if tokenPhone != phone.String() {
		return core.ErrOTPInvalid
	}
	var user identity.User
	err = s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		user, err = tx.Users().GetByPhone(ctx, phone.String())
		return err
	})
	if errors.Is(err, core.ErrNotFound) {
		return core.ErrOTPInvalid
	}
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	return s.resets.check(token, user, s.now())
}

// resetInTx checks the proof of in and sets the password hash of phone's account in tx,
// revoking its sessions and auditing the reset. It returns a verdict (see isVerdict) only
// before its own writes other than the code's attempt.
func (s *Service) resetInTx(ctx context.Context, tx ports.Tx, phone iran.Mobile, in ports.ResetPasswordInput, hash string) (identity.User, int64, error) {
	if in.Code != "" {
		if err := s.checkCode(ctx, tx, phone, identity.PurposePasswordReset, in.Code); err != nil {
			return identity.User{}, 0, err
		}
	}
	found, err := s.userForCode(ctx, tx, phone)
	if err != nil {
		return identity.User{}, 0, err
	}
	user, err := tx.Users().GetForUpdate(ctx, found.ID())
	if err != nil {
		return identity.User{}, 0, err
	}
	now := s.now()
	if in.Code == "" {
		if err := s.resets.check(in.ResetToken, user, now); err != nil {
			return identity.User{}, 0, err
		}
	}
	if err := user.SetPassword(hash, now); err != nil {
		return identity.User{}, 0, err
	}
	if err := tx.Users().Update(ctx, user); err != nil {
		return identity.User{}, 0, err
	}
	revoked, err := tx.Sessions().RevokeByUser(ctx, user.ID(), "", now, identity.RevokePasswordReset)
	if err != nil {
		return identity.User{}, 0, err
	}
	if err := appendUserEvent(ctx, tx, user.ID(), user.Role(), in.Client, now, actionPasswordReset, resetMethod(in)); err != nil {
		return identity.User{}, 0, err
	}
	return user, revoked, nil
}
