package payment_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
)

// withdrawalStatuses lists every withdrawal status.
var withdrawalStatuses = []payment.WithdrawalStatus{
	payment.WithdrawalPending, payment.WithdrawalApproved, payment.WithdrawalProcessing,
	payment.WithdrawalCompleted, payment.WithdrawalRejected, payment.WithdrawalCancelled,
}

const (
	testAccount      payment.BankAccountID = 3
	withdrawalAmount core.Rial             = 1_000_000
	withdrawalFee    core.Rial             = 5_000
)

func TestWithdrawalStatus(t *testing.T) {
	t.Parallel()

	tests := []struct {
		status payment.WithdrawalStatus
		name   string
		open   bool
		counts bool
	}{
		{status: payment.WithdrawalPending, name: "pending", open: true, counts: true},
		{status: payment.WithdrawalApproved, name: "approved", open: true, counts: true},
		{status: payment.WithdrawalProcessing, name: "processing", open: true, counts: true},
		{status: payment.WithdrawalCompleted, name: "completed", counts: true},
		{status: payment.WithdrawalRejected, name: "rejected"},
		{status: payment.WithdrawalCancelled, name: "cancelled"},
	}
	require.Len(t, tests, len(withdrawalStatuses))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.name, tt.status.String())
			require.Equal(t, tt.open, tt.status.Open())
			require.Equal(t, tt.counts, tt.status.Counts())
			require.False(t, tt.status.IsZero())
			parsed, err := payment.ParseWithdrawalStatus(tt.name)
			require.NoError(t, err)
			require.Equal(t, tt.status, parsed)
		})
	}
	for _, bad := range []string{"", "Pending", "paid", "failed", " completed"} {
		s, err := payment.ParseWithdrawalStatus(bad)
		require.ErrorIs(t, err, core.ErrInvalidInput, bad)
		require.True(t, s.IsZero())
	}
	require.False(t, payment.WithdrawalStatus{}.Open())
	require.False(t, payment.WithdrawalStatus{}.Counts())
}

func TestNewWithdrawal(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		number   string
		user     core.UserID
		account  payment.BankAccountID
		amount   core.Rial
		fee      core.Rial
		ok       bool
		overflow bool
	}{
		{name: "Valid", number: testNumber, user: testUser, account: testAccount, amount: withdrawalAmount, fee: withdrawalFee, ok: true},
		{name: "NoFee", number: testNumber, user: testUser, account: testAccount, amount: withdrawalAmount, ok: true},
		{name: "LargestTotal", number: testNumber, user: testUser, account: testAccount, amount: math.MaxInt64 - 1, fee: 1, ok: true},
		{name: "LongestNumber", number: strings.Repeat("N", ledger.MaxReferenceLen), user: testUser, account: testAccount, amount: 1, ok: true},
		{name: "NoNumber", user: testUser, account: testAccount, amount: withdrawalAmount},
		{name: "NumberTooLong", number: strings.Repeat("N", ledger.MaxReferenceLen+1), user: testUser, account: testAccount, amount: withdrawalAmount},
		{name: "NoUser", number: testNumber, account: testAccount, amount: withdrawalAmount},
		{name: "NoAccount", number: testNumber, user: testUser, amount: withdrawalAmount},
		{name: "NegativeAccount", number: testNumber, user: testUser, account: -3, amount: withdrawalAmount},
		{name: "ZeroAmount", number: testNumber, user: testUser, account: testAccount, fee: withdrawalFee},
		{name: "NegativeAmount", number: testNumber, user: testUser, account: testAccount, amount: -1},
		{name: "NegativeFee", number: testNumber, user: testUser, account: testAccount, amount: withdrawalAmount, fee: -1},
		{name: "TotalOverflows", number: testNumber, user: testUser, account: testAccount, amount: math.MaxInt64, fee: 1, overflow: true},
		{name: "TotalOverflowsBySum", number: testNumber, user: testUser, account: testAccount, amount: math.MaxInt64/2 + 1, fee: math.MaxInt64/2 + 1, overflow: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := payment.NewWithdrawal(tt.number, tt.user, tt.account, tt.amount, tt.fee, t0)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				if tt.overflow {
					require.ErrorIs(t, err, core.ErrOverflow)
				}
				require.Nil(t, w)
				return
			}
			require.NoError(t, err)
			require.Equal(t, payment.WithdrawalRecord{
				Number: tt.number, User: tt.user, BankAccount: tt.account, Amount: tt.amount, Fee: tt.fee,
				Status: payment.WithdrawalPending, CreatedAt: t0, UpdatedAt: t0,
			}, w.Record())
			require.Zero(t, w.ID())
			require.Equal(t, tt.user, w.User())
			require.Equal(t, payment.WithdrawalPending, w.Status())
			require.Equal(t, tt.amount+tt.fee, w.Total())
		})
	}
}

func TestWithdrawalHold(t *testing.T) {
	t.Parallel()

	w, err := payment.NewWithdrawal(testNumber, testUser, testAccount, withdrawalAmount, withdrawalFee, t0)
	require.NoError(t, err)
	require.Equal(t, core.Rial(1_005_000), w.Total())

	h, err := w.NewHold()
	require.NoError(t, err)
	require.Equal(t, int64(1_005_000), h.Amount(), "the hold covers amount plus fee")
	require.Equal(t, ledger.UserAccount(testUser, ledger.IRR), h.Account())
	require.Equal(t, testNumber, h.Reference())
	require.Equal(t, ledger.HoldPlaced, h.State())

	require.Zero(t, w.HoldID())
	w.Held(77)
	require.Equal(t, ledger.HoldID(77), w.HoldID())
	require.Equal(t, ledger.HoldID(77), w.Record().Hold)
}

func TestRehydrateWithdrawal(t *testing.T) {
	t.Parallel()

	r := payment.WithdrawalRecord{
		ID: 11, Number: testNumber, User: testUser, BankAccount: testAccount, Amount: withdrawalAmount,
		Fee: withdrawalFee, Status: payment.WithdrawalCompleted, Hold: 4, Channel: "paya", TrackingCode: "TRK",
		ApprovedBy: staffUser, ProcessedBy: staffUser, CreatedAt: t0, UpdatedAt: later, ProcessedAt: later,
	}
	w := payment.RehydrateWithdrawal(r)
	require.Equal(t, r, w.Record())
	require.Equal(t, payment.WithdrawalID(11), w.ID())
	require.Equal(t, ledger.HoldID(4), w.HoldID())
	require.Equal(t, payment.WithdrawalCompleted, w.Status())
}

// withdrawalIn returns a stored withdrawal of testUser, with its hold, rehydrated in status.
func withdrawalIn(t *testing.T, status payment.WithdrawalStatus) *payment.Withdrawal {
	t.Helper()
	w, err := payment.NewWithdrawal(testNumber, testUser, testAccount, withdrawalAmount, withdrawalFee, t0)
	require.NoError(t, err)
	r := w.Record()
	r.ID, r.Hold, r.Status = 8, 4, status
	return payment.RehydrateWithdrawal(r)
}

const otherStaff core.UserID = 9

func TestWithdrawalTransitions(t *testing.T) {
	t.Parallel()

	actions := []struct {
		name   string // the action's name in the InvalidStateError of a refusal
		do     func(*payment.Withdrawal) error
		want   func(payment.WithdrawalRecord) payment.WithdrawalRecord
		action string // the state action; "" when the input is refused whatever the state
	}{
		{
			name: "Approve", action: "approve",
			do: func(w *payment.Withdrawal) error { return w.Approve(staffUser, later) },
			want: func(r payment.WithdrawalRecord) payment.WithdrawalRecord {
				r.Status, r.ApprovedBy, r.UpdatedAt = payment.WithdrawalApproved, staffUser, later
				return r
			},
		},
		{
			name: "ProcessPaya", action: "process",
			do: func(w *payment.Withdrawal) error { return w.Process("paya", otherStaff, later) },
			want: func(r payment.WithdrawalRecord) payment.WithdrawalRecord {
				r.Status, r.Channel, r.ProcessedBy, r.UpdatedAt = payment.WithdrawalProcessing, "paya", otherStaff, later
				return r
			},
		},
		{
			name: "ProcessSatna", action: "process",
			do: func(w *payment.Withdrawal) error { return w.Process("satna", otherStaff, later) },
			want: func(r payment.WithdrawalRecord) payment.WithdrawalRecord {
				r.Status, r.Channel, r.ProcessedBy, r.UpdatedAt = payment.WithdrawalProcessing, "satna", otherStaff, later
				return r
			},
		},
		{
			name: "ProcessPol", action: "process",
			do: func(w *payment.Withdrawal) error { return w.Process("pol", otherStaff, later) },
			want: func(r payment.WithdrawalRecord) payment.WithdrawalRecord {
				r.Status, r.Channel, r.ProcessedBy, r.UpdatedAt = payment.WithdrawalProcessing, "pol", otherStaff, later
				return r
			},
		},
		{name: "ProcessUnknownChannel", do: func(w *payment.Withdrawal) error { return w.Process("swift", otherStaff, later) }},
		{name: "ProcessUppercaseChannel", do: func(w *payment.Withdrawal) error { return w.Process("PAYA", otherStaff, later) }},
		{name: "ProcessNoChannel", do: func(w *payment.Withdrawal) error { return w.Process("", otherStaff, later) }},
		{
			name: "Complete", action: "complete",
			do: func(w *payment.Withdrawal) error { return w.Complete(" ۱۴۰۳TRK99 ", otherStaff, later) },
			want: func(r payment.WithdrawalRecord) payment.WithdrawalRecord {
				r.Status, r.TrackingCode, r.ProcessedBy = payment.WithdrawalCompleted, "۱۴۰۳TRK99", otherStaff
				r.ProcessedAt, r.UpdatedAt = later, later
				return r
			},
		},
		{name: "CompleteWithoutCode", do: func(w *payment.Withdrawal) error { return w.Complete("", otherStaff, later) }},
		{name: "CompleteBlankCode", do: func(w *payment.Withdrawal) error { return w.Complete(" \t ", otherStaff, later) }},
		{
			name: "Reject", action: "reject",
			do: func(w *payment.Withdrawal) error {
				return w.Reject(" حساب به نام کاربر نیست ", otherStaff, later)
			},
			want: func(r payment.WithdrawalRecord) payment.WithdrawalRecord {
				r.Status, r.Reason, r.ProcessedBy = payment.WithdrawalRejected, "حساب به نام کاربر نیست", otherStaff
				r.ProcessedAt, r.UpdatedAt = later, later
				return r
			},
		},
		{
			name: "Cancel", action: "cancel",
			do: func(w *payment.Withdrawal) error { return w.Cancel(later) },
			want: func(r payment.WithdrawalRecord) payment.WithdrawalRecord {
				r.Status, r.UpdatedAt = payment.WithdrawalCancelled, later
				return r
			},
		},
	}
	allowed := map[payment.WithdrawalStatus][]string{
		payment.WithdrawalPending:    {"approve", "reject", "cancel"},
		payment.WithdrawalApproved:   {"process", "complete", "reject", "cancel"},
		payment.WithdrawalProcessing: {"complete", "reject"},
	}
	for _, from := range withdrawalStatuses {
		for _, a := range actions {
			t.Run(from.String()+"/"+a.name, func(t *testing.T) {
				t.Parallel()
				w := withdrawalIn(t, from)
				before := w.Record()
				err := a.do(w)
				switch {
				case a.action == "":
					require.ErrorIs(t, err, core.ErrInvalidInput)
					require.NotErrorIs(t, err, core.ErrInvalidState)
					require.Equal(t, before, w.Record(), "refused input changes nothing")
				case !slices.Contains(allowed[from], a.action):
					requireInvalidState(t, err, "withdrawal", from.String(), a.action)
					require.Equal(t, before, w.Record(), "a refused transition changes nothing")
				default:
					require.NoError(t, err)
					require.Equal(t, a.want(before), w.Record())
					require.Equal(t, before.Amount+before.Fee, w.Total(), "a transition never changes the total")
				}
			})
		}
	}
}

func TestWithdrawalTextIsCut(t *testing.T) {
	t.Parallel()

	reason := " " + strings.Repeat("ر", payment.MaxReasonLen) + " "
	w := withdrawalIn(t, payment.WithdrawalPending)
	require.NoError(t, w.Reject(reason, staffUser, later))
	require.Equal(t, strings.Repeat("ر", payment.MaxReasonLen/2), w.Record().Reason)
	requireCut(t, reason, payment.MaxReasonLen, w.Record().Reason)

	code := "7" + strings.Repeat("۷", payment.MaxReferenceLen)
	w = withdrawalIn(t, payment.WithdrawalProcessing)
	require.NoError(t, w.Complete(code, staffUser, later))
	require.Equal(t, "7"+strings.Repeat("۷", (payment.MaxReferenceLen-1)/2), w.Record().TrackingCode)
	requireCut(t, code, payment.MaxReferenceLen, w.Record().TrackingCode)
}
