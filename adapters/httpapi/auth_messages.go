package httpapi

// Success messages of the identity endpoints, shown to users as they are.
var (
	msgRegistered      = localized{"ثبت\u200cنام انجام شد. کد تایید ارسال شد", "Registration complete. A verification code has been sent."}
	msgOTPSent         = localized{"کد تایید ارسال شد", "A verification code has been sent."}
	msgPhoneVerified   = localized{"شماره موبایل با موفقیت تایید شد", "Your phone number has been verified."}
	msgResetCodeOK     = localized{"کد تایید شد؛ رمز عبور جدید را وارد کنید", "Code verified; choose a new password."}
	msgLoggedIn        = localized{"ورود با موفقیت انجام شد", "Signed in successfully."}
	msgLoggedOut       = localized{"خروج با موفقیت انجام شد", "Signed out successfully."}
	msgPasswordReset   = localized{"رمز عبور با موفقیت بازنشانی شد", "Your password has been reset."}
	msgPasswordChanged = localized{"رمز عبور با موفقیت تغییر کرد", "Your password has been changed."}
	msgProfileUpdated  = localized{"پروفایل با موفقیت به\u200cروزرسانی شد", "Your profile has been updated."}
	msgSessionRevoked  = localized{"نشست با موفقیت باطل شد", "The session has been revoked."}
)

// Field messages of the identity endpoints.
var (
	msgResetProof = localized{"توکن بازنشانی (reset_token) یا کد تایید (code) را وارد کنید.", "Provide either reset_token or code."}
	msgDateFormat = localized{"قالب تاریخ نادرست است؛ از YYYY-MM-DD یا تاریخ شمسی YYYY/MM/DD استفاده کنید.", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD, YYYY/MM/DD (Jalali)."}
)
