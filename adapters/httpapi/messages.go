package httpapi

import (
	"strconv"
	"strings"
)

// localized is one text in every [Language] the API speaks.
type localized struct {
	fa string
	en string
}

// in returns the text in lang, Persian unless lang is English.
func (l localized) in(lang Language) string {
	if lang == LangEN {
		return l.en
	}
	return l.fa
}

// codeMessages holds the readable sentence of every error code (API.md §1.3), shown verbatim
// by the web client.
var codeMessages = map[string]localized{
	"validation_error":         {"اطلاعات ارسال\u200cشده معتبر نیست.", "The submitted data is invalid."},
	"invalid_json":             {"بدنهٔ درخواست JSON معتبر نیست.", "The request body is not valid JSON."},
	"insufficient_balance":     {"موجودی شما کافی نیست.", "Your balance is insufficient."},
	"limit_exceeded":           {"مقدار درخواست\u200cشده خارج از حد مجاز است.", "The requested amount is outside the allowed limits."},
	"otp_invalid":              {"کد تأیید نادرست است.", "The verification code is incorrect."},
	"otp_expired":              {"کد تأیید منقضی شده است؛ کد جدیدی درخواست کنید.", "The verification code has expired; request a new one."},
	"otp_attempts_exceeded":    {"تلاش\u200cهای مجاز برای این کد تمام شده است؛ کد جدیدی درخواست کنید.", "Too many attempts for this code; request a new one."},
	"wrong_password":           {"رمز عبور فعلی نادرست است.", "The current password is incorrect."},
	"quote_mismatch":           {"سفارش با قیمت پیشنهادی مطابقت ندارد.", "The order does not match its quote."},
	"unsupported_file_type":    {"نوع فایل پشتیبانی نمی\u200cشود.", "This file type is not supported."},
	"file_too_large":           {"حجم فایل بیش از حد مجاز است.", "The file is too large."},
	"documents_missing":        {"همهٔ مدارک لازم بارگذاری نشده است.", "Some required documents are missing."},
	"bank_account_unverified":  {"مالکیت این حساب بانکی هنوز تأیید نشده است.", "The ownership of this bank account has not been verified."},
	"ownership_mismatch":       {"این حساب یا شماره به نام شما ثبت نشده است.", "This account or number is not registered in your name."},
	"idempotency_key_invalid":  {"سرآیند Idempotency-Key نامعتبر است.", "The Idempotency-Key header is invalid."},
	"not_authenticated":        {"برای این کار باید وارد حساب کاربری شوید.", "You must sign in to do this."},
	"invalid_credentials":      {"شماره موبایل یا رمز عبور نادرست است.", "The phone number or password is incorrect."},
	"token_expired":            {"نشست شما منقضی شده است؛ دوباره وارد شوید.", "Your session has expired; please sign in again."},
	"token_invalid":            {"توکن دسترسی نامعتبر است؛ دوباره وارد شوید.", "The access token is invalid; please sign in again."},
	"token_revoked":            {"این نشست باطل شده است؛ دوباره وارد شوید.", "This session has been revoked; please sign in again."},
	"token_reused":             {"نشست شما به دلایل امنیتی باطل شد؛ دوباره وارد شوید.", "Your session was revoked for security reasons; please sign in again."},
	"permission_denied":        {"شما اجازهٔ انجام این کار را ندارید.", "You do not have permission to do this."},
	"account_disabled":         {"حساب کاربری شما غیرفعال شده است.", "Your account has been disabled."},
	"phone_not_verified":       {"ابتدا شماره موبایل خود را تأیید کنید.", "Please verify your phone number first."},
	"kyc_required":             {"برای این کار باید احراز هویت خود را تکمیل کنید.", "You need to complete identity verification to do this."},
	"csrf_failed":              {"بررسی امنیتی CSRF ناموفق بود.", "The CSRF check failed."},
	"feature_disabled":         {"این قابلیت در حال حاضر فعال نیست.", "This feature is not available at the moment."},
	"not_found":                {"مورد درخواست\u200cشده پیدا نشد.", "The requested resource was not found."},
	"method_not_allowed":       {"این روش درخواست برای این نشانی مجاز نیست.", "This method is not allowed for this URL."},
	"phone_taken":              {"این شماره موبایل قبلاً ثبت شده است.", "This phone number is already registered."},
	"national_id_taken":        {"این کد ملی قبلاً ثبت شده است.", "This national ID is already registered."},
	"already_exists":           {"این مورد قبلاً ثبت شده است.", "This item already exists."},
	"invalid_state":            {"وضعیت فعلی اجازهٔ این کار را نمی\u200cدهد.", "This action is not allowed in the current state."},
	"quote_expired":            {"اعتبار قیمت پیشنهادی تمام شده است؛ دوباره قیمت بگیرید.", "The quote has expired; please request a new one."},
	"quote_used":               {"این قیمت پیشنهادی قبلاً استفاده شده است.", "This quote has already been used."},
	"kyc_locked":               {"اطلاعات هویتی در حال بررسی یا تأییدشده است و تغییر نمی\u200cکند.", "Identity details cannot change while under review or after approval."},
	"account_has_balance":      {"حساب شما هنوز موجودی دارد.", "Your account still holds a balance."},
	"in_use":                   {"این مورد در حال استفاده است و حذف نمی\u200cشود.", "This item is in use and cannot be deleted."},
	"default_account_delete":   {"حساب پیش\u200cفرض حذف نمی\u200cشود؛ ابتدا حساب دیگری را پیش\u200cفرض کنید.", "The default account cannot be deleted; make another account the default first."},
	"price_jump_unconfirmed":   {"تغییر قیمت بیش از حد مجاز است و باید تأیید شود.", "The price change exceeds the allowed step and must be confirmed."},
	"idempotency_key_reused":   {"این Idempotency-Key قبلاً برای درخواست دیگری به کار رفته است.", "This Idempotency-Key was already used for a different request."},
	"idempotency_in_progress":  {"درخواستی با همین Idempotency-Key در حال انجام است.", "A request with this Idempotency-Key is still in progress."},
	"payload_too_large":        {"حجم درخواست بیش از حد مجاز است.", "The request body is too large."},
	"unsupported_media_type":   {"نوع محتوای درخواست پشتیبانی نمی\u200cشود.", "The request content type is not supported."},
	"idempotency_key_required": {"سرآیند Idempotency-Key الزامی است.", "The Idempotency-Key header is required."},
	"rate_limit_exceeded":      {"تعداد درخواست\u200cها بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید.", "Too many requests; please try again later."},
	"internal_error":           {"خطای داخلی سرور رخ داد.", "An internal server error occurred."},
	"price_unavailable":        {"قیمت طلا در حال حاضر در دسترس نیست.", "The gold price is not available at the moment."},
	"trading_halted":           {"معاملات موقتاً متوقف شده است.", "Trading is temporarily halted."},
	"inventory_unavailable":    {"موجودی طلای سامانه در حال حاضر کافی نیست.", "The platform's gold inventory is not sufficient at the moment."},
	"gateway_unavailable":      {"درگاه پرداخت در دسترس نیست.", "The payment gateway is unavailable."},
	"sms_unavailable":          {"ارسال پیامک در حال حاضر ممکن نیست.", "Text messages cannot be sent at the moment."},
	"inquiry_unavailable":      {"سرویس استعلام در دسترس نیست.", "The inquiry service is unavailable."},
	"maintenance":              {"سامانه در حال به\u200cروزرسانی است؛ کمی بعد دوباره تلاش کنید.", "The service is under maintenance; please try again later."},
}

// codeMessage returns the sentence for code in lang; a code without one (none, by test)
// falls back to the internal error's sentence.
func codeMessage(code string, lang Language) string {
	if m, ok := codeMessages[code]; ok {
		return m.in(lang)
	}
	return codeMessages[codeInternal].in(lang)
}

// Field messages: what the decoder and the typed getters of [Body] say about one field.
var (
	msgRequired       = localized{"این فیلد الزامی است.", "This field is required."}
	msgBlank          = localized{"این فیلد نمی\u200cتواند خالی باشد.", "This field may not be blank."}
	msgNotString      = localized{"یک متن معتبر وارد کنید.", "Not a valid string."}
	msgNullCharacter  = localized{"نویسهٔ تهی (null) مجاز نیست.", "Null characters are not allowed."}
	msgTooLong        = localized{"این فیلد حداکثر %d نویسه می\u200cتواند داشته باشد.", "Ensure this field has no more than %d characters."}
	msgNotBool        = localized{"یک مقدار درست یا نادرست معتبر وارد کنید.", "Must be a valid boolean."}
	msgNotInt         = localized{"یک عدد صحیح معتبر وارد کنید.", "A valid integer is required."}
	msgNotID          = localized{"یک شناسهٔ معتبر (عدد صحیح مثبت) وارد کنید.", "A valid id (a positive integer) is required."}
	msgAmountInvalid  = localized{"یک مبلغ معتبر وارد کنید.", "A valid amount is required."}
	msgAmountNegative = localized{"مبلغ نمی\u200cتواند منفی باشد.", "The amount cannot be negative."}
	msgAmountWhole    = localized{"مبلغ باید عدد صحیح ریال باشد.", "The amount must be a whole number of rials."}
	msgAmountTooLarge = localized{"مبلغ نباید بیشتر از %d ریال باشد.", "The amount must not exceed %d rials."}
	msgGoldInvalid    = localized{"یک مقدار طلای معتبر (گرم) وارد کنید.", "A valid gold amount in grams is required."}
	msgGoldPlaces     = localized{"مقدار طلا حداکثر %d رقم اعشار می\u200cتواند داشته باشد.", "The gold amount may have at most %d decimal places."}
	msgGoldPositive   = localized{"مقدار طلا باید بیشتر از صفر باشد.", "The gold amount must be more than zero."}
	msgBadChoice      = localized{"گزینهٔ انتخاب\u200cشده معتبر نیست؛ مقدارهای مجاز: %s.", "Not a valid choice; expected one of: %s."}
	msgNoFile         = localized{"هیچ فایلی ارسال نشده است.", "No file was submitted."}
	msgEmptyFile      = localized{"فایل ارسال\u200cشده خالی است.", "The submitted file is empty."}
	msgNotObject      = localized{"بدنهٔ درخواست باید یک شیء JSON باشد.", "The request body must be a JSON object."}
	msgBadMultipart   = localized{"بدنهٔ multipart معتبر نیست.", "The multipart body is malformed."}
)

// withNumber returns the text of l in lang with its %d replaced by n, written in Persian
// digits in the Persian text.
func (l localized) withNumber(lang Language, n int64) string {
	s := strconv.FormatInt(n, 10)
	if lang != LangEN {
		s = persianDigits(s)
	}
	return strings.Replace(l.in(lang), "%d", s, 1)
}

// withText returns the text of l in lang with its %s replaced by s.
func (l localized) withText(lang Language, s string) string {
	return strings.Replace(l.in(lang), "%s", s, 1)
}

// persianDigits writes the ASCII digits of s as Persian digits (U+06F0–U+06F9).
func persianDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + (r - '0')
		}
		return r
	}, s)
}
