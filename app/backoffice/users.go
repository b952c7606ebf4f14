package backoffice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// The audit actions this service writes, and the entity they name.
const (
	actionUserDisable = "user.disable"
	actionUserEnable  = "user.enable"
	entityUser        = "user"
)

// Users returns one page of the users matching f with their balances and verification
// (staff); see [ports.StaffUsers.Users]. A query that is a whole Iranian mobile number in
// any of its written forms (09…, +989…, Persian digits) searches its stored E.164 form; any
// other text is searched as names are stored (Persian yeh and kaf, single spaces).
func (s *Service) Users(ctx context.Context, p ports.Principal, f ports.UserFilter, offset, limit int) ([]ports.UserSummary, int, error) {
	if err := requireStaff(p); err != nil {
		return nil, 0, err
	}
	f.Query = searchQuery(f.Query)
	var (
		out   []ports.UserSummary
		count int
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		users, n, err := tx.Users().Search(ctx, f, offset, limit)
		if err != nil {
			return err
		}
		out, count = make([]ports.UserSummary, 0, len(users)), n
		for _, u := range users {
			sum, err := summarize(ctx, tx, u)
			if err != nil {
				return err
			}
			out = append(out, sum)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("search users: %w", err)
	}
	return out, count, nil
}

// searchQuery rewrites the staff's query into the form the store matches.
func searchQuery(q string) string {
	if m, err := iran.ParseMobile(q); err == nil {
		return m.String()
	}
	return identity.NormalizeName(q)
}

// User returns one user with its balances and verification (staff); see
// [ports.StaffUsers.User].
func (s *Service) User(ctx context.Context, p ports.Principal, id core.UserID) (ports.UserSummary, error) {
	if err := requireStaff(p); err != nil {
		return ports.UserSummary{}, err
	}
	var out ports.UserSummary
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		u, err := tx.Users().Get(ctx, id)
		if err != nil {
			return err
		}
		out, err = summarize(ctx, tx, u)
		return err
	})
	if err != nil {
		return ports.UserSummary{}, fmt.Errorf("user %s: %w", id, err)
	}
	return out, nil
}

// Disable disables a customer for reason and revokes all its sessions (admin); see
// [ports.StaffUsers.Disable]. Staff and the admin's own account are refused with a
// [*core.InvalidStateError]. Disabling a disabled user changes nothing and writes no audit
// event (a retried request answers as the first did), but still revokes any session left.
func (s *Service) Disable(ctx context.Context, p ports.Principal, id core.UserID, reason string) (ports.UserSummary, error) {
	if err := requireAdmin(p); err != nil {
		return ports.UserSummary{}, err
	}
	reason, err := checkReason(reason)
	if err != nil {
		return ports.UserSummary{}, err
	}
	if id == p.UserID {
		return ports.UserSummary{}, &core.InvalidStateError{Object: "user", State: "signed in", Action: "disable"}
	}
	var (
		out     ports.UserSummary
		revoked int64
		changed bool
	)
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		u, err := tx.Users().GetForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if u.IsStaff() {
			return &core.InvalidStateError{Object: "user", State: u.Role().String(), Action: "disable"}
		}
		now := s.now()
		before := userDigest(u)
		changed = !u.Disabled()
		u.Disable(now)
		if changed {
			if err := tx.Users().Update(ctx, u); err != nil {
				return err
			}
		}
		if revoked, err = tx.Sessions().RevokeByUser(ctx, id, "", now, identity.RevokeUserDisabled); err != nil {
			return fmt.Errorf("revoke sessions: %w", err)
		}
		if out, err = summarize(ctx, tx, u); err != nil {
			return err
		}
		if !changed {
			return nil
		}
		return appendChange(ctx, tx, p, now, actionUserDisable, reason, before, u)
	})
	if err != nil {
		return ports.UserSummary{}, fmt.Errorf("disable user %s: %w", id, err)
	}
	s.revoker.SessionsRevoked(id, identity.RevokeUserDisabled, revoked)
	if changed {
		s.logger.InfoContext(ctx, "user disabled", slog.String("user_id", id.String()),
			slog.String("by", p.UserID.String()), slog.Int64("sessions_revoked", revoked))
	}
	return out, nil
}

// Enable lifts a user's disable for reason (admin); see [ports.StaffUsers.Enable]. Enabling
// an enabled user changes nothing and writes no audit event. The sessions revoked by the
// disable stay revoked: the user signs in again.
func (s *Service) Enable(ctx context.Context, p ports.Principal, id core.UserID, reason string) (ports.UserSummary, error) {
	if err := requireAdmin(p); err != nil {
		return ports.UserSummary{}, err
	}
	reason, err := checkReason(reason)
	if err != nil {
		return ports.UserSummary{}, err
	}
	var (
		out     ports.UserSummary
		changed bool
	)
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		u, err := tx.Users().GetForUpdate(ctx, id)
		if err != nil {
			return err
		}
		now := s.now()
		before := userDigest(u)
		changed = u.Disabled()
		u.Enable(now)
		if out, err = summarize(ctx, tx, u); err != nil {
			return err
		}
		if !changed {
			return nil
		}
		if err := tx.Users().Update(ctx, u); err != nil {
			return err
		}
		return appendChange(ctx, tx, p, now, actionUserEnable, reason, before, u)
	})
	if err != nil {
		return ports.UserSummary{}, fmt.Errorf("enable user %s: %w", id, err)
	}
	if changed {
		s.logger.InfoContext(ctx, "user enabled", slog.String("user_id", id.String()), slog.String("by", p.UserID.String()))
	}
	return out, nil
}

// appendChange audits p's action on u for reason, from the digest before to u's.
func appendChange(ctx context.Context, tx ports.Tx, p ports.Principal, now time.Time, action, reason, before string, u identity.User) error {
	e := auditlog.Event(p, now, action, entityUser, u.ID().String())
	e.Reason, e.BeforeDigest, e.AfterDigest = reason, before, userDigest(u)
	return auditlog.Append(ctx, tx, e)
}

// summarize reads u's balances and verification profile in tx. A user whose accounts are
// not open (never verified its phone) has zero balances.
func summarize(ctx context.Context, tx ports.Tx, u identity.User) (ports.UserSummary, error) {
	sum := ports.UserSummary{User: u}
	for _, b := range []struct {
		asset ledger.Asset
		dst   *ledger.Balance
	}{{ledger.IRR, &sum.IRR}, {ledger.Gold, &sum.Gold}} {
		bal, err := tx.Ledger().Balance(ctx, ledger.UserAccount(u.ID(), b.asset))
		switch {
		case errors.Is(err, core.ErrNotFound):
		case err != nil:
			return ports.UserSummary{}, fmt.Errorf("balance of user %s: %w", u.ID(), err)
		default:
			*b.dst = bal
		}
	}
	profile, err := tx.KYC().Get(ctx, u.ID())
	if err != nil {
		return ports.UserSummary{}, fmt.Errorf("kyc profile of user %s: %w", u.ID(), err)
	}
	sum.KYC = profile
	return sum, nil
}

// userDigest fingerprints the fields of a user that staff change or that say who it is; the
// password hash stays out of the audit log.
func userDigest(u identity.User) string {
	r := u.Record()
	dob, _ := u.DateOfBirth()
	return auditlog.Digest("user", r.ID.String(), r.Phone, r.FirstName, r.LastName, r.Email, r.Role.String(),
		auditlog.Stamp(dob), auditlog.Stamp(r.PhoneVerifiedAt), auditlog.Stamp(r.DisabledAt),
		auditlog.Stamp(r.PasswordChangedAt), auditlog.Stamp(r.UpdatedAt))
}
