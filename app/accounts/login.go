package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// Login signs in with phone and password. Every attempt on a phone spends one unit of the
// per-account backoff ([Limits.LoginPhone]), which a successful sign-in clears; the per-IP
// limit is the HTTP layer's. An unknown phone, an account without a password and a wrong
// password each cost one password derivation ([PasswordHasher.DummyVerify] for the first
// two) and return [core.ErrInvalidCredentials]. A hash made with older parameters is
// replaced on success (which moves the password's change time, so outstanding reset tokens
// die with it).
func (s *Service) Login(ctx context.Context, in ports.LoginInput) (ports.SignIn, error) {
	phone, err := parsePhone("phone_number", in.Phone)
	ve := core.NewValidationError()
	if err := mergeValidation(ve, err); err != nil {
		return ports.SignIn{}, err
	}
	if in.Password == "" {
		ve.Add("password", msgRequired)
	}
	if err := ve.Err(); err != nil {
		return ports.SignIn{}, err
	}
	ev := securityEvent{client: in.Client, phone: phone.String(), attrs: []slog.Attr{slog.String("method", "password")}}
	fail := func(user core.UserID, err error) (ports.SignIn, error) {
		s.metrics.login(methodPassword, err)
		ev.name, ev.level, ev.user = eventLoginFailed, slog.LevelWarn, user
		ev.attrs = append(ev.attrs, reason(err))
		s.audit(ctx, ev)
		return ports.SignIn{}, err
	}
	if err := s.allowOpen(ctx, s.cfg.Limits.LoginPhone, phone.String()); err != nil {
		if errors.Is(err, core.ErrRateLimited) {
			s.metrics.login(methodPassword, err)
			ev.name, ev.level = eventLoginLocked, slog.LevelWarn
			s.audit(ctx, ev)
		}
		return ports.SignIn{}, err
	}

	var user identity.User
	err = s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		user, err = tx.Users().GetByPhone(ctx, phone.String())
		return err
	})
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return ports.SignIn{}, fmt.Errorf("login: %w", err)
	}
	if err != nil || !user.HasPassword() {
		s.hasher.DummyVerify(in.Password)
		return fail(user.ID(), core.ErrInvalidCredentials)
	}
	ok, rehash, err := s.hasher.Verify(user.PasswordHash(), in.Password)
	if err != nil {
		s.logger.ErrorContext(ctx, "stored password hash unusable", slog.String("user_id", user.ID().String()), slog.Any("error", err))
		return ports.SignIn{}, fmt.Errorf("login: %w: %w", core.ErrInternal, err)
	}
	if !ok {
		return fail(user.ID(), core.ErrInvalidCredentials)
	}
	if err := user.CheckSignIn(); err != nil {
		return fail(user.ID(), err)
	}
	newHash := ""
	if rehash {
		if newHash, err = s.hasher.Hash(in.Password); err != nil {
			s.logger.WarnContext(ctx, "password rehash skipped", slog.Any("error", err))
			newHash = ""
		}
	}

	var signIn ports.SignIn
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		u, err := tx.Users().GetForUpdate(ctx, user.ID())
		if err != nil {
			return err
		}
		if u.PasswordHash() != user.PasswordHash() {
			return core.ErrInvalidCredentials // the password changed since it was checked
		}
		if err := u.CheckSignIn(); err != nil {
			return err
		}
		if newHash != "" {
			if err := u.SetPassword(newHash, s.now()); err != nil {
				return err
			}
			if err := tx.Users().Update(ctx, u); err != nil {
				return err
			}
		}
		tokens, err := s.startSession(ctx, tx, u, in.Client, methodPassword)
		if err != nil {
			return err
		}
		signIn = ports.SignIn{User: u, Tokens: tokens}
		return nil
	})
	switch {
	case errors.Is(err, core.ErrInvalidCredentials), errors.Is(err, core.ErrAccountDisabled),
		errors.Is(err, core.ErrPhoneNotVerified):
		return fail(user.ID(), err)
	case err != nil:
		return ports.SignIn{}, fmt.Errorf("login: %w", err)
	}
	if err := s.limiter.Reset(ctx, phone.String(), s.cfg.Limits.LoginPhone); err != nil {
		s.logger.WarnContext(ctx, "login backoff not cleared", slog.Any("error", err))
	}
	s.metrics.login(methodPassword, nil)
	ev.name, ev.user = eventLoginSucceeded, user.ID()
	ev.attrs = append(ev.attrs, slog.String("session_id", signIn.Tokens.SessionID))
	s.audit(ctx, ev)
	return signIn, nil
}

// startSession creates a session for user in tx, signed in from c by method (a fixed word:
// password, otp), audits it and returns its first token pair.
func (s *Service) startSession(ctx context.Context, tx ports.Tx, user identity.User, c ports.Client, method string) (ports.Tokens, error) {
	now := s.now()
	id, err := identity.NewSessionID(s.rand)
	if err != nil {
		return ports.Tokens{}, err
	}
	refresh, err := identity.NewRefreshToken(s.rand)
	if err != nil {
		return ports.Tokens{}, err
	}
	session, err := identity.NewSession(id, user.ID(), identity.HashRefreshToken(refresh), c.UserAgent, sessionIP(c.IP), now, s.cfg.RefreshTTL)
	if err != nil {
		return ports.Tokens{}, err
	}
	if err := tx.Sessions().Create(ctx, session); err != nil {
		return ports.Tokens{}, err
	}
	if err := appendUserEvent(ctx, tx, user.ID(), user.Role(), c, now, actionSessionCreate, method); err != nil {
		return ports.Tokens{}, err
	}
	return s.tokens(user, session, refresh, now)
}

// tokens returns the pair of session with refresh token refresh and a new access token for
// user, at now.
func (s *Service) tokens(user identity.User, session *identity.Session, refresh string, now time.Time) (ports.Tokens, error) {
	access, _, err := s.access.Issue(AccessClaims{UserID: user.ID(), SessionID: session.ID(), Role: user.Role()})
	if err != nil {
		return ports.Tokens{}, err
	}
	return ports.Tokens{
		SessionID:  session.ID(),
		Access:     access,
		Refresh:    refresh,
		AccessTTL:  s.access.TTL(),
		RefreshTTL: session.ExpiresAt().Sub(now),
	}, nil
}
