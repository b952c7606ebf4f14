package trading_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	apptrading "github.com/talabin/talabin/app/trading"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

func TestPurgeQuotes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.market(t)
	p := b.trader(t, 2_000_000)
	q, err := b.svc.Preview(t.Context(), p, buy(1_000_000))
	require.NoError(t, err)

	n, err := b.svc.PurgeQuotes(t.Context(), 0)
	require.NoError(t, err)
	require.Zero(t, n, "a live quote stays")

	b.clock.Advance(trading.DefaultQuoteTTL + apptrading.DefaultQuoteRetention + time.Second)
	n, err = b.svc.PurgeQuotes(t.Context(), 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	_, err = b.svc.Place(t.Context(), p, ports.PlaceInput{Request: buy(1_000_000), QuoteID: q.ID()}, ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrNotFound)
}
