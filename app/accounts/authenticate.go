package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// Authenticate checks an access token and that its session is still active. The session's
// state is read from the store and remembered for up to [ports.RevocationCacheTTL] (never
// past the session's expiry), so another instance's revocation shows within that time and
// this instance's at once. A revoked, expired or missing session returns
// [core.ErrTokenRevoked]: the client must sign in again. The returned principal has no
// Client; the caller fills it.
func (s *Service) Authenticate(ctx context.Context, accessToken string) (ports.Principal, error) {
	claims, err := s.access.Verify(accessToken)
	if err != nil {
		return ports.Principal{}, err
	}
	now := s.now()
	e, ok := s.sessions.get(claims.SessionID, now)
	if !ok {
		if e, err = s.loadSession(ctx, claims.SessionID); err != nil {
			return ports.Principal{}, err
		}
	}
	switch {
	case e.err != nil:
		return ports.Principal{}, e.err
	case e.user != claims.UserID:
		return ports.Principal{}, fmt.Errorf("%w: session belongs to another user", core.ErrTokenInvalid)
	}
	return ports.Principal{UserID: claims.UserID, SessionID: claims.SessionID, Role: claims.Role}, nil
}

// loadSession reads session sid and remembers its state.
func (s *Service) loadSession(ctx context.Context, sid string) (sessionEntry, error) {
	var e sessionEntry
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		session, err := tx.Sessions().Get(ctx, sid)
		if errors.Is(err, core.ErrNotFound) {
			e = sessionEntry{err: core.ErrTokenRevoked}
			return nil
		}
		if err != nil {
			return err
		}
		e = sessionEntry{user: session.UserID()}
		now := s.now()
		if session.CheckActive(now) != nil {
			e.err = core.ErrTokenRevoked
		}
		s.sessions.put(sid, e, now, session.ExpiresAt())
		return nil
	})
	if err != nil {
		return sessionEntry{}, fmt.Errorf("authenticate: %w", err)
	}
	return e, nil
}
