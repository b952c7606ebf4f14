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

// pendingHash stands in for the password hash while a new user is validated: the user is
// built before the expensive hash so that every field error is reported at once. It is
// replaced before the user is stored.
const pendingHash = "pending"

// Register signs a phone up with a password and sends it the registration code; a phone
// that exists unverified is registered again (password and names replaced, a fresh code).
// The user, its consent, the code, its SMS job and the audit event are written in one
// transaction. A verified (or disabled) phone gets [core.ErrPhoneTaken] before any send
// budget is spent. The ledger accounts are opened when the phone is verified
// ([Service.VerifyOTP]).
func (s *Service) Register(ctx context.Context, in ports.RegisterInput) (ports.OTPSent, error) {
	now := s.now()
	ve := core.NewValidationError()
	phone, err := parsePhone("phone_number", in.Phone)
	if err := mergeValidation(ve, err); err != nil {
		return ports.OTPSent{}, err
	}
	if err := mergeValidation(ve, identity.ValidatePassword(in.Password, phone.String())); err != nil {
		return ports.OTPSent{}, err
	}
	if in.PasswordConfirm != in.Password {
		ve.Add("password_confirm", msgPasswordMismatch)
	}
	// NewRegisteredUser checks the phone again; keep only its name errors.
	candidate, err := identity.NewRegisteredUser(in.Phone, pendingHash, in.FirstName, in.LastName, now)
	var v *core.ValidationError
	switch {
	case errors.As(err, &v):
		for _, f := range []string{"first_name", "last_name"} {
			for _, msg := range v.Fields[f] {
				ve.Add(f, msg)
			}
		}
	case err != nil:
		return ports.OTPSent{}, err
	}
	if err := ve.Err(); err != nil {
		return ports.OTPSent{}, err
	}

	if err := s.checkNotTaken(ctx, phone.String()); err != nil {
		return ports.OTPSent{}, err
	}
	if err := s.allowSend(ctx, phone, identity.PurposeRegistration, in.Client); err != nil {
		return ports.OTPSent{}, err
	}
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return ports.OTPSent{}, fmt.Errorf("register: %w", err)
	}
	if err := candidate.SetPassword(hash, now); err != nil {
		return ports.OTPSent{}, err
	}
	var (
		code   string
		userID core.UserID
	)
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		existing, err := tx.Users().GetByPhone(ctx, phone.String())
		switch {
		case errors.Is(err, core.ErrNotFound):
			if userID, err = tx.Users().Create(ctx, candidate); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			user, err := tx.Users().GetForUpdate(ctx, existing.ID())
			if err != nil {
				return err
			}
			if err := user.Reregister(hash, in.FirstName, in.LastName, now); err != nil {
				return err
			}
			if err := tx.Users().Update(ctx, user); err != nil {
				return err
			}
			userID = user.ID()
		}
		if err := s.recordConsent(ctx, tx, userID, in.Client, now); err != nil {
			return err
		}
		if code, err = s.issueOTP(ctx, tx, phone, identity.PurposeRegistration); err != nil {
			return err
		}
		return appendUserEvent(ctx, tx, userID, candidate.Role(), in.Client, now, actionRegister, "")
	})
	if errors.Is(err, core.ErrPhoneTaken) {
		return ports.OTPSent{}, err
	}
	if err != nil {
		return ports.OTPSent{}, fmt.Errorf("register: %w", err)
	}
	s.metrics.otpRequest(identity.PurposeRegistration, otpSent)
	s.audit(ctx, securityEvent{name: eventRegistered, client: in.Client, user: userID, phone: phone.String()})
	s.audit(ctx, securityEvent{name: eventOTPSent, client: in.Client, user: userID, phone: phone.String(),
		attrs: []slog.Attr{slog.String("purpose", identity.PurposeRegistration.String())}})
	return s.otpSent(phone, code), nil
}

// checkNotTaken returns [core.ErrPhoneTaken] when phone belongs to a verified or disabled
// account (one that [identity.User.Reregister] refuses).
func (s *Service) checkNotTaken(ctx context.Context, phone string) error {
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		user, err := tx.Users().GetByPhone(ctx, phone)
		if errors.Is(err, core.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if user.PhoneVerified() || user.Disabled() {
			return core.ErrPhoneTaken
		}
		return nil
	})
	if err != nil && !errors.Is(err, core.ErrPhoneTaken) {
		return fmt.Errorf("register: %w", err)
	}
	return err
}

// recordConsent records that user accepted the current terms at now, from c's address:
// registering (or registering again) is accepting them.
func (s *Service) recordConsent(ctx context.Context, tx ports.Tx, user core.UserID, c ports.Client, now time.Time) error {
	if s.cfg.TermsVersion == "" {
		return nil
	}
	if _, err := tx.Consents().Record(ctx, ports.Consent{User: user, Kind: ConsentTerms, Version: s.cfg.TermsVersion, At: now, IP: c.IP}); err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	return nil
}

// ConsentTerms is the consent kind of the terms of service and privacy policy.
const ConsentTerms = "terms"
