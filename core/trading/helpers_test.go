package trading_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
)

// t0 is the fixed "now" of the tests: core never reads the clock.
var t0 = time.Date(2025, time.March, 1, 10, 0, 0, 0, time.UTC)

const (
	testUser  core.UserID       = 42
	otherUser core.UserID       = 43
	feeRate   core.BasisPoints  = 50
	sellPrice core.RialsPerGram = 3_050_000
	buyPrice  core.RialsPerGram = 2_990_000
)

// testPrice is the platform's price in the tests: users buy at 3,050,000 and sell at
// 2,990,000 rials per gram.
var testPrice = pricing.Price{Buy: buyPrice, Sell: sellPrice, Source: "manual", At: t0}

// seeded returns a deterministic ChaCha8 reader for reproducible draws.
func seeded(seed byte) *rand.ChaCha8 {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// exampleBuy is the worked example of API.md §3.9: buy 1,000,000 rials at 3,050,000.
func exampleBuy(t *testing.T) trading.Terms {
	t.Helper()
	terms, err := trading.BuyByRials(1_000_000, sellPrice, feeRate)
	require.NoError(t, err)
	return terms
}

// exampleSell sells 1,000,000 rials' worth at 2,990,000.
func exampleSell(t *testing.T) trading.Terms {
	t.Helper()
	terms, err := trading.SellByRials(1_000_000, buyPrice, feeRate)
	require.NoError(t, err)
	return terms
}

// newTestOrder returns a pending order of testUser on terms with a fixed number.
func newTestOrder(t *testing.T, terms trading.Terms) *trading.Order {
	t.Helper()
	number, err := trading.NewOrderNumber(t0, seeded(1))
	require.NoError(t, err)
	o, err := trading.NewOrder(number, testUser, terms, "", t0)
	require.NoError(t, err)
	return o
}

// requireField asserts that err is a validation error with a message on field.
func requireField(t *testing.T, err error, field string) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrInvalidInput)
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	got, msg := ve.First()
	require.Equal(t, field, got)
	require.NotEmpty(t, msg)
}
