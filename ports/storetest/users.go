package storetest

import (
	"context"
	"testing"
	"time"

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
		{"UserSearch", testUserSearch},
		{"OpenAccountsForMissingUser", func(t *testing.T, b *bundle) {
			err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				return tx.Ledger().OpenUserAccounts(ctx, 987654)
			})
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
	}
}

// testUserSearch checks the staff's user search: an all-digit query names an id (Persian
// digits too), any other text is a case-insensitive substring of the phone, the names or the
// email in which LIKE's wildcards match only themselves; the disabled filter; newest first
// with ties by id descending; paging and the count.
func testUserSearch(t *testing.T, b *bundle) {
	create := func(phone, first, last, email string, after time.Duration, disabled bool) core.UserID {
		rec := identity.UserRecord{
			Phone: phone, FirstName: first, LastName: last, Email: email,
			CreatedAt: b.now.Add(after), PhoneVerifiedAt: b.now,
		}
		if disabled {
			rec.DisabledAt = b.now.Add(time.Hour)
		}
		var id core.UserID
		b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
			var err error
			id, err = tx.Users().Create(ctx, identity.RehydrateUserRecord(rec))
			return err
		})
		return id
	}
	ali := create("+989121110001", "Ali", "Rezaei", "Ali.Rezaei@Example.com", 0, false)
	sara := create("+989121110002", "Sara", "Ahmadi", "sara_a@example.com", time.Minute, true)
	karimi := create("+989351110003", "علی", "کریمی", "", time.Minute, false) // ties with sara, later id
	reza := create("+989121110004", "Reza", "50%", "reza@example.com", 2*time.Minute, false)
	yes, no := true, false

	search := func(f ports.UserFilter, offset, limit int) ([]core.UserID, int) {
		t.Helper()
		var (
			ids   []core.UserID
			count int
		)
		require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			users, n, err := tx.Users().Search(ctx, f, offset, limit)
			if err != nil {
				return err
			}
			for _, u := range users {
				ids = append(ids, u.ID())
			}
			count = n
			return nil
		}))
		return ids, count
	}

	for _, c := range []struct {
		name   string
		filter ports.UserFilter
		want   []core.UserID
	}{
		{"All", ports.UserFilter{}, []core.UserID{reza, karimi, sara, ali}},
		{"Blank", ports.UserFilter{Query: "  "}, []core.UserID{reza, karimi, sara, ali}},
		{"ID", ports.UserFilter{Query: sara.String()}, []core.UserID{sara}},
		{"PersianDigitID", ports.UserFilter{Query: persianDigits(sara.String())}, []core.UserID{sara}},
		{"DigitsAreNotPhone", ports.UserFilter{Query: "1110001"}, nil},
		{"ZeroID", ports.UserFilter{Query: "0"}, nil},
		{"HugeID", ports.UserFilter{Query: "99999999999999999999999"}, nil},
		{"PhoneSubstring", ports.UserFilter{Query: "+98935"}, []core.UserID{karimi}},
		{"LastNameAnyCase", ports.UserFilter{Query: "rEZAEI"}, []core.UserID{ali}},
		{"FirstNameAndEmail", ports.UserFilter{Query: "REZA"}, []core.UserID{reza, ali}},
		{"EmailAnyCase", ports.UserFilter{Query: "EXAMPLE.COM"}, []core.UserID{reza, sara, ali}},
		{"PersianName", ports.UserFilter{Query: " علی "}, []core.UserID{karimi}},
		{"UnderscoreIsLiteral", ports.UserFilter{Query: "_"}, []core.UserID{sara}},
		{"PercentIsLiteral", ports.UserFilter{Query: "%"}, []core.UserID{reza}},
		{"BackslashIsLiteral", ports.UserFilter{Query: `\`}, nil},
		{"Disabled", ports.UserFilter{Disabled: &yes}, []core.UserID{sara}},
		{"Enabled", ports.UserFilter{Disabled: &no}, []core.UserID{reza, karimi, ali}},
		{"EnabledAndText", ports.UserFilter{Query: "example", Disabled: &no}, []core.UserID{reza, ali}},
		{"DisabledAndID", ports.UserFilter{Query: ali.String(), Disabled: &yes}, nil},
	} {
		ids, count := search(c.filter, 0, 10)
		require.Equal(t, c.want, ids, c.name)
		require.Len(t, c.want, count, c.name)
	}

	ids, count := search(ports.UserFilter{}, 1, 2)
	require.Equal(t, []core.UserID{karimi, sara}, ids, "second page")
	require.Equal(t, 4, count)
	ids, count = search(ports.UserFilter{Query: "example"}, 5, 2)
	require.Empty(t, ids, "past the end")
	require.Equal(t, 3, count)
	ids, count = search(ports.UserFilter{}, 0, 0)
	require.Empty(t, ids, "zero limit")
	require.Equal(t, 4, count)

	err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, _, err := tx.Users().Search(ctx, ports.UserFilter{}, -1, 10)
		return err
	})
	require.ErrorIs(t, err, core.ErrInvalidInput, "negative offset")
}

// persianDigits writes the ASCII digits of s as Persian digits (U+06F0–U+06F9).
func persianDigits(s string) string {
	out := []rune(s)
	for i, r := range out {
		if r >= '0' && r <= '9' {
			out[i] = '۰' + (r - '0')
		}
	}
	return string(out)
}
