package app_test

import (
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core/identity"
)

// route is one method on one registered pattern.
type route struct{ method, pattern string }

// apiRoutes walks the app's router and returns every API route, sorted.
func apiRoutes(t *testing.T, h http.Handler) []route {
	t.Helper()
	mux, ok := h.(chi.Routes)
	require.True(t, ok, "the app's handler is a chi router")
	var out []route
	require.NoError(t, chi.Walk(mux, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(pattern, "/api/") && method != http.MethodHead && method != http.MethodOptions {
			out = append(out, route{method, pattern})
		}
		return nil
	}))
	sort.Slice(out, func(i, j int) bool {
		return out[i].pattern+out[i].method < out[j].pattern+out[j].method
	})
	return out
}

// pathParam matches a chi path parameter such as {id} or {user_id}.
var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// TestAccessMatrix calls every staff route with a customer's token (403 for all, 401 without a
// token), and every route that takes an object id with another user's ids (404 for all), on
// the wired app. A new route with an id the matrix does not know fails it, so none is missed.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "talabin.db")
	l := startPublicApp(t, map[string]string{"SQLITE_PATH": path})
	side := openSide(t, func() (app.Database, error) { return sqlite.Open(t.Context(), path, sqlite.Options{}) })
	c := &http.Client{}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const password = "Gold-Bar-2026"

	// The owner: a paid deposit, an order, a bank account, a withdrawal, their transactions.
	const owner98 = "+989141234600"
	l.signUp(t, "09141234600", owner98, password)
	owner := l.login(t, owner98, password)
	r := l.call(t, c, http.MethodPost, "/api/wallet/deposits/create_deposit/", map[string]any{"amount": 20_000_000}, "Authorization", owner)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	depositID := idOf(r.data(t)["deposit"].(map[string]any))
	l.redirect(t, browser, http.MethodGet, l.pressOnGatewayPage(t, browser, r.data(t)["payment_url"].(string), "pay"))
	r = l.call(t, c, http.MethodPost, "/api/trading/orders/place_order/", map[string]any{"order_type": "buy", "amount_irr": 1_000_000}, "Authorization", owner)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	orderID := idOf(r.data(t))
	r = l.call(t, c, http.MethodPost, "/api/auth/send-otp/", map[string]any{"phone_number": owner98, "otp_type": "bank_account"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = l.call(t, c, http.MethodPost, "/api/wallet/bank-accounts/", map[string]any{
		"sheba_number": "IR820540102680020817909002", "otp_code": l.smsCode(t, owner98, "bank_account"),
	}, "Authorization", owner)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	accountID := idOf(r.data(t))
	r = l.call(t, c, http.MethodPost, "/api/auth/send-otp/", map[string]any{"phone_number": owner98, "otp_type": "withdrawal"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	r = l.call(t, c, http.MethodPost, "/api/wallet/withdrawals/create_withdrawal/", map[string]any{
		"bank_account_id": accountID, "amount": 1_000_000, "otp_code": l.smsCode(t, owner98, "withdrawal"),
	}, "Authorization", owner)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	withdrawalID := idOf(r.data(t))
	r = l.call(t, c, http.MethodGet, "/api/transactions/", nil, "Authorization", owner)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	transactionID := idOf(r.body["data"].([]any)[0].(map[string]any))
	r = l.call(t, c, http.MethodGet, "/api/auth/me/", nil, "Authorization", owner)
	ownerID := idOf(r.data(t))
	r = l.call(t, c, http.MethodGet, "/api/auth/sessions/", nil, "Authorization", owner)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	sessionID := r.body["data"].([]any)[0].(map[string]any)["id"].(string)

	// Another customer, and staff to compare with.
	const stranger98 = "+989141234601"
	l.signUp(t, "09141234601", stranger98, password)
	stranger := l.login(t, stranger98, password)
	hasher, err := app.NewPasswordHasher()
	require.NoError(t, err)
	_, err = app.CreateStaff(t.Context(), side, hasher, "09120000031", "Saffron-Coin-77", identity.RoleAdmin, "test", time.Now())
	require.NoError(t, err)

	// Which id each family of routes takes; a route with an id outside these fails the test.
	ids := []struct{ prefix, id string }{
		{"/api/trading/orders/", orderID},
		{"/api/wallet/deposits/", depositID},
		{"/api/wallet/withdrawals/", withdrawalID},
		{"/api/wallet/bank-accounts/", accountID},
		{"/api/transactions/", transactionID},
		{"/api/wallet/transactions/", transactionID},
		{"/api/auth/users/", ownerID},
		{"/api/auth/sessions/", sessionID},
	}
	// Public routes whose ids are no one's: price points, and the gateway's return, which
	// answers every id with a redirect and trusts only its signature.
	public := regexp.MustCompile(`^/api/prices/|/callback/$`)

	routes := apiRoutes(t, l.handler)
	staffRoutes, idRoutes := 0, 0
	for _, rt := range routes {
		switch {
		case strings.HasPrefix(rt.pattern, "/api/admin/"):
			staffRoutes++
			p := pathParam.ReplaceAllString(rt.pattern, "1")
			r := l.call(t, c, rt.method, p, map[string]any{"reason": "matrix"}, "Authorization", stranger)
			require.Equal(t, http.StatusForbidden, r.status, "%s %s as a customer: %s", rt.method, p, r.raw)
			require.Equal(t, "permission_denied", r.errorCode(t), "%s %s", rt.method, p)
			r = l.call(t, c, rt.method, p, map[string]any{})
			require.Equal(t, http.StatusUnauthorized, r.status, "%s %s without a token: %s", rt.method, p, r.raw)
		case pathParam.MatchString(rt.pattern) && !public.MatchString(rt.pattern):
			idRoutes++
			id := ""
			for _, f := range ids {
				if strings.HasPrefix(rt.pattern, f.prefix) {
					id = f.id
				}
			}
			require.NotEmpty(t, id, "%s %s takes an id the matrix does not know: add its owner's object", rt.method, rt.pattern)
			p := pathParam.ReplaceAllString(rt.pattern, id)
			var r apiResponse
			if strings.HasSuffix(rt.pattern, "/upload_receipt/") {
				r = l.uploadReceipt(t, c, p, stranger) // a valid upload, so only ownership can refuse it
			} else {
				r = l.call(t, c, rt.method, p, map[string]any{}, "Authorization", stranger)
			}
			if r.status == http.StatusMethodNotAllowed {
				continue // refused to everyone, owner included: nothing to leak
			}
			require.Equal(t, http.StatusNotFound, r.status, "%s %s with another user's id: %s", rt.method, p, r.raw)
			require.Equal(t, "not_found", r.errorCode(t), "%s %s", rt.method, p)
		}
	}
	require.Greater(t, staffRoutes, 20, "the walk found the staff routes")
	require.Greater(t, idRoutes, 10, "the walk found the routes with ids")

	// The owner still reaches its own objects: the 404s above were about ownership.
	for _, p := range []string{
		"/api/trading/orders/" + orderID + "/", "/api/wallet/deposits/" + depositID + "/",
		"/api/wallet/withdrawals/" + withdrawalID + "/", "/api/wallet/bank-accounts/" + accountID + "/",
		"/api/transactions/" + transactionID + "/",
	} {
		r := l.call(t, c, http.MethodGet, p, nil, "Authorization", owner)
		require.Equal(t, http.StatusOK, r.status, "%s as its owner: %s", p, r.raw)
	}
}
