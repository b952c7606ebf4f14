package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi/openapi/openapitest"
	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/integration/pgtest"
)

// TestPaymentsJourney moves money in and out over HTTP on the wired app, as a user's browser
// and the staff's panel do: an online deposit paid on the development gateway's own page (and
// its callback replayed), one cancelled there, a gold buy, a bank account and a withdrawal
// confirmed by step-up codes from the console SMS log, the staff's approval and payout, and a
// bank transfer with an uploaded receipt that staff verify. A side store bootstraps the
// admin and checks the ledger at the end.
func TestPaymentsJourney(t *testing.T) {
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
			paymentsJourney(t, environ, side)
		})
	}
}

func paymentsJourney(t *testing.T, environ map[string]string, side app.Database) {
	l := startPublicApp(t, environ)
	c := &http.Client{}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const phone98, password = "+989141234500", "Gold-Bar-2026"
	l.signUp(t, "09141234500", phone98, password)
	bearer := l.login(t, phone98, password)

	// An online deposit, paid on the sandbox gateway's page, which the app serves itself.
	r := l.call(t, c, http.MethodPost, "/api/wallet/deposits/create_deposit/", map[string]any{"amount": 50_000_000},
		"Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	paid := r.data(t)["deposit"].(map[string]any)
	paidID := idOf(paid)
	require.Equal(t, "pending", paid["status"])
	payURL := r.data(t)["payment_url"].(string)
	require.True(t, strings.HasPrefix(payURL, l.base+"/sandbox/pay/"), payURL)

	callback := l.pressOnGatewayPage(t, browser, payURL, "pay")
	require.True(t, strings.HasPrefix(callback, l.base+"/api/wallet/deposits/"+paidID+"/callback/?"), callback)
	success := l.redirect(t, browser, http.MethodGet, callback)
	require.Equal(t, "http://localhost:3000/payment/success", success.Scheme+"://"+success.Host+success.Path)
	require.Equal(t, "50000000", success.Query().Get("amount"))
	require.NotEmpty(t, success.Query().Get("trackingId"))
	// The browser comes back again and again (reloads, a gateway that retries): one credit.
	for range 10 {
		again := l.redirect(t, browser, http.MethodGet, callback)
		require.Equal(t, success.String(), again.String())
	}
	r = l.call(t, c, http.MethodGet, "/api/wallet/balance/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.InDelta(t, 50_000_000, r.data(t)["balance_irr"], 0, "credited once")
	r = l.call(t, c, http.MethodGet, "/api/wallet/deposits/"+paidID+"/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, "verified", r.data(t)["status"])
	require.Equal(t, "sandbox", r.data(t)["gateway"])
	require.Equal(t, success.Query().Get("trackingId"), r.data(t)["gateway_reference"])

	// A deposit the buyer cancels at the gateway fails, and its return lands on the failure page.
	r = l.call(t, c, http.MethodPost, "/api/wallet/deposits/create_deposit/", map[string]any{"amount": 3_000_000},
		"Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	cancelled := r.data(t)["deposit"].(map[string]any)
	callback = l.pressOnGatewayPage(t, browser, r.data(t)["payment_url"].(string), "cancel")
	failure := l.redirect(t, browser, http.MethodGet, callback)
	require.Equal(t, "/payment/failure", failure.Path)
	require.Equal(t, "3000000", failure.Query().Get("amount"))
	require.Equal(t, cancelled["transaction_id"], failure.Query().Get("trackingId"))
	require.NotEmpty(t, failure.Query().Get("reason"))
	r = l.call(t, c, http.MethodGet, "/api/wallet/deposits/"+idOf(cancelled)+"/", nil, "Authorization", bearer)
	require.Equal(t, "failed", r.data(t)["status"], r.raw)

	// Gold bought from the development treasury: 10,000,000 plus the 0.5 % fee.
	r = l.call(t, c, http.MethodPost, "/api/trading/orders/place_order/",
		map[string]any{"order_type": "buy", "amount_irr": 10_000_000}, "Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	require.Equal(t, "completed", r.data(t)["status"])
	require.InDelta(t, 10_050_000, r.data(t)["total_amount"], 0)

	// A bank account confirmed by a step-up code; the development ownership inquiry approves it.
	r = l.call(t, c, http.MethodPost, "/api/auth/send-otp/", map[string]any{"phone_number": phone98, "otp_type": "bank_account"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = l.call(t, c, http.MethodPost, "/api/wallet/bank-accounts/", map[string]any{
		"sheba_number": "IR820540102680020817909002", "otp_code": l.smsCode(t, phone98, "bank_account"),
	}, "Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	require.Equal(t, true, r.data(t)["is_verified"])
	require.Equal(t, true, r.data(t)["is_default"])
	accountID := idOf(r.data(t))

	// A withdrawal holds its amount and fee.
	r = l.call(t, c, http.MethodPost, "/api/auth/send-otp/", map[string]any{"phone_number": phone98, "otp_type": "withdrawal"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = l.call(t, c, http.MethodPost, "/api/wallet/withdrawals/create_withdrawal/", map[string]any{
		"bank_account_id": accountID, "amount": 5_000_000, "otp_code": l.smsCode(t, phone98, "withdrawal"),
	}, "Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	withdrawal := r.data(t)
	withdrawalID := idOf(withdrawal)
	require.Equal(t, "pending", withdrawal["status"])
	require.InDelta(t, 25_000, withdrawal["fee"], 0)
	require.InDelta(t, 5_025_000, withdrawal["total_amount"], 0)
	r = l.call(t, c, http.MethodGet, "/api/wallet/balance/", nil, "Authorization", bearer)
	require.InDelta(t, 39_950_000, r.data(t)["balance_irr"], 0, r.raw)
	require.InDelta(t, 5_025_000, r.data(t)["frozen_balance_irr"], 0, r.raw)
	require.InDelta(t, 34_925_000, r.data(t)["available_balance_irr"], 0, r.raw)

	// Staff approve the withdrawal and complete it with the bank's tracking code.
	hasher, err := app.NewPasswordHasher()
	require.NoError(t, err)
	_, err = app.CreateStaff(t.Context(), side, hasher, "09120000021", "Saffron-Coin-77", identity.RoleAdmin, "test", time.Now())
	require.NoError(t, err)
	admin := l.login(t, "+989120000021", "Saffron-Coin-77")
	r = l.call(t, c, http.MethodPost, "/api/admin/withdrawals/"+withdrawalID+"/approve/", map[string]any{}, "Authorization", admin)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, "approved", r.data(t)["status"])
	r = l.call(t, c, http.MethodPost, "/api/admin/withdrawals/"+withdrawalID+"/complete/",
		map[string]any{"tracking_code": "PAYA-20260101-77"}, "Authorization", admin)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, "completed", r.data(t)["status"])
	require.Equal(t, "PAYA-20260101-77", r.data(t)["tracking_code"])
	r = l.call(t, c, http.MethodGet, "/api/wallet/withdrawals/"+withdrawalID+"/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, "completed", r.data(t)["status"])
	r = l.call(t, c, http.MethodGet, "/api/wallet/balance/", nil, "Authorization", bearer)
	require.InDelta(t, 34_925_000, r.data(t)["balance_irr"], 0, r.raw)
	require.InDelta(t, 0, r.data(t)["frozen_balance_irr"], 0, r.raw)

	// A bank transfer: the user is shown where to pay, uploads the receipt, staff verify it.
	r = l.call(t, c, http.MethodPost, "/api/wallet/deposits/create_deposit/",
		map[string]any{"amount": 2_000_000, "payment_method": "bank_transfer"}, "Authorization", bearer)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	transfer := r.data(t)
	transferID := idOf(transfer)
	require.Equal(t, "bank_transfer", transfer["payment_method"])
	require.Equal(t, "pending", transfer["status"])
	require.Equal(t, "IR820540102680020817909002", transfer["transfer_destination"].(map[string]any)["sheba_number"])
	r = l.uploadReceipt(t, c, "/api/wallet/deposits/"+transferID+"/upload_receipt/", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, "paid", r.data(t)["status"])
	r = l.call(t, c, http.MethodPost, "/api/admin/deposits/"+transferID+"/verify/", map[string]any{}, "Authorization", admin)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	require.Equal(t, "verified", r.data(t)["status"])

	r = l.call(t, c, http.MethodGet, "/api/wallet/balance/", nil, "Authorization", bearer)
	require.InDelta(t, 36_925_000, r.data(t)["balance_irr"], 0, r.raw)
	require.InDelta(t, 0, r.data(t)["frozen_balance_irr"], 0, r.raw)
	r = l.call(t, c, http.MethodGet, "/api/wallet/transactions/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	var moves []string
	for _, item := range r.body["data"].([]any) {
		tx := item.(map[string]any)
		moves = append(moves, tx["transaction_type"].(string)+" "+tx["amount_irr"].(string))
	}
	require.Equal(t, []string{"deposit 2000000", "withdraw 5025000", "buy_gold 10050000", "deposit 50000000"}, moves,
		"newest first; the failed deposit moved nothing")

	// Another user sees none of it, and a user's token opens no staff route.
	const otherPhone98 = "+989141234501"
	l.signUp(t, "09141234501", otherPhone98, password)
	other := l.login(t, otherPhone98, password)
	for _, path := range []string{
		"/api/wallet/deposits/" + paidID + "/",
		"/api/wallet/withdrawals/" + withdrawalID + "/",
		"/api/wallet/bank-accounts/" + accountID + "/",
	} {
		r = l.call(t, c, http.MethodGet, path, nil, "Authorization", other)
		require.Equal(t, http.StatusNotFound, r.status, path)
		require.Equal(t, "not_found", r.errorCode(t), path)
	}
	r = l.call(t, c, http.MethodGet, "/api/admin/withdrawals/", nil, "Authorization", bearer)
	require.Equal(t, http.StatusForbidden, r.status, r.raw)
	require.Equal(t, "permission_denied", r.errorCode(t))

	report, err := app.VerifyLedger(t.Context(), side)
	require.NoError(t, err)
	require.True(t, report.OK(), report.String())
}

// startPublicApp is [startApp] with PUBLIC_API_URL set to the address the app listens on,
// so that the gateway's page and its return to the callback reach this app, and BLOB_DIR in
// a temporary folder (with DATABASE_URL it would default to a folder in this package).
func startPublicApp(t *testing.T, environ map[string]string) liveApp {
	t.Helper()
	ln := listen(t)
	base := "http://" + ln.Addr().String()
	environ["PUBLIC_API_URL"] = base
	environ["BLOB_DIR"] = t.TempDir()
	cfg := loadConfig(t, environ)
	logs := &lockedBuffer{}
	a, cleanup, err := app.InitializeApp(t.Context(), cfg, logs, app.BuildInfo{Version: "test"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, receive(t, served, "Serve to return"))
		cleanup()
	})
	return liveApp{base: base, logs: logs, handler: a.Handler()}
}

// login signs phone in and returns its Authorization header value.
func (l liveApp) login(t *testing.T, phone, password string) string {
	t.Helper()
	r := l.call(t, &http.Client{}, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": phone, "password": password})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	return "Bearer " + r.data(t)["tokens"].(map[string]any)["access"].(string)
}

// idOf returns an object's id as it goes in a path.
func idOf(object map[string]any) string {
	return strconv.FormatInt(int64(object["id"].(float64)), 10)
}

// gatewayForm matches one form of the sandbox page: its action and its anti-forgery token.
var gatewayForm = regexp.MustCompile(`<form method="post" action="([^"]+)"><input type="hidden" name="token" value="([^"]+)">`)

// pressOnGatewayPage opens the gateway page at payURL as the buyer's browser does, submits
// the form whose action ends in button (pay or cancel) and returns where the gateway sends
// the browser: the deposit's callback URL.
func (l liveApp) pressOnGatewayPage(t *testing.T, browser *http.Client, payURL, button string) string {
	t.Helper()
	page := l.browse(t, browser, http.MethodGet, payURL, "", nil)
	require.Equal(t, http.StatusOK, page.status, page.body)
	require.True(t, strings.HasPrefix(page.header.Get("Content-Type"), "text/html"), page.header.Get("Content-Type"))
	base, err := url.Parse(payURL)
	require.NoError(t, err)
	for _, form := range gatewayForm.FindAllStringSubmatch(page.body, -1) {
		action, err := base.Parse(form[1])
		require.NoError(t, err)
		if !strings.HasSuffix(action.Path, "/"+button) {
			continue
		}
		back := l.browse(t, browser, http.MethodPost, action.String(), "application/x-www-form-urlencoded",
			strings.NewReader(url.Values{"token": {form[2]}}.Encode()))
		require.Equal(t, http.StatusSeeOther, back.status, back.body)
		return back.header.Get("Location")
	}
	require.FailNow(t, "no "+button+" form on the gateway page", page.body)
	return ""
}

// redirect sends a body-less request to target and returns the 303 redirect's destination.
func (l liveApp) redirect(t *testing.T, browser *http.Client, method, target string) *url.URL {
	t.Helper()
	resp := l.browse(t, browser, method, target, "", nil)
	require.Equal(t, http.StatusSeeOther, resp.status, resp.body)
	to, err := url.Parse(resp.header.Get("Location"))
	require.NoError(t, err)
	return to
}

// browsed is a response as a browser got it.
type browsed struct {
	status int
	header http.Header
	body   string
}

// browse sends one request to target, an absolute URL on this app, and returns the response,
// checked against the OpenAPI document.
func (l liveApp) browse(t *testing.T, client *http.Client, method, target, contentType string, body io.Reader) browsed {
	t.Helper()
	require.True(t, strings.HasPrefix(target, l.base+"/"), "%s is not on this app", target)
	req, err := http.NewRequestWithContext(t.Context(), method, target, body)
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	openapitest.Check(t, req, resp)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return browsed{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

// uploadReceipt posts a small real PNG as receipt_image to path, as the web client's form
// does, and checks the answer against the OpenAPI document.
func (l liveApp) uploadReceipt(t *testing.T, c *http.Client, path, bearer string) apiResponse {
	t.Helper()
	var img bytes.Buffer
	require.NoError(t, png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 8, 8))))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("receipt_image", "receipt.png")
	require.NoError(t, err)
	_, err = fw.Write(img.Bytes())
	require.NoError(t, err)
	require.NoError(t, mw.WriteField("gateway_reference", "987654321"))
	require.NoError(t, mw.Close())
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, l.base+path, &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", bearer)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer func() { require.NoError(t, resp.Body.Close()) }()
	openapitest.Check(t, req, resp)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r := apiResponse{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	require.NoError(t, json.Unmarshal(raw, &r.body), "body %q", raw)
	return r
}
