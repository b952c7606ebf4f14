package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

func TestConsentsAreAppendOnly(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	u := b.newUser(t)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Consents().Record(ctx, ports.Consent{User: u, Kind: "terms", Version: "1", At: b.now})
		return err
	}))
	conn := b.connect(t)
	for _, stmt := range []string{
		"UPDATE consents SET version = '2'",
		"DELETE FROM consents",
		"TRUNCATE consents",
	} {
		_, err := conn.Exec(t.Context(), stmt)
		require.ErrorContains(t, err, "consents is append-only", stmt)
	}
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		consents, err := tx.Consents().List(ctx, u)
		require.NoError(t, err)
		require.Len(t, consents, 1)
		require.Equal(t, "1", consents[0].Version)
		return nil
	}))
}

// TestNationalIDHashIsKept checks what the port cannot show: EraseNationalID keeps the first
// tombstone of a user with a profile in kyc_erasures, and nothing for a user without one or
// for an empty tombstone.
func TestNationalIDHashIsKept(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	withID, noTombstone, noProfile := b.newUser(t), b.newUser(t), b.newUser(t)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		for u, id := range map[core.UserID]string{withID: "1234000016", noTombstone: "1234000024"} {
			code, err := iran.ParseNationalCode(id)
			require.NoError(t, err)
			p := kyc.NewProfile(u)
			s := kyc.Submission{
				FirstName: "سارا", LastName: "احمدی", NationalID: code,
				BirthDate: time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC), TargetLevel: 1,
			}
			if err := p.Submit(s, false, nil, b.now); err != nil {
				return err
			}
			if err := tx.KYC().Save(ctx, p); err != nil {
				return err
			}
		}
		return nil
	}))
	for _, tombstone := range []string{"nid:first", "nid:second"} {
		require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			e := tx.Erasure()
			require.NoError(t, e.EraseNationalID(ctx, withID, tombstone, b.now))
			require.NoError(t, e.EraseNationalID(ctx, noTombstone, "", b.now))
			return e.EraseNationalID(ctx, noProfile, tombstone, b.now)
		}))
	}
	rows, err := b.connect(t).Query(t.Context(), `SELECT user_id, national_id_hash FROM kyc_erasures`)
	require.NoError(t, err)
	kept := map[int64]string{}
	for rows.Next() {
		var user int64
		var hash string
		require.NoError(t, rows.Scan(&user, &hash))
		kept[user] = hash
	}
	require.NoError(t, rows.Err())
	require.Equal(t, map[int64]string{int64(withID): "nid:first"}, kept)
}
