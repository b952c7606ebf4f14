package payments

import (
	"strconv"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/core/payment"
)

// The audit actions this service writes.
const (
	actionDepositCreate      = "deposit.create"
	actionDepositCredit      = "deposit.credit"
	actionDepositFail        = "deposit.fail"
	actionDepositCancel      = "deposit.cancel"
	actionDepositReceipt     = "deposit.receipt"
	actionDepositReject      = "deposit.reject"
	actionReceiptDownload    = "deposit.receipt_download"
	actionBankAccountAdd     = "bank_account.add"
	actionBankAccountVerify  = "bank_account.verify"
	actionBankAccountDelete  = "bank_account.delete"
	actionBankAccountConfirm = "bank_account.confirm"
	actionWithdrawalCreate   = "withdrawal.create"
	actionWithdrawalApprove  = "withdrawal.approve"
	actionWithdrawalProcess  = "withdrawal.process"
	actionWithdrawalDone     = "withdrawal.complete"
	actionWithdrawalReject   = "withdrawal.reject"
	actionWithdrawalCancel   = "withdrawal.cancel"
)

// The audited entities.
const (
	entityDeposit     = "deposit"
	entityWithdrawal  = "withdrawal"
	entityBankAccount = "bank_account"
)

func i64(n int64) string { return strconv.FormatInt(n, 10) }

// depositDigest fingerprints a deposit's stored form.
func depositDigest(d *payment.Deposit) string {
	r := d.Record()
	return auditlog.Digest("deposit", r.ID.String(), r.Number, r.User.String(), r.Amount.String(), r.Method.String(),
		r.Gateway, r.Authority, r.Status.String(), r.GatewayReference, r.CardPANMasked, r.ReceiptKey, r.Reason,
		r.Credited.String(), r.ReviewedBy.String(), auditlog.Stamp(r.VerifiedAt), auditlog.Stamp(r.UpdatedAt))
}

// withdrawalDigest fingerprints a withdrawal's stored form.
func withdrawalDigest(w *payment.Withdrawal) string {
	r := w.Record()
	return auditlog.Digest("withdrawal", r.ID.String(), r.Number, r.User.String(), r.BankAccount.String(),
		r.Amount.String(), r.Fee.String(), r.Status.String(), i64(int64(r.Hold)), r.Channel, r.TrackingCode, r.Reason,
		r.ApprovedBy.String(), r.ProcessedBy.String(), auditlog.Stamp(r.ProcessedAt), auditlog.Stamp(r.UpdatedAt))
}

// bankAccountDigest fingerprints a bank account's stored form.
func bankAccountDigest(a *payment.BankAccount) string {
	r := a.Record()
	return auditlog.Digest("bank_account", r.ID.String(), r.User.String(), r.Sheba.String(), r.Card.Masked(),
		r.AccountNumber, r.BankCode, r.HolderName, strconv.FormatBool(r.Verified), strconv.FormatBool(r.Default),
		strconv.FormatBool(r.Deleted), auditlog.Stamp(r.UpdatedAt))
}
