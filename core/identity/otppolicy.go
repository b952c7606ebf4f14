package identity

import (
	"errors"
	"fmt"
	"time"
)

// The one-time code rules of API.md §3.1 and their defaults.
const (
	// DefaultOTPTTL is how long a code is valid by default (the `expires_in: 300` of
	// send-otp and register).
	DefaultOTPTTL = 5 * time.Minute
	// MaxOTPTTL is the longest validity a policy may configure.
	MaxOTPTTL = 10 * time.Minute
	// MaxOTPAttempts is the contract's cap on verification attempts per code, and the default.
	MaxOTPAttempts = 5
	// DefaultOTPResendInterval is the wait between two sends to one phone and purpose (the
	// `resend_after: 60` of send-otp and register).
	DefaultOTPResendInterval = 60 * time.Second
	// DefaultOTPMaxPerHour is how many codes one phone and purpose may be sent per hour.
	DefaultOTPMaxPerHour = 5
	// DefaultOTPMaxPerDay is how many codes one phone may be sent per day.
	DefaultOTPMaxPerDay = 10
	// DefaultOTPMaxPerIPPerHour is how many codes one client IP may request per hour.
	DefaultOTPMaxPerIPPerHour = 20
	// DefaultOTPMaxFailedPerPhonePerHour is how many wrong codes one phone may submit per
	// hour, across codes, before verification is refused.
	DefaultOTPMaxFailedPerPhonePerHour = 20
)

// OTPPolicy configures one-time codes. The per-code rules (TTL, MaxAttempts) are enforced by
// [OTP]; the send and failure budgets are enforced by the app through its rate limiter.
// Start from [DefaultOTPPolicy] and check changes with [OTPPolicy.Validate].
type OTPPolicy struct {
	// TTL is how long a code is valid: more than zero, at most [MaxOTPTTL].
	TTL time.Duration
	// MaxAttempts is how many verification attempts one code allows: 1 to [MaxOTPAttempts].
	MaxAttempts int
	// ResendInterval is the least time between two sends to one phone and purpose: zero or
	// more, at most TTL.
	ResendInterval time.Duration
	// MaxPerHour is how many codes one phone and purpose may be sent per hour (at least 1).
	MaxPerHour int
	// MaxPerDay is how many codes one phone may be sent per day (at least MaxPerHour).
	MaxPerDay int
	// MaxPerIPPerHour is how many codes one client IP may request per hour (at least 1).
	MaxPerIPPerHour int
	// MaxFailedPerPhonePerHour is how many wrong codes one phone may submit per hour
	// (at least 1).
	MaxFailedPerPhonePerHour int
}

// DefaultOTPPolicy returns the policy of API.md §3.1: codes valid 5 minutes with 5 attempts,
// one send per 60 s, 5 sends per hour and 10 per day per phone, 20 requests per hour per IP
// and 20 failures per hour per phone.
func DefaultOTPPolicy() OTPPolicy {
	return OTPPolicy{
		TTL:                      DefaultOTPTTL,
		MaxAttempts:              MaxOTPAttempts,
		ResendInterval:           DefaultOTPResendInterval,
		MaxPerHour:               DefaultOTPMaxPerHour,
		MaxPerDay:                DefaultOTPMaxPerDay,
		MaxPerIPPerHour:          DefaultOTPMaxPerIPPerHour,
		MaxFailedPerPhonePerHour: DefaultOTPMaxFailedPerPhonePerHour,
	}
}

// Validate reports every field outside its documented range, joined into one error.
func (p OTPPolicy) Validate() error {
	var errs []error
	if p.TTL <= 0 || p.TTL > MaxOTPTTL {
		errs = append(errs, fmt.Errorf("otp policy: ttl %s outside (0, %s]", p.TTL, MaxOTPTTL))
	}
	if p.MaxAttempts < 1 || p.MaxAttempts > MaxOTPAttempts {
		errs = append(errs, fmt.Errorf("otp policy: max attempts %d outside [1, %d]", p.MaxAttempts, MaxOTPAttempts))
	}
	if p.ResendInterval < 0 || p.ResendInterval > p.TTL {
		errs = append(errs, fmt.Errorf("otp policy: resend interval %s outside [0, ttl]", p.ResendInterval))
	}
	if p.MaxPerHour < 1 {
		errs = append(errs, fmt.Errorf("otp policy: max per hour %d below 1", p.MaxPerHour))
	}
	if p.MaxPerDay < p.MaxPerHour {
		errs = append(errs, fmt.Errorf("otp policy: max per day %d below max per hour %d", p.MaxPerDay, p.MaxPerHour))
	}
	if p.MaxPerIPPerHour < 1 {
		errs = append(errs, fmt.Errorf("otp policy: max per ip per hour %d below 1", p.MaxPerIPPerHour))
	}
	if p.MaxFailedPerPhonePerHour < 1 {
		errs = append(errs, fmt.Errorf("otp policy: max failed per phone per hour %d below 1", p.MaxFailedPerPhonePerHour))
	}
	return errors.Join(errs...)
}

// NewOTP is [NewOTP] with the policy's TTL and MaxAttempts. It returns an error when the
// policy is invalid.
func (p OTPPolicy) NewOTP(phone string, purpose Purpose, code string, keys CodeKeys, now time.Time) (*OTP, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return newOTP(phone, purpose, code, keys, now, p.TTL, p.MaxAttempts)
}
