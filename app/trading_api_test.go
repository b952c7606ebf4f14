package app_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/ports"
)

// TestTradingJourney buys and sells gold over HTTP on the wired app, as the web client's
// buy/sell page does (preview, then place with the same body and no quote id), with the
// seeded manual price and development treasury. The wallet is funded through the ledger
// directly, since deposits are another issue's endpoints.
func TestTradingJourney(t *testing.T) {
	t.Parallel()
	for _, engine := range []struct {
		name string
		open func(t *testing.T) (environ map[string]string, side app.Database)
	}{
		{"SQLite", func(t *testing.T) (map[string]string, app.Database) {
			path := filepath.Join(t.TempDir(), "talabin.db")
			return map[string]string{"SQLITE_PATH": path}, openSide(t, func() (app.Database, error) {
				return sqlite.Open(t.Context(), path, sqlite.Options{})
			})
		}},
		{"PostgreSQL", func(t *testing.T) (map[string]string, app.Database) {
			dsn := pgtest.New(t, pgtest.Options{Migrate: migratePostgres})
			return map[string]string{"DATABASE_URL": dsn}, openSide(t, func() (app.Database, error) {
				return postgres.Open(t.Context(), dsn, postgres.Options{MaxConns: 2})
			})
		}},
	} {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			environ, side := engine.open(t)
			tradingJourney(t, environ, side)
		})
	}
}

// openSide opens a second store on the app's database, through which a test does what no
// endpoint offers yet (funding a wallet, bootstrapping staff).
func openSide(t *testing.T, open func() (app.Database, error)) app.Database {
	t.Helper()
	db, err := open()
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

func tradingJourney(t *testing.T, environ map[string]string, side app.Database) {
	l := startApp(t, environ)
	c := &http.Client{}
	const phone98, password = "+989141112233", "Gold-Bar-2026"
	l.signUp(t, "09141112233", phone98, password)
	r := l.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": phone98, "password": password})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	bearer := "Bearer " + r.data(t)["tokens"].(map[string]any)["access"].(string)
	user := core.UserID(r.data(t)["user"].(map[string]any)["id"].(float64))

	// Funds arrive through the ledger, as a verified deposit would post them.
	require.NoError(t, side.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		j, err := ledger.DepositJournal(user, ledger.ExternalAccount(ledger.IRR), 10_000_000, "test-deposit")
		if err != nil {
			return err
		}
		_, err = tx.Ledger().Post(ctx, j)
		return err
	}))

	r = l.call(t, c, http.MethodGet, "/api/prices/gold/current/", nil)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.InDelta(t, 100_000_000, r.data(t)["sell_price"], 0)
	require.InDelta(t, 99_000_000, r.data(t)["buy_price"], 0)

	buy := map[string]any{"order_type": "buy", "amount_irr": 1_000_000}
	r = l.call(t, c, http.MethodPost, "/api/trading/orders/preview/", buy, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, "0.010000", r.data(t)["gold_amount"])
	require.InDelta(t, 5_000, r.data(t)["fee"], 0)
	require.InDelta(t, 1_005_000, r.data(t)["total_amount"], 0)

	r = l.call(t, c, http.MethodPost, "/api/trading/orders/place_order/", buy, "Authorization", bearer,
		"Idempotency-Key", "journey-buy-0001")
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	require.Equal(t, "completed", r.data(t)["status"])
	placed := r.raw
	r = l.call(t, c, http.MethodPost, "/api/trading/orders/place_order/", buy, "Authorization", bearer,
		"Idempotency-Key", "journey-buy-0001")
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	require.Equal(t, "true", r.header.Get("Idempotency-Replayed"))
	require.JSONEq(t, placed, r.raw, "a replay answers the stored response")

	sell := map[string]any{"order_type": "SELL", "gold_amount": "0.005"}
	r = l.call(t, c, http.MethodPost, "/api/trading/orders/place_order/", sell, "Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	require.InDelta(t, 495_000, r.data(t)["amount_irr"], 0, "⌊0.005 g × 99,000,000⌋")
	require.InDelta(t, 2_475, r.data(t)["fee"], 0)
	require.InDelta(t, 492_525, r.data(t)["total_amount"], 0)

	r = l.call(t, c, http.MethodPost, "/api/trading/orders/place_order/",
		map[string]any{"order_type": "buy", "amount_irr": 100_000_000}, "Authorization", bearer)
	require.Equal(t, http.StatusBadRequest, r.status, r.raw)
	require.Equal(t, "insufficient_balance", r.errorCode(t))

	r = l.call(t, c, http.MethodGet, "/api/wallet/balance/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.InDelta(t, 10_000_000-1_005_000+492_525, r.data(t)["balance_irr"], 0)
	require.Equal(t, "0.005000", r.data(t)["gold_balance"])

	r = l.call(t, c, http.MethodGet, "/api/trading/orders/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	orders := r.body["data"].([]any)
	require.Len(t, orders, 3, "two completed orders and the failed one")
	require.Equal(t, "failed", orders[0].(map[string]any)["status"])

	r = l.call(t, c, http.MethodGet, "/api/wallet/transactions/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	var types []string
	for _, item := range r.body["data"].([]any) {
		types = append(types, item.(map[string]any)["transaction_type"].(string))
	}
	require.Equal(t, []string{"sell_gold", "buy_gold", "deposit"}, types, "newest first")

	report, err := app.VerifyLedger(t.Context(), side)
	require.NoError(t, err)
	require.True(t, report.OK(), report.String())
}

// TestStaffPriceJourney bootstraps an admin as `talabin admin create` does, signs in over
// HTTP and sets a price; a user's token gets 403 on the same route.
func TestStaffPriceJourney(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "talabin.db")
	l := startApp(t, map[string]string{"SQLITE_PATH": path})
	c := &http.Client{}

	side, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, side.Close()) })
	hasher, err := app.NewPasswordHasher()
	require.NoError(t, err)
	_, err = app.CreateStaff(t.Context(), side, hasher, "09120000009", "Saffron-Coin-77", identity.RoleAdmin, "test", time.Now())
	require.NoError(t, err)

	r := l.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": "+989120000009", "password": "Saffron-Coin-77"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, true, r.data(t)["user"].(map[string]any)["is_staff"])
	admin := "Bearer " + r.data(t)["tokens"].(map[string]any)["access"].(string)

	price := map[string]any{"buy_price": 101_000_000, "sell_price": 102_000_000}
	r = l.call(t, c, http.MethodPost, "/api/admin/prices/", price, "Authorization", admin)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	r = l.call(t, c, http.MethodGet, "/api/prices/gold/current/", nil)
	require.InDelta(t, 102_000_000, r.data(t)["sell_price"], 0, "the instance that set it serves it at once")

	l.signUp(t, "09120000010", "+989120000010", "Gold-Bar-2026")
	r = l.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": "+989120000010", "password": "Gold-Bar-2026"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	user := "Bearer " + r.data(t)["tokens"].(map[string]any)["access"].(string)
	r = l.call(t, c, http.MethodPost, "/api/admin/prices/", price, "Authorization", user)
	require.Equal(t, http.StatusForbidden, r.status, r.raw)
	require.Equal(t, "permission_denied", r.errorCode(t))
}

// TestRestartKeepsStaffPrice starts a second instance on the store after staff set a price,
// as a restart or a new instance would: the manual feed must offer the stored price, not
// PRICE_SEED_*, which would otherwise look newer and replace the staff's price.
func TestRestartKeepsStaffPrice(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "talabin.db")
	first := startApp(t, map[string]string{"SQLITE_PATH": path})
	c := &http.Client{}

	side, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, side.Close()) })
	hasher, err := app.NewPasswordHasher()
	require.NoError(t, err)
	_, err = app.CreateStaff(t.Context(), side, hasher, "09120000011", "Saffron-Coin-77", identity.RoleAdmin, "test", time.Now())
	require.NoError(t, err)
	r := first.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": "+989120000011", "password": "Saffron-Coin-77"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	admin := "Bearer " + r.data(t)["tokens"].(map[string]any)["access"].(string)
	r = first.call(t, c, http.MethodPost, "/api/admin/prices/",
		map[string]any{"buy_price": 104_000_000, "sell_price": 105_000_000}, "Authorization", admin)
	require.Equal(t, http.StatusCreated, r.status, r.raw)

	second := startApp(t, map[string]string{"SQLITE_PATH": path})
	r = second.call(t, c, http.MethodGet, "/api/prices/gold/current/", nil)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.InDelta(t, 105_000_000, r.data(t)["sell_price"], 0, "the staff price survives a restart")
	require.Equal(t, "manual", r.data(t)["source"])
}
