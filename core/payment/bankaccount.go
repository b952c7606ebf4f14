package payment

import (
	"fmt"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

// Bank account rules.
const (
	// MaxAccountNumberLen bounds the optional account number, in digits.
	MaxAccountNumberLen = 50
	// MaxHolderNameLen bounds the account holder's name, in bytes (100 Persian letters); a
	// default taken from a longer full name is cut.
	MaxHolderNameLen = 200
	// MaxBankNameLen bounds a bank name given for an unknown bank code, in bytes.
	MaxBankNameLen = 100
)

// BankAccountRecord is the stored form of a [BankAccount].
type BankAccountRecord struct {
	ID            BankAccountID
	User          core.UserID
	Sheba         iran.Sheba
	Card          iran.Card // zero when none
	AccountNumber string
	BankName      string
	BankCode      string
	HolderName    string
	// Verified reports that an ownership inquiry (or staff) confirmed the Sheba belongs to
	// the user; money is paid only to verified accounts.
	Verified   bool
	VerifiedAt time.Time
	Default    bool
	// Deleted accounts stay for the history of their withdrawals.
	Deleted   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// BankAccount is a user's own bank account that withdrawals are paid to. Build new ones with
// [NewBankAccount]; stores rebuild them with [RehydrateBankAccount].
type BankAccount struct{ r BankAccountRecord }

// BankAccountInput is what a user gives for a new account. Card, AccountNumber, BankName
// and HolderName are optional.
type BankAccountInput struct {
	Sheba         string
	Card          string
	AccountNumber string
	// BankName is needed only when the Sheba's bank code is unknown.
	BankName   string
	HolderName string
	Default    bool
}

// NewBankAccount validates in for user and returns an unverified account, not yet stored,
// whose holder defaults to fullName. Every broken field is reported in one
// [*core.ValidationError].
func NewBankAccount(user core.UserID, in BankAccountInput, fullName string, now time.Time) (*BankAccount, error) {
	verr := core.NewValidationError()
	r := BankAccountRecord{User: user, Default: in.Default, CreatedAt: now, UpdatedAt: now}
	sheba, err := iran.ParseSheba(in.Sheba)
	if err != nil {
		verr.Add("sheba_number", "شماره شبا معتبر نیست")
	} else {
		r.Sheba, r.BankCode, r.BankName = sheba, sheba.BankCode(), sheba.BankName()
	}
	if strings.TrimSpace(in.Card) != "" {
		card, err := iran.ParseCard(in.Card)
		if err != nil {
			verr.Add("card_number", "شماره کارت معتبر نیست")
		}
		r.Card = card
	}
	if n := core.NormalizeDigits(strings.TrimSpace(in.AccountNumber)); n != "" {
		if len(n) > MaxAccountNumberLen || strings.Trim(n, "0123456789") != "" {
			verr.Add("account_number", fmt.Sprintf("شماره حساب باید حداکثر %d رقم باشد", MaxAccountNumberLen))
		}
		r.AccountNumber = n
	}
	if r.BankName == "" && err == nil {
		r.BankName = strings.TrimSpace(in.BankName)
		switch {
		case r.BankName == "":
			verr.Add("bank_name", "نام بانک برای این شماره شبا لازم است")
		case len(r.BankName) > MaxBankNameLen:
			verr.Add("bank_name", "نام بانک طولانی است")
		}
	}
	r.HolderName = strings.TrimSpace(in.HolderName)
	if r.HolderName == "" {
		r.HolderName = core.CutText(fullName, MaxHolderNameLen)
	}
	if len(r.HolderName) > MaxHolderNameLen {
		verr.Add("account_holder_name", "نام صاحب حساب طولانی است")
	}
	if user <= 0 {
		verr.Add("non_field_errors", "bank account needs a user")
	}
	if err := verr.Err(); err != nil {
		return nil, err
	}
	return &BankAccount{r: r}, nil
}

// RehydrateBankAccount rebuilds a stored account; only store adapters call it.
func RehydrateBankAccount(r BankAccountRecord) *BankAccount { return &BankAccount{r: r} }

// Record returns the account's stored form.
func (a *BankAccount) Record() BankAccountRecord { return a.r }

// ID returns the stored id, zero before the account is stored.
func (a *BankAccount) ID() BankAccountID { return a.r.ID }

// User returns the account's owner.
func (a *BankAccount) User() core.UserID { return a.r.User }

// Sheba returns the account's Sheba number.
func (a *BankAccount) Sheba() iran.Sheba { return a.r.Sheba }

// Verified reports whether ownership was confirmed.
func (a *BankAccount) Verified() bool { return a.r.Verified }

// Default reports whether this is the user's default account.
func (a *BankAccount) Default() bool { return a.r.Default }

// Deleted reports whether the user removed the account.
func (a *BankAccount) Deleted() bool { return a.r.Deleted }

// Verify records that the Sheba's ownership was confirmed at now. Verifying twice is a
// no-op; a deleted account refuses.
func (a *BankAccount) Verify(now time.Time) error {
	if a.r.Deleted {
		return a.refuse("verify")
	}
	if !a.r.Verified {
		a.r.Verified, a.r.VerifiedAt, a.r.UpdatedAt = true, now, now
	}
	return nil
}

// SetDefault makes the account the default one, or not. The service clears the flag of the
// user's other accounts in the same transaction.
func (a *BankAccount) SetDefault(on bool, now time.Time) error {
	if a.r.Deleted {
		return a.refuse("change")
	}
	a.r.Default, a.r.UpdatedAt = on, now
	return nil
}

// Delete removes the account softly: it stays for the history of its withdrawals.
func (a *BankAccount) Delete(now time.Time) error {
	if a.r.Deleted {
		return a.refuse("delete")
	}
	a.r.Deleted, a.r.Default, a.r.UpdatedAt = true, false, now
	return nil
}

func (a *BankAccount) refuse(action string) error {
	state := "active"
	if a.r.Deleted {
		state = "deleted"
	}
	return &core.InvalidStateError{Object: "bank account", State: state, Action: action}
}
