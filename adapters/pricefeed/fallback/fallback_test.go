package fallback_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/pricefeed/fallback"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// stub is a feed that answers every fetch with err, or with a price naming it.
type stub struct {
	name  string
	err   error
	calls atomic.Int32
	// onCall runs on every call, before the answer.
	onCall func()
}

func (s *stub) Name() string { return s.name }

func (s *stub) Fetch(context.Context) (pricing.Price, error) {
	s.calls.Add(1)
	if s.onCall != nil {
		s.onCall()
	}
	if s.err != nil {
		return pricing.Price{}, s.err
	}
	return pricing.Price{Buy: 71_250_000, Sell: 72_100_000, Source: s.name, At: time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)}, nil
}

func TestNew(t *testing.T) {
	t.Parallel()
	a, b := &stub{name: "a"}, &stub{name: "b"}
	tests := []struct {
		name    string
		feeds   []ports.PriceFeed
		wantErr string
	}{
		{"One", []ports.PriceFeed{a}, ""},
		{"Two", []ports.PriceFeed{a, b}, ""},
		{"None", nil, "at least one feed"},
		{"Nil", []ports.PriceFeed{a, nil}, "feed 1 is nil"},
		{"NoName", []ports.PriceFeed{&stub{}}, "has no name"},
		{"DuplicateName", []ports.PriceFeed{a, &stub{name: "a"}}, `"a" is used twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := fallback.New(tt.feeds...)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.Equal(t, fallback.Name, c.Name())
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			require.Nil(t, c)
		})
	}
}

// TestFirstPriceWins checks, for each way the first feed can answer, whether the chain asks
// the second and what it returns.
func TestFirstPriceWins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		firstErr   error
		wantSecond bool
	}{
		{"FirstGivesPrice", nil, false},
		{"FirstUnavailable", fmt.Errorf("first: %w: HTTP status 502", core.ErrPriceUnavailable), true},
		{"FirstUnclassified", errors.New("unexpected"), true},
		{"FirstOwnDeadline", fmt.Errorf("first: %w", context.DeadlineExceeded), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			first, second := &stub{name: "first", err: tt.firstErr}, &stub{name: "second"}
			c, err := fallback.New(first, second)
			require.NoError(t, err)
			got, err := c.Fetch(t.Context())
			require.NoError(t, err)
			want := "first"
			if tt.wantSecond {
				want = "second"
			}
			require.Equal(t, want, got.Source)
			require.Equal(t, int32(1), first.calls.Load())
			wantSecondCalls := int32(0)
			if tt.wantSecond {
				wantSecondCalls = 1
			}
			require.Equal(t, wantSecondCalls, second.calls.Load())
		})
	}
}

// TestAllFail checks the error of a chain whose every feed failed: unavailable, matching
// each unavailable feed's error, naming every failure, and never matching a feed's other
// kinds of error.
func TestAllFail(t *testing.T) {
	t.Parallel()
	a := &stub{name: "a", err: fmt.Errorf("a: %w: HTTP status 503", core.ErrPriceUnavailable)}
	b := &stub{name: "b", err: fmt.Errorf("b: %w: breaker open", core.ErrPriceUnavailable)}
	odd := &stub{name: "odd", err: fmt.Errorf("odd: %w: %w", core.ErrInvalidInput, context.DeadlineExceeded)}
	c, err := fallback.New(a, b, odd)
	require.NoError(t, err)
	got, err := c.Fetch(t.Context())
	require.Zero(t, got)
	require.ErrorIs(t, err, core.ErrPriceUnavailable)
	require.ErrorIs(t, err, a.err)
	require.ErrorIs(t, err, b.err)
	require.NotErrorIs(t, err, core.ErrInvalidInput)
	require.NotErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, "fallback: price unavailable: every feed failed: a: a: price unavailable: HTTP status 503; "+
		"b: b: price unavailable: breaker open; odd: odd: invalid input: context deadline exceeded", err.Error())
}

// TestStopsWhenCallerGivesUp checks that the chain asks no further feed once the caller's
// context has ended, and returns the context's error rather than an unavailable price.
func TestStopsWhenCallerGivesUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		firstErr func(ctx context.Context) error
	}{
		{"FeedReportsContext", func(ctx context.Context) error { return fmt.Errorf("first: %w", ctx.Err()) }},
		{"FeedReportsUnavailable", func(context.Context) error {
			return fmt.Errorf("first: %w: connection reset", core.ErrPriceUnavailable)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(t.Context())
			first := &stub{name: "first", onCall: cancel}
			first.err = tt.firstErr(canceled(t))
			second := &stub{name: "second"}
			c, err := fallback.New(first, second)
			require.NoError(t, err)
			_, err = c.Fetch(ctx)
			require.ErrorIs(t, err, context.Canceled)
			require.NotErrorIs(t, err, core.ErrPriceUnavailable)
			require.ErrorContains(t, err, "(after: first: first: ")
			require.Zero(t, second.calls.Load())
		})
	}
}

func TestEndedContextAsksNoFeed(t *testing.T) {
	t.Parallel()
	first := &stub{name: "first"}
	c, err := fallback.New(first)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = c.Fetch(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, "fallback: context canceled", err.Error())
	require.Zero(t, first.calls.Load())
}

// canceled returns a context that has already been canceled.
func canceled(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}
