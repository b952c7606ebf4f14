package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

func userCases() []testCase {
	return []testCase{
		{"UserCreateAndGet", func(t *testing.T, b *bundle) {
			var id core.UserID
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				var err error
				id, err = tx.Users().Create(ctx, identity.NewUser("+989121234567", b.now))
				return err
			})
			require.Positive(t, int64(id))
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				u, err := tx.Users().Get(ctx, id)
				require.NoError(t, err)
				require.Equal(t, id, u.ID())
				require.Equal(t, "+989121234567", u.Phone())
				require.True(t, b.now.Equal(u.CreatedAt()), "created_at %s", u.CreatedAt())
				byPhone, err := tx.Users().GetByPhone(ctx, "+989121234567")
				require.NoError(t, err)
				require.Equal(t, id, byPhone.ID())
				return nil
			}))
		}},
		{"UserPhoneTaken", func(t *testing.T, b *bundle) {
			create := func() error {
				return b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
					_, err := tx.Users().Create(ctx, identity.NewUser("+989351234567", b.now))
					return err
				})
			}
			require.NoError(t, create())
			require.ErrorIs(t, create(), core.ErrPhoneTaken)
		}},
		{"UserNotFound", func(t *testing.T, b *bundle) {
			require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Users().Get(ctx, 987654)
				require.ErrorIs(t, err, core.ErrNotFound)
				_, err = tx.Users().GetByPhone(ctx, "+989000000000")
				require.ErrorIs(t, err, core.ErrNotFound)
				return nil
			}))
		}},
		{"OpenAccountsForMissingUser", func(t *testing.T, b *bundle) {
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Ledger().OpenUserAccounts(ctx, 987654)
			})
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
	}
}
