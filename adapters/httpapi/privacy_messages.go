package httpapi

// Messages of the personal-data endpoints.
var (
	msgAccountDeleted = localized{"حساب کاربری شما حذف شد", "Your account has been deleted."}
	msgDeleteConfirm  = localized{"برای تأیید حذف حساب، عبارت DELETE را بنویسید.", "Type DELETE to confirm the deletion."}
	msgDeleteProof    = localized{"رمز عبور یا کد تأیید را وارد کنید.", "Enter your password or a verification code."}
)
