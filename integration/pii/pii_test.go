package pii_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/integration/accountstest"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/integration/pii"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/ratelimittest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The person of the tests, stored in a text, a date, a binary and a JSON column.
const (
	phone = "+989121234567"
	email = "Sara.Ahmadi@Example.com"
	name  = "سارا"
	born  = "1990-05-17"
)

func TestScan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		open func(t *testing.T, clock ports.Clock) *accountstest.Store
	}{
		{"SQLite", accountstest.NewStore},
		{"PostgreSQL", accountstest.NewPostgresStore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := ratelimittest.NewClock()
			store := tt.open(t, clock)
			user := storePerson(t, store, clock.Now())
			// The email in another case, and a needle that is nowhere.
			needles := []string{phone, strings.ToUpper(email), name, born, "nowhere@example.com"}

			found := store.ScanPII(t, needles...)
			require.ElementsMatch(t, []string{
				"users.phone " + phone,
				"users.email " + strings.ToUpper(email),
				"users.first_name " + name,
				"users.date_of_birth " + born,
				"idempotency_records.body " + phone,
				"river_job.args " + phone,
			}, cells(found))
			for _, f := range found {
				require.NotEmpty(t, f.Row, f.String())
				require.Contains(t, strings.ToLower(f.Value), strings.ToLower(f.Needle), f.String())
			}

			require.NoError(t, store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				e := tx.Erasure()
				if err := e.EraseUser(ctx, user, "deleted:1", clock.Now()); err != nil {
					return err
				}
				if _, err := e.ForgetPhone(ctx, phone); err != nil {
					return err
				}
				_, err := e.ForgetIdempotency(ctx, user)
				return err
			}))
			require.Empty(t, store.ScanPII(t, needles...))

			db, engine := store.SQLDB(t)
			_, err := pii.Scan(t.Context(), db, engine, []string{phone, ""})
			require.Error(t, err, "an empty needle")
		})
	}
}

// storePerson stores a user with the person's data, a stored response that quotes the phone
// and a job whose args name it, and returns the user's id.
func storePerson(t *testing.T, store *accountstest.Store, now time.Time) core.UserID {
	t.Helper()
	var id core.UserID
	require.NoError(t, store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		id, err = tx.Users().Create(ctx, identity.RehydrateUserRecord(identity.UserRecord{
			Phone: phone, FirstName: name, LastName: "احمدی", Email: email,
			DateOfBirth: time.Date(1990, time.May, 17, 0, 0, 0, 0, time.UTC),
			Role:        identity.RoleUser, CreatedAt: now, UpdatedAt: now,
		}))
		if err != nil {
			return err
		}
		key, err := idempotency.NewKey("user:"+id.String()+":accounts.update_profile", "key-00000001")
		if err != nil {
			return err
		}
		fp := idempotency.FingerprintOf([]byte(`{}`))
		if _, err := tx.Idempotency().Claim(ctx, key, fp, now); err != nil {
			return err
		}
		body := []byte(`{"success":true,"data":{"phone_number":"` + phone + `"}}`)
		if err := tx.Idempotency().Complete(ctx, key, fp, idempotency.Response{Status: 200, Body: body}, now, now.Add(time.Hour)); err != nil {
			return err
		}
		args, err := json.Marshal(map[string]any{"otp_id": 1, "phone": phone})
		if err != nil {
			return err
		}
		_, err = tx.Jobs().Enqueue(ctx, ports.Job{Kind: "pii_test_sms", Args: args})
		return err
	}))
	return id
}

// cells names each finding's table (without PostgreSQL's schema), column and needle.
func cells(found []pii.Finding) []string {
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = strings.TrimPrefix(f.Table, "public.") + "." + f.Column + " " + f.Needle
	}
	return out
}
