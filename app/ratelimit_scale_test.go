package app_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/ports"
)

func TestScaleLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		limit ports.Limit
		k     int
		want  ports.Limit
	}{
		{"OneKeepsLimit", ports.PerPeriod("a", 10, time.Hour), 1, ports.PerPeriod("a", 10, time.Hour)},
		{"MultipliesRate", ports.PerPeriod("a", 600, time.Minute), 100, ports.PerPeriod("a", 60_000, time.Minute)},
		{
			"MultipliesBurst",
			ports.Limit{Name: "a", Rate: 5, Period: time.Hour, Burst: 2}, 10,
			ports.Limit{Name: "a", Rate: 50, Period: time.Hour, Burst: 20},
		},
		{"CapsAtMaxRate", ports.PerPeriod("a", 600, time.Minute), 100_000, ports.PerPeriod("a", ports.MaxLimitRate, time.Minute)},
		{"CapsAtMinInterval", ports.PerPeriod("a", 10, time.Millisecond), 1000, ports.PerPeriod("a", 1000, time.Millisecond)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := app.ScaleLimit(tt.limit, tt.k)
			require.Equal(t, tt.want, got)
			require.NoError(t, got.Validate())
		})
	}
}

func TestHTTPLimitsFollowRateLimitScale(t *testing.T) {
	t.Parallel()
	t.Run("ProductionKeepsDefaults", func(t *testing.T) {
		t.Parallel()
		cfg := config.Config{RateLimitScale: 1}
		require.Equal(t, httpapi.DefaultAuthLimits(), app.HTTPAuthLimits(cfg))
		require.Equal(t, httpapi.DefaultTradingLimits(), app.HTTPTradingLimits(cfg))
		require.Equal(t, httpapi.DefaultAuthLimits(), app.NewAuthConfig(cfg, app.Keys{}, nil, nil, app.NewSecurityLogger(slog.New(slog.DiscardHandler)), nil, nil).Limits)
	})
	t.Run("ScaledForLoadTests", func(t *testing.T) {
		t.Parallel()
		cfg := config.Config{RateLimitScale: 1000}
		auth := app.HTTPAuthLimits(cfg)
		require.Equal(t, ports.PerPeriod("global.ip", 600_000, time.Minute), auth.GlobalIP)
		require.Equal(t, ports.PerPeriod("global.user", 300_000, time.Minute), auth.GlobalUser)
		require.Equal(t, ports.PerPeriod("auth.login", 10_000, time.Hour), auth.Login)
		require.Equal(t, auth, app.NewAuthConfig(cfg, app.Keys{}, nil, nil, app.NewSecurityLogger(slog.New(slog.DiscardHandler)), nil, nil).Limits)
		trading := app.HTTPTradingLimits(cfg)
		require.Equal(t, ports.PerPeriod("trading.place", 100_000, time.Hour), trading.Place)
		require.Equal(t, ports.PerPeriod("trading.preview", 60_000, time.Minute), trading.Preview)
	})
}
