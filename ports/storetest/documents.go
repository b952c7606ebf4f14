package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// newDocument returns user's uploaded document of kind made at now, under a fresh blob key,
// not yet stored.
func (b *bundle) newDocument(t *testing.T, user core.UserID, kind kyc.DocumentKind, now time.Time) *kyc.Document {
	t.Helper()
	d, err := kyc.NewDocument(user, kind, b.number("kyc/"), "image/jpeg", 123_456, now)
	require.NoError(t, err)
	return d
}

// createDocument stores d and returns it as stored, with its id.
func (b *bundle) createDocument(t *testing.T, d *kyc.Document) *kyc.Document {
	t.Helper()
	var id kyc.DocumentID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.Documents().Create(ctx, d)
		return err
	})
	require.Positive(t, int64(id))
	rec := d.Record()
	rec.ID = id
	return kyc.RehydrateDocument(rec)
}

// tryCreateDocument stores d in a transaction of its own and returns the error.
func (b *bundle) tryCreateDocument(ctx context.Context, d *kyc.Document) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Documents().Create(ctx, d)
		return err
	})
}

// storedDocument reads document id in a snapshot.
func (b *bundle) storedDocument(t *testing.T, id kyc.DocumentID) (*kyc.Document, error) {
	t.Helper()
	var d *kyc.Document
	err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		d, err = tx.Documents().Get(ctx, id)
		return err
	})
	return d, err
}

// userDocuments reads user's current documents and all its documents in a snapshot.
func (b *bundle) userDocuments(t *testing.T, user core.UserID) (current, all []kyc.DocumentRecord) {
	t.Helper()
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		cur, err := tx.Documents().Current(ctx, user)
		if err != nil {
			return err
		}
		list, err := tx.Documents().ListByUser(ctx, user)
		current, all = documentRecords(cur...), documentRecords(list...)
		return err
	})
	return current, all
}

func documentRecords(docs ...*kyc.Document) []kyc.DocumentRecord {
	out := make([]kyc.DocumentRecord, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Record())
	}
	return out
}

func documentCases() []testCase {
	return []testCase{
		{"DocumentRoundTrip", func(t *testing.T, b *bundle) {
			u := b.newUser(t)
			created := b.now.Add(123_456 * time.Microsecond)
			d, err := kyc.NewDocument(u, kyc.Selfie, "kyc/selfie-1", "image/png", 2_500_000, created)
			require.NoError(t, err)
			d = b.createDocument(t, d)
			got, err := b.storedDocument(t, d.ID())
			require.NoError(t, err)
			require.Equal(t, d.Record(), got.Record())

			for i, accepted := range []bool{true, false} {
				doc := d
				if i > 0 {
					doc = b.createDocument(t, b.newDocument(t, u, kyc.NationalCardBack, b.now))
				}
				doc.Review(accepted, created.Add(time.Hour))
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error { return tx.Documents().Save(ctx, doc) })
				got, err := b.storedDocument(t, doc.ID())
				require.NoError(t, err)
				require.Equal(t, doc.Record(), got.Record())
			}

			_, err = b.storedDocument(t, 987654)
			require.ErrorIs(t, err, core.ErrNotFound)
			rec := d.Record()
			rec.ID = 987654
			err = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Documents().Save(ctx, kyc.RehydrateDocument(rec))
			})
			require.ErrorIs(t, err, core.ErrNotFound, "saving an unknown document")
			err = b.tryCreateDocument(t.Context(), b.newDocument(t, 987654, kyc.Selfie, b.now))
			require.ErrorIs(t, err, core.ErrNotFound, "unknown user")

			// A blob key names one document; the transaction stays usable after the conflict.
			dup, err := kyc.NewDocument(u, kyc.NationalCardFront, "kyc/selfie-1", "image/jpeg", 10, b.now)
			require.NoError(t, err)
			require.ErrorIs(t, b.tryCreateDocument(t.Context(), dup), core.ErrConflict)
			b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
				_, err := tx.Documents().Create(ctx, dup)
				require.ErrorIs(t, err, core.ErrConflict)
				_, err = tx.Documents().Create(ctx, b.newDocument(t, u, kyc.NationalCardFront, b.now))
				return err
			})
		}},
		{"DocumentCurrentListAndDelete", func(t *testing.T, b *bundle) {
			u, other := b.newUser(t), b.newUser(t)
			at := func(m int) time.Time { return b.now.Add(time.Duration(m) * time.Minute) }
			create := func(kind kyc.DocumentKind, m int) *kyc.Document {
				return b.createDocument(t, b.newDocument(t, u, kind, at(m)))
			}
			selfie := create(kyc.Selfie, 0)
			front1 := create(kyc.NationalCardFront, 1)
			back1 := create(kyc.NationalCardBack, 2)
			front2 := create(kyc.NationalCardFront, 3)
			back2 := create(kyc.NationalCardBack, 2) // created with back1: the later id is newer
			front3 := create(kyc.NationalCardFront, 4)
			theirs := b.createDocument(t, b.newDocument(t, other, kyc.NationalCardFront, at(9)))

			current, all := b.userDocuments(t, u)
			require.Equal(t, documentRecords(front3, back2, selfie), current)
			require.Equal(t, documentRecords(front3, front2, back2, back1, front1, selfie), all)
			current, all = b.userDocuments(t, other)
			require.Equal(t, documentRecords(theirs), current)
			require.Equal(t, documentRecords(theirs), all)
			current, all = b.userDocuments(t, b.newUser(t))
			require.Empty(t, current)
			require.Empty(t, all)

			del := func(ctx context.Context, id kyc.DocumentID) error {
				return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
					return tx.Documents().Delete(ctx, id)
				})
			}
			require.NoError(t, del(t.Context(), front3.ID()))
			require.NoError(t, del(t.Context(), selfie.ID()))
			require.ErrorIs(t, del(t.Context(), front3.ID()), core.ErrNotFound, "deleted already")
			_, err := b.storedDocument(t, front3.ID())
			require.ErrorIs(t, err, core.ErrNotFound)
			current, all = b.userDocuments(t, u)
			require.Equal(t, documentRecords(front2, back2), current)
			require.Equal(t, documentRecords(front2, back2, back1, front1), all)
		}},
	}
}
