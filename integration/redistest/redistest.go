// Package redistest gives tests a client of the test Redis: the server at
// TALABIN_TEST_REDIS_URL (default redis://127.0.0.1:6379/0). When it does not answer, tests
// skip, or fail when the environment variable CI is set.
package redistest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// EnvRedisURL names the environment variable that points the tests at Redis.
const EnvRedisURL = "TALABIN_TEST_REDIS_URL"

// DefaultRedisURL is the Redis used when EnvRedisURL is not set.
const DefaultRedisURL = "redis://127.0.0.1:6379/0"

// Client returns a new client of the test Redis, closed when t ends.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	url := os.Getenv(EnvRedisURL)
	if url == "" {
		url = DefaultRedisURL
	}
	opts, err := redis.ParseURL(url)
	require.NoError(t, err, "%s", EnvRedisURL)
	client := redis.NewClient(opts)
	t.Cleanup(func() { require.NoError(t, client.Close()) })

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis at %s does not answer: %v", opts.Addr, err)
		}
		t.Skipf("redis at %s does not answer (set %s): %v", opts.Addr, EnvRedisURL, err)
	}
	return client
}
