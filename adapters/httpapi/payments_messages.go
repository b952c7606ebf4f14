package httpapi

// Success messages of the bank-account, deposit and withdrawal endpoints, shown to users as
// they are; the original's where it had one.
var (
	msgBankAccountAdded    = localized{"حساب بانکی با موفقیت اضافه شد", "The bank account was added."}
	msgBankAccountUpdated  = localized{"حساب بانکی با موفقیت بروزرسانی شد", "The bank account was updated."}
	msgBankAccountDeleted  = localized{"حساب بانکی با موفقیت حذف شد", "The bank account was deleted."}
	msgBankAccountVerified = localized{"مالکیت حساب بانکی تأیید شد", "The ownership of the bank account was verified."}
	msgDepositCreated      = localized{"درخواست واریز ایجاد شد", "The deposit was created."}
	msgTransferCreated     = localized{"درخواست واریز ایجاد شد. لطفاً مبلغ را به حساب زیر واریز کنید", "The deposit was created. Please transfer the amount to the account below."}
	msgReceiptUploaded     = localized{"رسید با موفقیت آپلود شد", "The receipt was uploaded."}
	msgDepositCancelled    = localized{"درخواست واریز لغو شد", "The deposit was cancelled."}
	msgDepositVerified     = localized{"واریز تأیید شد و کیف پول شارژ شد", "The deposit was verified and the wallet credited."}
	msgDepositRejected     = localized{"درخواست واریز رد شد", "The deposit was rejected."}
	msgWithdrawalCreated   = localized{"درخواست برداشت ثبت شد و در حال بررسی است", "The withdrawal was requested and is being reviewed."}
	msgWithdrawalCancelled = localized{"درخواست برداشت لغو شد", "The withdrawal was cancelled."}
	msgWithdrawalApproved  = localized{"درخواست برداشت تأیید شد", "The withdrawal was approved."}
	msgWithdrawalProcessed = localized{"درخواست برداشت برای پرداخت ارسال شد", "The withdrawal was sent for payout."}
	msgWithdrawalCompleted = localized{"برداشت پرداخت شد", "The withdrawal was paid out."}
	msgWithdrawalRejected  = localized{"درخواست برداشت رد شد", "The withdrawal was rejected."}
)

// Field messages of the bank-account endpoints.
var (
	msgImmutableField = localized{"این فیلد قابل تغییر نیست؛ حساب را حذف و دوباره اضافه کنید.", "This field cannot change; delete the account and add it again."}
)

// depositLabels and withdrawalLabels are the Persian labels of the statuses in
// status_display, the original's choice labels (failed and unknown are new). They differ from
// the shared [displayLabels]: a pending deposit waits for payment, a pending withdrawal for
// review.
var (
	depositLabels = map[string]string{
		"pending":   "در انتظار پرداخت",
		"unknown":   "در حال بررسی نتیجه پرداخت",
		"paid":      "پرداخت شده",
		"verified":  "تایید شده",
		"rejected":  "رد شده",
		"cancelled": "لغو شده",
		"failed":    "ناموفق",
	}
	withdrawalLabels = map[string]string{
		"pending":    "در انتظار بررسی",
		"approved":   "تایید شده",
		"processing": "در حال پردازش",
		"completed":  "تکمیل شده",
		"rejected":   "رد شده",
		"cancelled":  "لغو شده",
	}
)

// labelOf returns the label of value in labels, or the value itself.
func labelOf(labels map[string]string, value string) string {
	if l, ok := labels[value]; ok {
		return l
	}
	return value
}
