package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// idempotentDeposit runs a deposit guarded by key the way the app does: claim, execute,
// complete, all in one transaction. It reports whether this call executed the deposit.
func (b *bundle) idempotentDeposit(ctx context.Context, key idempotency.Key, fp idempotency.Fingerprint,
	user core.UserID, amount core.Rial, now time.Time,
) (executed bool, replay *idempotency.Response, err error) {
	err = b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		executed, replay = false, nil
		stored, err := tx.Idempotency().Claim(ctx, key, fp, now)
		if err != nil {
			return err
		}
		if stored != nil {
			replay = stored
			return nil
		}
		j, err := ledger.DepositJournal(user, ledger.ExternalAccount(ledger.IRR), amount, "dep")
		if err != nil {
			return err
		}
		if _, err := tx.Ledger().Post(ctx, j); err != nil {
			return err
		}
		executed = true
		resp := idempotency.Response{Status: 201, Body: []byte(`{"ok":true}`)}
		return tx.Idempotency().Complete(ctx, key, fp, resp, now, now.Add(idempotency.Retention))
	})
	return executed, replay, err
}

func idempotencyCases() []testCase {
	return []testCase{
		{"IdempotencyReplay", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			key, err := idempotency.NewKey("user:1:deposit", "key-00000001")
			require.NoError(t, err)
			fp := idempotency.FingerprintOf([]byte(`{"amount":1000}`))
			executed, replay, err := b.idempotentDeposit(t.Context(), key, fp, u, 1_000, b.now)
			require.NoError(t, err)
			require.True(t, executed)
			require.Nil(t, replay)
			executed, replay, err = b.idempotentDeposit(t.Context(), key, fp, u, 1_000, b.now.Add(time.Hour))
			require.NoError(t, err)
			require.False(t, executed)
			require.Equal(t, &idempotency.Response{Status: 201, Body: []byte(`{"ok":true}`)}, replay)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 1_000, 0)
		}},
		{"IdempotencyKeyReusedWithOtherBody", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			key, err := idempotency.NewKey("user:1:deposit", "key-00000002")
			require.NoError(t, err)
			_, _, err = b.idempotentDeposit(t.Context(), key, idempotency.FingerprintOf([]byte("a")), u, 1_000, b.now)
			require.NoError(t, err)
			_, _, err = b.idempotentDeposit(t.Context(), key, idempotency.FingerprintOf([]byte("b")), u, 1_000, b.now)
			require.ErrorIs(t, err, core.ErrIdempotencyKeyReused)
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 1_000, 0)
		}},
		{"IdempotencyScopesAreSeparate", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			fp := idempotency.FingerprintOf([]byte("a"))
			for _, scope := range []string{"user:1:deposit", "user:2:deposit"} {
				key, err := idempotency.NewKey(scope, "key-00000003")
				require.NoError(t, err)
				executed, _, err := b.idempotentDeposit(t.Context(), key, fp, u, 1_000, b.now)
				require.NoError(t, err)
				require.True(t, executed, scope)
			}
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 2_000, 0)
		}},
		{"IdempotencyRecordExpires", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			key, err := idempotency.NewKey("user:1:deposit", "key-00000004")
			require.NoError(t, err)
			fp := idempotency.FingerprintOf([]byte("a"))
			_, _, err = b.idempotentDeposit(t.Context(), key, fp, u, 1_000, b.now)
			require.NoError(t, err)
			later := b.now.Add(idempotency.Retention + time.Second)
			executed, _, err := b.idempotentDeposit(t.Context(), key, fp, u, 1_000, later)
			require.NoError(t, err)
			require.True(t, executed, "an expired record must not answer")
			var deleted int64
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				deleted, err = tx.Idempotency().DeleteExpired(ctx, later.Add(idempotency.Retention+time.Second))
				return err
			})
			require.EqualValues(t, 1, deleted)
		}},
		{"IdempotencyRolledBackClaimLeavesNothing", func(t *testing.T, b *bundle) {
			key, err := idempotency.NewKey("user:1:deposit", "key-00000005")
			require.NoError(t, err)
			fp := idempotency.FingerprintOf([]byte("a"))
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				stored, err := tx.Idempotency().Claim(ctx, key, fp, b.now)
				require.NoError(t, err)
				require.Nil(t, stored)
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
			u := b.newUser(t)
			executed, _, err := b.idempotentDeposit(t.Context(), key, fp, u, 1_000, b.now)
			require.NoError(t, err)
			require.True(t, executed)
		}},
		{"IdempotencyParallelClaims", func(t *testing.T, b *bundle) {
			// 50 requests with one key: exactly one executes; every other one gets the stored
			// response or "in progress", never a second execution or another error.
			const workers = 50
			u := b.newUser(t)
			key, err := idempotency.NewKey("user:1:deposit", "key-00000006")
			require.NoError(t, err)
			fp := idempotency.FingerprintOf([]byte("a"))
			var executions, replays, inProgress atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for range workers {
				wg.Go(func() {
					executed, replay, err := b.idempotentDeposit(t.Context(), key, fp, u, 1_000, b.now)
					switch {
					case errors.Is(err, core.ErrIdempotencyInProgress):
						inProgress.Add(1)
					case err != nil:
						errs <- err
					case executed:
						executions.Add(1)
					case replay != nil:
						replays.Add(1)
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.EqualValues(t, 1, executions.Load())
			require.EqualValues(t, workers-1, replays.Load()+inProgress.Load())
			b.requireBalance(t, ledger.UserAccount(u, ledger.IRR), 1_000, 0)
		}},
	}
}
