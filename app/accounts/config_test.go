package accounts_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

func TestNewServiceRefusesBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(c *accounts.ServiceConfig)
		want   string
	}{
		{"NoCodeKeys", func(c *accounts.ServiceConfig) { c.CodeKeys = identity.CodeKeys{} }, "code keys"},
		{"ShortSuccessorKey", func(c *accounts.ServiceConfig) { c.SuccessorKey = []byte("short") }, "successor key"},
		{"ShortResetKey", func(c *accounts.ServiceConfig) { c.ResetTokenKey = nil }, "reset token key"},
		{"SealKeyNotAES256", func(c *accounts.ServiceConfig) { c.SMSSealKey = make([]byte, 16) }, "sms seal key"},
		{"BadPolicy", func(c *accounts.ServiceConfig) { c.OTPPolicy = identity.OTPPolicy{TTL: time.Hour} }, "otp policy"},
		{"BadLimit", func(c *accounts.ServiceConfig) { c.Limits.LoginPhone = ports.Limit{Name: "bad name"} }, "bad name"},
		{"Negative", func(c *accounts.ServiceConfig) { c.RefreshTTL = -time.Second }, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)
			cfg := testConfig(t)
			tt.change(&cfg)
			_, err := accounts.NewService(cfg, b.store, b.limiter, b.clock, b.access, b.hasher, accounts.SecurityLogger{}, nil)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestNewServiceNeedsDependencies(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	_, err := accounts.NewService(testConfig(t), nil, b.limiter, b.clock, b.access, b.hasher, accounts.SecurityLogger{}, nil)
	require.Error(t, err)
	_, err = accounts.NewOTPSMSWorker(testConfig(t), b.store, nil, b.clock, nil)
	require.Error(t, err)
}

func TestConfiguredLimitsApply(t *testing.T) {
	t.Parallel()
	b := setupService(t, func(c *accounts.ServiceConfig) {
		c.Limits.LoginPhone = ports.PerPeriod(accounts.LimitLoginPhone, 1, time.Hour)
	})
	phone := testPhone(1)
	b.signUp(t, phone)
	_, err := b.login(t, phone, otherPassword)
	require.Error(t, err)
	_, err = b.login(t, phone, testPassword)
	requireRateLimited(t, err)
}
