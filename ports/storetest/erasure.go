package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// erase runs fn on the erasure repository in a transaction of its own.
func (b *bundle) erase(t *testing.T, fn func(ctx context.Context, e ports.ErasureRepository) error) {
	t.Helper()
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error { return fn(ctx, tx.Erasure()) })
}

// tryErase is erase, returning the error.
func (b *bundle) tryErase(ctx context.Context, fn func(ctx context.Context, e ports.ErasureRepository) error) error {
	return b.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error { return fn(ctx, tx.Erasure()) })
}

// storedUser reads user id in a snapshot.
func (b *bundle) storedUser(t *testing.T, id core.UserID) identity.UserRecord {
	t.Helper()
	var rec identity.UserRecord
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		u, err := tx.Users().Get(ctx, id)
		rec = u.Record()
		return err
	})
	return rec
}

// completeIdempotent stores a completed request under key in a transaction of its own.
func (b *bundle) completeIdempotent(t *testing.T, key idempotency.Key, fp idempotency.Fingerprint) {
	t.Helper()
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		stored, err := tx.Idempotency().Claim(ctx, key, fp, b.now)
		require.NoError(t, err)
		require.Nil(t, stored)
		resp := idempotency.Response{Status: 201, Body: []byte(`{"phone_number":"+989121234567"}`)}
		return tx.Idempotency().Complete(ctx, key, fp, resp, b.now, b.now.Add(idempotency.Retention))
	})
}

func erasureCases() []testCase {
	return []testCase{
		{"EraseUser", testEraseUser},
		{"EraseNationalID", testEraseNationalID},
		{"ForgetPhone", testForgetPhone},
		{"EraseBankAccounts", testEraseBankAccounts},
		{"EraseDeposits", testEraseDeposits},
		{"EraseSessions", testEraseSessions},
		{"ForgetIdempotency", testForgetIdempotency},
	}
}

// testEraseUser erases a user's profile, password and phone, which registers again; the
// user is disabled at the first erasure, or keeps an earlier disabling.
func testEraseUser(t *testing.T, b *bundle) {
	later := b.now.Add(time.Hour)
	const storedHash = "$argon2id$v=19$hash"
	create := func(phone string, disabledAt time.Time) identity.UserRecord {
		rec := identity.UserRecord{
			Phone: phone, PasswordHash: storedHash, FirstName: "سارا", LastName: "احمدی",
			Email: "sara@example.com", DateOfBirth: time.Date(1990, time.May, 17, 0, 0, 0, 0, time.UTC),
			Role: identity.RoleUser, PhoneVerifiedAt: b.now, DisabledAt: disabledAt,
			PasswordChangedAt: b.now, CreatedAt: b.now.Add(-time.Hour), UpdatedAt: b.now,
		}
		b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
			var err error
			rec.ID, err = tx.Users().Create(ctx, identity.RehydrateUserRecord(rec))
			return err
		})
		return rec
	}
	erased := func(rec identity.UserRecord, tombstone string, disabledAt time.Time) identity.UserRecord {
		rec.Phone, rec.PasswordHash, rec.FirstName, rec.LastName, rec.Email = tombstone, "", "", "", ""
		rec.DateOfBirth, rec.DisabledAt, rec.UpdatedAt = time.Time{}, disabledAt, later
		return rec
	}
	u := create("+989121110001", time.Time{})
	disabled := create("+989121110002", b.now.Add(-time.Minute))
	kept := create("+989121110003", time.Time{})

	b.erase(t, func(ctx context.Context, e ports.ErasureRepository) error {
		require.NoError(t, e.EraseUser(ctx, u.ID, "deleted:u", later))
		return e.EraseUser(ctx, disabled.ID, "deleted:d", later)
	})
	requireSameUser(t, erased(u, "deleted:u", later), b.storedUser(t, u.ID))
	requireSameUser(t, erased(disabled, "deleted:d", disabled.DisabledAt), b.storedUser(t, disabled.ID))
	requireSameUser(t, kept, b.storedUser(t, kept.ID))

	// Again, later still: nothing is left to change, and the first disabling stays.
	b.erase(t, func(ctx context.Context, e ports.ErasureRepository) error {
		return e.EraseUser(ctx, u.ID, "deleted:u", later.Add(time.Hour))
	})
	requireSameUser(t, erased(u, "deleted:u", later), b.storedUser(t, u.ID))

	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Users().GetByPhone(ctx, u.Phone)
		require.ErrorIs(t, err, core.ErrNotFound, "the old phone")
		byTombstone, err := tx.Users().GetByPhone(ctx, "deleted:u")
		require.NoError(t, err)
		require.Equal(t, u.ID, byTombstone.ID())
		return nil
	})
	// The phone may register again.
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Users().Create(ctx, identity.NewUser(u.Phone, later))
		return err
	})

	tests := []struct {
		name      string
		user      core.UserID
		tombstone string
		wantErr   error
	}{
		{"UnknownUser", 987654, "deleted:x", core.ErrNotFound},
		{"EmptyTombstone", kept.ID, "", core.ErrInvalidInput},
		{"TombstoneOfAnother", kept.ID, "deleted:u", core.ErrPhoneTaken},
	}
	for _, tt := range tests {
		err := b.tryErase(t.Context(), func(ctx context.Context, e ports.ErasureRepository) error {
			return e.EraseUser(ctx, tt.user, tt.tombstone, later)
		})
		require.ErrorIs(t, err, tt.wantErr, tt.name)
	}
	requireSameUser(t, kept, b.storedUser(t, kept.ID))
}

// testEraseNationalID erases a KYC profile's identity as [kyc.Profile.Erase] does, frees its
// national id, and leaves a user without a profile without one.
func testEraseNationalID(t *testing.T, b *bundle) {
	u, none, kept := b.newUser(t), b.newUser(t), b.newUser(t)
	later := b.now.Add(time.Hour)
	full := kyc.ProfileRecord{
		User: u, Status: kyc.StatusRejected, Level: 1, TargetLevel: 2, FirstName: "سارا",
		LastName: "احمدی", NationalID: nationalCode(t, 1), BirthDate: time.Date(1988, 12, 31, 0, 0, 0, 0, time.UTC),
		Shahkar: kyc.CheckPassed, RejectionReason: "نام سارا احمدی با کارت ملی نمی\u200cخواند",
		ReviewedBy: kept, SubmittedAt: b.now, ReviewedAt: b.now, UpdatedAt: b.now,
	}
	b.saveProfile(t, kyc.RehydrateProfile(full))
	keptProfile := b.saveProfile(t, submitted(t, kept, submission(t, 2, 1), b.now))

	want := kyc.RehydrateProfile(full)
	want.Erase(later)
	for i := range 2 {
		// The second time, later still, nothing is left to change.
		b.erase(t, func(ctx context.Context, e ports.ErasureRepository) error {
			require.NoError(t, e.EraseNationalID(ctx, u, "nid:u", later.Add(time.Duration(i)*time.Hour)))
			return e.EraseNationalID(ctx, none, "nid:none", later)
		})
		b.requireProfile(t, want.Record())
		b.requireProfile(t, kyc.NewProfile(none).Record())
		b.requireProfile(t, keptProfile.Record())
	}
	notSubmitted, _ := b.listProfiles(t, kyc.StatusNotSubmitted, 0, 10)
	require.Empty(t, notSubmitted, "no profile is created for a user without one")
	// The national id is free again.
	b.saveProfile(t, submitted(t, none, submission(t, 1, 1), later))
}

// testForgetPhone deletes a phone's codes, of every purpose, and its jobs.
func testForgetPhone(t *testing.T, b *bundle) {
	const phone, other = "+989121110001", "+989121110002"
	b.createOTP(t, phone, identity.PurposeLogin, "111111", b.now)
	b.createOTP(t, phone, identity.PurposeRegistration, "222222", b.now)
	b.createOTP(t, other, identity.PurposeLogin, "333333", b.now)
	jobs := []ports.Job{
		{Kind: "storetest_sms_otp", Args: json.RawMessage(`{"otp_id":1,"phone":"` + phone + `","purpose":"login"}`)},
		{Kind: "storetest_sms_otp", Args: json.RawMessage(`{"otp_id":2,"phone":"` + other + `"}`)},
		{Kind: "storetest_sms_unique", Args: json.RawMessage(`{"phone":"` + phone + `"}`), UniqueKey: "otp:" + phone},
		{Kind: "storetest_notice", Args: json.RawMessage(`{"user_id":1,"reference":"` + phone + `"}`)},
	}
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		for _, j := range jobs {
			if _, err := tx.Jobs().Enqueue(ctx, j); err != nil {
				return err
			}
		}
		return nil
	})

	for i, want := range []int64{4, 0} {
		b.erase(t, func(ctx context.Context, e ports.ErasureRepository) error {
			n, err := e.ForgetPhone(ctx, phone)
			require.Equal(t, want, n, "call %d", i)
			return err
		})
	}
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		for _, p := range []identity.Purpose{identity.PurposeLogin, identity.PurposeRegistration} {
			_, err := tx.OTPs().Latest(ctx, phone, p)
			require.ErrorIs(t, err, core.ErrNotFound, p.String())
		}
		n, err := tx.OTPs().CountSince(ctx, phone, identity.Purpose{}, b.now.Add(-time.Hour))
		require.NoError(t, err)
		require.Zero(t, n)
		_, err = tx.OTPs().Latest(ctx, other, identity.PurposeLogin)
		require.NoError(t, err, "another phone's code")
		return nil
	})
	require.Equal(t, 1, b.depth(t, "storetest_sms_otp"), "another phone's job")
	require.Zero(t, b.depth(t, "storetest_sms_unique"))
	require.Equal(t, 1, b.depth(t, "storetest_notice"), "a job that names the phone elsewhere than in phone")
}

// testEraseBankAccounts blanks a user's accounts and deletes them; they still read back,
// for the withdrawals that point at them.
func testEraseBankAccounts(t *testing.T, b *bundle) {
	u, other := b.newUser(t), b.newUser(t)
	later := b.now.Add(time.Hour)
	plain := b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMehr}, b.now))
	full := newBankAccount(t, u, payment.BankAccountInput{
		Sheba: shebaParsian, Card: cardMelli, AccountNumber: "0123456789", HolderName: "Reza Karimi", Default: true,
	}, b.now)
	require.NoError(t, full.Verify(b.now))
	full = b.createBankAccount(t, full)
	theirs := b.createBankAccount(t, newBankAccount(t, other, payment.BankAccountInput{Sheba: shebaMehr, Default: true}, b.now))
	b.deposit(t, u, 1_000_000)
	w := b.createHeldWithdrawal(t, b.newWithdrawal(t, u, plain.ID(), 100_000, b.now))

	erased := func(a *payment.BankAccount) payment.BankAccountRecord {
		rec := a.Record()
		rec.Sheba, rec.Card, rec.AccountNumber, rec.HolderName = iran.Sheba{}, iran.Card{}, "", ""
		rec.Default, rec.Deleted, rec.UpdatedAt = false, true, later
		return rec
	}
	for i := range 2 {
		// The second time, later still, nothing is left to change.
		b.erase(t, func(ctx context.Context, e ports.ErasureRepository) error {
			return e.EraseBankAccounts(ctx, u, later.Add(time.Duration(i)*time.Hour))
		})
		for _, a := range []*payment.BankAccount{plain, full} {
			got, err := b.storedBankAccount(t, a.ID())
			require.NoError(t, err)
			require.Equal(t, erased(a), got.Record())
			require.Empty(t, got.Record().Sheba.String())
		}
	}
	require.Empty(t, b.listBankAccounts(t, u))
	require.Equal(t, bankAccountRecords(theirs), b.listBankAccounts(t, other))
	stored, err := b.storedWithdrawal(t, w.ID())
	require.NoError(t, err)
	require.Equal(t, w.Record(), stored.Record(), "the withdrawal still points at its account")
	// Erased accounts hold no Sheba: the user's numbers are free again.
	b.createBankAccount(t, newBankAccount(t, u, payment.BankAccountInput{Sheba: shebaMehr}, later))
}

// testEraseDeposits blanks a user's cards, notes and receipts and hands out the receipts'
// keys once.
func testEraseDeposits(t *testing.T, b *bundle) {
	u, other, staff := b.newUser(t), b.newUser(t), b.newUser(t)
	later := b.now.Add(time.Hour)
	pending := b.newOnlineDeposit(t, u, 250_000, "zarinpal", b.now)
	paid := b.newOnlineDeposit(t, u, 300_000, "idpay", b.now)
	require.NoError(t, paid.Open("AUTH-1", b.now))
	_, err := paid.Credit(300_000, "REF-1", "603799******0590", 0, b.now)
	require.NoError(t, err)
	transfer := b.newBankTransfer(t, u, 5_000_000, b.now)
	require.NoError(t, transfer.AttachReceipt("receipts/u-1.jpg", "TRACK-1", "from Sara Ahmadi's account", b.now))
	rejected := b.newBankTransfer(t, u, 70_000, b.now)
	require.NoError(t, rejected.AttachReceipt("receipts/u-2.jpg", "", "", b.now))
	require.NoError(t, rejected.Reject("not on the statement", staff, b.now))
	theirs := b.newBankTransfer(t, other, 80_000, b.now)
	require.NoError(t, theirs.AttachReceipt("receipts/o-1.jpg", "", "note", b.now))
	deposits := []*payment.Deposit{pending, paid, transfer, rejected, theirs}
	for i, d := range deposits {
		deposits[i] = b.createDeposit(t, d)
	}

	erased := func(d *payment.Deposit) payment.DepositRecord {
		rec := d.Record()
		if rec.User == u && (rec.CardPANMasked != "" || rec.Notes != "" || rec.ReceiptKey != "") {
			rec.CardPANMasked, rec.Notes, rec.ReceiptKey, rec.UpdatedAt = "", "", "", later
		}
		return rec
	}
	wantKeys := []string{"receipts/u-1.jpg", "receipts/u-2.jpg"}
	for i := range 2 {
		var keys []string
		b.erase(t, func(ctx context.Context, e ports.ErasureRepository) error {
			keys, err = e.EraseDeposits(ctx, u, later.Add(time.Duration(i)*time.Hour))
			return err
		})
		require.ElementsMatch(t, wantKeys, keys, "call %d", i)
		wantKeys = nil // the second call finds none
		for _, d := range deposits {
			got, err := b.storedDeposit(t, d.ID())
			require.NoError(t, err)
			require.Equal(t, erased(d), got.Record())
		}
	}
}

// testEraseSessions blanks the client address and agent of a user's sessions only.
func testEraseSessions(t *testing.T, b *bundle) {
	u, other := b.newUser(t), b.newUser(t)
	var sessions []*identity.Session
	for i, owner := range []core.UserID{u, u, other} {
		id := fmt.Sprintf("ses_erase_%d", i)
		s, err := identity.NewSession(id, owner, identity.HashRefreshToken(id), "Firefox on Linux", "203.0.113.7", b.now, time.Hour)
		require.NoError(t, err)
		b.inTx(t, func(ctx context.Context, tx ports.Tx) error { return tx.Sessions().Create(ctx, s) })
		sessions = append(sessions, s)
	}
	for range 2 {
		b.erase(t, func(ctx context.Context, e ports.ErasureRepository) error { return e.EraseSessions(ctx, u) })
		for _, s := range sessions {
			want := s.Record()
			if want.UserID == u {
				want.UserAgent, want.IP = "", ""
			}
			b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
				got, err := tx.Sessions().Get(ctx, want.ID)
				require.NoError(t, err)
				requireSameSession(t, want, got.Record())
				return nil
			})
		}
	}
}

// testForgetIdempotency deletes the records of the user's requests, whose scopes start with
// "user:<id>:", and no others.
func testForgetIdempotency(t *testing.T, b *bundle) {
	u := b.newUser(t)
	fp := idempotency.FingerprintOf([]byte(`{"amount":1000}`))
	scopes := map[string]bool{ // scope: whether it is u's
		fmt.Sprintf("user:%d:deposit", u):                    true,
		fmt.Sprintf("user:%d:trading.place_order", u):        true,
		fmt.Sprintf("user:%d0:deposit", u):                   false,
		fmt.Sprintf("user:1%d:deposit", u):                   false,
		"ip:203.0.113.7:auth.register":                       false,
		fmt.Sprintf("staff:%d:payments.approve_withdraw", u): false,
	}
	keys := make(map[idempotency.Key]bool, len(scopes))
	for scope, mine := range scopes {
		key, err := idempotency.NewKey(scope, "key-00000001")
		require.NoError(t, err)
		b.completeIdempotent(t, key, fp)
		keys[key] = mine
	}
	for i, want := range []int64{2, 0} {
		b.erase(t, func(ctx context.Context, e ports.ErasureRepository) error {
			n, err := e.ForgetIdempotency(ctx, u)
			require.Equal(t, want, n, "call %d", i)
			return err
		})
	}
	err := b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		for key, mine := range keys {
			stored, err := tx.Idempotency().Claim(ctx, key, fp, b.now)
			require.NoError(t, err)
			require.Equal(t, mine, stored == nil, "scope %s: forgotten", key.Scope())
		}
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
}
