package trading_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	apptrading "github.com/talabin/talabin/app/trading"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

func TestPlaceBuyWithImplicitQuote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 2_000_000)

	q, err := b.svc.Preview(t.Context(), p, buy(1_000_000))
	require.NoError(t, err)
	require.Equal(t, trading.Terms{Side: trading.Buy, AmountIRR: 1_000_000, Gold: 327_868, Price: testSell, Fee: 5_000, Total: 1_005_000}, q.Terms())
	require.Equal(t, b.clock.Now().Add(trading.DefaultQuoteTTL), q.ExpiresAt())

	// The price moves after the preview; the implicit quote keeps the previewed one.
	b.setPrice(t, testBuy+10_000, testSell+10_000)
	out, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.NoError(t, err)

	o := out.Result
	require.Nil(t, out.Replayed)
	require.Equal(t, trading.OrderCompleted, o.Status())
	require.Equal(t, q.ID(), o.QuoteID())
	require.Equal(t, q.Terms(), o.Terms())
	require.False(t, o.ID().IsZero())
	require.Equal(t, b.clock.Now(), o.ExecutedAt())
	irr, gold := b.balances(t, p.UserID)
	require.Equal(t, ledger.Balance{Available: 995_000}, irr)
	require.Equal(t, ledger.Balance{Available: 327_868}, gold)

	events := b.audit(t, "order.place")
	require.Len(t, events, 1)
	require.Equal(t, o.ID().String(), events[0].EntityID)
	require.Equal(t, p.UserID, events[0].ActorID)
	require.Equal(t, p.Client.RequestID, events[0].RequestID)
	require.NotEmpty(t, events[0].AfterDigest)
	b.requireLedgerOK(t)
}

func TestPlaceFreshPriceWithoutQuote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 2_000_000)

	out, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})

	require.NoError(t, err)
	require.True(t, out.Result.QuoteID().IsZero())
	require.Equal(t, testSell, out.Result.Terms().Price)
	b.requireLedgerOK(t)
}

func TestPlaceSellByGold(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 2_000_000)
	_, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.NoError(t, err)

	out, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: trading.Request{Side: trading.Sell, Gold: 300_000}}, ports.IdempotentCall{})

	require.NoError(t, err)
	// 0.3 g at 2,990,000 = 897,000 rials, fee 4,485, paid 892,515.
	require.Equal(t, trading.Terms{Side: trading.Sell, AmountIRR: 897_000, Gold: 300_000, Price: testBuy, Fee: 4_485, Total: 892_515}, out.Result.Terms())
	irr, gold := b.balances(t, p.UserID)
	require.Equal(t, int64(995_000+892_515), irr.Available)
	require.Equal(t, int64(27_868), gold.Available)
	b.requireLedgerOK(t)
}

func TestPlaceQuoteRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(t *testing.T, b *bundle, p ports.Principal, q *trading.Quote) ports.PlaceInput
		check   func(t *testing.T, err error)
	}{
		{
			name: "Expired",
			prepare: func(t *testing.T, b *bundle, _ ports.Principal, q *trading.Quote) ports.PlaceInput {
				b.clock.Advance(trading.DefaultQuoteTTL)
				return ports.PlaceInput{Request: buy(1_000_000), QuoteID: q.ID()}
			},
			check: func(t *testing.T, err error) {
				var e *core.QuoteExpiredError
				require.ErrorAs(t, err, &e)
			},
		},
		{
			name: "Used",
			prepare: func(t *testing.T, b *bundle, p ports.Principal, q *trading.Quote) ports.PlaceInput {
				in := ports.PlaceInput{Request: buy(1_000_000), QuoteID: q.ID()}
				_, err := b.svc.Place(t.Context(), p, in, ports.IdempotentCall{})
				require.NoError(t, err)
				return in
			},
			check: func(t *testing.T, err error) { require.ErrorIs(t, err, core.ErrQuoteUsed) },
		},
		{
			name: "UnknownQuote",
			prepare: func(*testing.T, *bundle, ports.Principal, *trading.Quote) ports.PlaceInput {
				return ports.PlaceInput{Request: buy(2_000_000), QuoteID: "q_AAAAAAAAAAAAAAAAAAAAAA"}
			},
			check: func(t *testing.T, err error) { require.ErrorIs(t, err, core.ErrNotFound) },
		},
		{
			name: "BodyDiffersFromQuote",
			prepare: func(_ *testing.T, _ *bundle, _ ports.Principal, q *trading.Quote) ports.PlaceInput {
				return ports.PlaceInput{Request: buy(2_000_000), QuoteID: q.ID()}
			},
			check: func(t *testing.T, err error) { require.ErrorIs(t, err, core.ErrQuoteMismatch) },
		},
		{
			name: "AnotherUsersQuote",
			prepare: func(_ *testing.T, _ *bundle, _ ports.Principal, q *trading.Quote) ports.PlaceInput {
				return ports.PlaceInput{Request: buy(1_000_000), QuoteID: q.ID()}
			},
			check: func(t *testing.T, err error) { require.ErrorIs(t, err, core.ErrNotFound) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.market(t)
			p := b.trader(t, 5_000_000)
			q, err := b.svc.Preview(t.Context(), p, buy(1_000_000))
			require.NoError(t, err)
			caller := p
			if tt.name == "AnotherUsersQuote" {
				caller = b.trader(t, 5_000_000)
			}
			in := tt.prepare(t, b, caller, q)
			before := len(b.orders(t, caller.UserID))

			_, err = b.svc.Place(t.Context(), caller, in, ports.IdempotentCall{})

			tt.check(t, err)
			require.Len(t, b.orders(t, caller.UserID), before, "a refused quote places no order")
			b.requireLedgerOK(t)
		})
	}
}

func TestPlaceExpiredImplicitQuotePricesAfresh(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 5_000_000)
	_, err := b.svc.Preview(t.Context(), p, buy(1_000_000))
	require.NoError(t, err)
	b.clock.Advance(time.Minute)
	b.setPrice(t, testBuy+10_000, testSell+10_000)

	out, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})

	require.NoError(t, err)
	require.True(t, out.Result.QuoteID().IsZero())
	require.Equal(t, testSell+10_000, out.Result.Terms().Price)
}

func TestPlaceInsufficientBalanceKeepsFailedOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 500_000)
	const body = `{"amount_irr":1000000,"order_type":"buy"}`
	call := keyedCall(t, p.UserID, "place", "key-insufficient", body)

	_, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, call)

	var short *core.InsufficientBalanceError
	require.ErrorAs(t, err, &short)
	require.Equal(t, &core.InsufficientBalanceError{Asset: "IRR", Required: 1_005_000, Available: 500_000}, short)
	orders := b.orders(t, p.UserID)
	require.Len(t, orders, 1)
	require.Equal(t, trading.OrderFailed, orders[0].Status())
	require.NotEmpty(t, orders[0].FailureReason())
	irr, gold := b.balances(t, p.UserID)
	require.Equal(t, int64(500_000), irr.Available)
	require.Zero(t, gold.Available)

	// The refusal was stored with the failed order: a replay answers it again.
	out, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, call)
	require.NoError(t, err)
	require.NotNil(t, out.Replayed)
	require.Equal(t, 400, out.Replayed.Status)
	require.Len(t, b.orders(t, p.UserID), 1)
	b.requireLedgerOK(t)
}

func TestPlaceTreasuryCap(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.setPrice(t, testBuy, testSell)
	b.stock(t, 100_000, 0) // 0.1 g: less than 1,000,000 rials buys
	p := b.trader(t, 2_000_000)
	call := keyedCall(t, p.UserID, "place", "key-treasury", "{}")

	_, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, call)

	require.ErrorIs(t, err, core.ErrInventoryUnavailable)
	require.Empty(t, b.orders(t, p.UserID), "nothing is kept: a retry runs again")
	irr, _ := b.balances(t, p.UserID)
	require.Equal(t, int64(2_000_000), irr.Available)

	b.stock(t, 10*core.MicrogramsPerGram, 0)
	out, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, call)
	require.NoError(t, err)
	require.Nil(t, out.Replayed, "the 503 was not stored")
	require.Equal(t, trading.OrderCompleted, out.Result.Status())
	b.requireLedgerOK(t)
}

func TestPlaceGates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		configure func(*apptrading.Config)
		verified  bool
		level     int
		prepare   func(t *testing.T, b *bundle)
		want      error
	}{
		{name: "PhoneNotVerified", want: core.ErrPhoneNotVerified},
		{name: "KYCRequired", verified: true, configure: func(c *apptrading.Config) { c.RequireKYC = true }, want: core.ErrKYCRequired},
		{name: "KYCLevelMet", verified: true, level: 1, configure: func(c *apptrading.Config) { c.RequireKYC = true }},
		{name: "Halted", verified: true, want: core.ErrTradingHalted, prepare: func(t *testing.T, b *bundle) {
			b.market(t)
			_, err := b.svc.Halt(t.Context(), b.staff, "maintenance", ports.IdempotentCall{})
			require.NoError(t, err)
		}},
		{name: "NoPrice", verified: true, want: core.ErrPriceUnavailable, prepare: func(*testing.T, *bundle) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var configure []func(*apptrading.Config)
			if tt.configure != nil {
				configure = append(configure, tt.configure)
			}
			b := setup(t, configure...)
			if tt.prepare != nil {
				tt.prepare(t, b)
			} else {
				b.market(t)
			}
			user := b.newUser(t, tt.verified)
			if tt.level > 0 {
				b.grantLevel(t, user, tt.level)
			}
			b.deposit(t, user, 2_000_000)
			p := b.principal(user, identity.RoleUser)

			_, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})

			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			require.Empty(t, b.orders(t, user))
			if tt.name == "KYCRequired" {
				var e *core.KYCRequiredError
				require.ErrorAs(t, err, &e)
				require.Equal(t, &core.KYCRequiredError{RequiredLevel: 1, CurrentLevel: 0}, e)
			}
		})
	}
}

func TestPlaceValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 2_000_000)
	for _, req := range []trading.Request{buy(99_000), buy(1_000_500), {Amount: 1_000_000}, {Side: trading.Buy, Gold: 1}} {
		_, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: req}, ports.IdempotentCall{})
		var ve *core.ValidationError
		require.ErrorAs(t, err, &ve, "%+v", req)
		_, err = b.svc.Preview(t.Context(), p, req)
		require.ErrorAs(t, err, &ve, "%+v", req)
	}
	require.Empty(t, b.orders(t, p.UserID))
}

func TestPlaceIdempotencyReplay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 5_000_000)
	call := keyedCall(t, p.UserID, "place", "key-replay-1", `{"a":1}`)

	first, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, call)
	require.NoError(t, err)
	again, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, call)
	require.NoError(t, err)

	require.Nil(t, again.Result)
	require.Equal(t, 201, again.Replayed.Status)
	require.Equal(t, "order "+first.Result.Number(), string(again.Replayed.Body))
	require.Len(t, b.orders(t, p.UserID), 1)

	other := keyedCall(t, p.UserID, "place", "key-replay-1", `{"a":2}`)
	_, err = b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(2_000_000)}, other)
	require.ErrorIs(t, err, core.ErrIdempotencyKeyReused)
	b.requireLedgerOK(t)
}

func TestPlaceConcurrentOneKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 50_000_000)
	call := keyedCall(t, p.UserID, "place", "key-concurrent", `{"amount_irr":1000000}`)
	const n = 8
	var (
		mu       sync.Mutex
		placed   int
		replayed int
		busy     int
	)
	run(t, n, func(context.Context) {
		out, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, call)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil:
			require.ErrorIs(t, err, core.ErrIdempotencyInProgress)
			busy++
		case out.Replayed != nil:
			replayed++
		default:
			placed++
		}
	})
	require.Equal(t, 1, placed)
	require.Equal(t, n, placed+replayed+busy)
	require.Len(t, b.orders(t, p.UserID), 1)
	b.requireLedgerOK(t)
}

func TestPlaceConcurrentOneQuote(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 50_000_000)
	q, err := b.svc.Preview(t.Context(), p, buy(1_000_000))
	require.NoError(t, err)
	const n = 8
	var (
		mu     sync.Mutex
		placed int
	)
	run(t, n, func(context.Context) {
		_, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000), QuoteID: q.ID()}, ports.IdempotentCall{})
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			placed++
			return
		}
		require.ErrorIs(t, err, core.ErrQuoteUsed)
	})
	require.Equal(t, 1, placed)
	require.Len(t, b.orders(t, p.UserID), 1)
	b.requireLedgerOK(t)
}

// run calls fn from n goroutines released together and waits for them.
func run(t *testing.T, n int, fn func(ctx context.Context)) {
	t.Helper()
	var (
		start = make(chan struct{})
		wg    sync.WaitGroup
	)
	for range n {
		wg.Go(func() {
			<-start
			fn(t.Context())
		})
	}
	close(start)
	wg.Wait()
}

func TestCancel(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 2_000_000)
	out, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.NoError(t, err)
	id := out.Result.ID()

	_, err = b.svc.Cancel(t.Context(), p, id, ports.IdempotentCall{})
	var state *core.InvalidStateError
	require.ErrorAs(t, err, &state)
	require.Equal(t, &core.InvalidStateError{Object: "order", State: "completed", Action: "cancel"}, state)

	other := b.trader(t, 0)
	_, err = b.svc.Cancel(t.Context(), other, id, ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrNotFound)
	_, err = b.svc.Order(t.Context(), other, id)
	require.ErrorIs(t, err, core.ErrNotFound)

	got, err := b.svc.Order(t.Context(), p, id)
	require.NoError(t, err)
	require.Equal(t, out.Result.Record(), got.Record())
}

func TestOrdersFilter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 1_500_000)
	for range 2 {
		_, _ = b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	}

	failed, count, err := b.svc.Orders(t.Context(), p, ports.OrderFilter{Status: trading.OrderFailed}, 0, 10)
	require.NoError(t, err)
	require.Equal(t, 1, count)
	require.Len(t, failed, 1)
	sells, count, err := b.svc.Orders(t.Context(), p, ports.OrderFilter{Side: trading.Sell}, 0, 10)
	require.NoError(t, err)
	require.Zero(t, count)
	require.Empty(t, sells)
}

// TestPlaceCapsByLevel: completed orders of a side count against the caps of the trader's
// verification level over a rolling day; a higher level lifts them.
func TestPlaceCapsByLevel(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *apptrading.Config) {
		c.TradeLimits = kyc.DefaultTradeLimits()
		c.TradeLimits.Buy[0] = payment.Caps{Daily: 1_500_000, Monthly: 3_000_000}
	})
	b.market(t)
	p := b.trader(t, 10_000_000)

	_, err := b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.NoError(t, err)
	_, err = b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	var lim *core.LimitExceededError
	require.ErrorAs(t, err, &lim)
	require.Equal(t, "buy_daily_max", lim.Limit)
	require.Equal(t, int64(2_000_000), lim.Actual)
	require.Len(t, b.orders(t, p.UserID), 1, "a refused order is not kept")

	b.grantLevel(t, p.UserID, 1)
	_, err = b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.NoError(t, err)
	b.requireLedgerOK(t)
}
