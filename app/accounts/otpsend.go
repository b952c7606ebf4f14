package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// sendPurpose returns the purpose of a code request: a zero purpose means login (the
// `otp_type` default of API.md §3.1); purposes other than the four of send-otp are a
// [core.ValidationError] on "otp_type".
func sendPurpose(p identity.Purpose) (identity.Purpose, error) {
	switch p {
	case identity.Purpose{}:
		return identity.PurposeLogin, nil
	case identity.PurposeRegistration, identity.PurposeLogin, identity.PurposePasswordReset,
		identity.PurposePhoneVerification:
		return p, nil
	default:
		return identity.Purpose{}, core.FieldError("otp_type", msgPurposeInvalid)
	}
}

// SendOTP sends a code for in.Purpose (a zero purpose means login) when the phone may get
// one: registration and phone verification go to existing unverified accounts (and, with
// [ServiceConfig.OTPSignup], registration to unknown phones), login and password reset to
// existing, verified, enabled accounts. Every request consumes the same rate limits and gets
// the same answer, whether or not a message left, so the answer never tells whether a
// phone is registered.
func (s *Service) SendOTP(ctx context.Context, in ports.SendOTPInput) (ports.OTPSent, error) {
	phone, err := parsePhone("phone_number", in.Phone)
	if err != nil {
		return ports.OTPSent{}, err
	}
	purpose, err := sendPurpose(in.Purpose)
	if stepUpPurpose(in.Purpose) {
		// Step-up codes are sent like login codes and redeemed only by the action they
		// confirm (RedeemStepUp), never by verify-otp.
		purpose, err = in.Purpose, nil
	}
	if err != nil {
		return ports.OTPSent{}, err
	}
	if err := s.allowSend(ctx, phone, purpose, in.Client); err != nil {
		return ports.OTPSent{}, err
	}
	var (
		code   string
		userID core.UserID
		why    string
	)
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		code, userID, why = "", 0, ""
		user, err := tx.Users().GetByPhone(ctx, phone.String())
		switch {
		case errors.Is(err, core.ErrNotFound):
			if purpose != identity.PurposeRegistration || !s.cfg.OTPSignup {
				why = "unknown phone"
				return nil
			}
		case err != nil:
			return err
		default:
			userID = user.ID()
			if why = ineligible(user, purpose); why != "" {
				return nil
			}
		}
		code, err = s.issueOTP(ctx, tx, phone, purpose)
		return err
	})
	if err != nil {
		return ports.OTPSent{}, fmt.Errorf("send otp: %w", err)
	}
	if code == "" {
		s.metrics.otpRequest(purpose, otpSuppressed)
		s.audit(ctx, securityEvent{name: eventOTPNotSent, client: in.Client, user: userID, phone: phone.String(),
			attrs: []slog.Attr{slog.String("purpose", purpose.String()), slog.String("reason", why)}})
	} else {
		s.metrics.otpRequest(purpose, otpSent)
		s.audit(ctx, securityEvent{name: eventOTPSent, client: in.Client, user: userID, phone: phone.String(),
			attrs: []slog.Attr{slog.String("purpose", purpose.String())}})
	}
	return s.otpSent(phone, code), nil
}

// ineligible returns why user may not get a code for purpose, or "" when it may.
func ineligible(user identity.User, purpose identity.Purpose) string {
	switch {
	case user.Disabled():
		return "account disabled"
	case purpose == identity.PurposeRegistration || purpose == identity.PurposePhoneVerification:
		if user.PhoneVerified() {
			return "phone already verified"
		}
	case !user.PhoneVerified():
		return "phone not verified"
	}
	return ""
}

// otpSent is the answer to a code request; code is "" when nothing was sent, and shown only
// when [ServiceConfig.ExposeCodes] is on.
func (s *Service) otpSent(phone iran.Mobile, code string) ports.OTPSent {
	out := ports.OTPSent{
		Phone:       phone.String(),
		ExpiresIn:   s.cfg.OTPPolicy.TTL,
		ResendAfter: s.cfg.OTPPolicy.ResendInterval,
	}
	if s.cfg.ExposeCodes {
		out.DebugCode = code
	}
	return out
}

// issueOTP stores a new code for phone and purpose (voiding older ones) and enqueues its SMS
// in tx, and returns the code.
func (s *Service) issueOTP(ctx context.Context, tx ports.Tx, phone iran.Mobile, purpose identity.Purpose) (string, error) {
	now := s.now()
	code, err := identity.GenerateCode(s.rand)
	if err != nil {
		return "", err
	}
	otp, err := s.cfg.OTPPolicy.NewOTP(phone.String(), purpose, code, s.cfg.CodeKeys, now)
	if err != nil {
		return "", err
	}
	id, err := tx.OTPs().Create(ctx, otp)
	if err != nil {
		return "", err
	}
	sealed, err := s.sealer.seal(phone.String(), purpose.String(), code)
	if err != nil {
		return "", err
	}
	args, err := json.Marshal(OTPSMSArgs{
		OTPID:      int64(id),
		Phone:      phone.String(),
		Purpose:    purpose.String(),
		SealedCode: sealed,
		ExpiresAt:  otp.ExpiresAt(),
	})
	if err != nil {
		return "", fmt.Errorf("encode otp sms job: %w", err)
	}
	if _, err := tx.Jobs().Enqueue(ctx, ports.Job{Kind: OTPSMSKind, Args: args, MaxAttempts: s.cfg.SMSJobMaxAttempts}); err != nil {
		return "", err
	}
	return code, nil
}

// sendLimit is one budget a code request spends, with its key.
type sendLimit struct {
	limit ports.Limit
	key   string
}

// allowSend spends one unit of every send budget for a code to phone for purpose, or
// returns the first denial as a [*core.RateLimitedError]. A denied attempt spends nothing
// of the budget that denied it but keeps what earlier budgets allowed, so the order puts
// the requester's own budget first (an IP over its limit spends none of a victim phone's
// budgets), then the phone's from narrowest to widest, and the platform's SMS budget last,
// spent only by requests that every other budget allowed. Known and unknown phones spend
// alike (no enumeration), so the SMS budget counts requests, not messages. The limiter
// failing closes the door: sends cost money, so they stop with [core.ErrSMSUnavailable].
func (s *Service) allowSend(ctx context.Context, phone iran.Mobile, purpose identity.Purpose, c ports.Client) error {
	l := s.cfg.Limits
	phonePurpose := phone.String() + "|" + purpose.String()
	steps := []sendLimit{{l.OTPSendIP, limitKeyIP(c.IP)}}
	if l.OTPSendInterval != (ports.Limit{}) {
		steps = append(steps, sendLimit{l.OTPSendInterval, phonePurpose})
	}
	steps = append(steps,
		sendLimit{l.OTPSendPhonePurpose, phonePurpose},
		sendLimit{l.OTPSendPhone, phone.String()},
		sendLimit{l.SMSBudget, "global"},
	)
	for _, step := range steps {
		d, err := s.limiter.Allow(ctx, step.key, step.limit)
		if err != nil {
			if errors.Is(err, ports.ErrLimiterUnavailable) {
				s.logger.ErrorContext(ctx, "rate limiter unavailable, refusing to send codes",
					slog.String("limit", step.limit.Name), slog.Any("error", err))
				return fmt.Errorf("%w: rate limiter unavailable", core.ErrSMSUnavailable)
			}
			return fmt.Errorf("rate limit %s: %w", step.limit.Name, err)
		}
		if d.Allowed {
			continue
		}
		if step.limit.Name == l.SMSBudget.Name {
			s.metrics.budgetExhausted(purpose)
			s.logger.ErrorContext(ctx, "alarm: daily sms budget exhausted, codes are not sent",
				slog.String("limit", step.limit.String()), slog.Duration("retry_after", d.RetryAfter))
			return fmt.Errorf("%w: daily sms budget exhausted", core.ErrSMSUnavailable)
		}
		s.metrics.otpRequest(purpose, otpRateLimited)
		s.audit(ctx, securityEvent{name: eventOTPSendLimited, level: slog.LevelWarn, client: c, phone: phone.String(),
			attrs: []slog.Attr{slog.String("purpose", purpose.String()), slog.String("limit", step.limit.Name)}})
		return d.Err()
	}
	return nil
}
