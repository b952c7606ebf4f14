package trading_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	apptrading "github.com/talabin/talabin/app/trading"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// feedGuard is the guard of an automatic feed.
func feedGuard(c *apptrading.Config) { c.Guard = pricing.Guard{MaxAge: apptrading.DefaultFeedMaxAge} }

func TestCurrentWithoutPrice(t *testing.T) {
	t.Parallel()
	b := setup(t)

	_, err := b.svc.Current(t.Context())

	require.ErrorIs(t, err, core.ErrPriceUnavailable)
}

func TestRefreshAcceptsNewerPrices(t *testing.T) {
	t.Parallel()
	b := setup(t, feedGuard)
	b.feed.set(testBuy, testSell, b.clock.Now())

	require.NoError(t, b.svc.Refresh(t.Context()))
	first, err := b.svc.Current(t.Context())
	require.NoError(t, err)
	require.Equal(t, pricing.Price{Buy: testBuy, Sell: testSell, Source: "fake", At: b.clock.Now()}, first.Price)
	require.True(t, first.Active)
	require.False(t, first.Stale)
	require.True(t, first.TradingEnabled)

	// The same observation again stores nothing.
	require.NoError(t, b.svc.Refresh(t.Context()))
	_, count, err := b.svc.List(t.Context(), 0, 10)
	require.NoError(t, err)
	require.Equal(t, 1, count)

	b.clock.Advance(30 * time.Second)
	b.feed.set(testBuy+1_000, testSell+1_000, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))
	second, err := b.svc.Current(t.Context())
	require.NoError(t, err)
	require.Greater(t, second.ID, first.ID)
	require.Equal(t, testSell+1_000, second.Sell)
}

func TestRefreshFeedFailureKeepsPriceUntilStale(t *testing.T) {
	t.Parallel()
	b := setup(t, feedGuard)
	b.stock(t, 100*core.MicrogramsPerGram, 0)
	b.feed.set(testBuy, testSell, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))
	p := b.trader(t, 5_000_000)
	b.feed.fail(errors.New("upstream down"))

	b.clock.Advance(apptrading.DefaultFeedMaxAge)
	require.Error(t, b.svc.Refresh(t.Context()))
	_, err := b.svc.Preview(t.Context(), p, buy(1_000_000))
	require.NoError(t, err, "a price exactly MaxAge old is fresh")

	b.clock.Advance(time.Second)
	v, err := b.svc.Current(t.Context())
	require.NoError(t, err, "a stale price is still shown")
	require.True(t, v.Stale)
	require.False(t, v.TradingEnabled)
	_, err = b.svc.Preview(t.Context(), p, buy(2_000_000))
	require.ErrorIs(t, err, core.ErrPriceUnavailable)
	_, err = b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(2_000_000)}, ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrPriceUnavailable)
	require.Empty(t, b.orders(t, p.UserID))
	// A firm quote made while the price was fresh is still honoured within its TTL.
	_, err = b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.NoError(t, err)

	b.feed.set(testBuy, testSell, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))
	_, err = b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.NoError(t, err)
}

func TestRefreshJumpHaltsUntilConfirmed(t *testing.T) {
	t.Parallel()
	b := setup(t, feedGuard)
	b.stock(t, 100*core.MicrogramsPerGram, 0)
	b.feed.set(testBuy, testSell, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))
	p := b.trader(t, 5_000_000)
	before, err := b.svc.Current(t.Context())
	require.NoError(t, err)

	b.clock.Advance(30 * time.Second)
	b.feed.set(testBuy*12/10, testSell*12/10, b.clock.Now()) // +20 %
	require.NoError(t, b.svc.Refresh(t.Context()))

	st := b.state(t)
	require.True(t, st.Halted)
	require.True(t, st.ChangedBy.IsZero(), "the system halted")
	require.NotNil(t, st.PendingJump)
	require.Equal(t, testSell*12/10, st.PendingJump.Sell)
	v, err := b.svc.Current(t.Context())
	require.NoError(t, err)
	require.Equal(t, before.Point, v.Point, "the jumped price is not active")
	require.False(t, v.TradingEnabled)
	_, err = b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrTradingHalted)
	_, err = b.svc.Preview(t.Context(), p, buy(1_000_000))
	require.ErrorIs(t, err, core.ErrTradingHalted)
	require.Len(t, b.audit(t, "price.jump"), 1)

	// The feed keeps the new level: still halted, no second jump event.
	b.clock.Advance(30 * time.Second)
	b.feed.set(testBuy*12/10, testSell*12/10+1, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))
	require.True(t, b.state(t).Halted)
	require.Len(t, b.audit(t, "price.jump"), 1)

	_, err = b.svc.Resume(t.Context(), b.staff, ports.ResumeInput{Reason: "checked"}, ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrPriceJumpUnconfirmed)
	require.True(t, b.state(t).Halted)

	out, err := b.svc.Resume(t.Context(), b.staff, ports.ResumeInput{Reason: "market moved", ConfirmJump: true}, ports.IdempotentCall{})
	require.NoError(t, err)
	require.False(t, out.Result.State.Halted)
	require.Nil(t, out.Result.State.PendingJump)
	require.Equal(t, b.staff.UserID, out.Result.State.ChangedBy)
	require.Equal(t, testSell*12/10+1, out.Result.Active.Sell)
	v, err = b.svc.Current(t.Context())
	require.NoError(t, err)
	require.Equal(t, testSell*12/10+1, v.Sell)
	require.True(t, v.TradingEnabled)
	resumed := b.audit(t, "trading.resume")
	require.Len(t, resumed, 1)
	require.Equal(t, "market moved", resumed[0].Reason)
	require.NotEqual(t, resumed[0].BeforeDigest, resumed[0].AfterDigest)

	_, err = b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000)}, ports.IdempotentCall{})
	require.NoError(t, err)
	b.requireLedgerOK(t)
}

func TestRefreshJumpClearsWhenFeedComesBack(t *testing.T) {
	t.Parallel()
	b := setup(t, feedGuard)
	b.feed.set(testBuy, testSell, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))
	b.clock.Advance(30 * time.Second)
	b.feed.set(testBuy*2, testSell*2, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))
	require.True(t, b.state(t).Halted)

	b.clock.Advance(30 * time.Second)
	b.feed.set(testBuy+500, testSell+500, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))

	st := b.state(t)
	require.False(t, st.Halted)
	require.Nil(t, st.PendingJump)
	v, err := b.svc.Current(t.Context())
	require.NoError(t, err)
	require.Equal(t, testSell+500, v.Sell)
	require.Len(t, b.audit(t, "price.jump_cleared"), 1)
}

func TestRefreshJumpKeepsStaffHalt(t *testing.T) {
	t.Parallel()
	b := setup(t, feedGuard)
	b.feed.set(testBuy, testSell, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))
	_, err := b.svc.Halt(t.Context(), b.staff, "audit", ports.IdempotentCall{})
	require.NoError(t, err)
	b.clock.Advance(30 * time.Second)
	b.feed.set(testBuy*2, testSell*2, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))
	b.clock.Advance(30 * time.Second)
	b.feed.set(testBuy, testSell, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))

	st := b.state(t)
	require.True(t, st.Halted, "only staff end a staff halt")
	require.Equal(t, "audit", st.Reason)
	require.Nil(t, st.PendingJump)
}

func TestSetPrice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first := b.setPrice(t, testBuy, testSell)
	require.Equal(t, pricing.Price{Buy: testBuy, Sell: testSell, Source: "manual", At: b.clock.Now()}, first.Price)
	require.True(t, first.TradingEnabled)

	_, err := b.svc.SetPrice(t.Context(), b.staff, ports.SetPriceInput{Buy: testBuy * 2, Sell: testSell * 2}, ports.IdempotentCall{})
	var jump *core.PriceJumpError
	require.ErrorAs(t, err, &jump)
	require.Equal(t, "buy_price", jump.Side)
	require.Len(t, b.audit(t, "price.set"), 1)

	b.clock.Advance(time.Minute)
	out, err := b.svc.SetPrice(t.Context(), b.staff, ports.SetPriceInput{Buy: testBuy * 2, Sell: testSell * 2, Source: "tgju", Confirm: true}, ports.IdempotentCall{})
	require.NoError(t, err)
	require.Equal(t, "tgju", out.Result.Source)
	v, err := b.svc.Current(t.Context())
	require.NoError(t, err)
	require.Equal(t, out.Result.Point, v.Point)
	events := b.audit(t, "price.set")
	require.Len(t, events, 2)
	require.Contains(t, events[0].Reason, "confirmed")
	require.Equal(t, b.staff.Client.IP, events[0].IP)
	require.NotEmpty(t, events[0].BeforeDigest)
	require.Len(t, b.manual.set, 2, "the manual feed offers staff prices")

	// Another instance sees the price after a reload.
	other := b.newService(t)
	v2, err := other.Current(t.Context())
	require.NoError(t, err)
	require.Equal(t, v.Point, v2.Point)
}

func TestSetPriceRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	user := b.principal(b.newUser(t, true), identity.RoleUser)
	tests := []struct {
		name string
		p    ports.Principal
		in   ports.SetPriceInput
		want error
	}{
		{name: "NotStaff", p: user, in: ports.SetPriceInput{Buy: testBuy, Sell: testSell}, want: core.ErrPermissionDenied},
		{name: "ZeroBuy", p: b.staff, in: ports.SetPriceInput{Sell: testSell}, want: core.ErrInvalidInput},
		{name: "SellBelowBuy", p: b.staff, in: ports.SetPriceInput{Buy: testSell, Sell: testBuy}, want: core.ErrInvalidInput},
		{name: "LongSource", p: b.staff, in: ports.SetPriceInput{Buy: testBuy, Sell: testSell, Source: string(make([]byte, 65))}, want: core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := b.svc.SetPrice(t.Context(), tt.p, tt.in, ports.IdempotentCall{})
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestHaltResume(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	user := b.principal(b.newUser(t, true), identity.RoleUser)

	_, err := b.svc.Halt(t.Context(), user, "no", ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrPermissionDenied)
	_, err = b.svc.Halt(t.Context(), b.staff, "  ", ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrInvalidInput)

	out, err := b.svc.Halt(t.Context(), b.staff, "bank holiday", ports.IdempotentCall{})
	require.NoError(t, err)
	require.True(t, out.Result.State.Halted)
	require.Equal(t, "bank holiday", out.Result.State.Reason)
	require.False(t, out.Result.Active.TradingEnabled)
	v, err := b.svc.Current(t.Context())
	require.NoError(t, err)
	require.False(t, v.TradingEnabled)

	status, err := b.svc.Status(t.Context(), b.staff)
	require.NoError(t, err)
	require.True(t, status.State.Halted)
	_, err = b.svc.Status(t.Context(), user)
	require.ErrorIs(t, err, core.ErrPermissionDenied)

	out, err = b.svc.Resume(t.Context(), b.staff, ports.ResumeInput{}, ports.IdempotentCall{})
	require.NoError(t, err)
	require.False(t, out.Result.State.Halted)
	require.True(t, out.Result.Active.TradingEnabled)
	halts := b.audit(t, "trading.halt")
	require.Len(t, halts, 1)
	require.Equal(t, "bank holiday", halts[0].Reason)
	require.Equal(t, b.staff.UserID, halts[0].ActorID)
	require.Equal(t, "admin", halts[0].ActorRole)
	require.Equal(t, b.staff.Client.RequestID, halts[0].RequestID)
}

func TestHaltIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	call := keyedCall(t, b.staff.UserID, "halt", "halt-key-1", `{"reason":"x"}`)
	_, err := b.svc.Halt(t.Context(), b.staff, "x", call)
	require.NoError(t, err)

	out, err := b.svc.Halt(t.Context(), b.staff, "x", call)

	require.NoError(t, err)
	require.NotNil(t, out.Replayed)
	require.Len(t, b.audit(t, "trading.halt"), 1)
}

func TestHistory(t *testing.T) {
	t.Parallel()
	b := setup(t)
	start := b.clock.Now()
	for i := range 5 {
		b.setPrice(t, testBuy+core.RialsPerGram(i)*1_000, testSell+core.RialsPerGram(i)*1_000)
		b.clock.Advance(time.Hour)
	}

	all, err := b.svc.History(t.Context(), ports.HistoryQuery{})
	require.NoError(t, err)
	require.Len(t, all, 5)
	require.True(t, all[0].At.Before(all[4].At), "oldest first")

	lastTwo, err := b.svc.History(t.Context(), ports.HistoryQuery{Window: 2 * time.Hour})
	require.NoError(t, err)
	require.Len(t, lastTwo, 2)

	between, err := b.svc.History(t.Context(), ports.HistoryQuery{From: start.Add(time.Hour), To: start.Add(3 * time.Hour)})
	require.NoError(t, err)
	require.Len(t, between, 2)

	_, err = b.svc.History(t.Context(), ports.HistoryQuery{From: start, To: start})
	require.ErrorIs(t, err, core.ErrInvalidInput)

	page, count, err := b.svc.List(t.Context(), 0, 2)
	require.NoError(t, err)
	require.Equal(t, 5, count)
	require.Len(t, page, 2)
	require.True(t, page[0].Active)
	require.False(t, page[1].Active)
	got, err := b.svc.Get(t.Context(), page[1].ID)
	require.NoError(t, err)
	require.Equal(t, page[1], got)
	_, err = b.svc.Get(t.Context(), 999)
	require.ErrorIs(t, err, core.ErrNotFound)
}

func TestCandles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clock.Advance(b.clock.Now().Truncate(time.Hour).Add(time.Hour).Sub(b.clock.Now()))
	start := b.clock.Now()
	// Two hours of prices, one every 20 minutes: 3 points per hourly candle.
	for i := range 6 {
		b.setPrice(t, testBuy+core.RialsPerGram(i)*1_000, testSell+core.RialsPerGram(i)*1_000)
		b.clock.Advance(20 * time.Minute)
	}

	candles, err := b.svc.Candles(t.Context(), ports.HistoryQuery{From: start, To: start.Add(2 * time.Hour)}, time.Hour)
	require.NoError(t, err)
	require.Len(t, candles, 2)
	mid := func(i int) core.RialsPerGram {
		return pricing.Price{Buy: testBuy + core.RialsPerGram(i)*1_000, Sell: testSell + core.RialsPerGram(i)*1_000}.Mid()
	}
	require.Equal(t, pricing.Candle{Start: candles[0].Start, Open: mid(0), High: mid(2), Low: mid(0), Close: mid(2), Count: 3}, candles[0])
	require.Equal(t, mid(3), candles[1].Open)
	require.Equal(t, mid(5), candles[1].Close)
	require.True(t, candles[0].Start.Equal(start), "hourly candles start on the hour")

	_, err = b.svc.Candles(t.Context(), ports.HistoryQuery{Window: 30 * 24 * time.Hour}, time.Minute)
	require.ErrorIs(t, err, core.ErrInvalidInput, "30 days of minutes is more than 500 candles")
	_, err = b.svc.Candles(t.Context(), ports.HistoryQuery{}, 0)
	require.ErrorIs(t, err, core.ErrInvalidInput)
}

// countingNotifier counts the notices of each topic.
type countingNotifier struct {
	mu      sync.Mutex
	notices map[string]int
}

func (n *countingNotifier) Notify(_ context.Context, topic string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.notices[topic]++
	return nil
}

func (n *countingNotifier) Subscribe(context.Context, string) (<-chan struct{}, error) {
	return nil, errors.New("not used")
}

func (n *countingNotifier) count() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.notices[apptrading.PriceTopic]
}

// TestChangesAreAnnounced checks that every change of the active price or the trading state
// is announced to the other instances, and that a refresh that changed nothing is not.
func TestChangesAreAnnounced(t *testing.T) {
	t.Parallel()
	n := &countingNotifier{notices: map[string]int{}}
	b := setup(t, func(c *apptrading.Config) { c.Notifier = n })

	b.setPrice(t, testBuy, testSell)
	require.Equal(t, 1, n.count(), "staff price")

	_, err := b.svc.Halt(t.Context(), b.staff, "maintenance", ports.IdempotentCall{})
	require.NoError(t, err)
	require.Equal(t, 2, n.count(), "halt")
	_, err = b.svc.Resume(t.Context(), b.staff, ports.ResumeInput{Reason: "done"}, ports.IdempotentCall{})
	require.NoError(t, err)
	require.Equal(t, 3, n.count(), "resume")

	b.clock.Advance(time.Minute)
	b.feed.set(testBuy+100, testSell+100, b.clock.Now())
	require.NoError(t, b.svc.Refresh(t.Context()))
	require.Equal(t, 4, n.count(), "a new feed price")
	require.NoError(t, b.svc.Refresh(t.Context()))
	require.Equal(t, 4, n.count(), "the same feed price again changes nothing")
}
