package outbound_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
)

func TestBreakerConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     outbound.BreakerConfig
		wantErr string
	}{
		{"Zero", outbound.BreakerConfig{}, ""},
		{"Set", outbound.BreakerConfig{ConsecutiveFailures: 2, OpenTimeout: time.Second}, ""},
		{"NegativeOpenTimeout", outbound.BreakerConfig{OpenTimeout: -time.Second}, "breaker open timeout must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.Validate()
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.wantErr)
		})
	}
}

var (
	errDown    = errors.New("down")
	errRefused = errors.New("refused")
)

// isSuccessful treats errRefused, a refusal of the request's content, as the upstream working.
func isSuccessful(err error) bool { return err == nil || errors.Is(err, errRefused) }

// fail runs one call through b that returns err, and returns what the breaker returned.
func fail(b *gobreaker.CircuitBreaker[int], err error) error {
	_, got := b.Execute(func() (int, error) { return 0, err })
	return got
}

func TestNewBreakerCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       outbound.BreakerConfig
		err       error
		calls     int
		wantState gobreaker.State
	}{
		{"OpensAtThreshold", outbound.BreakerConfig{ConsecutiveFailures: 3}, errDown, 3, gobreaker.StateOpen},
		{"ClosedBelowThreshold", outbound.BreakerConfig{ConsecutiveFailures: 3}, errDown, 2, gobreaker.StateClosed},
		{"DefaultThreshold", outbound.BreakerConfig{}, errDown, outbound.DefaultBreakerFailures, gobreaker.StateOpen},
		{"BelowDefaultThreshold", outbound.BreakerConfig{}, errDown, outbound.DefaultBreakerFailures - 1, gobreaker.StateClosed},
		{"SuccessfulErrorsDoNotCount", outbound.BreakerConfig{ConsecutiveFailures: 2}, fmt.Errorf("x: %w", errRefused), 5, gobreaker.StateClosed},
		{"CallerGoneDoesNotCount", outbound.BreakerConfig{ConsecutiveFailures: 2}, outbound.CallerGone(fmt.Errorf("x: %w", context.Canceled)), 5, gobreaker.StateClosed},
		{"WrappedCallerGoneDoesNotCount", outbound.BreakerConfig{ConsecutiveFailures: 2}, fmt.Errorf("x: %w", outbound.CallerGone(errDown)), 5, gobreaker.StateClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := outbound.NewBreaker[int]("up", tt.cfg, nil, isSuccessful)
			for range tt.calls {
				require.ErrorIs(t, fail(b, tt.err), tt.err)
			}
			require.Equal(t, tt.wantState, b.State())
			if tt.wantState == gobreaker.StateOpen {
				require.ErrorIs(t, fail(b, nil), gobreaker.ErrOpenState)
			}
		})
	}
}

// TestNewBreakerHalfOpens checks that an open breaker lets one trial call through after
// OpenTimeout, closes again when it succeeds, and logs each state change.
func TestNewBreakerHalfOpens(t *testing.T) {
	t.Parallel()
	var logs outboundtest.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	b := outbound.NewBreaker[int]("up", outbound.BreakerConfig{ConsecutiveFailures: 1, OpenTimeout: 20 * time.Millisecond}, logger, nil)
	require.ErrorIs(t, fail(b, errDown), errDown)
	require.ErrorIs(t, fail(b, nil), gobreaker.ErrOpenState)
	require.Eventually(t, func() bool { return b.State() == gobreaker.StateHalfOpen }, time.Second, 5*time.Millisecond)
	require.NoError(t, fail(b, nil))
	require.Equal(t, gobreaker.StateClosed, b.State())
	for _, change := range []string{"from=closed to=open", "from=open to=half-open", "from=half-open to=closed"} {
		require.Contains(t, logs.String(), `level=WARN msg="breaker state changed" provider=up `+change+"\n")
	}
}

func TestCallerGone(t *testing.T) {
	t.Parallel()
	require.NoError(t, outbound.CallerGone(nil))
	require.False(t, outbound.IsCallerGone(nil))
	require.False(t, outbound.IsCallerGone(errDown))

	cause := fmt.Errorf("sms: send: %w", context.Canceled)
	gone := outbound.CallerGone(cause)
	require.EqualError(t, gone, cause.Error())
	require.ErrorIs(t, gone, context.Canceled)
	require.True(t, outbound.IsCallerGone(gone))
	require.True(t, outbound.IsCallerGone(fmt.Errorf("wrapped: %w", gone)))
}

// TestNewBreakerWatchFuncReadsState checks that WatchFunc gets the breaker's name and a
// reader of its state that follows the breaker: closed, then open after the upstream fails.
func TestNewBreakerWatchFuncReadsState(t *testing.T) {
	t.Parallel()
	var (
		watched string
		state   func() gobreaker.State
	)
	cfg := outbound.BreakerConfig{ConsecutiveFailures: 2, WatchFunc: func(name string, s func() gobreaker.State) {
		watched, state = name, s
	}}
	b := outbound.NewBreaker[int]("kavenegar", cfg, nil, nil)
	require.Equal(t, "kavenegar", watched)
	require.NotNil(t, state)
	require.Equal(t, gobreaker.StateClosed, state())

	require.ErrorIs(t, fail(b, errDown), errDown)
	require.Equal(t, gobreaker.StateClosed, state(), "one failure is below the threshold")
	require.ErrorIs(t, fail(b, errDown), errDown)
	require.Equal(t, gobreaker.StateOpen, state())
}
