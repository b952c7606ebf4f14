package payment

import (
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
)

// WithdrawalStatus is where a withdrawal is in its life (API.md §3.7).
type WithdrawalStatus struct{ name string }

var (
	// WithdrawalPending is a withdrawal created, its amount and fee held.
	WithdrawalPending = WithdrawalStatus{"pending"}
	// WithdrawalApproved is a withdrawal staff approved for payout.
	WithdrawalApproved = WithdrawalStatus{"approved"}
	// WithdrawalProcessing is a withdrawal in a bank batch (Paya, Satna, Pol).
	WithdrawalProcessing = WithdrawalStatus{"processing"}
	// WithdrawalCompleted is a withdrawal paid out: its hold is settled. Final.
	WithdrawalCompleted = WithdrawalStatus{"completed"}
	// WithdrawalRejected is a withdrawal staff refused: its hold is released. Final.
	WithdrawalRejected = WithdrawalStatus{"rejected"}
	// WithdrawalCancelled is a withdrawal its user cancelled: its hold is released. Final.
	WithdrawalCancelled = WithdrawalStatus{"cancelled"}
)

var withdrawalStatuses = []WithdrawalStatus{
	WithdrawalPending, WithdrawalApproved, WithdrawalProcessing, WithdrawalCompleted, WithdrawalRejected, WithdrawalCancelled,
}

// ParseWithdrawalStatus returns the status named s. Errors wrap [core.ErrInvalidInput].
func ParseWithdrawalStatus(s string) (WithdrawalStatus, error) {
	for _, st := range withdrawalStatuses {
		if st.name == s {
			return st, nil
		}
	}
	return WithdrawalStatus{}, fmt.Errorf("%w: unknown withdrawal status %q", core.ErrInvalidInput, s)
}

// String returns the status's stored name.
func (s WithdrawalStatus) String() string { return s.name }

// IsZero reports whether the status is unset.
func (s WithdrawalStatus) IsZero() bool { return s.name == "" }

// Open reports whether the withdrawal still holds money (pending, approved or processing).
func (s WithdrawalStatus) Open() bool {
	return s == WithdrawalPending || s == WithdrawalApproved || s == WithdrawalProcessing
}

// Counts reports whether a withdrawal in s counts against the withdrawal limits: open or
// completed ones.
func (s WithdrawalStatus) Counts() bool { return s.Open() || s == WithdrawalCompleted }

// Payout channels of a processing withdrawal.
var channels = []string{"paya", "satna", "pol"}

// WithdrawalRecord is the stored form of a [Withdrawal]. Zero times mean "not happened".
type WithdrawalRecord struct {
	ID          WithdrawalID
	Number      string // transaction_id: also the reference of its hold and journals
	User        core.UserID
	BankAccount BankAccountID
	Amount      core.Rial // paid out
	Fee         core.Rial
	Status      WithdrawalStatus
	Hold        ledger.HoldID // holds Amount + Fee
	Channel     string
	// TrackingCode is the bank's reference of the payout.
	TrackingCode string
	Reason       string
	ApprovedBy   core.UserID
	ProcessedBy  core.UserID
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ProcessedAt  time.Time
}

// Withdrawal is money a user takes out to their own bank account. Build new ones with
// [NewWithdrawal]; stores rebuild them with [RehydrateWithdrawal].
type Withdrawal struct{ r WithdrawalRecord }

// NewWithdrawal returns a pending withdrawal of amount plus fee to account, not yet stored.
// Its hold is placed by the service ([Withdrawal.NewHold]) in the same transaction. Errors
// wrap [core.ErrInvalidInput].
func NewWithdrawal(number string, user core.UserID, account BankAccountID, amount, fee core.Rial, now time.Time) (*Withdrawal, error) {
	switch {
	case number == "" || len(number) > ledger.MaxReferenceLen:
		return nil, fmt.Errorf("%w: withdrawal needs a number", core.ErrInvalidInput)
	case user <= 0 || account <= 0:
		return nil, fmt.Errorf("%w: withdrawal needs a user and a bank account", core.ErrInvalidInput)
	case amount <= 0 || fee < 0:
		return nil, fmt.Errorf("%w: withdrawal needs a positive amount and a non-negative fee", core.ErrInvalidInput)
	}
	if _, err := amount.Add(fee); err != nil {
		return nil, fmt.Errorf("%w: withdrawal total: %w", core.ErrInvalidInput, err)
	}
	return &Withdrawal{r: WithdrawalRecord{
		Number: number, User: user, BankAccount: account, Amount: amount, Fee: fee,
		Status: WithdrawalPending, CreatedAt: now, UpdatedAt: now,
	}}, nil
}

// RehydrateWithdrawal rebuilds a stored withdrawal; only store adapters call it.
func RehydrateWithdrawal(r WithdrawalRecord) *Withdrawal { return &Withdrawal{r: r} }

// Record returns the withdrawal's stored form.
func (w *Withdrawal) Record() WithdrawalRecord { return w.r }

// ID returns the stored id, zero before the withdrawal is stored.
func (w *Withdrawal) ID() WithdrawalID { return w.r.ID }

// User returns who withdraws.
func (w *Withdrawal) User() core.UserID { return w.r.User }

// Status returns the withdrawal's status.
func (w *Withdrawal) Status() WithdrawalStatus { return w.r.Status }

// Total returns amount plus fee: what is held at creation.
func (w *Withdrawal) Total() core.Rial { return w.r.Amount + w.r.Fee }

// NewHold returns the hold of the withdrawal's total on its user's rial wallet.
func (w *Withdrawal) NewHold() (ledger.Hold, error) {
	return ledger.NewHold(w.r.User, ledger.IRR, int64(w.Total()), w.r.Number)
}

// Held records the id of the placed hold.
func (w *Withdrawal) Held(id ledger.HoldID) { w.r.Hold = id }

// HoldID returns the id of the withdrawal's hold.
func (w *Withdrawal) HoldID() ledger.HoldID { return w.r.Hold }

// Approve moves a pending withdrawal to approved, by staff member by.
func (w *Withdrawal) Approve(by core.UserID, now time.Time) error {
	if w.r.Status != WithdrawalPending {
		return w.refuse("approve")
	}
	w.r.Status, w.r.ApprovedBy, w.r.UpdatedAt = WithdrawalApproved, by, now
	return nil
}

// Process moves an approved withdrawal to processing in channel (paya, satna or pol).
func (w *Withdrawal) Process(channel string, by core.UserID, now time.Time) error {
	if !validChannel(channel) {
		return fmt.Errorf("%w: channel must be paya, satna or pol", core.ErrInvalidInput)
	}
	if w.r.Status != WithdrawalApproved {
		return w.refuse("process")
	}
	w.r.Status, w.r.Channel, w.r.ProcessedBy, w.r.UpdatedAt = WithdrawalProcessing, channel, by, now
	return nil
}

// Complete marks an approved or processing withdrawal paid with the bank's tracking code,
// by staff member by. The service settles the hold ([ledger.WithdrawalCredits]) and posts
// the payout in the same transaction.
func (w *Withdrawal) Complete(trackingCode string, by core.UserID, now time.Time) error {
	trackingCode = core.CutText(trackingCode, MaxReferenceLen)
	if trackingCode == "" {
		return fmt.Errorf("%w: tracking code is required", core.ErrInvalidInput)
	}
	if w.r.Status != WithdrawalApproved && w.r.Status != WithdrawalProcessing {
		return w.refuse("complete")
	}
	w.r.Status, w.r.TrackingCode, w.r.ProcessedBy = WithdrawalCompleted, trackingCode, by
	w.r.ProcessedAt, w.r.UpdatedAt = now, now
	return nil
}

// Reject refuses an open withdrawal for reason, by staff member by. The service releases
// the hold in the same transaction.
func (w *Withdrawal) Reject(reason string, by core.UserID, now time.Time) error {
	if !w.r.Status.Open() {
		return w.refuse("reject")
	}
	w.r.Status, w.r.Reason, w.r.ProcessedBy = WithdrawalRejected, core.CutText(reason, MaxReasonLen), by
	w.r.ProcessedAt, w.r.UpdatedAt = now, now
	return nil
}

// Cancel cancels a pending or approved withdrawal for its user. The service releases the
// hold in the same transaction.
func (w *Withdrawal) Cancel(now time.Time) error {
	if w.r.Status != WithdrawalPending && w.r.Status != WithdrawalApproved {
		return w.refuse("cancel")
	}
	w.r.Status, w.r.UpdatedAt = WithdrawalCancelled, now
	return nil
}

func (w *Withdrawal) refuse(action string) error {
	return &core.InvalidStateError{Object: "withdrawal", State: w.r.Status.String(), Action: action}
}

func validChannel(c string) bool {
	for _, ok := range channels {
		if c == ok {
			return true
		}
	}
	return false
}
