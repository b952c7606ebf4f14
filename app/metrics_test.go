package app_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/ports"
)

// scrape sends GET /metrics with authorization (none when empty) and returns the status
// and body.
func (l liveApp) scrape(t *testing.T, authorization string) (int, string) {
	t.Helper()
	return get(t, l.base+"/metrics", authorization)
}

func TestMetricsCountRegistration(t *testing.T) {
	t.Parallel()
	const token = "metrics-token-for-tests-0123456789abcdef"
	l := startApp(t, map[string]string{"METRICS_TOKEN": token})

	r := l.call(t, &http.Client{Timeout: waitLimit}, http.MethodPost, "/api/auth/register/", map[string]any{
		"phone_number": "09121110001", "password": "Tr1cky-Passw0rd", "password_confirm": "Tr1cky-Passw0rd",
	})
	require.Equal(t, http.StatusCreated, r.status, r.raw)

	status, body := l.scrape(t, "Bearer "+token)
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, "\n"+`talabin_otp_requests_total{outcome="sent",purpose="registration"} 1`+"\n")
	require.Contains(t, body, "\ngo_goroutines ", "the Go runtime collector is registered")

	status, body = l.scrape(t, "")
	require.Equal(t, http.StatusNotFound, status, body)
	require.NotContains(t, body, "talabin_")
}

func TestMetricsOffWithoutToken(t *testing.T) {
	t.Parallel()
	l := startApp(t, map[string]string{})
	status, body := l.scrape(t, "Bearer ")
	require.Equal(t, http.StatusNotFound, status, body)
	require.NotContains(t, body, "talabin_")
}

// TestMetricsListenerAfterMoneyMoves runs an online deposit, a buy and a paid withdrawal on
// the wired app, on both engines, then scrapes the METRICS_ADDR listener (no token) and
// finds every metric family of the operations list: HTTP requests by route pattern, orders
// and volume, deposits and withdrawals, codes and SMS jobs, breaker states, the price's age,
// the job queue and the database pool. The API listener's /metrics still wants the token.
func TestMetricsListenerAfterMoneyMoves(t *testing.T) {
	t.Parallel()
	for _, engine := range []struct {
		name     string
		open     func(t *testing.T) (environ map[string]string, side app.Database)
		poolLine string // a series of the engine's pool statistics
	}{
		{"SQLite", func(t *testing.T) (map[string]string, app.Database) {
			path := filepath.Join(t.TempDir(), "talabin.db")
			return map[string]string{"SQLITE_PATH": path}, openSide(t, func() (app.Database, error) {
				return sqlite.Open(t.Context(), path, sqlite.Options{})
			})
		}, `go_sql_max_open_connections{db_name="sqlite_write"} 1`},
		{"PostgreSQL", func(t *testing.T) (map[string]string, app.Database) {
			dsn := pgtest.New(t, pgtest.Options{Migrate: migratePostgres})
			return map[string]string{"DATABASE_URL": dsn}, openSide(t, func() (app.Database, error) {
				return postgres.Open(t.Context(), dsn, postgres.Options{MaxConns: 2})
			})
		}, "talabin_db_pool_max_connections "},
	} {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			environ, side := engine.open(t)
			const token = "metrics-token-for-tests-0123456789abcdef"
			environ["METRICS_TOKEN"] = token
			environ["METRICS_ADDR"] = "127.0.0.1:0"
			// A second gateway that is never asked, so that a breaker exists to report.
			environ["PAYMENT_GATEWAYS"] = "sandbox,zarinpal"
			environ["ZARINPAL_MERCHANT_ID"] = "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
			environ["ZARINPAL_BASE_URL"] = "http://127.0.0.1:1"
			l, metricsURL := startMetricsApp(t, environ)
			moveMoney(t, l, side)
			// A job due in an hour stays in the queue, whatever the workers have done by now.
			require.NoError(t, side.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Jobs().Enqueue(ctx, ports.Job{Kind: "metrics_probe", Args: []byte(`{}`), RunAt: time.Now().Add(time.Hour)})
				return err
			}))

			// The SMS worker counts a job after the console logged its code: wait for the last.
			var body string
			require.Eventually(t, func() bool {
				req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, metricsURL, nil)
				if err != nil {
					return false
				}
				resp, err := (&http.Client{Timeout: waitLimit}).Do(req)
				if err != nil {
					return false
				}
				defer func() { _ = resp.Body.Close() }()
				b, err := io.ReadAll(resp.Body)
				body = string(b)
				return err == nil && strings.Contains(body, `talabin_sms_jobs_total{outcome="sent",provider="console"} 4`)
			}, waitLimit, 10*time.Millisecond, "every code SMS counted as sent")
			for _, want := range []string{
				`talabin_http_requests_total{method="GET",route="/api/trading/orders/{id}/",status="404"} 1`,
				`talabin_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
				`talabin_http_request_duration_seconds_count{method="POST",route="/api/trading/orders/place_order/"} 1`,
				`talabin_orders_total{side="buy",status="completed"} 1`,
				`talabin_orders_total{side="sell",status="completed"} 0`,
				`talabin_order_volume_rials_total{side="buy"} 1e+07`,
				`talabin_order_fees_rials_total{side="buy"} 50000`,
				`talabin_order_gold_micrograms_total{side="buy"} `,
				`talabin_deposits_total{gateway="sandbox",method="online",status="verified"} 1`,
				`talabin_deposits_credited_rials_total{gateway="sandbox",method="online"} 5e+07`,
				`talabin_withdrawals_total{status="pending"} 1`,
				`talabin_withdrawals_total{status="completed"} 1`,
				`talabin_withdrawals_paid_rials_total 5e+06`,
				`talabin_otp_requests_total{outcome="sent",purpose="registration"} 2`,
				`talabin_otp_verifications_total{outcome="ok",purpose="registration"} 2`,
				`talabin_breaker_state{provider="zarinpal"} 0`,
				"talabin_price_age_seconds ",
				`talabin_jobs{kind="metrics_probe",state="scheduled"} 1`,
				engine.poolLine,
				"go_goroutines ",
			} {
				require.Contains(t, body, "\n"+want, "scrape:\n%s", body)
			}

			// The API listener's /metrics answers only with the token; the metrics listener
			// serves nothing but GET /metrics.
			status, _ := l.scrape(t, "Bearer "+token)
			require.Equal(t, http.StatusOK, status)
			status, _ = l.scrape(t, "")
			require.Equal(t, http.StatusNotFound, status)
			status, _ = get(t, strings.TrimSuffix(metricsURL, "/metrics")+"/api/prices/gold/current/", "")
			require.Equal(t, http.StatusNotFound, status)
		})
	}
}

// startMetricsApp is [startPublicApp] that also opens the METRICS_ADDR listener before
// serving and returns its /metrics URL.
func startMetricsApp(t *testing.T, environ map[string]string) (liveApp, string) {
	t.Helper()
	ln := listen(t)
	base := "http://" + ln.Addr().String()
	environ["PUBLIC_API_URL"] = base
	environ["BLOB_DIR"] = t.TempDir()
	cfg := loadConfig(t, environ)
	logs := &lockedBuffer{}
	a, cleanup, err := app.InitializeApp(t.Context(), cfg, logs, app.BuildInfo{Version: "test"})
	require.NoError(t, err)
	addr, err := a.ListenMetrics(t.Context())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, receive(t, served, "Serve to return"))
		cleanup()
	})
	return liveApp{base: base, logs: logs, handler: a.Handler()}, "http://" + addr.String() + "/metrics"
}

// moveMoney signs a user up, deposits 50,000,000 rials online, buys gold for 10,000,000,
// asks for an order that does not exist and a path that does not either, and withdraws
// 5,000,000 to a bank account, which an admin approves and completes. A second user signs
// up, so that counts above one show.
func moveMoney(t *testing.T, l liveApp, side app.Database) {
	t.Helper()
	c := &http.Client{}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const phone98, password = "+989141234560", "Gold-Bar-2026"
	l.signUp(t, "09141234560", phone98, password)
	l.signUp(t, "09141234561", "+989141234561", password)
	bearer := l.login(t, phone98, password)

	r := l.call(t, c, http.MethodPost, "/api/wallet/deposits/create_deposit/", map[string]any{"amount": 50_000_000},
		"Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	callback := l.pressOnGatewayPage(t, browser, r.data(t)["payment_url"].(string), "pay")
	l.redirect(t, browser, http.MethodGet, callback)
	l.redirect(t, browser, http.MethodGet, callback) // a replayed return credits nothing more

	r = l.call(t, c, http.MethodPost, "/api/trading/orders/place_order/",
		map[string]any{"order_type": "buy", "amount_irr": 10_000_000}, "Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	r = l.call(t, c, http.MethodGet, "/api/trading/orders/123/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusNotFound, r.status, r.raw)
	r = l.call(t, c, http.MethodGet, "/no/such/path/", nil)
	require.Equal(t, http.StatusNotFound, r.status, r.raw)

	r = l.call(t, c, http.MethodPost, "/api/auth/send-otp/", map[string]any{"phone_number": phone98, "otp_type": "bank_account"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = l.call(t, c, http.MethodPost, "/api/wallet/bank-accounts/", map[string]any{
		"sheba_number": "IR820540102680020817909002", "otp_code": l.smsCode(t, phone98, "bank_account"),
	}, "Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	accountID := idOf(r.data(t))
	r = l.call(t, c, http.MethodPost, "/api/auth/send-otp/", map[string]any{"phone_number": phone98, "otp_type": "withdrawal"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = l.call(t, c, http.MethodPost, "/api/wallet/withdrawals/create_withdrawal/", map[string]any{
		"bank_account_id": accountID, "amount": 5_000_000, "otp_code": l.smsCode(t, phone98, "withdrawal"),
	}, "Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	withdrawalID := idOf(r.data(t))

	hasher, err := app.NewPasswordHasher()
	require.NoError(t, err)
	_, err = app.CreateStaff(t.Context(), side, hasher, "09120000031", "Saffron-Coin-77", identity.RoleAdmin, "test", time.Now())
	require.NoError(t, err)
	admin := l.login(t, "+989120000031", "Saffron-Coin-77")
	r = l.call(t, c, http.MethodPost, "/api/admin/withdrawals/"+withdrawalID+"/approve/", map[string]any{}, "Authorization", admin)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = l.call(t, c, http.MethodPost, "/api/admin/withdrawals/"+withdrawalID+"/complete/",
		map[string]any{"tracking_code": "PAYA-20260101-78"}, "Authorization", admin)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, "completed", r.data(t)["status"])
}

// get sends GET url with authorization (none when empty) and returns the status and body.
func get(t *testing.T, url, authorization string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := (&http.Client{Timeout: waitLimit}).Do(req)
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}
