package privacy_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/privacy"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	onEveryEngine(t, func(t *testing.T, b *bundle) {
		c := b.signUp(t)
		b.fullHistory(t, c)
		require.Len(t, b.blobs.Keys(), 4, "three documents and a receipt")
		requireEveryTableFinds(t, b, c)
		before, err := b.svc.Export(t.Context(), c.p)
		require.NoError(t, err)

		out, err := b.svc.DeleteAccount(t.Context(), c.p, deletion(), ports.IdempotentCall{})

		require.NoError(t, err)
		require.Nil(t, out.Replayed)

		// Signed out everywhere at once, and no way back in.
		_, err = b.accounts.Authenticate(t.Context(), c.access)
		require.ErrorIs(t, err, core.ErrTokenRevoked, "this instance's session cache was told")
		_, err = b.accounts.Login(t.Context(), ports.LoginInput{Phone: c.phone, Password: testPassword})
		require.ErrorIs(t, err, core.ErrInvalidCredentials)

		u := b.user(t, c.p.UserID)
		require.True(t, u.Disabled())
		require.False(t, u.HasPassword())
		require.Equal(t, privacy.Tombstone(tombstoneKey, c.phone), u.Phone())
		require.Empty(t, u.FirstName()+u.LastName()+u.Email())
		_, hasDOB := u.DateOfBirth()
		require.False(t, hasDOB)

		require.Empty(t, b.blobs.Keys(), "the documents' and the receipt's files are gone")
		b.requireLedgerClean(t)
		b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
			_, err := tx.Users().GetByPhone(ctx, c.phone)
			require.ErrorIs(t, err, core.ErrNotFound, "the number is free")

			profile, err := tx.KYC().Get(ctx, c.p.UserID)
			require.NoError(t, err)
			r := profile.Record()
			require.Empty(t, r.NationalID.String()+r.FirstName+r.LastName)
			require.Equal(t, 1, r.Level, "the level stays for the records")
			docs, err := tx.Documents().ListByUser(ctx, c.p.UserID)
			require.NoError(t, err)
			require.Empty(t, docs)

			active, err := tx.BankAccounts().ListByUser(ctx, c.p.UserID)
			require.NoError(t, err)
			require.Empty(t, active)
			account, err := tx.BankAccounts().Get(ctx, before.BankAccounts[0].ID())
			require.NoError(t, err)
			require.True(t, account.Deleted())
			require.Empty(t, account.Record().HolderName+account.Record().Card.Masked()+account.Record().AccountNumber)

			// The financial records stay, linked to the user id.
			_, orders, err := tx.Orders().List(ctx, c.p.UserID, ports.OrderFilter{}, 0, 10)
			require.NoError(t, err)
			require.Equal(t, len(before.Orders), orders)
			deposits, n, err := tx.Deposits().List(ctx, ports.DepositFilter{User: c.p.UserID}, 0, 10)
			require.NoError(t, err)
			require.Equal(t, len(before.Deposits), n)
			for _, d := range deposits {
				r := d.Record()
				require.Empty(t, r.CardPANMasked+r.Notes+r.ReceiptKey, "deposit %s", r.Number)
			}
			_, n, err = tx.Withdrawals().List(ctx, ports.WithdrawalFilter{User: c.p.UserID}, 0, 10)
			require.NoError(t, err)
			require.Equal(t, len(before.Withdrawals), n)
			_, n, err = tx.Ledger().Entries(ctx, c.p.UserID, nil, 0, 1)
			require.NoError(t, err)
			require.Positive(t, n)
			consents, err := tx.Consents().List(ctx, c.p.UserID)
			require.NoError(t, err)
			require.Equal(t, before.Consents, consents, "the consents outlive the account")

			events, n, err := tx.Audit().List(ctx, ports.AuditFilter{Action: "account.delete"}, 0, 10)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			e := events[0]
			require.Equal(t, c.p.UserID, e.ActorID)
			require.Equal(t, "user", e.Entity)
			require.Equal(t, c.p.UserID.String(), e.EntityID)
			require.Empty(t, e.IP+e.UserAgent, "no client details")
			return nil
		})
		requireNoPII(t, b, c)

		// The number registers again, as a new account.
		b.clock.Advance(identity.DefaultOTPResendInterval)
		sent, err := b.accounts.Register(t.Context(), ports.RegisterInput{Phone: c.phone, Password: testPassword, PasswordConfirm: testPassword})
		require.NoError(t, err)
		_, err = b.accounts.VerifyOTP(t.Context(), ports.VerifyOTPInput{Phone: c.phone, Code: sent.DebugCode, Purpose: identity.PurposeRegistration})
		require.NoError(t, err)
		in, err := b.accounts.Login(t.Context(), ports.LoginInput{Phone: c.phone, Password: testPassword})
		require.NoError(t, err)
		require.NotEqual(t, c.p.UserID, in.User.ID())
	})
}

func TestDeleteAccountRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(t *testing.T, b *bundle, c person)
		in      func(ports.AccountDeletion) ports.AccountDeletion
		check   func(t *testing.T, err error)
	}{
		{
			name:    "RialBalance",
			prepare: func(t *testing.T, b *bundle, c person) { b.credit(t, c.p.UserID, 100_000) },
			check:   isErr(core.ErrAccountHasBalance),
		},
		{
			name: "GoldBalance",
			prepare: func(t *testing.T, b *bundle, c person) {
				b.stockGold(t)
				b.credit(t, c.p.UserID, 1_005_000)
				buy, err := trading.BuyByRials(1_000_000, sellPrice, feeRate)
				require.NoError(t, err)
				b.trade(t, c.p.UserID, buy)
				require.Zero(t, b.balance(t, c.p.UserID, ledger.IRR).Total())
			},
			check: isErr(core.ErrAccountHasBalance),
		},
		{
			name: "HeldRials",
			prepare: func(t *testing.T, b *bundle, c person) {
				b.credit(t, c.p.UserID, 100_000)
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					h, err := ledger.NewHold(c.p.UserID, ledger.IRR, 100_000, "hold-1")
					if err != nil {
						return err
					}
					_, err = tx.Ledger().PlaceHold(ctx, h)
					return err
				})
				require.Zero(t, b.balance(t, c.p.UserID, ledger.IRR).Available)
			},
			check: isErr(core.ErrAccountHasBalance),
		},
		{
			name:    "PendingDeposit",
			prepare: func(t *testing.T, b *bundle, c person) { b.pendingDeposit(t, c.p.UserID) },
			check:   isInvalidState("deposit", "pending"),
		},
		{
			name: "UnknownDepositReadsPending",
			prepare: func(t *testing.T, b *bundle, c person) {
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					d, err := b.onlineDeposit(ctx, t, tx, c.p.UserID, 500_000)
					if err != nil {
						return err
					}
					if err := d.Unknown(b.clock.Now()); err != nil {
						return err
					}
					return tx.Deposits().Save(ctx, d)
				})
			},
			check: isInvalidState("deposit", "pending"),
		},
		{
			name: "PendingOrder",
			prepare: func(t *testing.T, b *bundle, c person) {
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					terms, err := trading.BuyByRials(1_000_000, sellPrice, feeRate)
					if err != nil {
						return err
					}
					o, err := trading.NewOrder(b.number(t), c.p.UserID, terms, "", b.clock.Now())
					if err != nil {
						return err
					}
					_, err = tx.Orders().Create(ctx, o)
					return err
				})
			},
			check: isInvalidState("order", "pending"),
		},
		{
			name: "Staff",
			prepare: func(t *testing.T, b *bundle, c person) {
				b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
					u, err := tx.Users().GetForUpdate(ctx, c.p.UserID)
					if err != nil {
						return err
					}
					if err := u.SetRole(identity.RoleAdmin, b.clock.Now()); err != nil {
						return err
					}
					return tx.Users().Update(ctx, u)
				})
			},
			check: isInvalidState("user", "admin"),
		},
		{
			name:  "WrongPassword",
			in:    func(in ports.AccountDeletion) ports.AccountDeletion { in.Password = "Not-The-Passw0rd"; return in },
			check: isErr(core.ErrWrongPassword),
		},
		{
			name:  "WrongConfirm",
			in:    func(in ports.AccountDeletion) ports.AccountDeletion { in.Confirm = "delete"; return in },
			check: isValidation("confirm"),
		},
		{
			name:  "NoProof",
			in:    func(in ports.AccountDeletion) ports.AccountDeletion { in.Password = ""; return in },
			check: isValidation(core.NonFieldErrors),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			c := b.signUp(t)
			b.verifyKYC(t, c)
			if tt.prepare != nil {
				tt.prepare(t, b, c)
			}
			in := deletion()
			if tt.in != nil {
				in = tt.in(in)
			}

			_, err := b.svc.DeleteAccount(t.Context(), c.p, in, ports.IdempotentCall{})

			tt.check(t, err)
			requireUntouched(t, b, c)
			require.Len(t, b.blobs.Keys(), 3, "the documents' files are kept")
		})
	}
	t.Run("Anonymous", func(t *testing.T) {
		t.Parallel()
		b := setup(t)

		_, err := b.svc.DeleteAccount(t.Context(), ports.Principal{}, deletion(), ports.IdempotentCall{})

		require.ErrorIs(t, err, core.ErrNotAuthenticated)
	})
}

// requireUntouched checks that c's account survived a refused deletion: still signed in,
// still signing in, still named.
func requireUntouched(t *testing.T, b *bundle, c person) {
	t.Helper()
	_, err := b.accounts.Authenticate(t.Context(), c.access)
	require.NoError(t, err)
	_, err = b.accounts.Login(t.Context(), ports.LoginInput{Phone: c.phone, Password: testPassword})
	require.NoError(t, err)
	u := b.user(t, c.p.UserID)
	require.Equal(t, c.phone, u.Phone())
	require.Equal(t, c.first, u.FirstName())
}

func isErr(target error) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		require.ErrorIs(t, err, target)
	}
}

func isInvalidState(object, state string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var e *core.InvalidStateError
		require.ErrorAs(t, err, &e)
		require.Equal(t, object, e.Object)
		require.Equal(t, state, e.State)
	}
}

func isValidation(field string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ve *core.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Contains(t, ve.FieldNames(), field)
	}
}

func TestDeleteAccountByCode(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.signUp(t)
	earlier := b.rememberResponse(t, c)
	require.NotNil(t, b.stored(t, earlier))
	sent, err := b.accounts.SendOTP(t.Context(), ports.SendOTPInput{Phone: c.phone, Purpose: identity.PurposeAccountDeletion, Client: c.p.Client})
	require.NoError(t, err)
	require.NotEmpty(t, sent.DebugCode)
	byCode := func(code string) ports.AccountDeletion {
		return ports.AccountDeletion{Code: code, Confirm: privacy.ConfirmWord}
	}
	wrong := "000000"
	if sent.DebugCode == wrong {
		wrong = "111111"
	}

	_, err = b.svc.DeleteAccount(t.Context(), c.p, byCode(wrong), ports.IdempotentCall{})

	require.ErrorIs(t, err, core.ErrOTPInvalid)
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		otp, err := tx.OTPs().Latest(ctx, c.phone, identity.PurposeAccountDeletion)
		require.NoError(t, err)
		require.Equal(t, 1, otp.Attempts(), "the wrong attempt was committed")
		return nil
	})
	requireUntouched(t, b, c)

	call := keyedCall(t, c, "delete-key-1")
	out, err := b.svc.DeleteAccount(t.Context(), c.p, byCode(sent.DebugCode), call)

	require.NoError(t, err)
	require.Nil(t, out.Replayed)
	require.True(t, b.user(t, c.p.UserID).Disabled())

	replay, err := b.svc.DeleteAccount(t.Context(), c.p, byCode(sent.DebugCode), call)

	require.NoError(t, err)
	require.Equal(t, &idempotency.Response{Status: 200, Body: []byte(`{"success":true}`)}, replay.Replayed,
		"the deletion's own response outlives the earlier ones it forgot")
	require.Nil(t, b.stored(t, earlier), "the earlier response, which named the user, is gone")
	requireNoPII(t, b, c)
}

// keyedCall returns a call of c with key value whose stored responses say only whether it
// worked.
func keyedCall(t *testing.T, c person, value string) ports.IdempotentCall {
	t.Helper()
	key, err := idempotency.NewKey("user:"+c.p.UserID.String()+":auth.delete_account", value)
	require.NoError(t, err)
	return ports.IdempotentCall{
		Key: key, Fingerprint: idempotency.FingerprintOf([]byte(value)),
		Respond: func(_ any, err error) (idempotency.Response, bool) {
			if err != nil {
				return idempotency.Response{Status: 400, Body: []byte(`{"success":false}`)}, true
			}
			return idempotency.Response{Status: 200, Body: []byte(`{"success":true}`)}, true
		},
	}
}

func TestDeleteAccountOutlivesBlobStoreOutage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.signUp(t)
	b.verifyKYC(t, c)
	b.blobs.FailDeletes(errors.New("blob store down"))

	_, err := b.svc.DeleteAccount(t.Context(), c.p, deletion(), ports.IdempotentCall{})

	require.NoError(t, err)
	require.True(t, b.user(t, c.p.UserID).Disabled(), "the deletion stands")
	require.Len(t, b.blobs.Keys(), 3, "the files wait for an operator")
}

func TestDeleteAccountIsNotRepeated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.signUp(t)
	_, err := b.svc.DeleteAccount(t.Context(), c.p, deletion(), ports.IdempotentCall{})
	require.NoError(t, err)

	_, err = b.svc.DeleteAccount(t.Context(), c.p, ports.AccountDeletion{Code: "123456", Confirm: privacy.ConfirmWord}, ports.IdempotentCall{})

	require.ErrorIs(t, err, core.ErrAccountDisabled)
}

// requireNoPII checks that no cell of any table, job queue and idempotent responses
// included, holds anything that names c, nor the user agent of c's sessions. The audit
// trail's client columns are the one exception: the trail is append-only and kept for the
// legal retention period, and its events carry the client's address and user agent but never
// a phone, name or number.
func requireNoPII(t *testing.T, b *bundle, c person) {
	t.Helper()
	var lines []string
	for _, f := range b.store.ScanPII(t, append(c.pii(), c.p.Client.UserAgent)...) {
		if strings.HasSuffix(f.Table, "audit_events") && f.Column == "user_agent" && f.Needle == c.p.Client.UserAgent {
			continue
		}
		lines = append(lines, f.String())
	}
	require.Empty(t, lines, "personal data left after the deletion")
}

// requireEveryTableFinds checks that the scan sees c's data where the history put it, so that
// an empty scan after the deletion means erased, not unseen.
func requireEveryTableFinds(t *testing.T, b *bundle, c person) {
	t.Helper()
	tables := map[string]bool{}
	for _, f := range b.store.ScanPII(t, append(c.pii(), c.p.Client.UserAgent)...) {
		tables[strings.TrimPrefix(f.Table, "public.")+"."+f.Column] = true
	}
	for _, cell := range []string{
		"users.phone", "users.first_name", "users.last_name", "users.email", "kyc_profiles.national_id",
		"bank_accounts.sheba", "bank_accounts.card_number", "bank_accounts.holder_name", "deposits.notes",
		"otp_codes.phone", "river_job.args", "idempotency_records.body", "sessions.user_agent",
	} {
		require.True(t, tables[cell], "the scan finds %s before the deletion; it found %v", cell, tables)
	}
}
