package accounts

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
)

// Metrics counts what the accounts use cases and the SMS worker decide, for Prometheus:
// code requests and checks, the SMS budget alarm, sign-ins, refreshes and revocations, and
// SMS jobs. Build it with [NewMetrics] and set it in [ServiceConfig.Metrics]. A nil *Metrics
// counts nothing, so tests and library users need not register anything.
//
// Label values come from fixed sets (purposes, outcomes, revoke reasons, SMS provider
// names), never from input, so the number of series stays bounded.
type Metrics struct {
	otpRequests        *prometheus.CounterVec
	otpVerifications   *prometheus.CounterVec
	smsBudgetExhausted prometheus.Counter
	logins             *prometheus.CounterVec
	sessionsRevoked    *prometheus.CounterVec
	refreshes          *prometheus.CounterVec
	smsJobs            *prometheus.CounterVec
}

// Outcomes of a code request (talabin_otp_requests_total).
const (
	otpSent            = "sent"
	otpSuppressed      = "suppressed" // the phone may not get this code; same answer, no message
	otpRateLimited     = "rate_limited"
	otpBudgetExhausted = "budget_exhausted"
)

// Outcomes of a code check (talabin_otp_verifications_total).
const (
	verifyOK               = "ok"
	verifyInvalid          = "invalid"
	verifyExpired          = "expired"
	verifyAttemptsExceeded = "attempts_exceeded"
	verifyRateLimited      = "rate_limited"
	verifyRefused          = "refused" // right code, but the account may not sign in
)

// Methods and outcomes of a sign-in (talabin_logins_total).
const (
	methodPassword = "password"
	methodOTP      = "otp"

	loginOK               = "ok"
	loginInvalid          = "invalid_credentials"
	loginLocked           = "locked"
	loginDisabled         = "disabled"
	loginPhoneNotVerified = "phone_not_verified"
)

// Outcomes of a refresh (talabin_refresh_total).
const (
	refreshRotated     = "rotated"
	refreshGraceReplay = "grace_replay"
	refreshReused      = "reused"
	refreshInvalid     = "invalid"
	refreshRevoked     = "revoked"
	refreshExpired     = "expired"
	refreshDisabled    = "disabled"
)

// Outcomes of an SMS job (talabin_sms_jobs_total), and the provider label of a job no
// provider took.
const (
	smsJobSent             = "sent"
	smsJobCancelledExpired = "cancelled_expired" // expired, voided, used or spent before sending
	smsJobCancelledInvalid = "cancelled_invalid" // a retry cannot help: bad job or refused message
	smsJobOutcomeUnknown   = "outcome_unknown"
	smsJobRetry            = "retry"
	smsNoProvider          = "none"
)

// NewMetrics returns the accounts counters registered on reg. It fails when reg already
// holds counters of these names, e.g. when called twice on one registry.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		return nil, errors.New("accounts metrics: registerer is required")
	}
	m := &Metrics{
		otpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_otp_requests_total",
			Help: "One-time code requests (send-otp, register) by purpose and outcome: sent, suppressed (the phone may not get it; same answer), rate_limited, budget_exhausted.",
		}, []string{"purpose", "outcome"}),
		otpVerifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_otp_verifications_total",
			Help: "One-time code checks (verify-otp) by purpose and outcome: ok, invalid, expired, attempts_exceeded, rate_limited, refused (right code, account may not sign in).",
		}, []string{"purpose", "outcome"}),
		smsBudgetExhausted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "talabin_sms_budget_exhausted_total",
			Help: "Code requests refused because the platform's daily SMS budget is spent; alert on any increase.",
		}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_logins_total",
			Help: "Sign-in attempts by method (password, otp) and outcome: ok, invalid_credentials, locked, disabled, phone_not_verified.",
		}, []string{"method", "outcome"}),
		sessionsRevoked: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_sessions_revoked_total",
			Help: "Sessions revoked by reason: logout, password_change, password_reset, reuse (a retired refresh token presented again).",
		}, []string{"reason"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_refresh_total",
			Help: "Refresh token presentations by outcome: rotated, grace_replay, reused, invalid, revoked, expired, disabled.",
		}, []string{"outcome"}),
		smsJobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "talabin_sms_jobs_total",
			Help: "Code SMS jobs run, by provider (none when no provider took the message) and outcome: sent, cancelled_expired, cancelled_invalid, outcome_unknown, retry.",
		}, []string{"provider", "outcome"}),
	}
	for _, c := range []prometheus.Collector{
		m.otpRequests, m.otpVerifications, m.smsBudgetExhausted, m.logins, m.sessionsRevoked, m.refreshes, m.smsJobs,
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("accounts metrics: %w", err)
		}
	}
	m.initSeries()
	return m, nil
}

// initSeries creates every known series at zero, so that rates and alerts see a series
// before its first event (the provider label of SMS jobs is open, so those start empty).
func (m *Metrics) initSeries() {
	for _, p := range []identity.Purpose{identity.PurposeRegistration, identity.PurposeLogin,
		identity.PurposePasswordReset, identity.PurposePhoneVerification} {
		for _, o := range []string{otpSent, otpSuppressed, otpRateLimited, otpBudgetExhausted} {
			m.otpRequests.WithLabelValues(p.String(), o)
		}
		for _, o := range []string{verifyOK, verifyInvalid, verifyExpired, verifyAttemptsExceeded, verifyRateLimited, verifyRefused} {
			m.otpVerifications.WithLabelValues(p.String(), o)
		}
	}
	for _, method := range []string{methodPassword, methodOTP} {
		for _, o := range []string{loginOK, loginInvalid, loginLocked, loginDisabled, loginPhoneNotVerified} {
			m.logins.WithLabelValues(method, o)
		}
	}
	for _, r := range []identity.RevokeReason{identity.RevokeLogout, identity.RevokePasswordChange,
		identity.RevokePasswordReset, identity.RevokeReuse} {
		m.sessionsRevoked.WithLabelValues(r.String())
	}
	for _, o := range []string{refreshRotated, refreshGraceReplay, refreshReused, refreshInvalid, refreshRevoked,
		refreshExpired, refreshDisabled} {
		m.refreshes.WithLabelValues(o)
	}
}

// otpRequest counts a code request for purpose.
func (m *Metrics) otpRequest(purpose identity.Purpose, outcome string) {
	if m != nil {
		m.otpRequests.WithLabelValues(purpose.String(), outcome).Inc()
	}
}

// budgetExhausted counts a code request for purpose refused by the daily SMS budget.
func (m *Metrics) budgetExhausted(purpose identity.Purpose) {
	if m != nil {
		m.smsBudgetExhausted.Inc()
		m.otpRequests.WithLabelValues(purpose.String(), otpBudgetExhausted).Inc()
	}
}

// otpVerification counts a code check for purpose that ended with err (nil: the code was
// right and did its work); a login code also counts as a sign-in.
func (m *Metrics) otpVerification(purpose identity.Purpose, err error) {
	if m == nil {
		return
	}
	var outcome string
	switch {
	case err == nil:
		outcome = verifyOK
	case errors.Is(err, core.ErrRateLimited):
		outcome = verifyRateLimited
	case errors.Is(err, core.ErrOTPExpired):
		outcome = verifyExpired
	case errors.Is(err, core.ErrOTPAttemptsExceeded):
		outcome = verifyAttemptsExceeded
	case errors.Is(err, core.ErrAccountDisabled), errors.Is(err, core.ErrPhoneNotVerified):
		outcome = verifyRefused
	default:
		outcome = verifyInvalid
	}
	m.otpVerifications.WithLabelValues(purpose.String(), outcome).Inc()
	if purpose == identity.PurposeLogin {
		m.login(methodOTP, err)
	}
}

// login counts a sign-in by method that ended with err (nil: signed in). Errors other than
// the refusals of a sign-in are not attempts the user made and are not counted.
func (m *Metrics) login(method string, err error) {
	if m == nil {
		return
	}
	var outcome string
	switch {
	case err == nil:
		outcome = loginOK
	case errors.Is(err, core.ErrRateLimited):
		outcome = loginLocked
	case errors.Is(err, core.ErrAccountDisabled):
		outcome = loginDisabled
	case errors.Is(err, core.ErrPhoneNotVerified):
		outcome = loginPhoneNotVerified
	case errors.Is(err, core.ErrInvalidCredentials), errors.Is(err, core.ErrOTPInvalid),
		errors.Is(err, core.ErrOTPExpired), errors.Is(err, core.ErrOTPAttemptsExceeded):
		outcome = loginInvalid
	default:
		return
	}
	m.logins.WithLabelValues(method, outcome).Inc()
}

// revoked counts n sessions revoked for reason.
func (m *Metrics) revoked(reason identity.RevokeReason, n int64) {
	if m != nil && n > 0 {
		m.sessionsRevoked.WithLabelValues(reason.String()).Add(float64(n))
	}
}

// refresh counts a refresh that rotated or replayed (outcome, with a nil err) or ended
// with err; errors other than a refusal of the token are not counted.
func (m *Metrics) refresh(outcome identity.RotateOutcome, err error) {
	if m == nil {
		return
	}
	var o string
	switch {
	case err == nil && outcome == identity.RotateGraceReplay:
		o = refreshGraceReplay
	case err == nil:
		o = refreshRotated
	case errors.Is(err, core.ErrTokenReused):
		o = refreshReused
	case errors.Is(err, core.ErrTokenInvalid):
		o = refreshInvalid
	case errors.Is(err, core.ErrTokenRevoked):
		o = refreshRevoked
	case errors.Is(err, core.ErrTokenExpired):
		o = refreshExpired
	case errors.Is(err, core.ErrAccountDisabled):
		o = refreshDisabled
	default:
		return
	}
	m.refreshes.WithLabelValues(o).Inc()
}

// smsJob counts an SMS job that provider (empty: none) took or not, with outcome.
func (m *Metrics) smsJob(provider, outcome string) {
	if m == nil {
		return
	}
	if provider == "" {
		provider = smsNoProvider
	}
	m.smsJobs.WithLabelValues(provider, outcome).Inc()
}
