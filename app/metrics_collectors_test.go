package app_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app"
)

// TestBreakerStatesFollowTheBreaker checks that talabin_breaker_state reads each watched
// breaker at scrape time: a provider that starts failing shows 2 (open) on the next scrape.
func TestBreakerStatesFollowTheBreaker(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	states, err := app.NewBreakerStates(reg)
	require.NoError(t, err)
	cb := gobreaker.NewCircuitBreaker[int](gobreaker.Settings{
		Name:        "kavenegar",
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 1 },
	})
	states.WatchFunc()("kavenegar", cb.State)
	states.WatchFunc()("ghasedak", func() gobreaker.State { return gobreaker.StateHalfOpen })

	want := func(kavenegar string) string {
		return `# HELP talabin_breaker_state Circuit breaker state of each outbound provider (SMS, payment gateway, price feed): 0 closed, 1 half-open, 2 open.
# TYPE talabin_breaker_state gauge
talabin_breaker_state{provider="ghasedak"} 1
talabin_breaker_state{provider="kavenegar"} ` + kavenegar + "\n"
	}
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want("0")), "talabin_breaker_state"))
	errDown := errors.New("provider down")
	_, err = cb.Execute(func() (int, error) { return 0, errDown })
	require.ErrorIs(t, err, errDown)
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want("2")), "talabin_breaker_state"))

	var none *app.BreakerStates
	require.Nil(t, none.WatchFunc(), "a nil BreakerStates watches nothing")
}
