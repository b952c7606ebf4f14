package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/integration/redistest"
	"github.com/talabin/talabin/ports"
)

// readyDB is a database that answers Ping with pingErr and lists one migration, applied
// unless pending.
type readyDB struct {
	app.Database
	pingErr error
	pending bool
}

func (d readyDB) Ping(context.Context) error { return d.pingErr }

func (d readyDB) MigrationStatus(context.Context) ([]ports.MigrationStatus, error) {
	return []ports.MigrationStatus{
		{Version: 1, Name: "00001_initial.sql", Applied: true},
		{Version: 2, Name: "00002_next.sql", Applied: !d.pending},
	}, nil
}

// readyPrices answers Current with view, or with err when set.
type readyPrices struct {
	ports.Prices
	view ports.PriceView
	err  error
}

func (p readyPrices) Current(context.Context) (ports.PriceView, error) { return p.view, p.err }

var (
	freshPrice       = ports.PriceView{Point: pricing.Point{ID: 1, Price: pricing.Price{At: time.Now()}}, Active: true, TradingEnabled: true}
	stalePrice       = ports.PriceView{Point: pricing.Point{ID: 1, Price: pricing.Price{At: time.Now()}}, Active: true, Stale: true}
	haltedFreshPrice = ports.PriceView{Point: pricing.Point{ID: 1, Price: pricing.Price{At: time.Now()}}, Active: true}
)

// readyz serves GET /readyz over checks and returns the status and the decoded body.
func readyz(t *testing.T, checks []httpapi.ReadinessCheck) (int, map[string]any) {
	t.Helper()
	readiness, err := app.NewReadiness(checks)
	require.NoError(t, err)
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	rec := httptest.NewRecorder()
	httpapi.NewMux(logger, httpapi.Health(logger, readiness)).
		ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/readyz", nil))
	var body map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), rec.Body.String())
	return rec.Code, body
}

func TestReadinessChecks(t *testing.T) {
	t.Parallel()
	pong := func(context.Context) error { return nil }
	deadRedis := func(context.Context) error { return errors.New("dial tcp: connection refused") }
	tests := []struct {
		name       string
		db         readyDB
		prices     readyPrices
		redis      app.RedisPing
		wantStatus int
		wantChecks map[string]any
	}{
		{
			name: "AllPassWithoutRedis", prices: readyPrices{view: freshPrice},
			wantStatus: http.StatusOK,
			wantChecks: map[string]any{"db": "ok", "migrations": "ok", "price": "ok"},
		},
		{
			name: "AllPassWithRedis", prices: readyPrices{view: freshPrice}, redis: pong,
			wantStatus: http.StatusOK,
			wantChecks: map[string]any{"db": "ok", "migrations": "ok", "redis": "ok", "price": "ok"},
		},
		{
			name: "DatabaseDown", db: readyDB{pingErr: errors.New("connection refused")}, prices: readyPrices{view: freshPrice},
			wantStatus: http.StatusServiceUnavailable,
			wantChecks: map[string]any{"db": "fail", "migrations": "ok", "price": "ok"},
		},
		{
			name: "MigrationPending", db: readyDB{pending: true}, prices: readyPrices{view: freshPrice},
			wantStatus: http.StatusServiceUnavailable,
			wantChecks: map[string]any{"db": "ok", "migrations": "fail", "price": "ok"},
		},
		{
			name: "RedisDown", prices: readyPrices{view: freshPrice}, redis: deadRedis,
			wantStatus: http.StatusServiceUnavailable,
			wantChecks: map[string]any{"db": "ok", "migrations": "ok", "redis": "fail", "price": "ok"},
		},
		{
			name: "StalePriceLeavesReady", prices: readyPrices{view: stalePrice},
			wantStatus: http.StatusOK,
			wantChecks: map[string]any{"db": "ok", "migrations": "ok", "price": "fail"},
		},
		{
			name: "NoPriceLeavesReady", prices: readyPrices{err: fmt.Errorf("%w: no price has been accepted", core.ErrPriceUnavailable)},
			wantStatus: http.StatusOK,
			wantChecks: map[string]any{"db": "ok", "migrations": "ok", "price": "fail"},
		},
		{
			name: "HaltedByStaffWithFreshPrice", prices: readyPrices{view: haltedFreshPrice},
			wantStatus: http.StatusOK,
			wantChecks: map[string]any{"db": "ok", "migrations": "ok", "price": "ok"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := readyz(t, app.ReadinessChecks(tt.db, tt.prices, tt.redis))

			require.Equal(t, tt.wantStatus, status)
			require.Equal(t, tt.wantChecks, body["checks"])
		})
	}
}

// checkResult runs the checks and returns the error of the one named name.
func checkResult(t *testing.T, checks []httpapi.ReadinessCheck, name string) error {
	t.Helper()
	readiness, err := app.NewReadiness(checks)
	require.NoError(t, err)
	for _, r := range readiness.Check(t.Context()) {
		if r.Name == name {
			return r.Err
		}
	}
	require.FailNow(t, "no check named "+name)
	return nil
}

// TestMigrationsCheckSQLite shows the check failing on a store that has not been migrated
// (an instance started before `talabin migrate up` ran) and passing once it is.
func TestMigrationsCheckSQLite(t *testing.T) {
	t.Parallel()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "talabin.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	checks := app.ReadinessChecks(db, readyPrices{view: freshPrice}, nil)

	require.ErrorContains(t, checkResult(t, checks, "migrations"), "migrations not applied (first: 00001_initial.sql)")
	require.NoError(t, db.Migrate(t.Context()))
	require.NoError(t, checkResult(t, checks, "migrations"))
	require.NoError(t, checkResult(t, checks, "db"))
}

// TestMigrationsCheckPostgres shows the check passing on a migrated database and failing on
// one that lacks the newest migration.
func TestMigrationsCheckPostgres(t *testing.T) {
	t.Parallel()
	dsn := pgtest.New(t, pgtest.Options{Migrate: migratePostgres})
	db, err := postgres.Open(t.Context(), dsn, postgres.Options{MaxConns: 2})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })

	require.NoError(t, checkResult(t, app.ReadinessChecks(db, readyPrices{view: freshPrice}, nil), "migrations"))

	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	_, err = conn.Exec(t.Context(),
		"DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)")
	require.NoError(t, err)
	require.NoError(t, conn.Close(t.Context()))

	require.ErrorContains(t, checkResult(t, app.ReadinessChecks(db, readyPrices{view: freshPrice}, nil), "migrations"),
		"1 of ")
}

func TestRedisPing(t *testing.T) {
	t.Parallel()
	t.Run("NotConfigured", func(t *testing.T) {
		t.Parallel()
		ping, cleanup, err := app.NewRedisPing(loadConfig(t, map[string]string{}))
		require.NoError(t, err)
		t.Cleanup(cleanup)
		require.Nil(t, ping)
		require.NotContains(t, readyChecks(t, ping), "redis")
	})
	t.Run("Answers", func(t *testing.T) {
		t.Parallel()
		redistest.Client(t) // skips when the test Redis is not there
		url := os.Getenv(redistest.EnvRedisURL)
		if url == "" {
			url = redistest.DefaultRedisURL
		}
		ping, cleanup, err := app.NewRedisPing(loadConfig(t, map[string]string{"REDIS_URL": url}))
		require.NoError(t, err)
		t.Cleanup(cleanup)
		require.Equal(t, "ok", readyChecks(t, ping)["redis"])
	})
	t.Run("DeadAddress", func(t *testing.T) {
		t.Parallel()
		ping, cleanup, err := app.NewRedisPing(loadConfig(t, map[string]string{"REDIS_URL": "redis://127.0.0.1:1/0"}))
		require.NoError(t, err, "the client is built without a ping: the rate limiter checks Redis at start-up")
		t.Cleanup(cleanup)
		require.Equal(t, "fail", readyChecks(t, ping)["redis"])
	})
}

// readyChecks returns the checks of /readyz over a healthy database and price and ping.
func readyChecks(t *testing.T, ping app.RedisPing) map[string]any {
	t.Helper()
	_, body := readyz(t, app.ReadinessChecks(readyDB{}, readyPrices{view: freshPrice}, ping))
	return body["checks"].(map[string]any)
}
