package storetest

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// feeRate is the fee of the trading cases: 0.5 %.
const feeRate core.BasisPoints = 50

// snapshot runs fn in a read-only transaction and fails t when that fails.
func (b *bundle) snapshot(t *testing.T, fn func(ctx context.Context, tx ports.Tx) error) {
	t.Helper()
	require.NoError(t, b.store.Snapshot(t.Context(), fn))
}

// buyTerms prices a buy of amount rials at 3,050,000 rials per gram.
func buyTerms(t *testing.T, amount core.Rial) (trading.Request, trading.Terms) {
	t.Helper()
	terms, err := trading.BuyByRials(amount, 3_050_000, feeRate)
	require.NoError(t, err)
	return trading.Request{Side: trading.Buy, Amount: amount}, terms
}

// sellTerms prices a sell that pays amount rials before the fee at 3,000,000 rials per gram.
func sellTerms(t *testing.T, amount core.Rial) (trading.Request, trading.Terms) {
	t.Helper()
	terms, err := trading.SellByRials(amount, 3_000_000, feeRate)
	require.NoError(t, err)
	return trading.Request{Side: trading.Sell, Amount: amount}, terms
}

// sellGoldTerms prices a sell of gold micrograms at 3,000,000 rials per gram.
func sellGoldTerms(t *testing.T, gold core.Microgram) (trading.Request, trading.Terms) {
	t.Helper()
	terms, err := trading.SellByGold(gold, 3_000_000, feeRate)
	require.NoError(t, err)
	return trading.Request{Side: trading.Sell, Gold: gold}, terms
}

// createQuote stores a quote of user for req priced as terms, made at now and valid for ttl.
func (b *bundle) createQuote(t *testing.T, user core.UserID, req trading.Request, terms trading.Terms, now time.Time, ttl time.Duration) *trading.Quote {
	t.Helper()
	q, err := trading.NewQuote(rand.Reader, user, req, terms, now, ttl)
	require.NoError(t, err)
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		return tx.Quotes().Create(ctx, q)
	})
	return q
}

// newOrder returns a pending order of user on terms, placed at now, not yet stored.
func newOrder(t *testing.T, user core.UserID, terms trading.Terms, quote trading.QuoteID, now time.Time) *trading.Order {
	t.Helper()
	number, err := trading.NewOrderNumber(now, rand.Reader)
	require.NoError(t, err)
	o, err := trading.NewOrder(number, user, terms, quote, now)
	require.NoError(t, err)
	return o
}

// createOrder stores o and returns it as stored, with its id.
func (b *bundle) createOrder(t *testing.T, o *trading.Order) *trading.Order {
	t.Helper()
	var id trading.OrderID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.Orders().Create(ctx, o)
		return err
	})
	require.Positive(t, int64(id))
	rec := o.Record()
	rec.ID = id
	return trading.RehydrateOrder(rec)
}

// saveOrder stores the state of o.
func (b *bundle) saveOrder(t *testing.T, o *trading.Order) {
	t.Helper()
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		return tx.Orders().Save(ctx, o)
	})
}
