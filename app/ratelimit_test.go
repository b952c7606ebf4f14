package app_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/ratelimit/memory"
	redislimit "github.com/talabin/talabin/adapters/ratelimit/redis"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/ports"
)

// envRedisURL names the Redis the tests use, as in adapters/ratelimit/redis; default
// defaultRedisURL. When it does not answer the tests skip, or fail when CI is set.
const (
	envRedisURL     = "TALABIN_TEST_REDIS_URL"
	defaultRedisURL = "redis://127.0.0.1:6379/0"
)

// testRedisURL returns the URL of a Redis that answers, or ends t.
func testRedisURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(envRedisURL)
	if u == "" {
		u = defaultRedisURL
	}
	opts, err := redis.ParseURL(u)
	require.NoError(t, err, "%s", envRedisURL)
	client := redis.NewClient(opts)
	defer func() { require.NoError(t, client.Close()) }()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis at %s does not answer: %v", opts.Addr, err)
		}
		t.Skipf("redis at %s does not answer (set %s): %v", opts.Addr, envRedisURL, err)
	}
	return u
}

func loadDebugConfig(t *testing.T, environ map[string]string) config.Config {
	t.Helper()
	environ["DEBUG"] = "true"
	cfg, err := config.Load(environ)
	require.NoError(t, err)
	return cfg
}

// exhaust checks that limiter allows exactly n attempts of a fresh limit, then denies.
func exhaust(t *testing.T, limiter ports.RateLimiter, n int) {
	t.Helper()
	limit := ports.PerPeriod("test.app."+rand.Text(), n, time.Hour)
	for i := range n {
		d, err := limiter.Allow(t.Context(), "k", limit)
		require.NoError(t, err)
		require.True(t, d.Allowed, "attempt %d", i)
	}
	d, err := limiter.Allow(t.Context(), "k", limit)
	require.NoError(t, err)
	require.False(t, d.Allowed)
	require.NoError(t, limiter.Reset(context.WithoutCancel(t.Context()), "k", limit))
}

func TestNewRateLimiter(t *testing.T) {
	t.Parallel()
	t.Run("MemoryByDefault", func(t *testing.T) {
		t.Parallel()
		l, cleanup, err := app.NewRateLimiter(t.Context(), loadDebugConfig(t, map[string]string{}), slog.New(slog.DiscardHandler))
		require.NoError(t, err)
		t.Cleanup(cleanup)
		require.IsType(t, &memory.Limiter{}, l)
		exhaust(t, l, 3)
	})
	t.Run("RedisWhenConfigured", func(t *testing.T) {
		t.Parallel()
		cfg := loadDebugConfig(t, map[string]string{"REDIS_URL": testRedisURL(t)})
		l, cleanup, err := app.NewRateLimiter(t.Context(), cfg, slog.New(slog.DiscardHandler))
		require.NoError(t, err)
		t.Cleanup(cleanup)
		require.IsType(t, &redislimit.Limiter{}, l)
		exhaust(t, l, 3)
	})
	t.Run("InstancesShareRedis", func(t *testing.T) {
		t.Parallel()
		cfg := loadDebugConfig(t, map[string]string{"REDIS_URL": testRedisURL(t)})
		a, cleanupA, err := app.NewRateLimiter(t.Context(), cfg, slog.New(slog.DiscardHandler))
		require.NoError(t, err)
		t.Cleanup(cleanupA)
		b, cleanupB, err := app.NewRateLimiter(t.Context(), cfg, slog.New(slog.DiscardHandler))
		require.NoError(t, err)
		t.Cleanup(cleanupB)

		limit := ports.PerPeriod("test.app."+rand.Text(), 2, time.Hour)
		t.Cleanup(func() { require.NoError(t, a.Reset(context.Background(), "k", limit)) })
		for _, l := range []ports.RateLimiter{a, b} {
			d, err := l.Allow(t.Context(), "k", limit)
			require.NoError(t, err)
			require.True(t, d.Allowed)
		}
		d, err := a.Allow(t.Context(), "k", limit)
		require.NoError(t, err)
		require.False(t, d.Allowed, "the second instance spent the shared budget")
	})
	t.Run("PrefixesSeparateDeployments", func(t *testing.T) {
		t.Parallel()
		url := testRedisURL(t)
		staging, cleanupS, err := app.NewRateLimiter(t.Context(),
			loadDebugConfig(t, map[string]string{"REDIS_URL": url, "REDIS_KEY_PREFIX": "staging-" + rand.Text() + ":"}),
			slog.New(slog.DiscardHandler))
		require.NoError(t, err)
		t.Cleanup(cleanupS)
		production, cleanupP, err := app.NewRateLimiter(t.Context(), loadDebugConfig(t, map[string]string{"REDIS_URL": url}),
			slog.New(slog.DiscardHandler))
		require.NoError(t, err)
		t.Cleanup(cleanupP)

		limit := ports.PerPeriod("test.app."+rand.Text(), 1, time.Hour)
		t.Cleanup(func() {
			require.NoError(t, staging.Reset(context.Background(), "k", limit))
			require.NoError(t, production.Reset(context.Background(), "k", limit))
		})
		for _, l := range []ports.RateLimiter{staging, production} {
			d, err := l.Allow(t.Context(), "k", limit)
			require.NoError(t, err)
			require.True(t, d.Allowed, "each deployment has its own budget")
		}
		d, err := staging.Allow(t.Context(), "k", limit)
		require.NoError(t, err)
		require.False(t, d.Allowed)
	})
	t.Run("UnreachableRedisStopsStartUp", func(t *testing.T) {
		t.Parallel()
		// Port 1 on the loopback refuses connections at once.
		cfg := loadDebugConfig(t, map[string]string{"REDIS_URL": "redis://:hunter2@127.0.0.1:1/0"})
		l, cleanup, err := app.NewRateLimiter(t.Context(), cfg, slog.New(slog.DiscardHandler))
		require.ErrorContains(t, err, "redis at 127.0.0.1:1 does not answer")
		require.NotContains(t, err.Error(), "hunter2")
		require.Nil(t, l)
		require.Nil(t, cleanup)
	})
}
