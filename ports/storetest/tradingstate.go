package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// tradingState reads the trading state in a snapshot.
func (b *bundle) tradingState(t *testing.T) ports.TradingState {
	t.Helper()
	var s ports.TradingState
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		s, err = tx.TradingState().Get(ctx)
		return err
	})
	return s
}

func tradingStateCases() []testCase {
	return []testCase{
		{"TradingStateZeroValue", func(t *testing.T, b *bundle) {
			require.Equal(t, ports.TradingState{}, b.tradingState(t))
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				s, err := tx.TradingState().GetForUpdate(ctx)
				require.NoError(t, err)
				require.Equal(t, ports.TradingState{}, s)
				return nil
			})
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				s, err := tx.TradingState().GetForUpdate(ctx)
				require.NoError(t, err)
				require.Equal(t, ports.TradingState{}, s)
				return nil
			})
		}},
		{"TradingStateRoundTrip", func(t *testing.T, b *bundle) {
			staff := b.newUser(t)
			states := []ports.TradingState{
				{Halted: true, Reason: "maintenance", ChangedBy: staff, ChangedAt: b.now},
				{
					Halted: true, Reason: "price jump", ChangedAt: b.now.Add(time.Minute),
					PendingJump: &pricing.Price{Buy: 3_400_000, Sell: 3_460_000, Source: "feed", At: b.now.Add(50 * time.Second)},
				},
				{Reason: "confirmed", ChangedBy: staff, ChangedAt: b.now.Add(2 * time.Minute)},
				{},
			}
			for i, want := range states {
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					_, err := tx.TradingState().GetForUpdate(ctx)
					require.NoError(t, err)
					return tx.TradingState().Save(ctx, want)
				})
				require.Equal(t, want, b.tradingState(t), "state %d", i)
			}
		}},
		{"TradingStateInvalidJump", func(t *testing.T, b *bundle) {
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.TradingState().Save(ctx, ports.TradingState{
					Halted:      true,
					PendingJump: &pricing.Price{Buy: 3_000_000, Sell: 2_000_000, Source: "feed", At: b.now},
				})
			})
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.Equal(t, ports.TradingState{}, b.tradingState(t))
		}},
	}
}
