package ledger

import (
	"fmt"

	"github.com/talabin/talabin/core"
)

// HoldID identifies a stored hold.
type HoldID int64

// HoldState is where a hold is in its life: placed, then exactly one of released or settled.
type HoldState struct{ name string }

var (
	// HoldPlaced is a hold whose amount sits in the user's held bucket.
	HoldPlaced = HoldState{"placed"}
	// HoldReleased is a hold whose amount went back to the user's available bucket.
	HoldReleased = HoldState{"released"}
	// HoldSettled is a hold whose amount left the user's account.
	HoldSettled = HoldState{"settled"}
)

// ParseHoldState returns the state named s.
func ParseHoldState(s string) (HoldState, error) {
	for _, st := range []HoldState{HoldPlaced, HoldReleased, HoldSettled} {
		if st.name == s {
			return st, nil
		}
	}
	return HoldState{}, fmt.Errorf("%w: unknown hold state %q", core.ErrInvalidInput, s)
}

// String returns the state's name.
func (s HoldState) String() string { return s.name }

// Hold reserves part of a user's balance (a withdrawal's amount plus fee) until it is settled
// or released, each exactly once.
type Hold struct {
	id        HoldID
	account   Account
	amount    int64
	state     HoldState
	reference string
}

// NewHold returns a hold of amount on user's asset wallet, not yet placed in storage.
func NewHold(user core.UserID, asset Asset, amount int64, reference string) (Hold, error) {
	if user <= 0 || asset.IsZero() {
		return Hold{}, fmt.Errorf("%w: hold needs a user and an asset", core.ErrInvalidInput)
	}
	if amount <= 0 {
		return Hold{}, fmt.Errorf("%w: hold amount must be positive", core.ErrInvalidInput)
	}
	if len(reference) > MaxReferenceLen {
		return Hold{}, fmt.Errorf("%w: hold reference too long", core.ErrInvalidInput)
	}
	return Hold{account: UserAccount(user, asset), amount: amount, state: HoldPlaced, reference: reference}, nil
}

// RehydrateHold rebuilds a hold read from storage; only store adapters call it.
func RehydrateHold(id HoldID, account Account, amount int64, state HoldState, reference string) Hold {
	return Hold{id: id, account: account, amount: amount, state: state, reference: reference}
}

// ID returns the stored id, or zero before the hold is stored.
func (h Hold) ID() HoldID { return h.id }

// Account returns the user account the hold is on.
func (h Hold) Account() Account { return h.account }

// Amount returns the held amount in the account's unit.
func (h Hold) Amount() int64 { return h.amount }

// State returns the hold's state.
func (h Hold) State() HoldState { return h.state }

// Reference returns the business reference (a withdrawal number).
func (h Hold) Reference() string { return h.reference }

// PlaceJournal moves the amount from available to held.
func (h Hold) PlaceJournal() (Journal, error) {
	return NewJournal(JournalWithdrawalHold, h.reference,
		Posting{Account: h.account, Bucket: Available, Amount: -h.amount},
		Posting{Account: h.account, Bucket: Held, Amount: h.amount},
	)
}

// Release marks a placed hold released and returns the journal that gives the amount back.
// It returns [core.ErrInvalidState] when the hold is not placed.
func (h *Hold) Release() (Journal, error) {
	if h.state != HoldPlaced {
		return Journal{}, fmt.Errorf("%w: hold %d is %s", core.ErrInvalidState, h.id, h.state)
	}
	j, err := NewJournal(JournalWithdrawalRelease, h.reference,
		Posting{Account: h.account, Bucket: Held, Amount: -h.amount},
		Posting{Account: h.account, Bucket: Available, Amount: h.amount},
	)
	if err != nil {
		return Journal{}, err
	}
	h.state = HoldReleased
	return j, nil
}

// Settle marks a placed hold settled and returns the journal that moves the held amount to
// credits, which must be positive and sum to the held amount (for a withdrawal: payable gets
// the amount, fees the fee). It returns [core.ErrInvalidState] when the hold is not placed.
func (h *Hold) Settle(credits ...Posting) (Journal, error) {
	if h.state != HoldPlaced {
		return Journal{}, fmt.Errorf("%w: hold %d is %s", core.ErrInvalidState, h.id, h.state)
	}
	postings := []Posting{{Account: h.account, Bucket: Held, Amount: -h.amount}}
	for _, c := range credits {
		if c.Amount <= 0 {
			return Journal{}, fmt.Errorf("%w: settlement credits must be positive", core.ErrInvalidInput)
		}
		postings = append(postings, c)
	}
	j, err := NewJournal(JournalWithdrawalSettle, h.reference, postings...)
	if err != nil {
		return Journal{}, err
	}
	h.state = HoldSettled
	return j, nil
}

// WithdrawalCredits are the settlement credits of a withdrawal hold: amount to payable and fee
// to fees.
func WithdrawalCredits(amount, fee core.Rial) []Posting {
	credits := []Posting{{Account: PayableAccount(), Amount: int64(amount)}}
	if fee > 0 {
		credits = append(credits, Posting{Account: FeesAccount(), Amount: int64(fee)})
	}
	return credits
}
