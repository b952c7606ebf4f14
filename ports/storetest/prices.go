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

// appendPrice stores a price of buy and sell observed at at and returns its point.
func (b *bundle) appendPrice(t *testing.T, buy, sell core.RialsPerGram, at time.Time) pricing.Point {
	t.Helper()
	var p pricing.Point
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		p, err = tx.Prices().Append(ctx, pricing.Price{Buy: buy, Sell: sell, Source: "manual", At: at})
		return err
	})
	require.Positive(t, p.ID)
	return p
}

func priceCases() []testCase {
	return []testCase{
		{"PriceAppendLatestGet", func(t *testing.T, b *bundle) {
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Prices().Latest(ctx)
				require.ErrorIs(t, err, core.ErrNotFound)
				_, err = tx.Prices().Get(ctx, 1)
				require.ErrorIs(t, err, core.ErrNotFound)
				return nil
			})
			first := b.appendPrice(t, 2_990_000, 3_050_000, b.now)
			require.Equal(t, pricing.Price{Buy: 2_990_000, Sell: 3_050_000, Source: "manual", At: b.now}, first.Price)
			newest := b.appendPrice(t, 3_000_000, 3_060_000, b.now.Add(time.Minute))
			// Appended last but observed between the two: not the latest.
			between := b.appendPrice(t, 2_995_000, 3_055_000, b.now.Add(30*time.Second))
			// A time finer than a microsecond comes back as stored.
			fine := b.appendPrice(t, 2_980_000, 3_040_000, b.now.Add(-time.Minute+1500*time.Nanosecond))
			require.Equal(t, b.now.Add(-time.Minute+time.Microsecond), fine.At)
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				latest, err := tx.Prices().Latest(ctx)
				require.NoError(t, err)
				require.Equal(t, newest, latest)
				for _, want := range []pricing.Point{first, newest, between, fine} {
					got, err := tx.Prices().Get(ctx, want.ID)
					require.NoError(t, err)
					require.Equal(t, want, got)
				}
				_, err = tx.Prices().Get(ctx, newest.ID+100)
				require.ErrorIs(t, err, core.ErrNotFound)
				return nil
			})
		}},
		{"PriceLatestTieByID", func(t *testing.T, b *bundle) {
			b.appendPrice(t, 2_990_000, 3_050_000, b.now)
			second := b.appendPrice(t, 2_991_000, 3_051_000, b.now)
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				latest, err := tx.Prices().Latest(ctx)
				require.NoError(t, err)
				require.Equal(t, second, latest)
				return nil
			})
		}},
		{"PriceAppendInvalid", func(t *testing.T, b *bundle) {
			for name, p := range map[string]pricing.Price{
				"SellBelowBuy": {Buy: 3_000_000, Sell: 2_999_999, Source: "manual", At: b.now},
				"ZeroBuy":      {Buy: 0, Sell: 3_000_000, Source: "manual", At: b.now},
				"NoSource":     {Buy: 3_000_000, Sell: 3_000_000, At: b.now},
				"NoTime":       {Buy: 3_000_000, Sell: 3_000_000, Source: "manual"},
			} {
				err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
					_, err := tx.Prices().Append(ctx, p)
					return err
				})
				require.ErrorIs(t, err, core.ErrInvalidInput, name)
			}
		}},
		{"PriceRangeBoundaries", func(t *testing.T, b *bundle) {
			t0, t1, t2, t3 := b.now, b.now.Add(time.Hour), b.now.Add(2*time.Hour), b.now.Add(3*time.Hour)
			p3 := b.appendPrice(t, 3_030_000, 3_090_000, t3)
			p0 := b.appendPrice(t, 3_000_000, 3_060_000, t0)
			p1 := b.appendPrice(t, 3_010_000, 3_070_000, t1)
			p2 := b.appendPrice(t, 3_020_000, 3_080_000, t2)
			p2b := b.appendPrice(t, 3_021_000, 3_081_000, t2) // same time: after p2 by id
			tests := []struct {
				name     string
				from, to time.Time
				want     []pricing.Point
			}{
				{"FromInclusiveToExclusive", t1, t3, []pricing.Point{p1, p2, p2b}},
				{"Everything", t0, t3.Add(time.Microsecond), []pricing.Point{p0, p1, p2, p2b, p3}},
				{"Empty", t3, t3, nil},
				{"JustAfter", t0.Add(time.Microsecond), t1, nil},
				{"Before", t0.Add(-time.Hour), t0, nil},
			}
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				for _, tt := range tests {
					got, err := tx.Prices().Range(ctx, tt.from, tt.to)
					require.NoError(t, err, tt.name)
					if len(tt.want) == 0 {
						require.Empty(t, got, tt.name)
						continue
					}
					require.Equal(t, tt.want, got, tt.name)
				}
				return nil
			})
		}},
		{"PriceListPaging", func(t *testing.T, b *bundle) {
			p0 := b.appendPrice(t, 3_000_000, 3_060_000, b.now)
			p2 := b.appendPrice(t, 3_020_000, 3_080_000, b.now.Add(2*time.Minute))
			p1 := b.appendPrice(t, 3_010_000, 3_070_000, b.now.Add(time.Minute))
			p1b := b.appendPrice(t, 3_011_000, 3_071_000, b.now.Add(time.Minute))
			p3 := b.appendPrice(t, 3_030_000, 3_090_000, b.now.Add(3*time.Minute))
			newestFirst := []pricing.Point{p3, p2, p1b, p1, p0}
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				var pages []pricing.Point
				for offset := 0; offset < 6; offset += 2 {
					page, total, err := tx.Prices().List(ctx, offset, 2)
					require.NoError(t, err)
					require.Equal(t, 5, total)
					require.LessOrEqual(t, len(page), 2)
					pages = append(pages, page...)
				}
				require.Equal(t, newestFirst, pages)
				page, total, err := tx.Prices().List(ctx, 10, 2)
				require.NoError(t, err)
				require.Empty(t, page)
				require.Equal(t, 5, total)
				page, total, err = tx.Prices().List(ctx, 0, 0)
				require.NoError(t, err)
				require.Empty(t, page)
				require.Equal(t, 5, total)
				_, _, err = tx.Prices().List(ctx, -1, 2)
				require.ErrorIs(t, err, core.ErrInvalidInput)
				return nil
			})
		}},
	}
}
