package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// recordConsent stores c in a transaction of its own and returns it with its id.
func (b *bundle) recordConsent(t *testing.T, c ports.Consent) ports.Consent {
	t.Helper()
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		c.ID, err = tx.Consents().Record(ctx, c)
		return err
	})
	require.Positive(t, c.ID)
	return c
}

// consents reads user's consents in a snapshot.
func (b *bundle) consents(t *testing.T, user core.UserID) []ports.Consent {
	t.Helper()
	var out []ports.Consent
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		out, err = tx.Consents().List(ctx, user)
		return err
	})
	return out
}

func consentCases() []testCase {
	return []testCase{
		{"ConsentRecordAndList", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			// Microseconds survive; the ID given to Record is ignored.
			at := func(s int) time.Time { return b.now.Add(time.Duration(s)*time.Second + 123_456*time.Microsecond) }
			first := b.recordConsent(t, ports.Consent{ID: 999, User: u, Kind: "terms", Version: "1403-01", At: at(1), IP: "203.0.113.7"})
			theirs := b.recordConsent(t, ports.Consent{User: other, Kind: "terms", Version: "1403-01", At: at(2)})
			// A later acceptance with an earlier clock still lists after the first: the order
			// is the order of recording.
			second := b.recordConsent(t, ports.Consent{User: u, Kind: "terms", Version: "1404-02", At: at(0), IP: "2001:db8::1"})
			require.NotEqual(t, int64(999), first.ID)
			require.NotEqual(t, first.ID, second.ID)

			require.Equal(t, []ports.Consent{first, second}, b.consents(t, u))
			require.Equal(t, []ports.Consent{theirs}, b.consents(t, other))
			require.Empty(t, b.consents(t, 987654), "unknown user")
		}},
		{"ConsentUnknownUser", func(t *testing.T, b *bundle) {
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Consents().Record(ctx, ports.Consent{User: 987654, Kind: "terms", Version: "1", At: b.now})
				return err
			})
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
		{"ConsentCommitsWithTransaction", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Consents().Record(ctx, ports.Consent{User: u, Kind: "terms", Version: "1", At: b.now})
				require.NoError(t, err)
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
			require.Empty(t, b.consents(t, u))
		}},
	}
}
