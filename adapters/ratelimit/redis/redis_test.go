package redislimit_test

import (
	"context"
	"crypto/rand"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	redislimit "github.com/talabin/talabin/adapters/ratelimit/redis"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/integration/redistest"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/ratelimittest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	client := redistest.Client(t)
	ratelimittest.Run(t, func(t *testing.T) ratelimittest.Harness {
		return ratelimittest.Harness{Limiter: newLimiter(t, client, uniquePrefix(t, client))}
	})
}

// TestInstancesShareLimits runs two limiters on two connections with one prefix, as two
// app instances would: they draw from one budget.
func TestInstancesShareLimits(t *testing.T) {
	t.Parallel()
	limit := ports.PerPeriod("trading.place_order", 10, time.Hour)

	t.Run("Alternating", func(t *testing.T) {
		t.Parallel()
		a, b := twoInstances(t)
		allowed := 0
		for i := range 20 {
			l := a
			if i%2 == 1 {
				l = b
			}
			d, err := l.Allow(t.Context(), "user-1", limit)
			require.NoError(t, err)
			if d.Allowed {
				allowed++
				require.Equal(t, 9-i, d.Remaining, "attempt %d", i)
			}
		}
		require.Equal(t, 10, allowed)
	})
	t.Run("Parallel", func(t *testing.T) {
		t.Parallel()
		a, b := twoInstances(t)
		var mu sync.Mutex
		var allowed int
		var errs []error
		var wg sync.WaitGroup
		for i := range 50 {
			l := a
			if i%2 == 1 {
				l = b
			}
			wg.Go(func() {
				d, err := l.Allow(t.Context(), "user-1", limit)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				}
				if d.Allowed {
					allowed++
				}
			})
		}
		wg.Wait()
		require.Empty(t, errs)
		require.Equal(t, 10, allowed)
	})
	t.Run("ResetIsShared", func(t *testing.T) {
		t.Parallel()
		a, b := twoInstances(t)
		d, err := a.AllowN(t.Context(), "user-1", limit, 10)
		require.NoError(t, err)
		require.True(t, d.Allowed)
		d, err = b.Allow(t.Context(), "user-1", limit)
		require.NoError(t, err)
		require.False(t, d.Allowed)

		require.NoError(t, b.Reset(t.Context(), "user-1", limit))
		d, err = a.Allow(t.Context(), "user-1", limit)
		require.NoError(t, err)
		require.True(t, d.Allowed)
		require.Equal(t, 9, d.Remaining)
	})
}

func TestPrefix(t *testing.T) {
	t.Parallel()
	client := redistest.Client(t)
	limit := ports.PerPeriod("auth.login", 2, time.Hour)

	t.Run("SeparatesLimiters", func(t *testing.T) {
		t.Parallel()
		a := newLimiter(t, client, uniquePrefix(t, client))
		b := newLimiter(t, client, uniquePrefix(t, client))
		d, err := a.AllowN(t.Context(), "10.0.0.1", limit, 2)
		require.NoError(t, err)
		require.True(t, d.Allowed)
		d, err = b.Allow(t.Context(), "10.0.0.1", limit)
		require.NoError(t, err)
		require.True(t, d.Allowed)
		require.Equal(t, 1, d.Remaining)
	})
	t.Run("NamesTheRedisKey", func(t *testing.T) {
		t.Parallel()
		prefix := uniquePrefix(t, client)
		l := newLimiter(t, client, prefix)
		_, err := l.Allow(t.Context(), "10.0.0.1", limit)
		require.NoError(t, err)

		key := "rate:" + prefix + "auth.login:10.0.0.1"
		ttl, err := client.TTL(t.Context(), key).Result()
		require.NoError(t, err)
		require.Positive(t, ttl, "the key expires once it has fully reset")
		require.LessOrEqual(t, ttl, 31*time.Minute)

		require.NoError(t, l.Reset(t.Context(), "10.0.0.1", limit))
		n, err := client.Exists(t.Context(), key).Result()
		require.NoError(t, err)
		require.Zero(t, n)
	})
}

// TestUnavailable points a limiter at a port where nothing listens: every call reports an
// outage, never a decision.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	lis, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close())

	client := redis.NewClient(&redis.Options{
		Addr: addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond, DialerRetries: 1, DialerRetryTimeout: time.Millisecond,
	})
	t.Cleanup(func() { require.NoError(t, client.Close()) })
	l, err := redislimit.New(client, redislimit.Options{})
	require.NoError(t, err)
	limit := ports.PerPeriod("auth.login", 10, time.Hour)

	d, err := l.Allow(t.Context(), "10.0.0.1", limit)
	require.ErrorIs(t, err, ports.ErrLimiterUnavailable)
	require.NotErrorIs(t, err, ports.ErrInvalidLimit)
	require.Zero(t, d)

	err = l.Reset(t.Context(), "10.0.0.1", limit)
	require.ErrorIs(t, err, ports.ErrLimiterUnavailable)

	_, err = l.Allow(t.Context(), "", limit)
	require.ErrorIs(t, err, ports.ErrInvalidLimit, "arguments are checked before Redis is asked")
}

func TestNew(t *testing.T) {
	t.Parallel()
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:0"})
	t.Cleanup(func() { require.NoError(t, client.Close()) })
	tests := []struct {
		name   string
		client redis.UniversalClient
		opts   redislimit.Options
		ok     bool
	}{
		{"ZeroOptions", client, redislimit.Options{}, true},
		{"LongestPrefix", client, redislimit.Options{Prefix: strings.Repeat("p", redislimit.MaxPrefixLen)}, true},
		{"NilClient", nil, redislimit.Options{}, false},
		{"PrefixTooLong", client, redislimit.Options{Prefix: strings.Repeat("p", redislimit.MaxPrefixLen+1)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := redislimit.New(tt.client, tt.opts)
			if tt.ok {
				require.NoError(t, err)
				require.NotNil(t, l)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.Nil(t, l)
		})
	}
}

// uniquePrefix returns a key prefix no other test uses, and deletes its keys at cleanup.
func uniquePrefix(t *testing.T, client *redis.Client) string {
	t.Helper()
	prefix := "talabin-test:" + rand.Text() + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := client.Scan(ctx, 0, "rate:"+prefix+"*", 100).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		require.NoError(t, iter.Err())
		if len(keys) > 0 {
			require.NoError(t, client.Del(ctx, keys...).Err())
		}
	})
	return prefix
}

func newLimiter(t *testing.T, client *redis.Client, prefix string) *redislimit.Limiter {
	t.Helper()
	l, err := redislimit.New(client, redislimit.Options{Prefix: prefix})
	require.NoError(t, err)
	return l
}

// twoInstances returns two limiters on two connections that share one prefix.
func twoInstances(t *testing.T) (a, b *redislimit.Limiter) {
	t.Helper()
	ca, cb := redistest.Client(t), redistest.Client(t)
	prefix := uniquePrefix(t, ca)
	return newLimiter(t, ca, prefix), newLimiter(t, cb, prefix)
}
