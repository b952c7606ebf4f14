package httpapi

import (
	"net/http"
	"strings"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/payment"
)

// Lengths the decoder enforces on bank-account fields before the service checks the real
// rules (mod-97, Luhn, at most 50 digits); separators and spaces make the raw text longer.
const (
	maxShebaInputLen   = 64
	maxCardInputLen    = 64
	maxAccountInputLen = 100
)

// listBankAccounts is GET wallet/bank-accounts/: the caller's accounts that are not removed,
// as a list (API.md §1.4).
func (p *Payments) listBankAccounts(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	accounts, err := p.payments.BankAccounts(r.Context(), pr)
	if err != nil {
		return err
	}
	lo := min(page.Offset(), len(accounts))
	hi := min(lo+page.Limit(), len(accounts))
	items := make([]bankAccountJSON, 0, hi-lo)
	for _, a := range accounts[lo:hi] {
		items = append(items, bankAccountWire(a))
	}
	WriteList(w, r, page, len(accounts), items)
	return nil
}

// addBankAccount is POST wallet/bank-accounts/: sheba_number, card_number?,
// account_number?, bank_name? (needed only when the Sheba's bank is unknown),
// account_holder_name? (default: the user's full name) and is_default?; 201 with the
// account and a message.
//
// The request also carries otp_code (alias code): a fresh one-time code of purpose
// bank_account sent to the caller's phone. This step-up is an addition to API.md §3.4 (the
// original asked for nothing): the account added is where withdrawals may be paid, so a
// stolen session alone must not be enough to add one.
func (p *Payments) addBankAccount(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	field := otpField(in)
	in.Require("sheba_number", field)
	var acc payment.BankAccountInput
	acc.Sheba, _ = in.String("sheba_number", maxShebaInputLen)
	acc.Card, _ = in.String("card_number", maxCardInputLen)
	acc.AccountNumber, _ = in.String("account_number", maxAccountInputLen)
	acc.BankName, _ = in.Name("bank_name")
	acc.HolderName, _ = in.Name("account_holder_name")
	acc.Default, _ = in.Bool("is_default")
	otp, _ := in.String(field, maxCodeLen)
	if err := in.Err(); err != nil {
		return err
	}
	a, err := p.payments.AddBankAccount(r.Context(), pr, acc, core.NormalizeDigits(otp))
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusCreated, msgBankAccountAdded.in(LanguageOf(r)), bankAccountWire(a))
	return nil
}

// getBankAccount is GET wallet/bank-accounts/{id}/; another user's account is 404.
func (p *Payments) getBankAccount(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := bankAccountID(r)
	if err != nil {
		return err
	}
	a, err := p.payments.BankAccount(r.Context(), pr, id)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, bankAccountWire(a))
	return nil
}

// updateBankAccount is PUT or PATCH wallet/bank-accounts/{id}/: only is_default may change
// (true clears the other accounts' flag). Clients send whole objects, so the other fields
// may come too, unchanged: equal to the stored value (the masked card as it is shown
// counts as equal); a different one is a validation error (delete the account and add it
// again instead). Read-only fields (id, bank_code, is_verified, created_at) are ignored.
func (p *Payments) updateBankAccount(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := bankAccountID(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	a, err := p.payments.BankAccount(r.Context(), pr, id)
	if err != nil {
		return err
	}
	requireUnchanged(in, a.Record())
	on, changeDefault := in.Bool("is_default")
	if err := in.Err(); err != nil {
		return err
	}
	if changeDefault {
		if a, err = p.payments.SetDefaultBankAccount(r.Context(), pr, id, on); err != nil {
			return err
		}
	}
	WriteMessage(w, r, http.StatusOK, msgBankAccountUpdated.in(LanguageOf(r)), bankAccountWire(a))
	return nil
}

// requireUnchanged records an error on in for every immutable field sent with a value other
// than the stored one in rec, compared in the forms the service stores.
func requireUnchanged(in *Body, rec payment.BankAccountRecord) {
	same := map[string]func(string) bool{
		"sheba_number": func(s string) bool {
			sheba, err := iran.ParseSheba(s)
			return err == nil && sheba == rec.Sheba
		},
		"card_number": func(s string) bool {
			if s == rec.Card.Masked() { // as shown, or "" for an account without a card
				return true
			}
			card, err := iran.ParseCard(s)
			return err == nil && card == rec.Card
		},
		"account_number":      func(s string) bool { return core.NormalizeDigits(s) == rec.AccountNumber },
		"bank_name":           func(s string) bool { return NormalizeName(s) == rec.BankName },
		"account_holder_name": func(s string) bool { return NormalizeName(s) == rec.HolderName },
	}
	for _, field := range []string{"sheba_number", "card_number", "account_number", "bank_name", "account_holder_name"} {
		if !in.Has(field) {
			continue
		}
		s, ok := in.String(field, 0)
		if ok && !same[field](strings.TrimSpace(s)) {
			in.AddError(field, msgImmutableField.in(in.lang))
		}
	}
}

// deleteBankAccount is DELETE wallet/bank-accounts/{id}/: a soft delete, answered 200 with
// a message. An account an open withdrawal pays to is 409 in_use; the default one while
// others exist, 409 default_account_delete.
func (p *Payments) deleteBankAccount(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := bankAccountID(r)
	if err != nil {
		return err
	}
	if err := p.payments.DeleteBankAccount(r.Context(), pr, id); err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgBankAccountDeleted.in(LanguageOf(r)), nil)
	return nil
}

// verifyBankAccount is POST wallet/bank-accounts/{id}/verify/: the ownership inquiry of the
// account's Sheba against the caller's identity; 200 with the account, now verified. 400
// ownership_mismatch when it belongs to someone else, 503 inquiry_unavailable when the
// inquiry cannot answer.
func (p *Payments) verifyBankAccount(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := bankAccountID(r)
	if err != nil {
		return err
	}
	a, err := p.payments.VerifyBankAccount(r.Context(), pr, id)
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgBankAccountVerified.in(LanguageOf(r)), bankAccountWire(a))
	return nil
}
