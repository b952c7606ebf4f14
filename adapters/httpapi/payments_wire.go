package httpapi

import (
	"net/http"
	"net/url"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// bankAccountJSON is the BankAccount object of API.md §2: the card number masked, "" when
// none.
type bankAccountJSON struct {
	ID                payment.BankAccountID `json:"id"`
	BankName          string                `json:"bank_name"`
	BankCode          string                `json:"bank_code"`
	AccountNumber     string                `json:"account_number"`
	ShebaNumber       string                `json:"sheba_number"`
	CardNumber        string                `json:"card_number"`
	AccountHolderName string                `json:"account_holder_name"`
	IsVerified        bool                  `json:"is_verified"`
	IsDefault         bool                  `json:"is_default"`
	CreatedAt         Timestamp             `json:"created_at"`
}

// bankAccountWire returns a as the BankAccount object.
func bankAccountWire(a *payment.BankAccount) bankAccountJSON {
	r := a.Record()
	return bankAccountJSON{
		ID:                r.ID,
		BankName:          r.BankName,
		BankCode:          r.BankCode,
		AccountNumber:     r.AccountNumber,
		ShebaNumber:       r.Sheba.String(),
		CardNumber:        r.Card.Masked(),
		AccountHolderName: r.HolderName,
		IsVerified:        r.Verified,
		IsDefault:         r.Default,
		CreatedAt:         Timestamp(r.CreatedAt),
	}
}

// transferDestinationJSON is where a bank-transfer deposit is paid to.
type transferDestinationJSON struct {
	BankName          string `json:"bank_name"`
	ShebaNumber       string `json:"sheba_number"`
	AccountHolderName string `json:"account_holder_name"`
}

// depositJSON is the Deposit object of API.md §2.
type depositJSON struct {
	ID                  payment.DepositID        `json:"id"`
	Amount              core.Rial                `json:"amount"`
	Status              string                   `json:"status"`
	StatusDisplay       string                   `json:"status_display"`
	PaymentMethod       string                   `json:"payment_method"`
	Gateway             *string                  `json:"gateway"`
	TransactionID       string                   `json:"transaction_id"`
	GatewayReference    *string                  `json:"gateway_reference"`
	CardPANMasked       *string                  `json:"card_pan_masked"`
	ReceiptImage        *string                  `json:"receipt_image"`
	Notes               string                   `json:"notes"`
	RejectionReason     *string                  `json:"rejection_reason"`
	TransferDestination *transferDestinationJSON `json:"transfer_destination"`
	ExpiresAt           Timestamp                `json:"expires_at"`
	VerifiedAt          Timestamp                `json:"verified_at"`
	CreatedAt           Timestamp                `json:"created_at"`
	UpdatedAt           Timestamp                `json:"updated_at"`
}

// depositView says how a deposit is written for its reader.
type depositView struct {
	// destination is shown as transfer_destination on a bank transfer; zero: null.
	destination ports.TransferDestination
	// receiptURL is where staff download the receipt; "" (every owner's view, and deposits
	// without one): null. Receipts are private files; the owner gets signed URLs once the
	// blob store signs them.
	receiptURL string
	// staff shows the unknown status as it is; owners see it as pending (API.md §2 has no
	// unknown: the outcome is being checked, the money may still arrive).
	staff bool
}

// depositWire returns d as the Deposit object seen through v.
func depositWire(d *payment.Deposit, v depositView) depositJSON {
	r := d.Record()
	status := r.Status
	if status == payment.DepositUnknown && !v.staff {
		status = payment.DepositPending
	}
	out := depositJSON{
		ID:               r.ID,
		Amount:           r.Amount,
		Status:           status.String(),
		StatusDisplay:    labelOf(depositLabels, status.String()),
		PaymentMethod:    r.Method.String(),
		TransactionID:    r.Number,
		GatewayReference: nonEmpty(r.GatewayReference),
		CardPANMasked:    nonEmpty(r.CardPANMasked),
		ReceiptImage:     nonEmpty(v.receiptURL),
		Notes:            r.Notes,
		RejectionReason:  nonEmpty(r.Reason),
		CreatedAt:        Timestamp(r.CreatedAt),
		UpdatedAt:        Timestamp(r.UpdatedAt),
		VerifiedAt:       Timestamp(r.VerifiedAt),
	}
	switch r.Method {
	case payment.MethodOnline:
		out.Gateway = nonEmpty(r.Gateway)
		out.ExpiresAt = Timestamp(r.ExpiresAt)
	case payment.MethodBankTransfer:
		if v.destination != (ports.TransferDestination{}) {
			out.TransferDestination = &transferDestinationJSON{
				BankName: v.destination.BankName, ShebaNumber: v.destination.Sheba, AccountHolderName: v.destination.HolderName,
			}
		}
	}
	return out
}

// onlineDepositJSON is the answer to an online deposit's creation: the deposit and the
// gateway page to send the buyer to.
type onlineDepositJSON struct {
	Deposit    depositJSON `json:"deposit"`
	PaymentURL string      `json:"payment_url"`
}

// receiptURL returns the absolute URL of deposit id's receipt download for staff, or "" when
// the deposit has no receipt.
func receiptURL(r *http.Request, d *payment.Deposit) string {
	if d.Record().ReceiptKey == "" {
		return ""
	}
	u := url.URL{Scheme: requestScheme(r), Host: r.Host, Path: "/api/admin/deposits/" + d.ID().String() + "/receipt/"}
	return u.String()
}

// withdrawalJSON is the Withdrawal object of API.md §2.
type withdrawalJSON struct {
	ID                 payment.WithdrawalID   `json:"id"`
	BankAccount        *payment.BankAccountID `json:"bank_account"`
	BankAccountDetails *bankAccountJSON       `json:"bank_account_details"`
	Amount             core.Rial              `json:"amount"`
	Fee                core.Rial              `json:"fee"`
	TotalAmount        core.Rial              `json:"total_amount"`
	Status             string                 `json:"status"`
	StatusDisplay      string                 `json:"status_display"`
	TransactionID      string                 `json:"transaction_id"`
	TrackingCode       *string                `json:"tracking_code"`
	RejectionReason    *string                `json:"rejection_reason"`
	CreatedAt          Timestamp              `json:"created_at"`
	UpdatedAt          Timestamp              `json:"updated_at"`
	ProcessedAt        Timestamp              `json:"processed_at"`
}

// withdrawalWire returns w as the Withdrawal object; account, when known, is written as
// bank_account_details (null otherwise).
func withdrawalWire(w *payment.Withdrawal, account *payment.BankAccount) withdrawalJSON {
	r := w.Record()
	out := withdrawalJSON{
		ID:              r.ID,
		Amount:          r.Amount,
		Fee:             r.Fee,
		TotalAmount:     w.Total(),
		Status:          r.Status.String(),
		StatusDisplay:   labelOf(withdrawalLabels, r.Status.String()),
		TransactionID:   r.Number,
		TrackingCode:    nonEmpty(r.TrackingCode),
		RejectionReason: nonEmpty(r.Reason),
		CreatedAt:       Timestamp(r.CreatedAt),
		UpdatedAt:       Timestamp(r.UpdatedAt),
		ProcessedAt:     Timestamp(r.ProcessedAt),
	}
	if r.BankAccount > 0 {
		id := r.BankAccount
		out.BankAccount = &id
	}
	if account != nil {
		details := bankAccountWire(account)
		out.BankAccountDetails = &details
	}
	return out
}
