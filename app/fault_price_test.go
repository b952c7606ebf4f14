package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/pricefeed/httpjson/httpjsonfake"
	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/ports"
)

// Price feed settings of the stale-price test: a refresh every second and prices that go
// stale after 5 s, so that the outage outlasts PRICE_MAX_AGE quickly.
const (
	feedRefreshEvery = time.Second
	feedMaxAge       = 5 * time.Second
)

// feedRecoveryLimit bounds the waits for the price to go stale and to come back: the feed's
// breaker, opened by the outage, stays open for 30 s (not configurable) before it lets a
// fetch through, and the margin absorbs a slow machine.
const feedRecoveryLimit = 2 * time.Minute

// TestFaultPriceFeedStale runs the wired app on the httpjson feed (a fake price API) and
// takes the feed down twice: a short outage in which it hangs past the adapter's timeout,
// and a long one of server errors that lasts until the feed's breaker opens
// (talabin_breaker_state 2). In each, once the last price is older than PRICE_MAX_AGE the
// current price reads is_stale, and preview and place_order answer 503 price_unavailable
// without creating an order; when the feed answers again, trading resumes by itself (after
// the long outage, once the breaker lets a fetch through) and an order completes. The
// ledger verifies.
func TestFaultPriceFeedStale(t *testing.T) {
	t.Parallel()
	feed := httpjsonfake.New(httpjsonfake.Config{})
	feed.SetPrice(99_000_000, 100_000_000, time.Now())
	srv := httptest.NewServer(feed)
	t.Cleanup(srv.Close)
	t.Cleanup(feed.Close) // before srv.Close: it ends the held answers
	dsn := pgtest.New(t, pgtest.Options{Migrate: migratePostgres})
	side := openSide(t, func() (app.Database, error) {
		return postgres.Open(t.Context(), dsn, postgres.Options{MaxConns: 2})
	})
	l := startPublicApp(t, map[string]string{
		"DATABASE_URL":           dsn,
		"PRICE_FEEDS":            "httpjson",
		"PRICE_FEED_URL":         srv.URL + "/",
		"PRICE_FEED_BUY_PATH":    "buy",
		"PRICE_FEED_SELL_PATH":   "sell",
		"PRICE_REFRESH_INTERVAL": feedRefreshEvery.String(),
		"PRICE_MAX_AGE":          feedMaxAge.String(),
		"RATE_LIMIT_SCALE":       "100", // the retries below are not what the per-user limits are for
		"METRICS_TOKEN":          faultMetricsToken,
	})
	c := &http.Client{Timeout: waitLimit}
	const phone98, password = "+989141234800", "Gold-Bar-2026"
	l.signUp(t, "09141234800", phone98, password)
	r := l.call(t, c, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": phone98, "password": password})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	bearer := "Bearer " + r.data(t)["tokens"].(map[string]any)["access"].(string)
	fundWallet(t, side, core.UserID(r.data(t)["user"].(map[string]any)["id"].(float64)), 10_000_000)
	buy := map[string]any{"order_type": "buy", "amount_irr": 1_000_000}

	placeWhenPriced(t, l, bearer, buy)
	orders := 1
	requireOrders(t, l, c, bearer, orders)

	// The outages run one after the other on this app; each ends with a completed order.
	for _, outage := range []struct {
		name  string
		fault httpjsonfake.Fault
		// untilBreakerOpens makes the outage last until the feed's breaker opens, so that
		// recovery goes through its half-open trial.
		untilBreakerOpens bool
	}{
		{"ShortHang", httpjsonfake.Fault{Delay: time.Hour}, false},
		{"LongServerError", httpjsonfake.Fault{HTTPStatus: http.StatusServiceUnavailable, Body: "<html>503 Service Unavailable</html>"}, true},
	} {
		t.Run(outage.name, func(t *testing.T) {
			feed.SetFault(outage.fault)
			require.Eventually(t, func() bool {
				r, err := l.send(t.Context(), http.MethodGet, "/api/prices/gold/current/", nil)
				d, _ := r.body["data"].(map[string]any)
				return err == nil && r.status == http.StatusOK && d["is_stale"] == true
			}, feedRecoveryLimit, 100*time.Millisecond, "the price never went stale")
			r := l.call(t, c, http.MethodGet, "/api/prices/gold/current/", nil)
			require.Equal(t, http.StatusOK, r.status, r.raw)
			require.Equal(t, true, r.data(t)["is_stale"], "a stale price is still shown, marked stale")
			for _, path := range []string{"/api/trading/orders/preview/", "/api/trading/orders/place_order/"} {
				r = l.call(t, c, http.MethodPost, path, buy, "Authorization", bearer)
				require.Equal(t, http.StatusServiceUnavailable, r.status, "%s: %s", path, r.raw)
				require.Equal(t, "price_unavailable", r.errorCode(t), path)
			}
			requireOrders(t, l, c, bearer, orders)
			if outage.untilBreakerOpens {
				require.Eventually(t, func() bool {
					state, err := l.breakerState(t.Context(), faultMetricsToken, "httpjson")
					return err == nil && state == 2
				}, feedRecoveryLimit, 100*time.Millisecond, "the feed's breaker never opened")
			}

			// The feed answers again: trading resumes without anyone's help.
			feed.SetFault(httpjsonfake.Fault{})
			placeWhenPriced(t, l, bearer, buy)
			orders++
			requireOrders(t, l, c, bearer, orders)
		})
	}

	r = l.call(t, c, http.MethodGet, "/api/wallet/balance/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.InDelta(t, 10_000_000-float64(orders)*1_005_000, r.data(t)["balance_irr"], 0, "buys of 1,000,000 plus the 0.5 %% fee")
	report, err := app.VerifyLedger(t.Context(), side)
	require.NoError(t, err)
	require.True(t, report.OK(), report.String())
}

// placeWhenPriced waits for a fresh price and places order, again until it completes, as a
// client retrying a 503 does (the price may go stale again on a slow machine): every answer
// before that must be 503 price_unavailable, which creates no order.
func placeWhenPriced(t *testing.T, l liveApp, bearer string, order map[string]any) {
	t.Helper()
	var last apiResponse
	require.Eventually(t, func() bool {
		r, err := l.send(t.Context(), http.MethodGet, "/api/prices/gold/current/", nil)
		d, _ := r.body["data"].(map[string]any)
		if err != nil || r.status != http.StatusOK || d["is_stale"] != false {
			return false
		}
		r, err = l.send(t.Context(), http.MethodPost, "/api/trading/orders/place_order/", order, "Authorization", bearer)
		if err != nil {
			return false
		}
		last = r
		return r.status != http.StatusServiceUnavailable || codeOf(r) != "price_unavailable"
	}, feedRecoveryLimit, 250*time.Millisecond, "trading never resumed")
	require.Equal(t, http.StatusCreated, last.status, last.raw)
	require.Equal(t, "completed", last.body["data"].(map[string]any)["status"], last.raw)
}

// requireOrders checks how many orders the user bearer signs in has.
func requireOrders(t *testing.T, l liveApp, c *http.Client, bearer string, want int) {
	t.Helper()
	r := l.call(t, c, http.MethodGet, "/api/trading/orders/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Len(t, r.body["data"], want, r.raw)
}

// fundWallet credits user's wallet through the ledger, as a verified deposit would.
func fundWallet(t *testing.T, side app.Database, user core.UserID, amount core.Rial) {
	t.Helper()
	require.NoError(t, side.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		j, err := ledger.DepositJournal(user, ledger.ExternalAccount(ledger.IRR), amount, "fault-price-"+user.String())
		if err != nil {
			return err
		}
		_, err = tx.Ledger().Post(ctx, j)
		return err
	}))
}
