package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/talabin/talabin/adapters/notify/redisnotify"
	"github.com/talabin/talabin/adapters/ratelimit/memory"
	redislimit "github.com/talabin/talabin/adapters/ratelimit/redis"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/ports"
)

// redisPingTimeout bounds the start-up check that Redis answers.
const redisPingTimeout = 3 * time.Second

// NewRateLimiter returns the rate limiter the configuration selects: limits kept in Redis,
// shared by every instance, when REDIS_URL or REDIS_HOST is set; else limits in this
// process's memory, right only for a single instance. Redis must answer a ping at start-up
// (within a few seconds), so that a wrong address stops the app instead of failing every
// request. The cleanup closes the Redis client.
func NewRateLimiter(ctx context.Context, cfg config.Config, logger *slog.Logger) (ports.RateLimiter, func(), error) {
	dsn := cfg.RedisDSN()
	if dsn == "" {
		l, err := memory.New(memory.Options{})
		if err != nil {
			return nil, nil, fmt.Errorf("memory rate limiter: %w", err)
		}
		logger.Info("rate limits in memory (single instance)")
		return l, func() {}, nil
	}
	client, err := connectRedis(ctx, dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("redis rate limiter: %w", err)
	}
	opts := client.Options()
	l, err := redislimit.New(client, redislimit.Options{Prefix: cfg.RedisKeyPrefix})
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("redis rate limiter: %w", err), client.Close())
	}
	logger.Info("rate limits in redis", "addr", opts.Addr, "db", opts.DB)
	cleanup := func() {
		if err := client.Close(); err != nil {
			logger.Warn("close redis client", "error", err.Error())
		}
	}
	return l, cleanup, nil
}

// connectRedis returns a client of the Redis at dsn that answered a ping within
// redisPingTimeout, so that a wrong address stops the app at start-up instead of failing
// requests. Errors never quote the URL, which may hold a password.
func connectRedis(ctx context.Context, dsn string) (*redis.Client, error) {
	opts, err := redis.ParseURL(dsn)
	if err != nil {
		// net/url's error quotes the URL whole, so only its reason is kept.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("parse redis url: %w", err)
	}
	client := redis.NewClient(opts)
	pingCtx, cancel := context.WithTimeout(ctx, redisPingTimeout)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		return nil, errors.Join(fmt.Errorf("redis at %s does not answer: %w", opts.Addr, err), client.Close())
	}
	return client, nil
}

// NewNotifier returns the notifier that tells the other instances about price changes at
// once: Redis pub/sub when Redis is configured, else none (nil), and a single instance needs
// none. The cleanup closes its Redis client.
func NewNotifier(ctx context.Context, cfg config.Config, logger *slog.Logger) (ports.Notifier, func(), error) {
	dsn := cfg.RedisDSN()
	if dsn == "" {
		return nil, func() {}, nil
	}
	client, err := connectRedis(ctx, dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("redis notifier: %w", err)
	}
	n, err := redisnotify.New(client, redisnotify.WithPrefix(cfg.RedisKeyPrefix))
	if err != nil {
		return nil, nil, errors.Join(err, client.Close())
	}
	return n, func() {
		if err := client.Close(); err != nil {
			logger.Warn("close redis client", "error", err.Error())
		}
	}, nil
}
