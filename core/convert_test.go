package core_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

func TestGoldForRials(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		amount  core.Rial
		price   core.RialsPerGram
		want    core.Microgram
		wantErr error
	}{
		{name: "ExampleOrder", amount: 1_000_000, price: 3_050_000, want: 327_868},
		{name: "ExactGram", amount: 3_050_000, price: 3_050_000, want: core.MicrogramsPerGram},
		{name: "ZeroAmount", amount: 0, price: 3_050_000, want: 0},
		{name: "LessThanOneMicrogram", amount: 3, price: 3_050_000, want: 0},
		{name: "MinimumOrder", amount: 100_000, price: 3_050_000, want: 32_786},
		{name: "MaxInputAtTypicalPrice", amount: core.MaxRialInput, price: 3_050_000, want: 327_868_852_459_016},
		{name: "LargestAtPriceOne", amount: 9_223_372_036_854, price: 1, want: 9_223_372_036_854_000_000},
		{name: "MaxInt64AtMaxPrice", amount: math.MaxInt64, price: math.MaxInt64, want: core.MicrogramsPerGram},
		{name: "QuotientIsMaxInt64", amount: 14_563_704_446_193_691, price: 1_579, want: math.MaxInt64},
		{name: "OverflowJustPastInt64", amount: 9_223_372_036_855, price: 1, wantErr: core.ErrOverflow},
		{name: "OverflowPast64Bits", amount: math.MaxInt64, price: 1, wantErr: core.ErrOverflow},
		{name: "OverflowMaxInputAtPriceOne", amount: core.MaxRialInput, price: 1, wantErr: core.ErrOverflow},
		{name: "NegativeAmount", amount: -1, price: 3_050_000, wantErr: core.ErrNegativeAmount},
		{name: "MinInt64Amount", amount: math.MinInt64, price: 3_050_000, wantErr: core.ErrNegativeAmount},
		{name: "ZeroPrice", amount: 1_000_000, price: 0, wantErr: core.ErrInvalidInput},
		{name: "NegativePrice", amount: 1_000_000, price: -3_050_000, wantErr: core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := core.GoldForRials(tt.amount, tt.price)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Zero(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestGoldNeededForRials(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		amount  core.Rial
		price   core.RialsPerGram
		want    core.Microgram
		wantErr error
	}{
		{name: "ExampleOrderRoundsUp", amount: 1_000_000, price: 3_050_000, want: 327_869},
		{name: "ExactGram", amount: 3_050_000, price: 3_050_000, want: core.MicrogramsPerGram},
		{name: "ZeroAmount", amount: 0, price: 3_050_000, want: 0},
		{name: "OneRial", amount: 1, price: 3_050_000, want: 1},
		{name: "ExactMaxInt64", amount: math.MaxInt64, price: 1_000_000, want: math.MaxInt64},
		{name: "OverflowOnRoundingUp", amount: 14_563_704_446_193_691, price: 1_579, wantErr: core.ErrOverflow},
		{name: "OverflowPast64Bits", amount: math.MaxInt64, price: 1, wantErr: core.ErrOverflow},
		{name: "NegativeAmount", amount: -1, price: 3_050_000, wantErr: core.ErrNegativeAmount},
		{name: "ZeroPrice", amount: 1_000_000, price: 0, wantErr: core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := core.GoldNeededForRials(tt.amount, tt.price)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Zero(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestRialsForGold(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		gold    core.Microgram
		price   core.RialsPerGram
		want    core.Rial
		wantErr error
	}{
		{name: "ExampleOrderRoundsDown", gold: 327_868, price: 3_050_000, want: 999_997},
		{name: "OneGram", gold: core.MicrogramsPerGram, price: 3_050_000, want: 3_050_000},
		{name: "OneMicrogram", gold: 1, price: 3_050_000, want: 3},
		{name: "WorthLessThanOneRial", gold: 1, price: 999_999, want: 0},
		{name: "ZeroGold", gold: 0, price: 3_050_000, want: 0},
		{name: "MaxInt64AtOneRialPerMicrogram", gold: math.MaxInt64, price: 1_000_000, want: math.MaxInt64},
		{name: "OverflowJustPastInt64", gold: math.MaxInt64, price: 1_000_001, wantErr: core.ErrOverflow},
		{name: "OverflowPast64Bits", gold: math.MaxInt64, price: math.MaxInt64, wantErr: core.ErrOverflow},
		{name: "NegativeGold", gold: -1, price: 3_050_000, wantErr: core.ErrNegativeAmount},
		{name: "ZeroPrice", gold: 1, price: 0, wantErr: core.ErrInvalidInput},
		{name: "NegativePrice", gold: 1, price: -1, wantErr: core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := core.RialsForGold(tt.gold, tt.price)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Zero(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// TestConversionRoundTripProperty checks on seeded random amounts and prices that buying gold
// for rials and valuing it back never returns more rials than were paid, that the gold bought
// is short of the exact amount by less than one microgram (so the rials lost are less than
// one microgram's worth plus one rial), and that the gold needed to be paid an amount is worth
// at least that amount and exceeds the gold it buys by at most one microgram.
func TestConversionRoundTripProperty(t *testing.T) {
	t.Parallel()

	rng := rand.New(rand.NewPCG(20_251_204, 1_000_000))
	million := big.NewInt(int64(core.MicrogramsPerGram))
	const cases = 20_000
	converted := 0
	for range cases {
		amount := core.Rial(randomMagnitude(rng, int64(core.MaxRialInput)))
		price := core.RialsPerGram(max(1, randomMagnitude(rng, 1_000_000_000_000)))

		gold, err := core.GoldForRials(amount, price)
		exact := new(big.Int).Mul(big.NewInt(int64(amount)), million) // amount × 10^6
		if err != nil {
			require.ErrorIs(t, err, core.ErrOverflow)
			ref := new(big.Int).Quo(exact, big.NewInt(int64(price)))
			require.False(t, ref.IsInt64(), "overflow reported for %d at %d", amount, price)
			continue
		}
		converted++

		// gold × price ≤ amount × 10^6 < (gold + 1) × price
		low := new(big.Int).Mul(big.NewInt(int64(gold)), big.NewInt(int64(price)))
		high := new(big.Int).Add(low, big.NewInt(int64(price)))
		require.LessOrEqual(t, low.Cmp(exact), 0)
		require.Positive(t, high.Cmp(exact))

		back, err := core.RialsForGold(gold, price)
		require.NoError(t, err)
		require.LessOrEqual(t, back, amount, "got back more than paid for %d at %d", amount, price)
		// (amount − back − 1) × 10^6 < price: the loss is under one microgram's worth plus one rial.
		loss := big.NewInt(int64(amount - back - 1))
		require.Negative(t, loss.Mul(loss, million).Cmp(big.NewInt(int64(price))))

		needed, err := core.GoldNeededForRials(amount, price)
		require.NoError(t, err)
		require.LessOrEqual(t, needed-gold, core.Microgram(1))
		require.GreaterOrEqual(t, needed, gold)
		paid, err := core.RialsForGold(needed, price)
		require.NoError(t, err)
		require.GreaterOrEqual(t, paid, amount, "gold needed for %d at %d is worth only %d", amount, price, paid)
	}
	require.Greater(t, converted, 10_000)
}

// conversionReference computes ⌊a × b / d⌋ (or the ceiling) with math/big and reports whether
// it fits an int64.
func conversionReference(a, b, d int64, ceil bool) (int64, bool) {
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	q, r := new(big.Int).QuoRem(n, big.NewInt(d), new(big.Int))
	if ceil && r.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64(), q.IsInt64()
}

func conversionSeeds(f *testing.F) {
	f.Helper()
	f.Add(int64(1_000_000), int64(3_050_000))
	f.Add(int64(0), int64(1))
	f.Add(int64(math.MaxInt64), int64(1))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64))
	f.Add(int64(14_563_704_446_193_691), int64(1_579))
	f.Add(int64(-1), int64(3_050_000))
	f.Add(int64(1), int64(0))
	f.Add(int64(1), int64(math.MinInt64))
}

// checkConversionError asserts the input errors shared by every conversion and reports
// whether the inputs were valid.
func checkConversionError(t *testing.T, err error, amount, price int64) bool {
	t.Helper()
	switch {
	case amount < 0:
		require.ErrorIs(t, err, core.ErrNegativeAmount)
		return false
	case price <= 0:
		require.ErrorIs(t, err, core.ErrInvalidInput)
		return false
	}
	return true
}

func FuzzGoldForRials(f *testing.F) {
	conversionSeeds(f)
	f.Fuzz(func(t *testing.T, amount, price int64) {
		got, err := core.GoldForRials(core.Rial(amount), core.RialsPerGram(price))
		if !checkConversionError(t, err, amount, price) {
			return
		}
		want, fits := conversionReference(amount, int64(core.MicrogramsPerGram), price, false)
		if !fits {
			require.ErrorIs(t, err, core.ErrOverflow)
			return
		}
		require.NoError(t, err)
		require.Equal(t, want, int64(got))
	})
}

func FuzzGoldNeededForRials(f *testing.F) {
	conversionSeeds(f)
	f.Fuzz(func(t *testing.T, amount, price int64) {
		got, err := core.GoldNeededForRials(core.Rial(amount), core.RialsPerGram(price))
		if !checkConversionError(t, err, amount, price) {
			return
		}
		want, fits := conversionReference(amount, int64(core.MicrogramsPerGram), price, true)
		if !fits {
			require.ErrorIs(t, err, core.ErrOverflow)
			return
		}
		require.NoError(t, err)
		require.Equal(t, want, int64(got))
	})
}

func FuzzRialsForGold(f *testing.F) {
	conversionSeeds(f)
	f.Fuzz(func(t *testing.T, gold, price int64) {
		got, err := core.RialsForGold(core.Microgram(gold), core.RialsPerGram(price))
		if !checkConversionError(t, err, gold, price) {
			return
		}
		want, fits := conversionReference(gold, price, int64(core.MicrogramsPerGram), false)
		if !fits {
			require.ErrorIs(t, err, core.ErrOverflow)
			return
		}
		require.NoError(t, err)
		require.Equal(t, want, int64(got))
	})
}
