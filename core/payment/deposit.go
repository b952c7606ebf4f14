package payment

import (
	"fmt"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
)

// Method is how a deposit's money arrives.
type Method struct{ name string }

var (
	// MethodOnline is a card payment through an internet payment gateway.
	MethodOnline = Method{"online"}
	// MethodBankTransfer is a transfer to the platform's bank account, proven by a receipt
	// that staff check.
	MethodBankTransfer = Method{"bank_transfer"}
)

// ParseMethod returns the method named s. Errors wrap [core.ErrInvalidInput].
func ParseMethod(s string) (Method, error) {
	for _, m := range []Method{MethodOnline, MethodBankTransfer} {
		if m.name == s {
			return m, nil
		}
	}
	return Method{}, fmt.Errorf("%w: unknown payment method %q", core.ErrInvalidInput, s)
}

// String returns the method's wire name.
func (m Method) String() string { return m.name }

// IsZero reports whether the method is unset.
func (m Method) IsZero() bool { return m.name == "" }

// DepositStatus is where a deposit is in its life.
type DepositStatus struct{ name string }

var (
	// DepositPending is a deposit created and not paid yet (online: the buyer is at the
	// gateway; bank transfer: no receipt yet).
	DepositPending = DepositStatus{"pending"}
	// DepositUnknown is an online deposit whose verify got no usable answer: the gateway
	// may have captured the money. Only the reconciler moves it on, by verifying again.
	// Clients see it as pending.
	DepositUnknown = DepositStatus{"unknown"}
	// DepositPaid is a bank-transfer deposit with a receipt, waiting for staff.
	DepositPaid = DepositStatus{"paid"}
	// DepositVerified is a deposit whose money arrived: the wallet is credited. Final.
	DepositVerified = DepositStatus{"verified"}
	// DepositRejected is a bank-transfer deposit staff refused. Final.
	DepositRejected = DepositStatus{"rejected"}
	// DepositCancelled is a deposit its user cancelled before paying. Final.
	DepositCancelled = DepositStatus{"cancelled"}
	// DepositFailed is an online deposit the gateway did not settle (not paid, refused,
	// expired). Final.
	DepositFailed = DepositStatus{"failed"}
)

var depositStatuses = []DepositStatus{
	DepositPending, DepositUnknown, DepositPaid, DepositVerified, DepositRejected, DepositCancelled, DepositFailed,
}

// ParseDepositStatus returns the status named s. Errors wrap [core.ErrInvalidInput].
func ParseDepositStatus(s string) (DepositStatus, error) {
	for _, st := range depositStatuses {
		if st.name == s {
			return st, nil
		}
	}
	return DepositStatus{}, fmt.Errorf("%w: unknown deposit status %q", core.ErrInvalidInput, s)
}

// String returns the status's stored name.
func (s DepositStatus) String() string { return s.name }

// IsZero reports whether the status is unset.
func (s DepositStatus) IsZero() bool { return s.name == "" }

// Final reports whether the deposit can no longer change.
func (s DepositStatus) Final() bool {
	return s == DepositVerified || s == DepositRejected || s == DepositCancelled || s == DepositFailed
}

// Counts reports whether a deposit in s counts against the deposit limits: every deposit
// but the ones that ended without money.
func (s DepositStatus) Counts() bool {
	return s != DepositRejected && s != DepositCancelled && s != DepositFailed
}

// Text limits, in bytes; longer values are cut at a character boundary.
const (
	MaxReasonLen    = 500
	MaxNotesLen     = 500
	MaxReferenceLen = 100
)

// DepositRecord is the stored form of a [Deposit]. Zero times mean "not happened".
type DepositRecord struct {
	ID     DepositID
	Number string // transaction_id: also the reference of the credit journal
	User   core.UserID
	Amount core.Rial
	Method Method
	// Gateway and Authority name the online payment session; (Gateway, Authority) is unique.
	Gateway   string
	Authority string
	Status    DepositStatus
	// GatewayReference is the gateway's or bank's reference of the payment (online: the
	// verify's ref id; bank transfer: the tracking number the user typed).
	GatewayReference string
	CardPANMasked    string
	// ReceiptKey is the blob key of the bank-transfer receipt.
	ReceiptKey string
	Notes      string
	// Reason says why the deposit failed or was rejected.
	Reason string
	// ReturnURL is where the browser goes after the gateway instead of the web app's
	// pages; "" for those. The service checks it against its allowlist.
	ReturnURL string
	// Credited is the amount the ledger credited (staff may verify a bank transfer for the
	// amount that really arrived); zero until verified.
	Credited   core.Rial
	ReviewedBy core.UserID
	ExpiresAt  time.Time
	VerifiedAt time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Deposit is money a user sends into their rial wallet. Build new ones with
// [NewOnlineDeposit] or [NewBankTransferDeposit]; stores rebuild them with [RehydrateDeposit].
type Deposit struct{ r DepositRecord }

// NewOnlineDeposit returns a pending online deposit of amount through gateway, not yet
// stored, that expires ttl after now unless paid, and returns the buyer to returnURL ("" for
// the web app's pages). Errors wrap [core.ErrInvalidInput].
func NewOnlineDeposit(number string, user core.UserID, amount core.Rial, gateway, returnURL string, now time.Time, ttl time.Duration) (*Deposit, error) {
	if gateway == "" {
		return nil, fmt.Errorf("%w: online deposit needs a gateway", core.ErrInvalidInput)
	}
	d, err := newDeposit(number, user, amount, MethodOnline, now)
	if err != nil {
		return nil, err
	}
	if len(returnURL) > 2048 {
		return nil, fmt.Errorf("%w: return url too long", core.ErrInvalidInput)
	}
	d.r.Gateway, d.r.ReturnURL = gateway, returnURL
	d.r.ExpiresAt = now.Add(ttl)
	return d, nil
}

// NewBankTransferDeposit returns a pending bank-transfer deposit of amount, not yet stored.
// Errors wrap [core.ErrInvalidInput].
func NewBankTransferDeposit(number string, user core.UserID, amount core.Rial, now time.Time) (*Deposit, error) {
	return newDeposit(number, user, amount, MethodBankTransfer, now)
}

func newDeposit(number string, user core.UserID, amount core.Rial, m Method, now time.Time) (*Deposit, error) {
	switch {
	case number == "" || len(number) > ledger.MaxReferenceLen:
		return nil, fmt.Errorf("%w: deposit needs a number", core.ErrInvalidInput)
	case user <= 0:
		return nil, fmt.Errorf("%w: deposit needs a user", core.ErrInvalidInput)
	case amount <= 0:
		return nil, fmt.Errorf("%w: deposit amount must be positive", core.ErrInvalidInput)
	}
	return &Deposit{r: DepositRecord{
		Number: number, User: user, Amount: amount, Method: m,
		Status: DepositPending, CreatedAt: now, UpdatedAt: now,
	}}, nil
}

// RehydrateDeposit rebuilds a stored deposit; only store adapters call it.
func RehydrateDeposit(r DepositRecord) *Deposit { return &Deposit{r: r} }

// Record returns the deposit's stored form.
func (d *Deposit) Record() DepositRecord { return d.r }

// ID returns the stored id, zero before the deposit is stored.
func (d *Deposit) ID() DepositID { return d.r.ID }

// User returns the depositor.
func (d *Deposit) User() core.UserID { return d.r.User }

// Status returns the deposit's status.
func (d *Deposit) Status() DepositStatus { return d.r.Status }

// Method returns how the money arrives.
func (d *Deposit) Method() Method { return d.r.Method }

// Expired reports whether an online deposit nobody paid is past its expiry at now.
func (d *Deposit) Expired(now time.Time) bool {
	return d.r.Method == MethodOnline && !d.r.ExpiresAt.IsZero() && !now.Before(d.r.ExpiresAt)
}

// Open records the gateway session the buyer is sent to. Only a pending online deposit
// without a session may open one.
func (d *Deposit) Open(authority string, now time.Time) error {
	if d.r.Method != MethodOnline || d.r.Status != DepositPending || d.r.Authority != "" {
		return d.refuse("open a payment session")
	}
	if authority == "" || len(authority) > MaxReferenceLen {
		return fmt.Errorf("%w: malformed gateway authority", core.ErrInvalidInput)
	}
	d.r.Authority, d.r.UpdatedAt = authority, now
	return nil
}

// Unknown marks an online deposit whose verify got no usable answer. A deposit already
// unknown stays so.
func (d *Deposit) Unknown(now time.Time) error {
	if d.r.Method != MethodOnline || d.r.Status != DepositPending && d.r.Status != DepositUnknown {
		return d.refuse("mark unknown")
	}
	d.r.Status, d.r.UpdatedAt = DepositUnknown, now
	return nil
}

// Credit marks the deposit verified for amount at now and returns the journal that credits
// the wallet: from the gateway's clearing account for an online deposit (pending or
// unknown, after the gateway's verify said paid), from the outside world for a bank
// transfer (pending or paid, after staff checked the bank statement). ref and pan are the
// payment's reference and masked card, kept when not empty. A deposit is credited at most
// once: a verified deposit refuses.
func (d *Deposit) Credit(amount core.Rial, ref, pan string, reviewer core.UserID, now time.Time) (ledger.Journal, error) {
	var source ledger.Account
	switch {
	case d.r.Method == MethodOnline && (d.r.Status == DepositPending || d.r.Status == DepositUnknown):
		source = ledger.ClearingAccount(d.r.Gateway)
	case d.r.Method == MethodBankTransfer && (d.r.Status == DepositPending || d.r.Status == DepositPaid):
		source = ledger.ExternalAccount(ledger.IRR)
	default:
		return ledger.Journal{}, d.refuse("verify")
	}
	j, err := ledger.DepositJournal(d.r.User, source, amount, d.r.Number)
	if err != nil {
		return ledger.Journal{}, err
	}
	d.r.Status, d.r.Credited, d.r.ReviewedBy = DepositVerified, amount, reviewer
	// Blank values count as empty: they must not erase a reference the receipt gave.
	if ref = core.CutText(ref, MaxReferenceLen); ref != "" {
		d.r.GatewayReference = ref
	}
	if pan = core.CutText(pan, MaxReferenceLen); pan != "" {
		d.r.CardPANMasked = pan
	}
	d.r.VerifiedAt, d.r.UpdatedAt = now, now
	return j, nil
}

// Fail marks an online deposit the gateway did not settle (pending or unknown) failed for
// reason.
func (d *Deposit) Fail(reason string, now time.Time) error {
	if d.r.Method != MethodOnline || d.r.Status != DepositPending && d.r.Status != DepositUnknown {
		return d.refuse("fail")
	}
	d.r.Status, d.r.Reason, d.r.UpdatedAt = DepositFailed, core.CutText(reason, MaxReasonLen), now
	return nil
}

// Cancel cancels a pending deposit for its user. An online payment the buyer completes
// after this is never verified, so the gateway returns the money to the card.
func (d *Deposit) Cancel(now time.Time) error {
	if d.r.Status != DepositPending {
		return d.refuse("cancel")
	}
	d.r.Status, d.r.UpdatedAt = DepositCancelled, now
	return nil
}

// AttachReceipt records the receipt of a pending bank transfer (blob key, the bank's
// tracking number and the user's notes, both optional) and marks it paid.
func (d *Deposit) AttachReceipt(key, ref, notes string, now time.Time) error {
	if d.r.Method != MethodBankTransfer || d.r.Status != DepositPending {
		return d.refuse("upload a receipt")
	}
	if key == "" {
		return fmt.Errorf("%w: receipt needs a stored file", core.ErrInvalidInput)
	}
	d.r.ReceiptKey, d.r.Status, d.r.UpdatedAt = key, DepositPaid, now
	d.r.GatewayReference = core.CutText(strings.TrimSpace(ref), MaxReferenceLen)
	d.r.Notes = core.CutText(strings.TrimSpace(notes), MaxNotesLen)
	return nil
}

// Reject refuses a pending or paid bank transfer for reason, by staff reviewer.
func (d *Deposit) Reject(reason string, reviewer core.UserID, now time.Time) error {
	if d.r.Method != MethodBankTransfer || d.r.Status != DepositPending && d.r.Status != DepositPaid {
		return d.refuse("reject")
	}
	d.r.Status, d.r.Reason, d.r.ReviewedBy, d.r.UpdatedAt = DepositRejected, core.CutText(reason, MaxReasonLen), reviewer, now
	return nil
}

func (d *Deposit) refuse(action string) error {
	return &core.InvalidStateError{Object: "deposit", State: d.r.Status.String(), Action: action}
}
