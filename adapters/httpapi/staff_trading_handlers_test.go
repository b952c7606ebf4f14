package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

func TestStaffEndpointsRefuseUsers(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	for _, r := range []struct{ method, path string }{
		{http.MethodPost, "/api/admin/prices/"}, {http.MethodPost, "/api/admin/trading/halt/"},
		{http.MethodPost, "/api/admin/trading/resume/"}, {http.MethodGet, "/api/admin/trading/status/"},
	} {
		requireError(t, b.send(t, r.method, r.path, `{"buy_price":"bad"}`, withBearer(tokenGood)), http.StatusForbidden, "permission_denied")
	}
	require.Zero(t, b.trading.Runs())
}

func TestSetPrice(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)

	rec := b.send(t, http.MethodPost, "/api/admin/prices/", `{"buy_price":3000000,"sell_price":"3,100,000","source":"tgju","confirm":true}`, withBearer(tokenStaff))

	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	data := dataOf(t, rec)
	require.InDelta(t, 8, data["id"], 0)
	require.InDelta(t, 100_000, data["spread"], 0)
	require.Equal(t, "3.33", data["spread_percent"])
	require.Equal(t, "قیمت جدید ثبت شد", messageOf(t, rec))
	call, _ := lastTradingCall[setPriceCall](b.trading)
	require.Equal(t, ports.SetPriceInput{Buy: 3_000_000, Sell: 3_100_000, Source: "tgju", Confirm: true}, call.Input)
	require.Equal(t, core.UserID(staffUserID), call.Principal.UserID)
	require.Equal(t, clientAddr, call.Principal.Client.IP)
}

func TestSetPriceErrors(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	e := requireError(t, b.send(t, http.MethodPost, "/api/admin/prices/", `{"sell_price":1.5}`, withBearer(tokenStaff)),
		http.StatusBadRequest, "validation_error")
	require.Contains(t, e["details"], "buy_price")
	require.Contains(t, e["details"], "sell_price")

	b.trading.SetPriceFunc = func(context.Context, ports.Principal, ports.SetPriceInput) (ports.PriceView, error) {
		return ports.PriceView{}, pricing.Guard{}.CheckJump(fixturePrice.Price, pricing.Price{Buy: 4_000_000, Sell: 4_100_000})
	}
	e = requireError(t, b.send(t, http.MethodPost, "/api/admin/prices/", `{"buy_price":4000000,"sell_price":4100000}`, withBearer(tokenStaff)),
		http.StatusConflict, "price_jump_unconfirmed")
	require.Equal(t, map[string]any{"side": "buy_price", "previous": 2_990_000.0, "proposed": 4_000_000.0, "max_jump_percent": "10.00"}, e["details"])
}

func TestHaltAndResume(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	requireError(t, b.send(t, http.MethodPost, "/api/admin/trading/halt/", `{}`, withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")

	rec := b.send(t, http.MethodPost, "/api/admin/trading/halt/", `{"reason":"feed audit"}`, withBearer(tokenStaff), withKey("halt-key-0001"))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	data := dataOf(t, rec)
	require.Equal(t, true, data["halted"])
	require.Equal(t, false, data["trading_enabled"])
	require.Equal(t, "feed audit", data["reason"])
	require.InDelta(t, 7, data["changed_by"], 0)
	require.Nil(t, data["pending_jump"])
	require.Equal(t, "معاملات متوقف شد", messageOf(t, rec))
	replay := b.send(t, http.MethodPost, "/api/admin/trading/halt/", `{"reason":"feed audit"}`, withBearer(tokenStaff), withKey("halt-key-0001"))
	require.Equal(t, "true", replay.Header().Get("Idempotency-Replayed"))
	require.Equal(t, rec.Body.String(), replay.Body.String())

	rec = b.send(t, http.MethodPost, "/api/admin/trading/resume/", `{"reason":"done","confirm_jump":true}`, withBearer(tokenStaff))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, false, dataOf(t, rec)["halted"])
	call, _ := lastTradingCall[resumeCall](b.trading)
	require.Equal(t, ports.ResumeInput{Reason: "done", ConfirmJump: true}, call.Input)

	b.send(t, http.MethodPost, "/api/admin/trading/resume/", `{"confirm":"yes"}`, withBearer(tokenStaff))
	call, _ = lastTradingCall[resumeCall](b.trading)
	require.Equal(t, ports.ResumeInput{ConfirmJump: true}, call.Input, "confirm is an alias")

	b.trading.ResumeFunc = func(context.Context, ports.Principal, ports.ResumeInput) (ports.TradingStatus, error) {
		return ports.TradingStatus{}, &core.PriceJumpError{Side: "sell_price", Previous: 1, Proposed: 2, MaxJump: 1_000}
	}
	requireError(t, b.send(t, http.MethodPost, "/api/admin/trading/resume/", `{}`, withBearer(tokenStaff)), http.StatusConflict, "price_jump_unconfirmed")
}

func TestTradingStatus(t *testing.T) {
	t.Parallel()
	b := setupTrading(t)
	pending := pricing.Price{Buy: 4_000_000, Sell: 4_100_000, Source: "fake", At: fixtureAt}
	b.trading.StatusFunc = func(context.Context, ports.Principal) (ports.TradingStatus, error) {
		v := fixtureView()
		v.TradingEnabled = false
		return ports.TradingStatus{State: ports.TradingState{Halted: true, Reason: "jump", ChangedAt: fixtureAt, PendingJump: &pending}, Active: &v}, nil
	}

	rec := b.send(t, http.MethodGet, "/api/admin/trading/status/", "", withBearer(tokenStaff))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	data := dataOf(t, rec)
	require.Nil(t, data["changed_by"], "the system halted")
	require.Equal(t, map[string]any{"buy_price": 4_000_000.0, "sell_price": 4_100_000.0, "source": "fake", "observed_at": "2025-03-01T14:30:00+03:30"}, data["pending_jump"])
	price, ok := data["price"].(map[string]any)
	require.True(t, ok)
	require.InDelta(t, 7, price["id"], 0)
}
