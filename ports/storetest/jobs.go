package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

func (b *bundle) depth(t *testing.T, kind string) int {
	t.Helper()
	var n int
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		n, err = tx.Jobs().Depth(ctx, kind)
		return err
	})
	return n
}

func jobCases() []testCase {
	return []testCase{
		{"JobCommitsWithTransaction", func(t *testing.T, b *bundle) {
			job := ports.Job{Kind: "storetest_sms", Args: json.RawMessage(`{"to":"+989121234567"}`)}
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				inserted, err := tx.Jobs().Enqueue(ctx, job)
				require.NoError(t, err)
				require.True(t, inserted)
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
			require.Zero(t, b.depth(t, "storetest_sms"), "a rolled-back transaction enqueues nothing")
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Jobs().Enqueue(ctx, job)
				return err
			})
			require.Equal(t, 1, b.depth(t, "storetest_sms"))
			require.Equal(t, 1, b.depth(t, ""))
			require.Zero(t, b.depth(t, "storetest_other"))
		}},
		{"JobScheduledLaterCounts", func(t *testing.T, b *bundle) {
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Jobs().Enqueue(ctx, ports.Job{
					Kind: "storetest_later", Args: json.RawMessage(`{}`), RunAt: time.Now().Add(time.Hour), MaxAttempts: 3,
				})
				return err
			})
			require.Equal(t, 1, b.depth(t, "storetest_later"))
		}},
		{"JobUniqueKey", func(t *testing.T, b *bundle) {
			for i, want := range []bool{true, false} {
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					inserted, err := tx.Jobs().Enqueue(ctx, ports.Job{
						Kind: "storetest_unique", Args: json.RawMessage(`{"n":1}`), UniqueKey: "reconcile:42",
					})
					require.Equal(t, want, inserted, "enqueue %d", i)
					return err
				})
			}
			require.Equal(t, 1, b.depth(t, "storetest_unique"))
		}},
		{"JobInvalid", func(t *testing.T, b *bundle) {
			for name, job := range map[string]ports.Job{
				"NoKind":      {Args: json.RawMessage(`{}`)},
				"NotAnObject": {Kind: "storetest_bad", Args: json.RawMessage(`[1]`)},
				"NotJSON":     {Kind: "storetest_bad", Args: json.RawMessage(`{`)},
			} {
				err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
					_, err := tx.Jobs().Enqueue(ctx, job)
					return err
				})
				require.ErrorIs(t, err, core.ErrInvalidInput, name)
			}
		}},
	}
}
