package accounts_test

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// setupMetered returns a service bundle whose service counts into a fresh registry, and
// the registry.
func setupMetered(t *testing.T, configure ...func(*accounts.ServiceConfig)) (*serviceBundle, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := accounts.NewMetrics(reg)
	require.NoError(t, err)
	configure = append(configure, func(c *accounts.ServiceConfig) { c.Metrics = m })
	return setupService(t, configure...), reg
}

// counter returns the value of the counter name whose labels are exactly labels (name,
// value pairs) in reg; the series must exist.
func counter(t *testing.T, reg prometheus.Gatherer, name string, labels ...string) float64 {
	t.Helper()
	want := make(map[string]string, len(labels)/2)
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			got := make(map[string]string, len(m.GetLabel()))
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			if maps.Equal(got, want) {
				return m.GetCounter().GetValue()
			}
		}
	}
	require.Failf(t, "no series", "%s%v not in the registry", name, want)
	return 0
}

func TestNewMetricsRefusesSecondRegistration(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	_, err := accounts.NewMetrics(reg)
	require.NoError(t, err)
	_, err = accounts.NewMetrics(reg)
	require.Error(t, err, "the names are taken")
	_, err = accounts.NewMetrics(nil)
	require.Error(t, err)
}

func TestMetricsSMSBudgetExhausted(t *testing.T) {
	t.Parallel()
	const budget = 3
	b, reg := setupMetered(t, func(c *accounts.ServiceConfig) { c.SMSDailyBudget = budget })
	b.register(t, testPhone(1))
	b.register(t, testPhone(2))
	_, err := b.sendOTP(t, testPhone(3), identity.PurposeLogin, defaultClient) // unknown: no message
	require.NoError(t, err)
	_, err = b.svc.Register(t.Context(), ports.RegisterInput{
		Phone: testPhone(4), Password: testPassword, PasswordConfirm: testPassword, Client: defaultClient,
	})
	require.ErrorIs(t, err, core.ErrSMSUnavailable)

	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP talabin_sms_budget_exhausted_total Code requests refused because the platform's daily SMS budget is spent; alert on any increase.
# TYPE talabin_sms_budget_exhausted_total counter
talabin_sms_budget_exhausted_total 1
`), "talabin_sms_budget_exhausted_total"))
	const name = "talabin_otp_requests_total"
	require.InDelta(t, 2, counter(t, reg, name, "purpose", "registration", "outcome", "sent"), 0)
	require.InDelta(t, 1, counter(t, reg, name, "purpose", "registration", "outcome", "budget_exhausted"), 0)
	require.InDelta(t, 1, counter(t, reg, name, "purpose", "login", "outcome", "suppressed"), 0)
	require.Zero(t, counter(t, reg, name, "purpose", "login", "outcome", "sent"))
}

func TestMetricsOTPSendRateLimited(t *testing.T) {
	t.Parallel()
	b, reg := setupMetered(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	_, err := b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
	_, err = b.sendOTP(t, phone, identity.PurposeLogin, defaultClient) // within the resend interval
	requireRateLimited(t, err)

	const name = "talabin_otp_requests_total"
	require.InDelta(t, 1, counter(t, reg, name, "purpose", "login", "outcome", "sent"), 0)
	require.InDelta(t, 1, counter(t, reg, name, "purpose", "login", "outcome", "rate_limited"), 0)
}

func TestMetricsPasswordLogins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		prepare  func(t *testing.T, b *serviceBundle, phone string)
		password string
		outcome  string
	}{
		{"OK", func(t *testing.T, b *serviceBundle, phone string) { b.signUp(t, phone) }, testPassword, "ok"},
		{"WrongPassword", func(t *testing.T, b *serviceBundle, phone string) { b.signUp(t, phone) }, otherPassword, "invalid_credentials"},
		{"UnknownPhone", func(*testing.T, *serviceBundle, string) {}, testPassword, "invalid_credentials"},
		{"PhoneNotVerified", func(t *testing.T, b *serviceBundle, phone string) { b.register(t, phone) }, testPassword, "phone_not_verified"},
		{"Disabled", func(t *testing.T, b *serviceBundle, phone string) {
			b.signUp(t, phone)
			b.disable(t, phone)
		}, testPassword, "disabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, reg := setupMetered(t)
			phone := testPhone(1)
			tt.prepare(t, b, phone)
			_, _ = b.login(t, phone, tt.password)

			require.InDelta(t, 1, counter(t, reg, "talabin_logins_total", "method", "password", "outcome", tt.outcome), 0)
			require.Equal(t, 1, countEvents(t, reg, "talabin_logins_total"), "one sign-in, one count")
		})
	}
}

// countEvents returns the sum of every series of the counter name in reg.
func countEvents(t *testing.T, reg prometheus.Gatherer, name string) int {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	var sum float64
	for _, f := range families {
		if f.GetName() == name {
			for _, m := range f.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return int(sum)
}

func TestMetricsLoginLocked(t *testing.T) {
	t.Parallel()
	b, reg := setupMetered(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	for range 5 {
		_, err := b.login(t, phone, otherPassword)
		require.ErrorIs(t, err, core.ErrInvalidCredentials)
	}
	_, err := b.login(t, phone, testPassword)
	requireRateLimited(t, err)

	require.InDelta(t, 5, counter(t, reg, "talabin_logins_total", "method", "password", "outcome", "invalid_credentials"), 0)
	require.InDelta(t, 1, counter(t, reg, "talabin_logins_total", "method", "password", "outcome", "locked"), 0)
}

func TestMetricsOTPVerifications(t *testing.T) {
	t.Parallel()
	b, reg := setupMetered(t)
	phone := testPhone(1)
	b.signUp(t, phone) // one registration check, ok
	sent, err := b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
	_, err = b.verify(t, phone, wrongCode(sent.DebugCode), identity.PurposeLogin, defaultClient)
	require.ErrorIs(t, err, core.ErrOTPInvalid)
	_, err = b.verify(t, phone, sent.DebugCode, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)

	const name = "talabin_otp_verifications_total"
	require.InDelta(t, 1, counter(t, reg, name, "purpose", "registration", "outcome", "ok"), 0)
	require.InDelta(t, 1, counter(t, reg, name, "purpose", "login", "outcome", "invalid"), 0)
	require.InDelta(t, 1, counter(t, reg, name, "purpose", "login", "outcome", "ok"), 0)
	// A login code is a sign-in too.
	require.InDelta(t, 1, counter(t, reg, "talabin_logins_total", "method", "otp", "outcome", "invalid_credentials"), 0)
	require.InDelta(t, 1, counter(t, reg, "talabin_logins_total", "method", "otp", "outcome", "ok"), 0)
}

func TestMetricsRefreshAndRevocations(t *testing.T) {
	t.Parallel()
	b, reg := setupMetered(t)
	phone := testPhone(1)
	b.signUp(t, phone)
	in := b.mustLogin(t, phone)

	next, err := b.refresh(t, in.Tokens.Refresh)
	require.NoError(t, err)
	_, err = b.refresh(t, in.Tokens.Refresh) // within the grace period
	require.NoError(t, err)
	b.advance(identity.DefaultRefreshGrace + time.Second)
	_, err = b.refresh(t, in.Tokens.Refresh)
	require.ErrorIs(t, err, core.ErrTokenReused)
	_, err = b.refresh(t, next.Refresh)
	require.ErrorIs(t, err, core.ErrTokenRevoked)
	_, err = b.refresh(t, "not-a-token")
	require.ErrorIs(t, err, core.ErrTokenInvalid)
	other := b.mustLogin(t, phone)
	require.NoError(t, b.svc.Logout(t.Context(), ports.LogoutInput{RefreshToken: other.Tokens.Refresh}))

	for outcome, want := range map[string]float64{
		"rotated": 1, "grace_replay": 1, "reused": 1, "revoked": 1, "invalid": 1, "expired": 0,
	} {
		require.InDelta(t, want, counter(t, reg, "talabin_refresh_total", "outcome", outcome), 0, outcome)
	}
	require.InDelta(t, 1, counter(t, reg, "talabin_sessions_revoked_total", "reason", "reuse"), 0)
	require.InDelta(t, 1, counter(t, reg, "talabin_sessions_revoked_total", "reason", "logout"), 0)
}
