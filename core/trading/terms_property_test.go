package trading_test

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
)

// termsSeed seeds the property tests; a failure reports it with the case number, and
// `go test ./core/trading -run Property -args -trading.seed=N` replays the run.
var termsSeed = flag.Uint64("trading.seed", 20_251_204, "seed of the trading terms property tests")

const (
	// propertyCases is the number of random cases per way of pricing an order.
	propertyCases = 10_000
	// maxPropertyPrice is the highest price the property tests draw, rials per gram.
	maxPropertyPrice = 10_000_000_000
)

// TestTermsProperty prices seeded random orders (prices 1..10^10 rials per gram, amounts
// within the default order limits, fee rates 0..10 %) each of the three ways through
// TermsFor and checks [checkTerms] on every result.
func TestTermsProperty(t *testing.T) {
	t.Parallel()

	limits := trading.DefaultOrderLimits()
	kinds := []struct {
		name string
		draw func(rng *rand.Rand, price core.RialsPerGram) trading.Request
	}{
		{name: "BuyByRials", draw: func(rng *rand.Rand, _ core.RialsPerGram) trading.Request {
			return trading.Request{Side: trading.Buy, Amount: drawAmount(rng, limits)}
		}},
		{name: "SellByRials", draw: func(rng *rand.Rand, _ core.RialsPerGram) trading.Request {
			return trading.Request{Side: trading.Sell, Amount: drawAmount(rng, limits)}
		}},
		{name: "SellByGold", draw: func(rng *rand.Rand, price core.RialsPerGram) trading.Request {
			// Gold whose value at price lies within the limits: ⌈Min·10^6/P⌉ .. ⌊Max·10^6/P⌋.
			lo := (int64(limits.Min)*int64(core.MicrogramsPerGram) + int64(price) - 1) / int64(price)
			hi := int64(limits.Max) * int64(core.MicrogramsPerGram) / int64(price)
			return trading.Request{Side: trading.Sell, Gold: core.Microgram(lo + randomMagnitude(rng, hi-lo))}
		}},
	}
	for k, kind := range kinds {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			seed := *termsSeed
			rng := rand.New(rand.NewPCG(seed, uint64(k)))
			for i := range propertyCases {
				buy := core.RialsPerGram(max(1, randomMagnitude(rng, maxPropertyPrice)))
				sell := buy + core.RialsPerGram(randomMagnitude(rng, maxPropertyPrice-int64(buy)))
				price := pricing.Price{Buy: buy, Sell: sell, Source: "property", At: t0}
				rate := drawRate(rng)
				req := kind.draw(rng, price.Buy)
				terms, err := trading.TermsFor(req, price, rate, limits)
				require.NoError(t, err, "seed %d case %d: %+v at %+v, %d bp", seed, i, req, price, rate)
				require.NoError(t, checkTerms(req, price, rate, terms), "seed %d case %d", seed, i)
			}
		})
	}
}

// drawAmount returns an amount within limits, a multiple of the step, whose size is spread
// evenly over its orders of magnitude.
func drawAmount(rng *rand.Rand, limits trading.OrderLimits) core.Rial {
	steps := int64((limits.Max - limits.Min) / limits.Step)
	return limits.Min + core.Rial(randomMagnitude(rng, steps))*limits.Step
}

// drawRate returns the default fee rate, no fee, or a rate up to 10 %, a third each.
func drawRate(rng *rand.Rand) core.BasisPoints {
	switch rng.IntN(3) {
	case 0:
		return 50
	case 1:
		return 0
	}
	return core.BasisPoints(rng.Int64N(1_001))
}

// randomMagnitude returns a value in [0, limit] whose number of decimal digits is itself
// uniform, so that small and large values are both well covered.
func randomMagnitude(rng *rand.Rand, limit int64) int64 {
	if limit <= 0 {
		return 0
	}
	digits := 1 + rng.IntN(len(fmt.Sprint(limit)))
	top := int64(1)
	for range digits {
		if top > math.MaxInt64/10 {
			break
		}
		top *= 10
	}
	return rng.Int64N(min(top, limit) + 1)
}

// checkTerms returns an error describing the first broken invariant of terms, which
// TermsFor returned for req at price with fee rate rate:
//
//   - the terms echo the request: side, the price of that side, the amount or gold asked for;
//   - the rounding residue is under one unit and always in the platform's favour: a buyer
//     gets gold worth at most what was paid and less than one microgram short
//     (gold·P ≤ A·10^6 < (gold+1)·P); a seller by rials gives gold worth at least what is
//     paid and less than one microgram more ((gold−1)·P < A·10^6 ≤ gold·P); a seller by gold
//     is paid at most the gold's value and less than one rial short
//     (A·10^6 ≤ G·P < (A+1)·10^6);
//   - the fee is the ceiling: fee·10^4 ≥ A·rate > (fee−1)·10^4;
//   - the total is A + fee for a buy and A − fee for a sell;
//   - the journal balances per asset and moves exactly those figures ([checkJournal]).
func checkTerms(req trading.Request, price pricing.Price, rate core.BasisPoints, terms trading.Terms) error {
	if err := terms.Validate(); err != nil {
		return err
	}
	wantPrice := price.Buy
	if req.Side == trading.Buy {
		wantPrice = price.Sell
	}
	switch {
	case terms.Side != req.Side:
		return fmt.Errorf("side %s, want %s", terms.Side, req.Side)
	case terms.Price != wantPrice:
		return fmt.Errorf("price %d, want %d", terms.Price, wantPrice)
	case req.ByGold() && terms.Gold != req.Gold:
		return fmt.Errorf("gold %d, want %d", terms.Gold, req.Gold)
	case !req.ByGold() && terms.AmountIRR != req.Amount:
		return fmt.Errorf("amount %d, want %d", terms.AmountIRR, req.Amount)
	}
	if err := checkRounding(terms, req.ByGold()); err != nil {
		return fmt.Errorf("%w (terms %+v)", err, terms)
	}
	if err := checkFee(terms, rate); err != nil {
		return err
	}
	return checkJournal(terms)
}

// checkRounding checks the conversion residue with exact integers.
func checkRounding(terms trading.Terms, byGold bool) error {
	a := new(big.Int).Mul(big.NewInt(int64(terms.AmountIRR)), big.NewInt(int64(core.MicrogramsPerGram))) // A·10^6
	gp := new(big.Int).Mul(big.NewInt(int64(terms.Gold)), big.NewInt(int64(terms.Price)))                // gold·P
	p := big.NewInt(int64(terms.Price))
	mg := big.NewInt(int64(core.MicrogramsPerGram))
	switch {
	case terms.Side == trading.Buy:
		// 0 ≤ A·10^6 − gold·P < P
		if d := new(big.Int).Sub(a, gp); d.Sign() < 0 || d.Cmp(p) >= 0 {
			return fmt.Errorf("buy residue A·10^6 − gold·P = %s outside [0, P)", d)
		}
	case byGold:
		// 0 ≤ G·P − A·10^6 < 10^6
		if d := new(big.Int).Sub(gp, a); d.Sign() < 0 || d.Cmp(mg) >= 0 {
			return fmt.Errorf("sell-by-gold residue G·P − A·10^6 = %s outside [0, 10^6)", d)
		}
	default:
		// 0 ≤ gold·P − A·10^6 < P
		if d := new(big.Int).Sub(gp, a); d.Sign() < 0 || d.Cmp(p) >= 0 {
			return fmt.Errorf("sell residue gold·P − A·10^6 = %s outside [0, P)", d)
		}
	}
	return nil
}

// checkFee checks that the fee is the ceiling of A·rate/10^4 and the total goes with it.
func checkFee(terms trading.Terms, rate core.BasisPoints) error {
	owed := new(big.Int).Mul(big.NewInt(int64(terms.AmountIRR)), big.NewInt(int64(rate)))
	charged := new(big.Int).Mul(big.NewInt(int64(terms.Fee)), big.NewInt(10_000))
	if d := new(big.Int).Sub(charged, owed); d.Sign() < 0 || d.Cmp(big.NewInt(10_000)) >= 0 {
		return fmt.Errorf("fee %d is not ⌈%d × %d / 10000⌉", terms.Fee, terms.AmountIRR, rate)
	}
	want := terms.AmountIRR - terms.Fee
	if terms.Side == trading.Buy {
		want = terms.AmountIRR + terms.Fee
	}
	if terms.Total != want {
		return fmt.Errorf("total %d, want %d", terms.Total, want)
	}
	return nil
}

// checkJournal checks the journal that executes terms: postings sum to zero per asset, the
// user's wallets move by −Total and +Gold (buy) or −Gold and +Total (sell), the house by the
// opposite of A and gold, and the fees account by Fee.
func checkJournal(terms trading.Terms) error {
	j, err := terms.Journal(testUser, "TXN20250301133000PROP01")
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	sums := map[ledger.Asset]int64{}
	got := map[string]int64{}
	for _, p := range j.Postings() {
		s, ok := core.AddInt64(sums[p.Account.Asset()], p.Amount)
		if !ok {
			return fmt.Errorf("journal %s postings overflow", p.Account.Asset())
		}
		sums[p.Account.Asset()] = s
		got[p.Account.Code()] += p.Amount
	}
	for asset, s := range sums {
		if s != 0 {
			return fmt.Errorf("journal %s postings sum to %d", asset, s)
		}
	}
	a, g, fee, total := int64(terms.AmountIRR), int64(terms.Gold), int64(terms.Fee), int64(terms.Total)
	want := map[string]int64{"user:42:IRR": total, "house:IRR": -a, "house:GOLD": g, "user:42:GOLD": -g}
	if terms.Side == trading.Buy {
		want = map[string]int64{"user:42:IRR": -total, "house:IRR": a, "house:GOLD": -g, "user:42:GOLD": g}
	}
	if fee > 0 {
		want["fees:IRR"] = fee
	}
	if !maps.Equal(got, want) {
		return fmt.Errorf("journal moves %v, want %v", got, want)
	}
	return nil
}

// requireTermsOutcome is the fuzz targets' oracle: a success satisfies checkTerms, a refusal
// is a validation error or an overflow, never a panic or an unexplained error.
func requireTermsOutcome(t *testing.T, req trading.Request, price pricing.Price, rate core.BasisPoints, terms trading.Terms, err error) {
	t.Helper()
	if err != nil {
		require.True(t, errors.Is(err, core.ErrInvalidInput) || errors.Is(err, core.ErrOverflow) ||
			errors.Is(err, core.ErrPriceUnavailable), "unexpected error %v", err)
		require.Zero(t, terms)
		return
	}
	require.NoError(t, checkTerms(req, price, rate, terms))
}

// fuzzPrice is a price whose both sides are p, so each terms function sees p.
func fuzzPrice(p int64) pricing.Price {
	return pricing.Price{Buy: core.RialsPerGram(p), Sell: core.RialsPerGram(p), Source: "fuzz", At: t0}
}

func addTermsSeeds(f *testing.F) {
	f.Add(int64(1_000_000), int64(3_050_000), int64(50))
	f.Add(int64(100_000), int64(10_000_000_000), int64(50))
	f.Add(int64(1), int64(1_500_000), int64(50))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(10_000))
	f.Add(int64(-1), int64(0), int64(-1))
}

func FuzzBuyByRials(f *testing.F) {
	addTermsSeeds(f)
	f.Fuzz(func(t *testing.T, amount, price, rate int64) {
		terms, err := trading.BuyByRials(core.Rial(amount), core.RialsPerGram(price), core.BasisPoints(rate))
		requireTermsOutcome(t, trading.Request{Side: trading.Buy, Amount: core.Rial(amount)}, fuzzPrice(price),
			core.BasisPoints(rate), terms, err)
	})
}

func FuzzSellByRials(f *testing.F) {
	addTermsSeeds(f)
	f.Fuzz(func(t *testing.T, amount, price, rate int64) {
		terms, err := trading.SellByRials(core.Rial(amount), core.RialsPerGram(price), core.BasisPoints(rate))
		requireTermsOutcome(t, trading.Request{Side: trading.Sell, Amount: core.Rial(amount)}, fuzzPrice(price),
			core.BasisPoints(rate), terms, err)
	})
}

func FuzzSellByGold(f *testing.F) {
	addTermsSeeds(f)
	f.Fuzz(func(t *testing.T, gold, price, rate int64) {
		terms, err := trading.SellByGold(core.Microgram(gold), core.RialsPerGram(price), core.BasisPoints(rate))
		requireTermsOutcome(t, trading.Request{Side: trading.Sell, Gold: core.Microgram(gold)}, fuzzPrice(price),
			core.BasisPoints(rate), terms, err)
	})
}

// FuzzTermsFor drives the whole pricing path, request validation and limits included; any
// success must also respect the default limits.
func FuzzTermsFor(f *testing.F) {
	f.Add("buy", int64(1_000_000), int64(0), int64(2_990_000), int64(3_050_000), int64(50))
	f.Add("SELL", int64(0), int64(334_449), int64(2_990_000), int64(3_050_000), int64(50))
	f.Add("sell", int64(1_000_000), int64(1), int64(0), int64(-5), int64(20_000))
	f.Fuzz(func(t *testing.T, sideName string, amount, gold, buy, sell, rate int64) {
		side, err := trading.ParseSide(sideName)
		if err != nil {
			return
		}
		req := trading.Request{Side: side, Amount: core.Rial(amount), Gold: core.Microgram(gold)}
		price := pricing.Price{Buy: core.RialsPerGram(buy), Sell: core.RialsPerGram(sell), Source: "fuzz", At: t0}
		limits := trading.DefaultOrderLimits()
		terms, err := trading.TermsFor(req, price, core.BasisPoints(rate), limits)
		requireTermsOutcome(t, req, price, core.BasisPoints(rate), terms, err)
		if err == nil {
			require.GreaterOrEqual(t, terms.AmountIRR, limits.Min)
			require.LessOrEqual(t, terms.AmountIRR, limits.Max)
		}
	})
}
