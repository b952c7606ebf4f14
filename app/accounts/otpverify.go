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

// VerifyOTP checks a code for in.Purpose (a zero purpose means login). A right code for
// registration or phone verification marks the phone verified and opens the user's ledger
// accounts (wallets exist from the phone's verification on, so abandoned sign-ups leave
// none); for login it signs in; for password reset it returns a reset token.
//
// Every check spends one unit of the IP-and-phone limit and of the per-phone limit before
// the code is compared: attempts are counted, which bounds failures. The code's attempt
// counter is saved whatever the outcome, so a wrong code counts even though an error is
// returned.
func (s *Service) VerifyOTP(ctx context.Context, in ports.VerifyOTPInput) (ports.VerifyOTPResult, error) {
	phone, err := parsePhone("phone_number", in.Phone)
	if err != nil {
		return ports.VerifyOTPResult{}, err
	}
	purpose, err := sendPurpose(in.Purpose)
	if err != nil {
		return ports.VerifyOTPResult{}, err
	}
	if in.Code == "" {
		return ports.VerifyOTPResult{}, core.FieldError("code", msgRequired)
	}
	if err := s.allowVerify(ctx, phone, purpose, in.Client); err != nil {
		if errors.Is(err, core.ErrRateLimited) {
			s.metrics.otpVerification(purpose, err)
		}
		return ports.VerifyOTPResult{}, err
	}
	var (
		res  ports.VerifyOTPResult
		user identity.User
	)
	// The transaction commits whenever the code was checked, so that the attempt stands.
	domainErr, err := s.inTxKeepingVerdict(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		res, user, err = s.redeemCode(ctx, tx, phone, purpose, in)
		return err
	})
	if err != nil {
		return ports.VerifyOTPResult{}, fmt.Errorf("verify otp: %w", err)
	}
	s.metrics.otpVerification(purpose, domainErr)
	purposeAttr := slog.String("purpose", purpose.String())
	if domainErr != nil {
		s.audit(ctx, securityEvent{name: eventOTPFailed, level: slog.LevelWarn, client: in.Client, user: user.ID(),
			phone: phone.String(), attrs: []slog.Attr{purposeAttr, reason(domainErr)}})
		return ports.VerifyOTPResult{}, domainErr
	}
	s.audit(ctx, securityEvent{name: eventOTPVerified, client: in.Client, user: user.ID(), phone: phone.String(),
		attrs: []slog.Attr{purposeAttr}})
	switch {
	case res.PhoneVerified:
		s.audit(ctx, securityEvent{name: eventPhoneVerified, client: in.Client, user: user.ID(), phone: phone.String()})
	case res.SignIn != nil:
		s.audit(ctx, securityEvent{name: eventLoginSucceeded, client: in.Client, user: user.ID(), phone: phone.String(),
			attrs: []slog.Attr{slog.String("method", "otp"), slog.String("session_id", res.SignIn.Tokens.SessionID)}})
	}
	return res, nil
}

// allowVerify spends one code check for phone: first the client's own IP-and-phone budget,
// then the phone's. A denial is logged as a lockout. A limiter that is down fails open: the
// code's own attempt cap still bounds guessing.
func (s *Service) allowVerify(ctx context.Context, phone iran.Mobile, purpose identity.Purpose, c ports.Client) error {
	l := s.cfg.Limits
	for _, step := range []sendLimit{
		{l.VerifyOTP, limitKeyIP(c.IP) + "|" + phone.String()},
		{l.VerifyOTPPhone, phone.String()},
	} {
		if err := s.allowOpen(ctx, step.limit, step.key); err != nil {
			if errors.Is(err, core.ErrRateLimited) {
				s.audit(ctx, securityEvent{name: eventOTPVerifyLocked, level: slog.LevelWarn, client: c,
					phone: phone.String(), attrs: []slog.Attr{slog.String("purpose", purpose.String()),
						slog.String("limit", step.limit.Name)}})
			}
			return err
		}
	}
	return nil
}

// inTxKeepingVerdict runs fn in one transaction that commits also when fn returns a verdict
// (see isVerdict), so that the refusal's own writes, a counted attempt, stand. It returns the
// verdict and any other error apart.
func (s *Service) inTxKeepingVerdict(ctx context.Context, fn func(ctx context.Context, tx ports.Tx) error) (verdict, err error) {
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		verdict = nil
		err := fn(ctx, tx)
		if isVerdict(err) {
			verdict, err = err, nil
		}
		return err
	})
	return verdict, err
}

// isVerdict reports whether err is a refusal of a code check, after which the attempt
// must still be committed: no storage error matches these.
func isVerdict(err error) bool {
	return errors.Is(err, core.ErrOTPInvalid) || errors.Is(err, core.ErrOTPExpired) ||
		errors.Is(err, core.ErrOTPAttemptsExceeded) || errors.Is(err, core.ErrAccountDisabled) ||
		errors.Is(err, core.ErrPhoneNotVerified)
}

// redeemCode checks in's code in tx and does what it proves (see [Service.VerifyOTP]). It
// returns a verdict (see isVerdict) only before its own writes, so that committing keeps
// just the attempt.
func (s *Service) redeemCode(ctx context.Context, tx ports.Tx, phone iran.Mobile, purpose identity.Purpose, in ports.VerifyOTPInput) (ports.VerifyOTPResult, identity.User, error) {
	if err := s.checkCode(ctx, tx, phone, purpose, in.Code); err != nil {
		return ports.VerifyOTPResult{}, identity.User{}, err
	}
	switch purpose {
	case identity.PurposeLogin:
		user, err := s.userForCode(ctx, tx, phone)
		if err != nil {
			return ports.VerifyOTPResult{}, identity.User{}, err
		}
		if err := user.CheckSignIn(); err != nil {
			return ports.VerifyOTPResult{}, user, err
		}
		tokens, err := s.startSession(ctx, tx, user, in.Client, methodOTP)
		if err != nil {
			return ports.VerifyOTPResult{}, user, err
		}
		return ports.VerifyOTPResult{SignIn: &ports.SignIn{User: user, Tokens: tokens}}, user, nil
	case identity.PurposePasswordReset:
		user, err := s.userForCode(ctx, tx, phone)
		if err != nil {
			return ports.VerifyOTPResult{}, identity.User{}, err
		}
		return ports.VerifyOTPResult{ResetToken: s.resets.issue(user, s.now()), ResetTokenTTL: s.cfg.ResetTokenTTL}, user, nil
	default: // registration, phone verification
		user, err := s.verifyPhone(ctx, tx, phone, purpose, in.Client)
		if err != nil {
			return ports.VerifyOTPResult{}, user, err
		}
		return ports.VerifyOTPResult{PhoneVerified: true}, user, nil
	}
}

// checkCode verifies code against the latest usable code of phone and purpose in tx and
// saves the attempt. It returns nil, a verdict ([core.ErrOTPInvalid], [core.ErrOTPExpired]
// or [core.ErrOTPAttemptsExceeded]) or a storage error.
func (s *Service) checkCode(ctx context.Context, tx ports.Tx, phone iran.Mobile, purpose identity.Purpose, code string) error {
	otp, err := tx.OTPs().Latest(ctx, phone.String(), purpose)
	if errors.Is(err, core.ErrNotFound) {
		return core.ErrOTPInvalid
	}
	if err != nil {
		return err
	}
	before := otp.Attempts()
	verdict := otp.Verify(code, s.cfg.CodeKeys, s.now())
	if verdict == nil || otp.Attempts() != before {
		// A Save refused with ErrOTPInvalid lost a race with a concurrent check or send.
		if err := tx.OTPs().Save(ctx, otp); err != nil {
			return err
		}
	}
	return verdict
}

// userForCode returns the account a login or reset code was sent to. Codes for these
// purposes go only to existing accounts, so a missing one reads as a wrong code.
func (s *Service) userForCode(ctx context.Context, tx ports.Tx, phone iran.Mobile) (identity.User, error) {
	user, err := tx.Users().GetByPhone(ctx, phone.String())
	if errors.Is(err, core.ErrNotFound) {
		return identity.User{}, core.ErrOTPInvalid
	}
	return user, err
}

// verifyPhone marks the phone of a verified registration or phone verification code as
// verified, opens the user's ledger accounts and audits the verification (a phone verified
// already is not audited again). With [ServiceConfig.OTPSignup], a registration code for an
// unknown phone creates a passwordless account, audited as a registration too.
func (s *Service) verifyPhone(ctx context.Context, tx ports.Tx, phone iran.Mobile, purpose identity.Purpose, c ports.Client) (identity.User, error) {
	now := s.now()
	found, err := tx.Users().GetByPhone(ctx, phone.String())
	var (
		user    identity.User
		actions []string
	)
	switch {
	case errors.Is(err, core.ErrNotFound):
		if purpose != identity.PurposeRegistration || !s.cfg.OTPSignup {
			return identity.User{}, core.ErrOTPInvalid
		}
		user = identity.NewUser(phone.String(), now)
		if err := user.VerifyPhone(now); err != nil {
			return identity.User{}, err
		}
		id, err := tx.Users().Create(ctx, user)
		if err != nil {
			return identity.User{}, err
		}
		if user, err = tx.Users().Get(ctx, id); err != nil {
			return identity.User{}, err
		}
		actions = []string{actionRegister, actionPhoneVerified}
	case err != nil:
		return identity.User{}, err
	default:
		if user, err = tx.Users().GetForUpdate(ctx, found.ID()); err != nil {
			return identity.User{}, err
		}
		if !user.PhoneVerified() {
			actions = []string{actionPhoneVerified}
		}
		if err := user.VerifyPhone(now); err != nil {
			return user, err
		}
		if err := tx.Users().Update(ctx, user); err != nil {
			return identity.User{}, err
		}
	}
	if err := tx.Ledger().OpenUserAccounts(ctx, user.ID()); err != nil {
		return identity.User{}, fmt.Errorf("open ledger accounts: %w", err)
	}
	for _, action := range actions {
		if err := appendUserEvent(ctx, tx, user.ID(), user.Role(), c, now, action, ""); err != nil {
			return identity.User{}, err
		}
	}
	return user, nil
}
