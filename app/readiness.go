package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/ports"
)

// The names of the readiness checks in the /readyz body (API.md §3.14).
const (
	checkDatabase   = "db"
	checkMigrations = "migrations"
	checkRedis      = "redis"
	checkPrice      = "price"
)

// RedisPing pings the Redis the configuration selects; it is nil when none is configured.
type RedisPing func(ctx context.Context) error

// NewRedisPing returns the ping behind the redis readiness check, on a client of its own
// (whose connections open on demand), or nil without REDIS_URL or REDIS_HOST. It
// does not ping at start-up: the rate limiter already refuses to start on a Redis that does
// not answer. The cleanup closes the client.
func NewRedisPing(cfg config.Config) (RedisPing, func(), error) {
	dsn := cfg.RedisDSN()
	if dsn == "" {
		return nil, func() {}, nil
	}
	opts, err := redis.ParseURL(dsn)
	if err != nil {
		// net/url's error quotes the URL whole, password included, so only its reason is kept.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, nil, fmt.Errorf("redis readiness check: parse redis url: %w", err)
	}
	// A probe asks again on its own schedule; retrying inside one would only outlast its timeout.
	opts.MaxRetries = -1
	client := redis.NewClient(opts)
	ping := func(ctx context.Context) error { return client.Ping(ctx).Err() }
	return ping, func() { _ = client.Close() }, nil
}

// ReadinessChecks returns the named checks behind /readyz: the app is ready when it is not
// shutting down and every check but the advisory ones passes.
//
//   - db: the database answers a ping.
//   - migrations: the database has every schema migration this binary embeds, so that an
//     instance never serves a schema older than its code; serve migrates before it listens,
//     and this confirms it from the database's side.
//   - redis (only when Redis is configured): Redis answers a ping; rate limits and price
//     notices need it.
//   - price (advisory): a price exists and is not older than PRICE_MAX_AGE. A stale feed
//     stops trading (503 price_unavailable) on every instance at once, while wallets, sign-in
//     and the staff API, through which staff set a price by hand, keep working; failing
//     readiness would take all of it down. So the check is reported but leaves the instance
//     ready. A halt by staff is a decision, not a fault, and does not fail it.
func ReadinessChecks(db Database, prices ports.Prices, redisPing RedisPing) []httpapi.ReadinessCheck {
	checks := []httpapi.ReadinessCheck{
		{Name: checkDatabase, CheckFunc: db.Ping},
		{Name: checkMigrations, CheckFunc: (&migrationsCheck{migrator: db}).check},
	}
	if redisPing != nil {
		checks = append(checks, httpapi.ReadinessCheck{Name: checkRedis, CheckFunc: redisPing})
	}
	return append(checks, httpapi.ReadinessCheck{
		Name: checkPrice, Advisory: true,
		CheckFunc: func(ctx context.Context) error { return priceFresh(ctx, prices) },
	})
}

// migrationsCheck passes when the store has applied every migration this binary embeds.
//
// Once it has passed it no longer asks the store: migrations only move forward (`talabin
// migrate` has no down), and asking is not cheap enough for a probe every few seconds: on
// PostgreSQL it opens a connection of its own and takes the migration lock, on SQLite it
// waits for the one write connection.
type migrationsCheck struct {
	migrator ports.Migrator
	current  atomic.Bool
}

func (c *migrationsCheck) check(ctx context.Context) error {
	if c.current.Load() {
		return nil
	}
	list, err := c.migrator.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	var pending []string
	for _, m := range list {
		if !m.Applied {
			pending = append(pending, m.Name)
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("%d of %d migrations not applied (first: %s): run talabin migrate up", len(pending), len(list), pending[0])
	}
	c.current.Store(true)
	return nil
}

// errPriceStale is the price check's failure when the active price is older than the
// staleness guard allows.
var errPriceStale = errors.New("the active price is stale")

// priceFresh returns nil when prices has an active price that is not stale.
func priceFresh(ctx context.Context, prices ports.Prices) error {
	view, err := prices.Current(ctx)
	if err != nil {
		return err
	}
	if view.Stale {
		return fmt.Errorf("%w: observed %s", errPriceStale, view.At.UTC().Format(time.RFC3339))
	}
	return nil
}
