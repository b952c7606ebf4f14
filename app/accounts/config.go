package accounts

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// Defaults of [ServiceConfig].
const (
	// DefaultResetTokenTTL is how long a password reset token from a verified code lives
	// (the `expires_in: 600` of verify-otp).
	DefaultResetTokenTTL = 10 * time.Minute
	// DefaultSMSDailyBudget is how many one-time codes the whole platform sends per day
	// before it stops sending and raises an alarm.
	DefaultSMSDailyBudget = 10_000
	// DefaultSMSJobMaxAttempts is how many times a code's SMS job is tried; a code that
	// expires first is dropped anyway.
	DefaultSMSJobMaxAttempts = 5
	// DefaultSessionCacheSize bounds how many sessions [Service.Authenticate] remembers.
	DefaultSessionCacheSize = 10_000
	// MinSecretKeyLen is the shortest accepted successor and reset token key, in bytes.
	MinSecretKeyLen = 32
	// SMSSealKeyLen is the length of the key that seals codes in SMS jobs: AES-256.
	SMSSealKeyLen = 32
)

// The names of the rate limits this service applies (API.md §1.7, §3.1); the HTTP layer's
// per-IP limits of the auth endpoints are separate.
const (
	LimitOTPSendIP           = "otp.send.ip"
	LimitOTPSendInterval     = "otp.send.phone_purpose.interval"
	LimitOTPSendPhonePurpose = "otp.send.phone_purpose"
	LimitOTPSendPhone        = "otp.send.phone"
	LimitSMSBudget           = "sms.budget"
	LimitVerifyOTP           = "auth.verify_otp"
	LimitVerifyOTPPhone      = "otp.verify.phone"
	LimitLoginPhone          = "auth.login.phone"
	LimitChangePassword      = "auth.change_password"
)

// Limits are the rate limits of the accounts use cases. A zero field takes the default
// named beside it; the OTP ones follow [ServiceConfig.OTPPolicy].
type Limits struct {
	// OTPSendIP bounds code requests per client IP: [LimitOTPSendIP], the policy's
	// MaxPerIPPerHour per hour.
	OTPSendIP ports.Limit
	// OTPSendInterval spaces sends to one phone and purpose: [LimitOTPSendInterval], one per
	// the policy's ResendInterval (none when that is zero).
	OTPSendInterval ports.Limit
	// OTPSendPhonePurpose bounds sends to one phone and purpose: [LimitOTPSendPhonePurpose],
	// the policy's MaxPerHour per hour.
	OTPSendPhonePurpose ports.Limit
	// OTPSendPhone bounds sends to one phone over every purpose:
	// [LimitOTPSendPhone], the policy's MaxPerDay per 24 hours.
	OTPSendPhone ports.Limit
	// SMSBudget is the platform's daily SMS budget, one key "global": [LimitSMSBudget],
	// [ServiceConfig.SMSDailyBudget] per 24 hours.
	SMSBudget ports.Limit
	// VerifyOTP bounds code checks per client IP and phone: [LimitVerifyOTP], 5 per
	// 10 minutes.
	VerifyOTP ports.Limit
	// VerifyOTPPhone bounds code checks per phone from anywhere: [LimitVerifyOTPPhone], the
	// policy's MaxFailedPerPhonePerHour per hour. Every check is counted, so failures are
	// bounded too.
	VerifyOTPPhone ports.Limit
	// LoginPhone is the per-account sign-in backoff: [LimitLoginPhone], 5 attempts per
	// 15 minutes, cleared by a successful sign-in.
	LoginPhone ports.Limit
	// ChangePassword bounds password changes per user: [LimitChangePassword], 5 per hour.
	ChangePassword ports.Limit
}

// ServiceConfig configures [NewService]. Secrets have no defaults; every other zero field
// takes the default its doc names.
type ServiceConfig struct {
	// OTPPolicy sets the codes' TTL, attempts and send budgets; zero means
	// [identity.DefaultOTPPolicy].
	OTPPolicy identity.OTPPolicy
	// CodeKeys MAC the codes; required.
	CodeKeys identity.CodeKeys
	// SuccessorKey derives each rotated refresh token from the one presented
	// ([identity.SuccessorToken]); at least [MinSecretKeyLen] random bytes, required.
	SuccessorKey []byte
	// ResetTokenKey signs password reset tokens; at least [MinSecretKeyLen] random bytes,
	// required.
	ResetTokenKey []byte
	// SMSSealKey encrypts codes inside SMS jobs (AES-256-GCM), so the job table never holds
	// a usable code; exactly [SMSSealKeyLen] random bytes, required. Changing it drops the
	// jobs still waiting (their codes can be requested again).
	SMSSealKey []byte
	// RefreshTTL is how long a session lives; zero means [identity.DefaultRefreshTTL].
	RefreshTTL time.Duration
	// RefreshGrace is how long a retired refresh token still yields its successor; zero
	// means [identity.DefaultRefreshGrace].
	RefreshGrace time.Duration
	// ResetTokenTTL is how long a reset token lives; zero means [DefaultResetTokenTTL].
	ResetTokenTTL time.Duration
	// ExposeCodes puts every code sent in [ports.OTPSent.DebugCode]. Development only: the
	// app refuses it in production.
	ExposeCodes bool
	// OTPSignup lets a registration code go to an unknown phone, whose verification then
	// creates a passwordless account (API.md §3.1, OTP_SIGNUP). Off by default.
	OTPSignup bool
	// TermsVersion is the version of the terms a registration accepts, recorded as the
	// user's consent (TERMS_VERSION); empty records nothing.
	TermsVersion string
	// SMSDailyBudget is how many codes the platform sends per day; zero means
	// [DefaultSMSDailyBudget].
	SMSDailyBudget int
	// SMSJobMaxAttempts bounds the tries of one SMS job; zero means
	// [DefaultSMSJobMaxAttempts].
	SMSJobMaxAttempts int
	// SessionCacheSize bounds the sessions [Service.Authenticate] remembers for up to
	// [ports.RevocationCacheTTL]; zero means [DefaultSessionCacheSize].
	SessionCacheSize int
	// Limits are the rate limits; zero fields take their defaults.
	Limits Limits
	// Rand is the source of codes, session ids, refresh tokens and nonces; nil means
	// crypto/rand.Reader. It must be a CSPRNG.
	Rand io.Reader
	// Metrics counts the outcomes of the use cases and of the SMS worker; nil counts
	// nothing.
	Metrics *Metrics
}

// withDefaults returns c with its zero fields set to their defaults.
func (c ServiceConfig) withDefaults() ServiceConfig {
	if c.OTPPolicy == (identity.OTPPolicy{}) {
		c.OTPPolicy = identity.DefaultOTPPolicy()
	}
	if c.RefreshTTL == 0 {
		c.RefreshTTL = identity.DefaultRefreshTTL
	}
	if c.RefreshGrace == 0 {
		c.RefreshGrace = identity.DefaultRefreshGrace
	}
	if c.ResetTokenTTL == 0 {
		c.ResetTokenTTL = DefaultResetTokenTTL
	}
	if c.SMSDailyBudget == 0 {
		c.SMSDailyBudget = DefaultSMSDailyBudget
	}
	if c.SMSJobMaxAttempts == 0 {
		c.SMSJobMaxAttempts = DefaultSMSJobMaxAttempts
	}
	if c.SessionCacheSize == 0 {
		c.SessionCacheSize = DefaultSessionCacheSize
	}
	c.Limits = c.Limits.withDefaults(c.OTPPolicy, c.SMSDailyBudget)
	return c
}

// withDefaults fills the zero limits from policy and the SMS budget.
func (l Limits) withDefaults(policy identity.OTPPolicy, budget int) Limits {
	def := func(cur *ports.Limit, l ports.Limit) {
		if *cur == (ports.Limit{}) {
			*cur = l
		}
	}
	const day = 24 * time.Hour
	def(&l.OTPSendIP, ports.PerPeriod(LimitOTPSendIP, policy.MaxPerIPPerHour, time.Hour))
	if policy.ResendInterval > 0 {
		def(&l.OTPSendInterval, ports.PerPeriod(LimitOTPSendInterval, 1, policy.ResendInterval))
	}
	def(&l.OTPSendPhonePurpose, ports.PerPeriod(LimitOTPSendPhonePurpose, policy.MaxPerHour, time.Hour))
	def(&l.OTPSendPhone, ports.PerPeriod(LimitOTPSendPhone, policy.MaxPerDay, day))
	def(&l.SMSBudget, ports.PerPeriod(LimitSMSBudget, budget, day))
	def(&l.VerifyOTP, ports.PerPeriod(LimitVerifyOTP, 5, 10*time.Minute))
	def(&l.VerifyOTPPhone, ports.PerPeriod(LimitVerifyOTPPhone, policy.MaxFailedPerPhonePerHour, time.Hour))
	def(&l.LoginPhone, ports.PerPeriod(LimitLoginPhone, 5, 15*time.Minute))
	def(&l.ChangePassword, ports.PerPeriod(LimitChangePassword, 5, time.Hour))
	return l
}

// validate reports every unusable field of c, which has its defaults applied.
func (c ServiceConfig) validate() error {
	var errs []error
	if err := c.OTPPolicy.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.CodeKeys.IsZero() {
		errs = append(errs, errors.New("code keys are required"))
	}
	if len(c.SuccessorKey) < MinSecretKeyLen {
		errs = append(errs, fmt.Errorf("successor key must be at least %d bytes", MinSecretKeyLen))
	}
	if len(c.ResetTokenKey) < MinSecretKeyLen {
		errs = append(errs, fmt.Errorf("reset token key must be at least %d bytes", MinSecretKeyLen))
	}
	if len(c.SMSSealKey) != SMSSealKeyLen {
		errs = append(errs, fmt.Errorf("sms seal key must be %d bytes", SMSSealKeyLen))
	}
	if c.RefreshTTL < 0 || c.RefreshGrace < 0 || c.ResetTokenTTL < 0 {
		errs = append(errs, errors.New("refresh ttl, refresh grace and reset token ttl must not be negative"))
	}
	if c.SMSDailyBudget < 0 || c.SMSJobMaxAttempts < 0 || c.SessionCacheSize < 0 {
		errs = append(errs, errors.New("sms daily budget, sms job max attempts and session cache size must not be negative"))
	}
	for _, l := range c.Limits.all() {
		if err := l.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("accounts config: %w", err)
	}
	return nil
}

// all returns the limits in use (the interval only when set).
func (l Limits) all() []ports.Limit {
	out := []ports.Limit{
		l.OTPSendIP, l.OTPSendPhonePurpose, l.OTPSendPhone, l.SMSBudget,
		l.VerifyOTP, l.VerifyOTPPhone, l.LoginPhone, l.ChangePassword,
	}
	if l.OTPSendInterval != (ports.Limit{}) {
		out = append(out, l.OTPSendInterval)
	}
	return out
}
