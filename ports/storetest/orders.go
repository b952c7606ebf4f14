package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// storedOrder reads user's order id in a snapshot.
func (b *bundle) storedOrder(t *testing.T, user core.UserID, id trading.OrderID) (*trading.Order, error) {
	t.Helper()
	var o *trading.Order
	err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		o, err = tx.Orders().Get(ctx, user, id)
		return err
	})
	return o, err
}

// listOrders reads one page of user's orders in a snapshot.
func (b *bundle) listOrders(t *testing.T, user core.UserID, f ports.OrderFilter, offset, limit int) ([]trading.OrderRecord, int) {
	t.Helper()
	var records []trading.OrderRecord
	var total int
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		orders, n, err := tx.Orders().List(ctx, user, f, offset, limit)
		for _, o := range orders {
			records = append(records, o.Record())
		}
		total = n
		return err
	})
	return records, total
}

func records(orders ...*trading.Order) []trading.OrderRecord {
	out := make([]trading.OrderRecord, 0, len(orders))
	for _, o := range orders {
		out = append(out, o.Record())
	}
	return out
}

func orderCases() []testCase {
	return []testCase{
		{"OrderRoundTrip", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			req, terms := buyTerms(t, 1_000_000)
			q := b.createQuote(t, u, req, terms, b.now, time.Minute)
			withQuote := b.createOrder(t, newOrder(t, u, terms, q.ID(), b.now))
			_, sell := sellGoldTerms(t, 250_000)
			fresh := b.createOrder(t, newOrder(t, u, sell, "", b.now.Add(time.Second)))
			for _, want := range []*trading.Order{withQuote, fresh} {
				got, err := b.storedOrder(t, u, want.ID())
				require.NoError(t, err)
				require.Equal(t, want.Record(), got.Record())
				_, err = b.storedOrder(t, other, want.ID())
				require.ErrorIs(t, err, core.ErrNotFound, "another user's order")
				err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
					_, err := tx.Orders().GetForUpdate(ctx, other, want.ID())
					return err
				})
				require.ErrorIs(t, err, core.ErrNotFound, "another user's order")
			}
			_, err := b.storedOrder(t, u, fresh.ID()+100)
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
		{"OrderSaveTransitions", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			_, terms := buyTerms(t, 1_000_000)
			tests := []struct {
				name string
				move func(o *trading.Order) error
			}{
				{"Complete", func(o *trading.Order) error { return o.Complete(b.now.Add(time.Second)) }},
				{"ProcessThenComplete", func(o *trading.Order) error {
					if err := o.Process(); err != nil {
						return err
					}
					return o.Complete(b.now.Add(2 * time.Second))
				}},
				{"Fail", func(o *trading.Order) error { return o.Fail("insufficient balance") }},
				{"Cancel", func(o *trading.Order) error { return o.Cancel(b.now.Add(3 * time.Second)) }},
			}
			for _, tt := range tests {
				o := b.createOrder(t, newOrder(t, u, terms, "", b.now))
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					locked, err := tx.Orders().GetForUpdate(ctx, u, o.ID())
					require.NoError(t, err, tt.name)
					require.NoError(t, tt.move(locked), tt.name)
					require.NoError(t, tx.Orders().Save(ctx, locked), tt.name)
					o = locked
					return nil
				})
				got, err := b.storedOrder(t, u, o.ID())
				require.NoError(t, err, tt.name)
				require.Equal(t, o.Record(), got.Record(), tt.name)
			}
			// Saving an order under another user changes nothing.
			o := b.createOrder(t, newOrder(t, u, terms, "", b.now))
			rec := o.Record()
			rec.User = other
			rec.Status = trading.OrderFailed
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Orders().Save(ctx, trading.RehydrateOrder(rec))
			})
			require.ErrorIs(t, err, core.ErrNotFound)
			got, err := b.storedOrder(t, u, o.ID())
			require.NoError(t, err)
			require.Equal(t, trading.OrderPending, got.Status())
		}},
		{"OrderNumberConflict", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			_, terms := buyTerms(t, 1_000_000)
			first := b.createOrder(t, newOrder(t, u, terms, "", b.now))
			dup, err := trading.NewOrder(first.Number(), other, terms, "", b.now)
			require.NoError(t, err)
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Orders().Create(ctx, dup)
				return err
			})
			require.ErrorIs(t, err, core.ErrConflict)
			list, total := b.listOrders(t, other, ports.OrderFilter{}, 0, 10)
			require.Empty(t, list)
			require.Zero(t, total)
		}},
		{"OrderListFiltersAndPaging", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			_, buy := buyTerms(t, 1_000_000)
			_, sell := sellTerms(t, 2_000_000)
			at := func(m int) time.Time { return b.now.Add(time.Duration(m) * time.Minute) }
			o1 := b.createOrder(t, newOrder(t, u, buy, "", at(1)))
			o2 := b.createOrder(t, newOrder(t, u, sell, "", at(2)))
			o3 := b.createOrder(t, newOrder(t, u, buy, "", at(3)))
			o3b := b.createOrder(t, newOrder(t, u, sell, "", at(3))) // same time: first by id
			o0 := b.createOrder(t, newOrder(t, u, sell, "", at(0)))
			b.createOrder(t, newOrder(t, other, buy, "", at(4)))
			for _, o := range []*trading.Order{o1, o3b} {
				require.NoError(t, o.Complete(at(5)))
				b.saveOrder(t, o)
			}
			require.NoError(t, o2.Fail("no gold"))
			b.saveOrder(t, o2)

			all := records(o3b, o3, o2, o1, o0)
			tests := []struct {
				name   string
				filter ports.OrderFilter
				want   []trading.OrderRecord
			}{
				{"All", ports.OrderFilter{}, all},
				{"Buys", ports.OrderFilter{Side: trading.Buy}, records(o3, o1)},
				{"Sells", ports.OrderFilter{Side: trading.Sell}, records(o3b, o2, o0)},
				{"Completed", ports.OrderFilter{Status: trading.OrderCompleted}, records(o3b, o1)},
				{"CompletedSells", ports.OrderFilter{Side: trading.Sell, Status: trading.OrderCompleted}, records(o3b)},
				{"Cancelled", ports.OrderFilter{Status: trading.OrderCancelled}, nil},
			}
			for _, tt := range tests {
				got, total := b.listOrders(t, u, tt.filter, 0, 10)
				require.Equal(t, len(tt.want), total, tt.name)
				if len(tt.want) == 0 {
					require.Empty(t, got, tt.name)
					continue
				}
				require.Equal(t, tt.want, got, tt.name)
			}
			var pages []trading.OrderRecord
			for offset := 0; offset < 6; offset += 2 {
				page, total := b.listOrders(t, u, ports.OrderFilter{}, offset, 2)
				require.Equal(t, 5, total)
				pages = append(pages, page...)
			}
			require.Equal(t, all, pages)
			err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, _, err := tx.Orders().List(ctx, u, ports.OrderFilter{}, 0, -1)
				return err
			})
			require.ErrorIs(t, err, core.ErrInvalidInput)
		}},
		{"OrderSummary", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			_, buy1 := buyTerms(t, 1_000_000)
			_, buy2 := buyTerms(t, 2_500_000)
			_, sell := sellGoldTerms(t, 300_000)
			complete := func(user core.UserID, terms trading.Terms) {
				o := b.createOrder(t, newOrder(t, user, terms, "", b.now))
				require.NoError(t, o.Complete(b.now))
				b.saveOrder(t, o)
			}
			complete(u, buy1)
			complete(u, buy2)
			complete(u, sell)
			complete(other, buy2)
			failed := b.createOrder(t, newOrder(t, u, buy2, "", b.now))
			require.NoError(t, failed.Fail("insufficient balance"))
			b.saveOrder(t, failed)
			b.createOrder(t, newOrder(t, u, sell, "", b.now)) // pending

			var got, empty ports.OrderSummary
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				var err error
				if got, err = tx.Orders().Summary(ctx, u); err != nil {
					return err
				}
				empty, err = tx.Orders().Summary(ctx, 987654)
				return err
			})
			require.Equal(t, ports.OrderSummary{
				Buys:       2,
				Sells:      1,
				BoughtIRR:  buy1.AmountIRR + buy2.AmountIRR,
				SoldIRR:    sell.AmountIRR,
				BuyFees:    buy1.Fee + buy2.Fee,
				SellFees:   sell.Fee,
				BoughtGold: buy1.Gold + buy2.Gold,
				SoldGold:   sell.Gold,
			}, got)
			require.Equal(t, ports.OrderSummary{}, empty)
		}},
		{"OrderUsage", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			_, buy1 := buyTerms(t, 1_000_000)
			_, buy2 := buyTerms(t, 2_500_000)
			_, sell := sellGoldTerms(t, 300_000)
			complete := func(terms trading.Terms, at time.Time) {
				o := b.createOrder(t, newOrder(t, u, terms, "", at))
				require.NoError(t, o.Complete(at))
				b.saveOrder(t, o)
			}
			complete(buy1, b.now.Add(-40*24*time.Hour)) // outside both windows
			complete(buy2, b.now.Add(-2*24*time.Hour))  // in the 30 days only
			complete(buy1, b.now.Add(-time.Hour))       // in both
			complete(sell, b.now.Add(-time.Hour))       // the other side
			failed := b.createOrder(t, newOrder(t, u, buy2, "", b.now))
			require.NoError(t, failed.Fail("insufficient balance"))
			b.saveOrder(t, failed)

			var buys, sells payment.Usage
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				var err error
				day, month := b.now.Add(-24*time.Hour), b.now.Add(-30*24*time.Hour)
				if buys, err = tx.Orders().Usage(ctx, u, trading.Buy, day, month); err != nil {
					return err
				}
				sells, err = tx.Orders().Usage(ctx, u, trading.Sell, day, month)
				return err
			})
			require.Equal(t, payment.Usage{Day: buy1.AmountIRR, Month: buy1.AmountIRR + buy2.AmountIRR}, buys)
			require.Equal(t, payment.Usage{Day: sell.AmountIRR, Month: sell.AmountIRR}, sells)
		}},
	}
}
