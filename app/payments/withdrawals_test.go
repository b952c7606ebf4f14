package payments_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/payments"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// otherSheba is a second valid Sheba.
const otherSheba = "IR430120000000000000000001"

// withdraw requests amount to account for p with the good code.
func (b *bundle) withdraw(t *testing.T, p ports.Principal, account payment.BankAccountID, amount core.Rial) *payment.Withdrawal {
	t.Helper()
	out, err := b.svc.CreateWithdrawal(t.Context(), p, ports.WithdrawalInput{BankAccount: account, Amount: amount, OTP: goodCode}, ports.IdempotentCall{})
	require.NoError(t, err)
	return out.Result
}

func TestWithdrawalLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	b.fund(t, p, 1_000_000)
	a := b.verifiedAccount(t, p)

	w := b.withdraw(t, p, a.ID(), 500_000)
	require.Equal(t, core.Rial(2_500), w.Record().Fee, "0.5 % rounded up")
	require.Equal(t, int64(497_500), b.balance(t, p.UserID).Available)
	require.Equal(t, int64(502_500), b.balance(t, p.UserID).Held)

	_, err := b.svc.ApproveWithdrawal(t.Context(), b.staff, w.ID(), "", ports.IdempotentCall{})
	require.NoError(t, err)
	_, err = b.svc.ProcessWithdrawal(t.Context(), b.staff, w.ID(), "paya", ports.IdempotentCall{})
	require.NoError(t, err)
	_, err = b.svc.CompleteWithdrawal(t.Context(), b.staff, w.ID(), "", ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrInvalidInput, "a manual payout needs the bank's tracking code")
	done, err := b.svc.CompleteWithdrawal(t.Context(), b.staff, w.ID(), "PAYA-778899", ports.IdempotentCall{})
	require.NoError(t, err)
	require.Equal(t, payment.WithdrawalCompleted, done.Result.Status())
	require.Equal(t, "PAYA-778899", done.Result.Record().TrackingCode)

	bal := b.balance(t, p.UserID)
	require.Equal(t, int64(497_500), bal.Available)
	require.Zero(t, bal.Held)
	_, err = b.svc.CancelWithdrawal(t.Context(), p, w.ID(), ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrInvalidState)
	b.requireLedgerClean(t)
}

func TestWithdrawalRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	b.fund(t, p, 200_000)
	a := b.verifiedAccount(t, p)
	b.inquiry.owner[otherSheba] = false
	foreign, err := b.svc.AddBankAccount(t.Context(), p, payment.BankAccountInput{Sheba: otherSheba}, goodCode)
	require.NoError(t, err)
	require.False(t, foreign.Verified())
	stranger := b.customer(t)
	var lim *core.LimitExceededError
	var short *core.InsufficientBalanceError

	cases := []struct {
		name string
		p    ports.Principal
		in   ports.WithdrawalInput
		want error
	}{
		{"BelowMinimum", p, ports.WithdrawalInput{BankAccount: a.ID(), Amount: 49_999, OTP: goodCode}, core.ErrLimitExceeded},
		{"WrongCode", p, ports.WithdrawalInput{BankAccount: a.ID(), Amount: 50_000, OTP: "000000"}, core.ErrOTPInvalid},
		{"UnverifiedAccount", p, ports.WithdrawalInput{BankAccount: foreign.ID(), Amount: 50_000, OTP: goodCode}, core.ErrBankAccountUnverified},
		{"AnotherUsersAccount", stranger, ports.WithdrawalInput{BankAccount: a.ID(), Amount: 50_000, OTP: goodCode}, core.ErrNotFound},
		{"ShortBalance", p, ports.WithdrawalInput{BankAccount: a.ID(), Amount: 199_500, OTP: goodCode}, core.ErrInsufficientBalance},
	}
	for _, c := range cases {
		_, err := b.svc.CreateWithdrawal(t.Context(), c.p, c.in, ports.IdempotentCall{})
		require.ErrorIs(t, err, c.want, c.name)
	}
	_, err = b.svc.CreateWithdrawal(t.Context(), p, ports.WithdrawalInput{BankAccount: a.ID(), Amount: 199_500, OTP: goodCode}, ports.IdempotentCall{})
	require.ErrorAs(t, err, &short)
	require.Equal(t, int64(200_498), short.Required)
	_, err = b.svc.CreateWithdrawal(t.Context(), p, ports.WithdrawalInput{BankAccount: a.ID(), Amount: 1, OTP: goodCode}, ports.IdempotentCall{})
	require.ErrorAs(t, err, &lim)
	require.Equal(t, int64(200_000), b.balance(t, p.UserID).Available, "nothing held")

	kyc := setup(t, func(c *payments.Config) { c.RequireKYC = true })
	kp := kyc.customer(t)
	_, err = kyc.svc.CreateWithdrawal(t.Context(), kp, ports.WithdrawalInput{BankAccount: 1, Amount: 50_000, OTP: goodCode}, ports.IdempotentCall{})
	var need *core.KYCRequiredError
	require.ErrorAs(t, err, &need)
	require.Equal(t, 1, need.RequiredLevel)
}

func TestWithdrawalCaps(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *payments.Config) {
		c.Limits = payment.DefaultLimits()
		c.Limits.WithdrawalCaps[0] = payment.Caps{Daily: 100_000, Monthly: 150_000}
	})
	p := b.customer(t)
	b.fund(t, p, 1_000_000)
	a := b.verifiedAccount(t, p)
	b.withdraw(t, p, a.ID(), 60_000)

	_, err := b.svc.CreateWithdrawal(t.Context(), p, ports.WithdrawalInput{BankAccount: a.ID(), Amount: 50_000, OTP: goodCode}, ports.IdempotentCall{})
	var lim *core.LimitExceededError
	require.ErrorAs(t, err, &lim)
	require.Equal(t, "withdrawal_daily_max", lim.Limit)
}

// TestWithdrawalTransitionsRace races the user's cancel against staff's reject and complete
// on one withdrawal, many times: exactly one wins each time, the hold moves once, and the
// ledger stays clean.
func TestWithdrawalTransitionsRace(t *testing.T) {
	t.Parallel()
	onEveryEngine(t, func(t *testing.T, b *bundle) {
		p := b.customer(t)
		const rounds = 15
		b.fund(t, p, 10_000_000)
		a := b.verifiedAccount(t, p)
		second := b.newService(t)

		var completed core.Rial
		for range rounds {
			w := b.withdraw(t, p, a.ID(), 100_000)
			_, err := b.svc.ApproveWithdrawal(t.Context(), b.staff, w.ID(), "", ports.IdempotentCall{})
			require.NoError(t, err)

			var (
				wg   sync.WaitGroup
				mu   sync.Mutex
				wins []string
			)
			record := func(name string, err error) {
				if err != nil {
					require.ErrorIs(t, err, core.ErrInvalidState, name)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				wins = append(wins, name)
			}
			wg.Go(func() {
				_, err := b.svc.CancelWithdrawal(t.Context(), p, w.ID(), ports.IdempotentCall{})
				record("cancel", err)
			})
			wg.Go(func() {
				_, err := second.RejectWithdrawal(t.Context(), b.staff, w.ID(), "race", ports.IdempotentCall{})
				record("reject", err)
			})
			wg.Go(func() {
				_, err := b.svc.CompleteWithdrawal(t.Context(), b.staff, w.ID(), "TRK-"+w.Record().Number, ports.IdempotentCall{})
				record("complete", err)
			})
			wg.Wait()
			require.Len(t, wins, 1, "exactly one outcome: %v", wins)
			if wins[0] == "complete" {
				completed += 100_500
			}
		}
		bal := b.balance(t, p.UserID)
		require.Zero(t, bal.Held)
		require.Equal(t, int64(10_000_000-completed), bal.Available)
		b.requireLedgerClean(t)
	})
}

func TestBankAccountRules(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *payments.Config) {
		c.Limits = payment.DefaultLimits()
		c.Limits.MaxBankAccounts = 2
	})
	p := b.customer(t)
	first := b.verifiedAccount(t, p)
	require.True(t, first.Default(), "the first account is the default")

	_, err := b.svc.AddBankAccount(t.Context(), p, payment.BankAccountInput{Sheba: testSheba}, goodCode)
	require.ErrorIs(t, err, core.ErrAlreadyExists)
	_, err = b.svc.AddBankAccount(t.Context(), p, payment.BankAccountInput{Sheba: otherSheba}, "999999")
	require.ErrorIs(t, err, core.ErrOTPInvalid)
	_, err = b.svc.AddBankAccount(t.Context(), p, payment.BankAccountInput{Sheba: "IR000000000000000000000000"}, goodCode)
	require.ErrorIs(t, err, core.ErrInvalidInput)
	second, err := b.svc.AddBankAccount(t.Context(), p, payment.BankAccountInput{Sheba: otherSheba, Card: "6037991234567893"}, goodCode)
	require.NoError(t, err)
	require.False(t, second.Default())
	_, err = b.svc.AddBankAccount(t.Context(), p, payment.BankAccountInput{Sheba: "IR560150000000000000000007"}, goodCode)
	require.ErrorIs(t, err, core.ErrLimitExceeded)

	require.ErrorIs(t, b.svc.DeleteBankAccount(t.Context(), p, first.ID()), core.ErrDefaultAccountDelete)
	_, err = b.svc.SetDefaultBankAccount(t.Context(), p, second.ID(), true)
	require.NoError(t, err)
	list, err := b.svc.BankAccounts(t.Context(), p)
	require.NoError(t, err)
	defaults := 0
	for _, a := range list {
		if a.Default() {
			defaults++
			require.Equal(t, second.ID(), a.ID())
		}
	}
	require.Equal(t, 1, defaults)

	b.fund(t, p, 500_000)
	w := b.withdraw(t, p, first.ID(), 100_000)
	require.ErrorIs(t, b.svc.DeleteBankAccount(t.Context(), p, first.ID()), core.ErrInUse)
	_, err = b.svc.CancelWithdrawal(t.Context(), p, w.ID(), ports.IdempotentCall{})
	require.NoError(t, err)
	require.NoError(t, b.svc.DeleteBankAccount(t.Context(), p, first.ID()))
	_, err = b.svc.BankAccount(t.Context(), b.customer(t), second.ID())
	require.ErrorIs(t, err, core.ErrNotFound)
}

func TestVerifyBankAccountInquiry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	b.inquiry.err = core.ErrInquiryUnavailable
	a, err := b.svc.AddBankAccount(t.Context(), p, payment.BankAccountInput{Sheba: testSheba}, goodCode)
	require.NoError(t, err, "an inquiry that cannot answer leaves the account unverified")
	require.False(t, a.Verified())

	_, err = b.svc.VerifyBankAccount(t.Context(), p, a.ID())
	require.ErrorIs(t, err, core.ErrInquiryUnavailable)
	b.inquiry.mu.Lock()
	b.inquiry.err, b.inquiry.owner[testSheba] = nil, false
	b.inquiry.mu.Unlock()
	_, err = b.svc.VerifyBankAccount(t.Context(), p, a.ID())
	require.ErrorIs(t, err, core.ErrOwnershipMismatch)
	b.inquiry.mu.Lock()
	delete(b.inquiry.owner, testSheba)
	b.inquiry.mu.Unlock()
	got, err := b.svc.VerifyBankAccount(t.Context(), p, a.ID())
	require.NoError(t, err)
	require.True(t, got.Verified())
}

// TestStaffConfirmsBankAccount: without an inquiry that can decide, staff confirm an account
// by hand (with a reason), after which money can be paid to it.
func TestStaffConfirmsBankAccount(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *payments.Config) { c.Inquiry = nil })
	p := b.customer(t)
	b.fund(t, p, 500_000)
	a, err := b.svc.AddBankAccount(t.Context(), p, payment.BankAccountInput{Sheba: testSheba}, goodCode)
	require.NoError(t, err)
	require.False(t, a.Verified())
	_, err = b.svc.VerifyBankAccount(t.Context(), p, a.ID())
	require.ErrorIs(t, err, core.ErrInquiryUnavailable)

	_, err = b.svc.ConfirmBankAccount(t.Context(), p, a.ID(), "mine")
	require.ErrorIs(t, err, core.ErrPermissionDenied)
	_, err = b.svc.ConfirmBankAccount(t.Context(), b.staff, a.ID(), " ")
	require.ErrorIs(t, err, core.ErrInvalidInput)
	got, err := b.svc.ConfirmBankAccount(t.Context(), b.staff, a.ID(), "statement matches the national card")
	require.NoError(t, err)
	require.True(t, got.Verified())
	b.withdraw(t, p, a.ID(), 100_000)
}
