package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/payment/zarinpal/zarinpalfake"
	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/integration/pgtest"
)

// reconcileLimit bounds the wait for the reconciler to credit a deposit left unknown: it
// looks at deposits untouched for PAYMENT_RECONCILE_AFTER (10 s, the minimum) every
// PAYMENT_RECONCILE_INTERVAL (5 s), and the margin absorbs a slow machine.
const reconcileLimit = 2 * time.Minute

// TestFaultGatewayTimeoutDuringVerify pays a deposit through the real ZarinPal adapter
// against its fake, which captures the payment on verify but answers too late (the
// adapter's 10 s timeout passes first). The buyer's return lands on the failure page with
// the "being checked" reason, the deposit reads pending and nothing is credited; once the
// gateway answers again, the periodic reconciler verifies it (ZarinPal answers 101, already
// verified) and credits it exactly once. Replays of the return then show the success page
// and credit nothing more, and the ledger verifies.
func TestFaultGatewayTimeoutDuringVerify(t *testing.T) {
	t.Parallel()
	gateway := zarinpalfake.New(zarinpalfake.Config{})
	srv := httptest.NewServer(gateway)
	t.Cleanup(srv.Close)
	t.Cleanup(gateway.Close) // before srv.Close: it ends the held answers
	dsn := pgtest.New(t, pgtest.Options{Migrate: migratePostgres})
	side := openSide(t, func() (app.Database, error) {
		return postgres.Open(t.Context(), dsn, postgres.Options{MaxConns: 2})
	})
	l := startPublicApp(t, map[string]string{
		"DATABASE_URL":               dsn,
		"PAYMENT_GATEWAYS":           "zarinpal",
		"ZARINPAL_MERCHANT_ID":       "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
		"ZARINPAL_BASE_URL":          srv.URL + "/pg/v4/payment",
		"ZARINPAL_STARTPAY_URL":      srv.URL + "/pg/StartPay/",
		"PAYMENT_RECONCILE_INTERVAL": "5s",
		"PAYMENT_RECONCILE_AFTER":    "10s",
	})
	c := &http.Client{Timeout: time.Minute}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const phone98, password = "+989141234700", "Gold-Bar-2026"
	l.signUp(t, "09141234700", phone98, password)
	bearer := l.login(t, phone98, password)

	r := l.call(t, c, http.MethodPost, "/api/wallet/deposits/create_deposit/", map[string]any{"amount": 50_000_000},
		"Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	deposit := r.data(t)["deposit"].(map[string]any)
	depositPath := "/api/wallet/deposits/" + idOf(deposit) + "/"
	require.Equal(t, "zarinpal", deposit["gateway"])
	payURL := r.data(t)["payment_url"].(string)
	require.True(t, strings.HasPrefix(payURL, srv.URL+"/pg/StartPay/"), payURL)
	authority := strings.TrimPrefix(payURL, srv.URL+"/pg/StartPay/")
	callback := payOnZarinpal(t, browser, payURL)

	// Verify captures the payment but its answer comes after the adapter gave up.
	gateway.SetFault(zarinpalfake.Fault{Delay: time.Hour})
	pending := l.redirect(t, browser, http.MethodGet, callback)
	require.Equal(t, "http://localhost:3000/payment/failure", pending.Scheme+"://"+pending.Host+pending.Path)
	require.Contains(t, pending.Query().Get("reason"), "در حال بررسی", "the buyer is told it is being checked")
	require.Equal(t, deposit["transaction_id"], pending.Query().Get("trackingId"))
	session, ok := gateway.Session(authority)
	require.True(t, ok)
	require.Equal(t, "VERIFIED", session.Status, "the gateway captured the payment")
	r = l.call(t, c, http.MethodGet, depositPath, nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, "pending", r.data(t)["status"], "unknown reads as pending")
	requireBalance(t, l, c, bearer, 0)
	require.Contains(t, l.logs.String(), `"msg":"deposit verify without an answer; left for the reconciler"`)

	// The gateway answers again: the reconciler settles the deposit by itself.
	gateway.SetFault(zarinpalfake.Fault{})
	require.Eventually(t, func() bool {
		r, err := l.send(t.Context(), http.MethodGet, depositPath, nil, "Authorization", bearer)
		d, _ := r.body["data"].(map[string]any)
		return err == nil && r.status == http.StatusOK && d["status"] == "verified"
	}, reconcileLimit, 100*time.Millisecond, "the reconciler never credited the deposit")
	requireBalance(t, l, c, bearer, 50_000_000)
	require.Contains(t, l.logs.String(), `"msg":"deposits reconciled"`, "the reconciler, not a return, credited it")

	// Replayed returns show the success page and credit nothing more.
	for range 3 {
		success := l.redirect(t, browser, http.MethodGet, callback)
		require.Equal(t, "/payment/success", success.Path, success.String())
		require.Equal(t, "50000000", success.Query().Get("amount"))
	}
	requireBalance(t, l, c, bearer, 50_000_000)
	r = l.call(t, c, http.MethodGet, "/api/wallet/transactions/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Len(t, r.body["data"], 1, "one deposit transaction: %s", r.raw)

	report, err := app.VerifyLedger(t.Context(), side)
	require.NoError(t, err)
	require.True(t, report.OK(), report.String())
}

// payOnZarinpal opens ZarinPal's payment page at payURL as the buyer's browser does, which
// pays and redirects to the deposit's callback, and returns that callback URL.
func payOnZarinpal(t *testing.T, browser *http.Client, payURL string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, payURL, nil)
	require.NoError(t, err)
	resp, err := browser.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusFound, resp.StatusCode)
	to, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "OK", to.Query().Get("Status"))
	return to.String()
}

// requireBalance checks the rial balance of the user bearer signs in.
func requireBalance(t *testing.T, l liveApp, c *http.Client, bearer string, want float64) {
	t.Helper()
	r := l.call(t, c, http.MethodGet, "/api/wallet/balance/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.InDelta(t, want, r.data(t)["balance_irr"], 0, r.raw)
}
