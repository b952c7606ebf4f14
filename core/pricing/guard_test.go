package pricing_test

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
)

// t0 is the fixed "now" of the tests: core never reads the clock.
var t0 = time.Date(2025, time.March, 1, 10, 0, 0, 0, time.UTC)

// price returns a price of buy and sell observed at at.
func price(buy, sell core.RialsPerGram, at time.Time) pricing.Price {
	return pricing.Price{Buy: buy, Sell: sell, Source: "manual", At: at}
}

func TestGuardValidate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		guard pricing.Guard
		ok    bool
	}{
		{name: "Zero", guard: pricing.Guard{}, ok: true},
		{name: "FeedDefaults", guard: pricing.Guard{MaxAge: 15 * time.Minute, MaxJumpBasisPoints: 1_000}, ok: true},
		{name: "FullJump", guard: pricing.Guard{MaxJumpBasisPoints: 10_000}, ok: true},
		{name: "NegativeAge", guard: pricing.Guard{MaxAge: -time.Second}},
		{name: "NegativeJump", guard: pricing.Guard{MaxJumpBasisPoints: -1}},
		{name: "JumpAboveWhole", guard: pricing.Guard{MaxJumpBasisPoints: 10_001}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.guard.Validate()
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
		})
	}
}

func TestGuardMaxJumpDefault(t *testing.T) {
	t.Parallel()

	require.Equal(t, pricing.DefaultMaxJump, pricing.Guard{}.MaxJump())
	require.Equal(t, pricing.Guard{MaxJumpBasisPoints: 1_000}.MaxJump(), pricing.Guard{}.MaxJump())
	require.Equal(t, core.BasisPoints(250), pricing.Guard{MaxJumpBasisPoints: 250}.MaxJump())
}

func TestGuardCheckFresh(t *testing.T) {
	t.Parallel()

	feed := pricing.Guard{MaxAge: 15 * time.Minute}
	tests := []struct {
		name  string
		guard pricing.Guard
		at    time.Time
		stale bool
	}{
		{name: "JustObserved", guard: feed, at: t0},
		{name: "ExactlyMaxAgeIsFresh", guard: feed, at: t0.Add(-15 * time.Minute)},
		{name: "OneNanosecondPastMaxAge", guard: feed, at: t0.Add(-15*time.Minute - time.Nanosecond), stale: true},
		{name: "HoursOld", guard: feed, at: t0.Add(-3 * time.Hour), stale: true},
		{name: "FromTheFuture", guard: feed, at: t0.Add(time.Minute)},
		{name: "ManualNeverStale", guard: pricing.Guard{}, at: t0.Add(-365 * 24 * time.Hour)},
		{name: "NoTimeIsStale", guard: pricing.Guard{}, at: time.Time{}, stale: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := price(2_990_000, 3_050_000, tt.at)
			require.Equal(t, tt.stale, tt.guard.Stale(p, t0))
			err := tt.guard.CheckFresh(p, t0)
			if !tt.stale {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrPriceUnavailable)
			require.NotErrorIs(t, err, core.ErrInvalidInput)
		})
	}
}

func TestGuardCheckJump(t *testing.T) {
	t.Parallel()

	prev := price(3_000_000, 3_100_000, t0)
	tests := []struct {
		name     string
		guard    pricing.Guard
		prev     pricing.Price
		next     pricing.Price
		side     string
		previous core.RialsPerGram
		proposed core.RialsPerGram
	}{
		{name: "Unchanged", prev: prev, next: prev},
		{name: "BuyUpExactlyTenPercent", prev: prev, next: price(3_300_000, 3_300_000, t0)},
		{name: "BuyDownExactlyTenPercent", prev: prev, next: price(2_700_000, 3_100_000, t0)},
		{name: "SellUpExactlyTenPercent", prev: prev, next: price(3_000_000, 3_410_000, t0)},
		{name: "BuyUpOneRialPastTenPercent", prev: prev, next: price(3_300_001, 3_400_000, t0),
			side: "buy_price", previous: 3_000_000, proposed: 3_300_001},
		{name: "BuyDownOneRialPastTenPercent", prev: prev, next: price(2_699_999, 3_100_000, t0),
			side: "buy_price", previous: 3_000_000, proposed: 2_699_999},
		{name: "SellUpOneRialPastTenPercent", prev: prev, next: price(3_000_000, 3_410_001, t0),
			side: "sell_price", previous: 3_100_000, proposed: 3_410_001},
		{name: "BothJumpBuyReported", prev: prev, next: price(6_000_000, 6_100_000, t0),
			side: "buy_price", previous: 3_000_000, proposed: 6_000_000},
		{name: "CustomLimitBoundary", guard: pricing.Guard{MaxJumpBasisPoints: 50}, prev: prev,
			next: price(3_015_000, 3_115_500, t0)},
		{name: "CustomLimitPast", guard: pricing.Guard{MaxJumpBasisPoints: 50}, prev: prev,
			next: price(3_015_001, 3_100_000, t0), side: "buy_price", previous: 3_000_000, proposed: 3_015_001},
		{name: "NoPreviousPrice", prev: pricing.Price{}, next: price(9_000_000, 9_100_000, t0)},
		{name: "HugePrices", prev: price(math.MaxInt64-1, math.MaxInt64, t0), next: price(1, math.MaxInt64, t0),
			side: "buy_price", previous: math.MaxInt64 - 1, proposed: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.guard.CheckJump(tt.prev, tt.next)
			if tt.side == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrPriceJumpUnconfirmed)
			var je *core.PriceJumpError
			require.ErrorAs(t, err, &je)
			require.Equal(t, &core.PriceJumpError{
				Side: tt.side, Previous: tt.previous, Proposed: tt.proposed, MaxJump: tt.guard.MaxJump(),
			}, je)
		})
	}
}

// FuzzCheckJump checks CheckJump against an exact big-integer reference.
func FuzzCheckJump(f *testing.F) {
	f.Add(int64(3_000_000), int64(3_300_000), int64(1_000))
	f.Add(int64(3_000_000), int64(3_300_001), int64(1_000))
	f.Add(int64(1), int64(0), int64(0))
	f.Add(int64(math.MaxInt64), int64(math.MinInt64), int64(10_000))
	f.Fuzz(func(t *testing.T, prev, next, limit int64) {
		g := pricing.Guard{MaxJumpBasisPoints: core.BasisPoints(limit)}
		err := g.CheckJump(price(core.RialsPerGram(prev), core.RialsPerGram(prev), t0),
			price(core.RialsPerGram(next), core.RialsPerGram(prev), t0))
		want := false
		if prev > 0 {
			move := new(big.Int).Sub(big.NewInt(next), big.NewInt(prev))
			move.Abs(move).Mul(move, big.NewInt(10_000))
			allow := new(big.Int).Mul(big.NewInt(int64(g.MaxJump())), big.NewInt(prev))
			want = move.Cmp(allow) > 0
		}
		if want {
			require.ErrorIs(t, err, core.ErrPriceJumpUnconfirmed)
		} else {
			require.NoError(t, err)
		}
	})
}
