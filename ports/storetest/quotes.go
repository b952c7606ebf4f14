package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// storedQuote reads quote id in a snapshot.
func (b *bundle) storedQuote(t *testing.T, id trading.QuoteID) (*trading.Quote, error) {
	t.Helper()
	var q *trading.Quote
	err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		q, err = tx.Quotes().GetForUpdate(ctx, id)
		return err
	})
	return q, err
}

// implicitQuote looks up user's implicit quote for req at now in a write transaction.
func (b *bundle) implicitQuote(t *testing.T, user core.UserID, req trading.Request, now time.Time) (*trading.Quote, error) {
	t.Helper()
	var q *trading.Quote
	err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		q, err = tx.Quotes().LatestImplicit(ctx, user, req, now)
		return err
	})
	return q, err
}

// redeem uses quote id for user's req at now as the trading service does: lock, redeem,
// save the use.
func (b *bundle) redeem(ctx context.Context, user core.UserID, id trading.QuoteID, req trading.Request, now time.Time) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		q, err := tx.Quotes().GetForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if err := q.Redeem(user, req, now); err != nil {
			return err
		}
		return tx.Quotes().MarkUsed(ctx, q)
	})
}

func quoteCases() []testCase {
	return []testCase{
		{"QuoteRoundTrip", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			req, terms := sellGoldTerms(t, 500_000)
			q := b.createQuote(t, u, req, terms, b.now, 30*time.Second)
			got, err := b.storedQuote(t, q.ID())
			require.NoError(t, err)
			require.Equal(t, q.Record(), got.Record())
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				locked, err := tx.Quotes().GetForUpdate(ctx, q.ID())
				require.NoError(t, err)
				require.Equal(t, q.Record(), locked.Record())
				return nil
			})
			_, err = b.storedQuote(t, "q_AAAAAAAAAAAAAAAAAAAAAA")
			require.ErrorIs(t, err, core.ErrNotFound)

			// The same id again is a conflict.
			again := trading.RehydrateQuote(q.Record())
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Quotes().Create(ctx, again)
			})
			require.ErrorIs(t, err, core.ErrConflict)
		}},
		{"QuoteImplicitMatching", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			at := func(s int) time.Time { return b.now.Add(time.Duration(s) * time.Second) }
			buyReq, buy := buyTerms(t, 1_000_000)
			b.createQuote(t, u, buyReq, buy, at(0), time.Minute)
			newest := b.createQuote(t, u, buyReq, buy, at(1), time.Minute)
			b.createQuote(t, other, buyReq, buy, at(2), time.Minute) // newer, but another user's
			bigReq, big := buyTerms(t, 2_000_000)
			b.createQuote(t, u, bigReq, big, at(3), time.Minute)
			goldReq, byGold := sellGoldTerms(t, 500_000)
			goldQuote := b.createQuote(t, u, goldReq, byGold, at(4), time.Minute)
			rialReq, byRials := sellTerms(t, 1_200_000)
			rialQuote := b.createQuote(t, u, rialReq, byRials, at(5), time.Minute)
			usedReq, usedTerms := buyTerms(t, 4_000_000)
			used := b.createQuote(t, u, usedReq, usedTerms, at(6), time.Minute)
			require.NoError(t, b.redeem(t.Context(), u, used.ID(), usedReq, at(7)))
			expReq, expTerms := buyTerms(t, 3_000_000)
			expiring := b.createQuote(t, u, expReq, expTerms, at(0), 10*time.Second)

			now := at(8)
			tests := []struct {
				name string
				user core.UserID
				req  trading.Request
				now  time.Time
				want *trading.Quote // nil: none
			}{
				{"NewestWins", u, buyReq, now, newest},
				{"OtherUsersQuoteNotSeen", other, bigReq, now, nil},
				{"OtherAmount", u, trading.Request{Side: trading.Buy, Amount: 1_001_000}, now, nil},
				{"OtherSide", u, trading.Request{Side: trading.Sell, Amount: 1_000_000}, now, nil},
				{"ByGold", u, goldReq, now, goldQuote},
				{"ByRials", u, rialReq, now, rialQuote},
				// The same figure in the other unit never matches.
				{"GoldQuoteByItsRials", u, trading.Request{Side: trading.Sell, Amount: byGold.AmountIRR}, now, nil},
				{"RialQuoteByItsGold", u, trading.Request{Side: trading.Sell, Gold: byRials.Gold}, now, nil},
				{"BothAmounts", u, trading.Request{Side: trading.Sell, Amount: byGold.AmountIRR, Gold: byGold.Gold}, now, nil},
				{"Used", u, usedReq, now, nil},
				{"ExpiresAtIsExpired", u, expReq, expiring.ExpiresAt(), nil},
				{"JustBeforeExpiry", u, expReq, expiring.ExpiresAt().Add(-time.Microsecond), expiring},
				{"AllExpired", u, buyReq, at(61), nil},
			}
			for _, tt := range tests {
				got, err := b.implicitQuote(t, tt.user, tt.req, tt.now)
				if tt.want == nil {
					require.ErrorIs(t, err, core.ErrNotFound, tt.name)
					continue
				}
				require.NoError(t, err, tt.name)
				require.Equal(t, tt.want.Record(), got.Record(), tt.name)
				require.True(t, got.MatchesImplicit(tt.user, tt.req, tt.now), tt.name)
			}
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				got, err := tx.Quotes().LatestImplicit(ctx, u, buyReq, now)
				require.NoError(t, err)
				require.Equal(t, newest.ID(), got.ID())
				return nil
			})
		}},
		{"QuoteMarkUsed", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			req, terms := buyTerms(t, 1_000_000)
			q := b.createQuote(t, u, req, terms, b.now, time.Minute)
			// A quote that was not redeemed cannot be marked used.
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Quotes().MarkUsed(ctx, q)
			})
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.NoError(t, b.redeem(t.Context(), u, q.ID(), req, b.now.Add(time.Second)))
			stored, err := b.storedQuote(t, q.ID())
			require.NoError(t, err)
			require.Equal(t, b.now.Add(time.Second), stored.UsedAt())
			// A stale copy, redeemed again, loses.
			stale := trading.RehydrateQuote(q.Record())
			require.NoError(t, stale.Redeem(u, req, b.now.Add(2*time.Second)))
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Quotes().MarkUsed(ctx, stale)
			})
			require.ErrorIs(t, err, core.ErrQuoteUsed)
			require.ErrorIs(t, b.redeem(t.Context(), u, q.ID(), req, b.now.Add(3*time.Second)), core.ErrQuoteUsed)
		}},
		{"ParallelQuoteUse", func(t *testing.T, b *bundle) {
			// 16 orders race for one quote, half through the locking read and half from a
			// copy read before the race: exactly one uses it.
			u := b.newUser(t)
			req, terms := buyTerms(t, 1_000_000)
			q := b.createQuote(t, u, req, terms, b.now, time.Minute)
			wins := race(t, 16, func(i int) error {
				now := b.now.Add(time.Duration(i+1) * time.Millisecond)
				if i%2 == 0 {
					return b.redeem(t.Context(), u, q.ID(), req, now)
				}
				stale := trading.RehydrateQuote(q.Record())
				if err := stale.Redeem(u, req, now); err != nil {
					return err
				}
				return b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
					return tx.Quotes().MarkUsed(ctx, stale)
				})
			}, core.ErrQuoteUsed)
			require.EqualValues(t, 1, wins)
			stored, err := b.storedQuote(t, q.ID())
			require.NoError(t, err)
			require.True(t, stored.Used())
		}},
		{"QuoteDeleteExpired", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			req, terms := buyTerms(t, 1_000_000)
			short := b.createQuote(t, u, req, terms, b.now, 10*time.Second)
			long := b.createQuote(t, u, req, terms, b.now, time.Minute)
			var n int64
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				var err error
				n, err = tx.Quotes().DeleteExpired(ctx, short.ExpiresAt()) // expiring at cutoff: kept
				return err
			})
			require.Zero(t, n)
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				var err error
				n, err = tx.Quotes().DeleteExpired(ctx, short.ExpiresAt().Add(time.Microsecond))
				return err
			})
			require.EqualValues(t, 1, n)
			_, err := b.storedQuote(t, short.ID())
			require.ErrorIs(t, err, core.ErrNotFound)
			_, err = b.storedQuote(t, long.ID())
			require.NoError(t, err)
		}},
	}
}
