package trading

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/ports"
)

// DefaultQuoteRetention is how long after its expiry a quote is kept before
// [Service.PurgeQuotes] deletes it; orders keep the id of the quote that priced them.
const DefaultQuoteRetention = time.Hour

// PurgeQuotes deletes the quotes that expired more than retention ago (zero means
// [DefaultQuoteRetention]) and returns how many. Previews store one quote per keystroke, so
// the composition root runs it periodically (e.g. hourly, once per cluster). An expired quote
// can price nothing, so deleting it changes no answer.
func (s *Service) PurgeQuotes(ctx context.Context, retention time.Duration) (int64, error) {
	if retention <= 0 {
		retention = DefaultQuoteRetention
	}
	var n int64
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		n, err = tx.Quotes().DeleteExpired(ctx, s.now().Add(-retention))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("trading: purge quotes: %w", err)
	}
	return n, nil
}
