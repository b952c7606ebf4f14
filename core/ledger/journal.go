package ledger

import (
	"fmt"
	"slices"

	"github.com/talabin/talabin/core"
)

// Bucket is the part of a user account a posting touches. System accounts only have
// [Available].
type Bucket uint8

const (
	// Available is what the owner can spend.
	Available Bucket = iota
	// Held is reserved by a [Hold] until it is settled or released.
	Held
)

// String returns "available" or "held".
func (b Bucket) String() string {
	if b == Held {
		return "held"
	}
	return "available"
}

// Posting is one line of a journal: amount added to (positive) or taken from (negative) one
// bucket of one account, in the account's asset's unit (rials or micrograms).
type Posting struct {
	Account Account
	Bucket  Bucket
	Amount  int64
}

// JournalID identifies a stored journal.
type JournalID int64

// JournalType is the business event a journal records.
type JournalType struct{ name string }

var (
	// JournalDeposit credits a user's rial wallet from outside (gateway or bank transfer).
	JournalDeposit = JournalType{"deposit"}
	// JournalBuy is a user buying gold from the house: rials and the fee out, gold in.
	JournalBuy = JournalType{"buy"}
	// JournalSell is a user selling gold to the house: gold out, rials less the fee in.
	JournalSell = JournalType{"sell"}
	// JournalFee charges a fee on its own.
	JournalFee = JournalType{"fee"}
	// JournalWithdrawalHold reserves a withdrawal's amount and fee.
	JournalWithdrawalHold = JournalType{"withdrawal_hold"}
	// JournalWithdrawalSettle moves a held withdrawal to payable and its fee to fees.
	JournalWithdrawalSettle = JournalType{"withdrawal_settle"}
	// JournalWithdrawalRelease returns a held withdrawal to the user.
	JournalWithdrawalRelease = JournalType{"withdrawal_release"}
	// JournalWithdrawalPayout records money leaving payable for the user's bank.
	JournalWithdrawalPayout = JournalType{"withdrawal_payout"}
	// JournalTreasuryIn records money or metal entering the house inventory.
	JournalTreasuryIn = JournalType{"treasury_in"}
	// JournalTreasuryOut records money or metal leaving the house inventory.
	JournalTreasuryOut = JournalType{"treasury_out"}
	// JournalCorrection reverses or adjusts earlier journals; the ledger is never edited.
	JournalCorrection = JournalType{"correction"}
)

var journalTypes = []JournalType{
	JournalDeposit, JournalBuy, JournalSell, JournalFee, JournalWithdrawalHold,
	JournalWithdrawalSettle, JournalWithdrawalRelease, JournalWithdrawalPayout,
	JournalTreasuryIn, JournalTreasuryOut, JournalCorrection,
}

// ParseJournalType returns the journal type named s.
func ParseJournalType(s string) (JournalType, error) {
	for _, t := range journalTypes {
		if t.name == s {
			return t, nil
		}
	}
	return JournalType{}, fmt.Errorf("%w: unknown journal type %q", core.ErrInvalidInput, s)
}

// String returns the type's name.
func (t JournalType) String() string { return t.name }

// IsZero reports whether the type is unset.
func (t JournalType) IsZero() bool { return t.name == "" }

// MaxReferenceLen bounds a journal's reference (an order, deposit or withdrawal number).
const MaxReferenceLen = 128

// Journal is one balanced business event. Build it with [NewJournal] or one of the event
// constructors; its fields are immutable once built.
type Journal struct {
	typ       JournalType
	reference string
	postings  []Posting
}

// NewJournal validates and returns a journal: a known type, a reference of at most
// [MaxReferenceLen] bytes, at least two postings, no zero amount, held buckets only on user
// accounts, and postings that sum to zero per asset without overflow. It returns an error
// wrapping [core.ErrInvalidInput] otherwise.
func NewJournal(typ JournalType, reference string, postings ...Posting) (Journal, error) {
	if typ.IsZero() {
		return Journal{}, fmt.Errorf("%w: journal type is required", core.ErrInvalidInput)
	}
	if len(reference) > MaxReferenceLen {
		return Journal{}, fmt.Errorf("%w: journal reference longer than %d bytes", core.ErrInvalidInput, MaxReferenceLen)
	}
	if len(postings) < 2 {
		return Journal{}, fmt.Errorf("%w: a journal needs at least two postings", core.ErrInvalidInput)
	}
	sums := map[Asset]int64{}
	for _, p := range postings {
		if err := p.Account.Validate(); err != nil {
			return Journal{}, err
		}
		if p.Amount == 0 {
			return Journal{}, fmt.Errorf("%w: zero posting to %s", core.ErrInvalidInput, p.Account)
		}
		if p.Bucket == Held && !p.Account.IsUser() {
			return Journal{}, fmt.Errorf("%w: only user accounts have a held bucket", core.ErrInvalidInput)
		}
		if p.Bucket != Available && p.Bucket != Held {
			return Journal{}, fmt.Errorf("%w: unknown bucket %d", core.ErrInvalidInput, p.Bucket)
		}
		s, ok := core.AddInt64(sums[p.Account.asset], p.Amount)
		if !ok {
			return Journal{}, fmt.Errorf("%w: journal postings overflow", core.ErrOverflow)
		}
		sums[p.Account.asset] = s
	}
	for asset, s := range sums {
		if s != 0 {
			return Journal{}, fmt.Errorf("%w: %s postings sum to %d, not zero", core.ErrInvalidInput, asset, s)
		}
	}
	return Journal{typ: typ, reference: reference, postings: slices.Clone(postings)}, nil
}

// Type returns the business event.
func (j Journal) Type() JournalType { return j.typ }

// Reference returns the business reference (order or deposit number).
func (j Journal) Reference() string { return j.reference }

// Postings returns a copy of the journal's postings.
func (j Journal) Postings() []Posting { return slices.Clone(j.postings) }
