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

// maxRefreshTokenLen is the longest refresh token looked up, in bytes; ours are 43.
const maxRefreshTokenLen = 512

// Refresh rotates a refresh token (API.md §1.5, [identity.Session.Rotate]): the current
// token, or the just-retired one within the grace period, yields the successor pair. A
// retired token presented later revokes the session, and that revocation is committed
// although [core.ErrTokenReused] is returned. A disabled account gets
// [core.ErrAccountDisabled] and its session does not rotate.
func (s *Service) Refresh(ctx context.Context, in ports.RefreshInput) (ports.Tokens, error) {
	if in.RefreshToken == "" {
		return ports.Tokens{}, core.FieldError("refresh", msgRequired)
	}
	if len(in.RefreshToken) > maxRefreshTokenLen {
		s.metrics.refresh(identity.RotateOutcome{}, core.ErrTokenInvalid)
		return ports.Tokens{}, core.ErrTokenInvalid
	}
	presented := identity.HashRefreshToken(in.RefreshToken)
	successor := identity.SuccessorToken(s.cfg.SuccessorKey, in.RefreshToken)
	var (
		tokens    ports.Tokens
		session   *identity.Session
		outcome   identity.RotateOutcome
		domainErr error
	)
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		tokens, outcome, domainErr = ports.Tokens{}, identity.RotateOutcome{}, nil
		var err error
		session, err = tx.Sessions().GetByRefreshHash(ctx, presented)
		if errors.Is(err, core.ErrNotFound) {
			domainErr = core.ErrTokenInvalid
			return nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		outcome, err = session.Rotate(presented, identity.HashRefreshToken(successor), now, s.cfg.RefreshGrace)
		if errors.Is(err, core.ErrTokenReused) {
			domainErr = err
			return tx.Sessions().Save(ctx, session) // the revocation must stand
		}
		if err != nil {
			domainErr = err
			return nil
		}
		user, err := tx.Users().Get(ctx, session.UserID())
		if err != nil {
			return err
		}
		if user.Disabled() {
			return core.ErrAccountDisabled // rolls the rotation back
		}
		if outcome == identity.RotateRotated {
			if err := tx.Sessions().Save(ctx, session); err != nil {
				return err
			}
		}
		tokens, err = s.tokens(user, session, successor, now)
		return err
	})
	if errors.Is(err, core.ErrAccountDisabled) {
		s.metrics.refresh(outcome, err)
		return ports.Tokens{}, err
	}
	if err != nil {
		return ports.Tokens{}, fmt.Errorf("refresh: %w", err)
	}
	s.metrics.refresh(outcome, domainErr)
	if errors.Is(domainErr, core.ErrTokenReused) {
		s.metrics.revoked(identity.RevokeReuse, 1)
		s.sessions.forget(session.ID())
		s.audit(ctx, securityEvent{name: eventRefreshReuse, level: slog.LevelWarn, client: in.Client, user: session.UserID(),
			attrs: []slog.Attr{slog.String("session_id", session.ID())}})
	}
	if domainErr != nil {
		return ports.Tokens{}, domainErr
	}
	return tokens, nil
}

// Logout revokes the session of in.RefreshToken and the session in.SessionID with
// [identity.RevokeLogout], auditing each revocation; unknown and already revoked sessions
// are skipped.
func (s *Service) Logout(ctx context.Context, in ports.LogoutInput) error {
	if in.RefreshToken == "" && in.SessionID == "" {
		return core.FieldError("refresh", msgRequired)
	}
	var revoked []*identity.Session
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		revoked = nil
		var found []*identity.Session
		if in.RefreshToken != "" && len(in.RefreshToken) <= maxRefreshTokenLen {
			session, err := tx.Sessions().GetByRefreshHash(ctx, identity.HashRefreshToken(in.RefreshToken))
			if err != nil && !errors.Is(err, core.ErrNotFound) {
				return err
			}
			if err == nil {
				found = append(found, session)
			}
		}
		if in.SessionID != "" && (len(found) == 0 || found[0].ID() != in.SessionID) {
			session, err := tx.Sessions().Get(ctx, in.SessionID)
			if err != nil && !errors.Is(err, core.ErrNotFound) {
				return err
			}
			if err == nil {
				found = append(found, session)
			}
		}
		for _, session := range found {
			ok, err := s.revoke(ctx, tx, session, identity.RevokeLogout)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			revoked = append(revoked, session)
			user, err := tx.Users().Get(ctx, session.UserID())
			if err != nil {
				return err
			}
			if err := appendUserEvent(ctx, tx, user.ID(), user.Role(), in.Client, s.now(), actionSessionRevoke,
				identity.RevokeLogout.String()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if in.SessionID != "" {
		s.sessions.forget(in.SessionID)
	}
	s.metrics.revoked(identity.RevokeLogout, int64(len(revoked)))
	for _, session := range revoked {
		s.sessions.forget(session.ID())
		s.audit(ctx, securityEvent{name: eventLogout, client: in.Client, user: session.UserID(),
			attrs: []slog.Attr{slog.String("session_id", session.ID())}})
	}
	return nil
}

// revoke revokes session in tx for reason unless it is revoked already, and reports
// whether it did.
func (s *Service) revoke(ctx context.Context, tx ports.Tx, session *identity.Session, reason identity.RevokeReason) (bool, error) {
	if session.Revoked() {
		return false, nil
	}
	if err := session.Revoke(s.now(), reason); err != nil {
		return false, err
	}
	if err := tx.Sessions().Save(ctx, session); err != nil {
		return false, err
	}
	return true, nil
}

// Sessions lists the user's active sessions, newest first; the one of p is Current.
// LastUsedAt is the last rotation, or the sign-in when the session never rotated.
func (s *Service) Sessions(ctx context.Context, p ports.Principal) ([]ports.SessionInfo, error) {
	var list []*identity.Session
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		list, err = tx.Sessions().ListByUser(ctx, p.UserID, s.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	out := make([]ports.SessionInfo, 0, len(list))
	for _, session := range list {
		lastUsed := session.CreatedAt()
		if at := session.RotatedAt(); !at.IsZero() {
			lastUsed = at
		}
		out = append(out, ports.SessionInfo{
			ID:         session.ID(),
			Current:    session.ID() == p.SessionID,
			CreatedAt:  session.CreatedAt(),
			LastUsedAt: lastUsed,
			ExpiresAt:  session.ExpiresAt(),
			UserAgent:  session.UserAgent(),
			IP:         session.IP(),
		})
	}
	return out, nil
}

// RevokeSession revokes one of p's own sessions ([identity.RevokeLogout]) and audits it;
// revoking a revoked one succeeds and audits nothing. Another user's session and an unknown
// id return [core.ErrNotFound].
func (s *Service) RevokeSession(ctx context.Context, p ports.Principal, sessionID string, c ports.Client) error {
	if sessionID == "" {
		return core.ErrNotFound
	}
	var revoked bool
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		session, err := tx.Sessions().Get(ctx, sessionID)
		if err != nil {
			return err
		}
		if session.UserID() != p.UserID {
			return core.ErrNotFound
		}
		if revoked, err = s.revoke(ctx, tx, session, identity.RevokeLogout); err != nil || !revoked {
			return err
		}
		return appendUserEvent(ctx, tx, p.UserID, p.Role, c, s.now(), actionSessionRevoke, identity.RevokeLogout.String())
	})
	if errors.Is(err, core.ErrNotFound) {
		return core.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	s.sessions.forget(sessionID)
	if revoked {
		s.metrics.revoked(identity.RevokeLogout, 1)
		s.audit(ctx, securityEvent{name: eventSessionRevoked, client: c, user: p.UserID,
			attrs: []slog.Attr{slog.String("session_id", sessionID)}})
	}
	return nil
}
