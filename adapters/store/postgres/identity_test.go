package postgres_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	migrations "github.com/talabin/talabin/migrations/postgres"
	"github.com/talabin/talabin/ports"
)

var testCodeKeys = func() identity.CodeKeys {
	keys, err := identity.NewCodeKeys(identity.CodeKey{ID: "k1", Secret: bytes.Repeat([]byte{9}, 32)})
	if err != nil {
		panic(err)
	}
	return keys
}()

// newOTP returns a login code for phone issued at now.
func newOTP(t testing.TB, phone, code string, now time.Time) *identity.OTP {
	t.Helper()
	otp, err := identity.NewOTP(phone, identity.PurposeLogin, code, testCodeKeys, now, 5*time.Minute)
	require.NoError(t, err)
	return otp
}

// queryInt runs a query that returns one integer on a connection of its own.
func (b *testBundle) queryInt(t testing.TB, query string, args ...any) int64 {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), b.dsn)
	require.NoError(t, err)
	defer func() { require.NoError(t, conn.Close(context.WithoutCancel(t.Context()))) }()
	var n int64
	require.NoError(t, conn.QueryRow(t.Context(), query, args...).Scan(&n))
	return n
}

// parallel runs fn in n goroutines released at once and returns their errors.
func parallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-ready
			errs[i] = fn(i)
		})
	}
	close(ready)
	wg.Wait()
	return errs
}

func TestOTPParallelSendsLeaveOneUsableCode(t *testing.T) {
	t.Parallel()
	// Codes sent at once for one phone and purpose cannot see each other's inserts; the
	// unique index of usable codes makes the later ones retry and void the earlier ones.
	const (
		senders = 8
		phone   = "+989121234567"
	)
	b := setup(t, postgres.Options{MaxRetries: 50})
	ids := make([]identity.OTPID, senders)
	errs := parallel(senders, func(i int) error {
		return b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			var err error
			ids[i], err = tx.OTPs().Create(ctx, newOTP(t, phone, "123456", b.now))
			return err
		})
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, senders, b.queryInt(t, "SELECT count(*) FROM otp_codes WHERE phone = $1", phone))
	require.EqualValues(t, 1, b.queryInt(t,
		"SELECT count(*) FROM otp_codes WHERE phone = $1 AND consumed_at IS NULL AND voided_at IS NULL", phone))
	last := b.queryInt(t, "SELECT max(id) FROM otp_codes WHERE phone = $1", phone)
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		otp, err := tx.OTPs().Latest(ctx, phone, identity.PurposeLogin)
		require.NoError(t, err)
		require.EqualValues(t, last, otp.ID(), "the last committed code is the usable one")
		require.Contains(t, ids, otp.ID())
		return nil
	}))
}

func TestOTPSaveNeverLowersAttempts(t *testing.T) {
	t.Parallel()
	const phone = "+989121234568"
	b := setup(t, postgres.Options{})
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.OTPs().Create(ctx, newOTP(t, phone, "123456", b.now))
		return err
	}))
	var stale *identity.OTP
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		stale, err = tx.OTPs().Latest(ctx, phone, identity.PurposeLogin)
		return err
	}))
	for range 2 {
		require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			otp, err := tx.OTPs().Latest(ctx, phone, identity.PurposeLogin)
			require.NoError(t, err)
			require.Error(t, otp.Verify("000000", testCodeKeys, b.now))
			return tx.OTPs().Save(ctx, otp)
		}))
	}
	// A save from a read taken before those two attempts counts its own attempt only.
	require.Error(t, stale.Verify("000000", testCodeKeys, b.now))
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		return tx.OTPs().Save(ctx, stale)
	}))
	require.EqualValues(t, 2, b.queryInt(t, "SELECT attempts FROM otp_codes WHERE phone = $1", phone))
}

// waitBehindLock runs second in a goroutine of its own while the caller's transaction holds
// its locks, and returns once second waits for a lock. It fails t when second finishes
// without waiting, or does not wait within five seconds. The caller reads second's result
// from the returned channel after its transaction ends.
func (b *testBundle) waitBehindLock(t *testing.T, second func() error) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- second() }()
	conn, err := pgx.Connect(t.Context(), b.dsn)
	require.NoError(t, err)
	defer func() { require.NoError(t, conn.Close(context.WithoutCancel(t.Context()))) }()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			require.Failf(t, "second transaction did not wait for the lock", "it returned %v", err)
		default:
		}
		var waiting int
		require.NoError(t, conn.QueryRow(t.Context(), `
			SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting))
		if waiting > 0 {
			return done
		}
		time.Sleep(5 * time.Millisecond)
	}
	require.Fail(t, "second transaction never waited for the lock")
	return done
}

func TestSessionRefreshWaitsForRotation(t *testing.T) {
	t.Parallel()
	// A refresh that presents the token another refresh is rotating waits for that
	// session's row lock, then sees the rotation and replays its successor.
	b := setup(t, postgres.Options{MaxRetries: 1})
	u := b.newUser(t)
	t0, t1 := identity.HashRefreshToken("refresh-0"), identity.HashRefreshToken("refresh-1")
	s, err := identity.NewSession("ses_refresh", u, t0, "", "", b.now, time.Hour)
	require.NoError(t, err)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		return tx.Sessions().Create(ctx, s)
	}))
	refresh := func(ctx context.Context, tx ports.Tx) (identity.RotateOutcome, error) {
		got, err := tx.Sessions().GetByRefreshHash(ctx, t0)
		if err != nil {
			return identity.RotateOutcome{}, err
		}
		outcome, err := got.Rotate(t0, t1, b.now.Add(time.Minute), 30*time.Second)
		if err != nil {
			return identity.RotateOutcome{}, err
		}
		if outcome == identity.RotateRotated {
			return outcome, tx.Sessions().Save(ctx, got)
		}
		return outcome, nil
	}
	var first, second identity.RotateOutcome
	var secondDone <-chan error
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		if first, err = refresh(ctx, tx); err != nil {
			return err
		}
		secondDone = b.waitBehindLock(t, func() error {
			return b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
				var err error
				second, err = refresh(ctx, tx)
				return err
			})
		})
		return nil
	}))
	require.NoError(t, <-secondDone)
	require.Equal(t, identity.RotateRotated, first)
	require.Equal(t, identity.RotateGraceReplay, second)
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		got, err := tx.Sessions().Get(ctx, "ses_refresh")
		require.NoError(t, err)
		require.Equal(t, t1, got.CurrentHash())
		prev, ok := got.PreviousHash()
		require.True(t, ok)
		require.Equal(t, t0, prev)
		return nil
	}))
}

func TestOTPVerificationWaitsForAttempt(t *testing.T) {
	t.Parallel()
	// A verification of a code that another verification holds waits for it, so both wrong
	// attempts are counted.
	const phone = "+989121234566"
	b := setup(t, postgres.Options{MaxRetries: 1})
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.OTPs().Create(ctx, newOTP(t, phone, "123456", b.now))
		return err
	}))
	wrongAttempt := func(ctx context.Context, tx ports.Tx) error {
		otp, err := tx.OTPs().Latest(ctx, phone, identity.PurposeLogin)
		if err != nil {
			return err
		}
		if err := otp.Verify("000000", testCodeKeys, b.now); !errors.Is(err, core.ErrOTPInvalid) {
			return fmt.Errorf("verify a wrong code: got %w", err)
		}
		return tx.OTPs().Save(ctx, otp)
	}
	var secondDone <-chan error
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		if err := wrongAttempt(ctx, tx); err != nil {
			return err
		}
		secondDone = b.waitBehindLock(t, func() error { return b.store.InTx(t.Context(), wrongAttempt) })
		return nil
	}))
	require.NoError(t, <-secondDone)
	require.EqualValues(t, 2, b.queryInt(t, "SELECT attempts FROM otp_codes WHERE phone = $1", phone))
}

func TestUserGetForUpdateSerializesUpdates(t *testing.T) {
	t.Parallel()
	const writers = 10
	b := setup(t, postgres.Options{})
	u := b.newUser(t)
	errs := parallel(writers, func(int) error {
		return b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			user, err := tx.Users().GetForUpdate(ctx, u)
			if err != nil {
				return err
			}
			name := user.FirstName() + "x"
			if err := user.UpdateProfile(identity.ProfileUpdate{FirstName: &name}, b.now); err != nil {
				return err
			}
			return tx.Users().Update(ctx, user)
		})
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		user, err := tx.Users().Get(ctx, u)
		require.NoError(t, err)
		require.Equal(t, "xxxxxxxxxx", user.FirstName(), "no update was lost")
		return nil
	}))
}

func TestUserLockLeavesReferencesFree(t *testing.T) {
	t.Parallel()
	// While one transaction holds a user for update, another can still create a row that
	// references the user: the user lock does not block foreign key checks.
	b := setup(t, postgres.Options{LockTimeout: 200 * time.Millisecond, MaxRetries: 1})
	u := b.newUser(t)
	s, err := identity.NewSession("ses_while_locked", u, identity.HashRefreshToken("r"), "", "", b.now, time.Hour)
	require.NoError(t, err)
	var createErr error
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		if _, err := tx.Users().GetForUpdate(ctx, u); err != nil {
			return err
		}
		createErr = b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			return tx.Sessions().Create(ctx, s)
		})
		return nil
	}))
	require.NoError(t, createErr)
}

func TestSnapshotLockingReadsTakeNoLocks(t *testing.T) {
	t.Parallel()
	// PostgreSQL refuses row locks in read-only transactions, so the locking reads read
	// plainly in a snapshot; a write transaction can lock the same rows meanwhile.
	const phone = "+989121234569"
	b := setup(t, postgres.Options{LockTimeout: 200 * time.Millisecond, MaxRetries: 1})
	u := b.newUser(t)
	hash := identity.HashRefreshToken("snapshot")
	s, err := identity.NewSession("ses_snapshot", u, hash, "", "", b.now, time.Hour)
	require.NoError(t, err)
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		if _, err := tx.OTPs().Create(ctx, newOTP(t, phone, "123456", b.now)); err != nil {
			return err
		}
		return tx.Sessions().Create(ctx, s)
	}))
	lockAll := func(ctx context.Context, tx ports.Tx) error {
		if _, err := tx.Users().GetForUpdate(ctx, u); err != nil {
			return err
		}
		if _, err := tx.OTPs().Latest(ctx, phone, identity.PurposeLogin); err != nil {
			return err
		}
		_, err := tx.Sessions().GetByRefreshHash(ctx, hash)
		return err
	}
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		if err := lockAll(ctx, tx); err != nil {
			return err
		}
		return b.store.InTx(ctx, lockAll)
	}))
}

func TestMigrateIdentityBackfillsUsers(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	db := sql.OpenDB(stdlib.GetConnector(*mustParseConfig(t, b.dsn)))
	defer func() { require.NoError(t, db.Close()) }()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	require.NoError(t, err)
	_, err = p.DownTo(t.Context(), 3)
	require.NoError(t, err)
	created := time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)
	var id int64
	require.NoError(t, db.QueryRowContext(t.Context(),
		"INSERT INTO users (phone, created_at) VALUES ('+989121234560', $1) RETURNING id", created).Scan(&id))
	_, err = p.Up(t.Context())
	require.NoError(t, err)

	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		user, err := tx.Users().GetByPhone(ctx, "+989121234560")
		require.NoError(t, err)
		require.Equal(t, identity.UserRecord{
			ID: user.ID(), Phone: "+989121234560", Role: identity.RoleUser, CreatedAt: created, UpdatedAt: created,
		}, user.Record())
		return nil
	}))
}

// mustParseConfig parses a pgx connection string.
func mustParseConfig(t testing.TB, dsn string) *pgx.ConnConfig {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(t, err)
	return cfg
}

func TestSessionRevokeByUserNeedsReason(t *testing.T) {
	t.Parallel()
	b := setup(t, postgres.Options{})
	u := b.newUser(t)
	err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Sessions().RevokeByUser(ctx, u, "", b.now, identity.RevokeReason{})
		return err
	})
	require.ErrorIs(t, err, core.ErrInvalidInput)
}
