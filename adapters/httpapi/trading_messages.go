package httpapi

// Success messages of the trading and staff endpoints, shown to users as they are.
var (
	msgOrderPlaced     = localized{"سفارش با موفقیت انجام شد", "The order was executed."}
	msgOrderCancelled  = localized{"سفارش لغو شد", "The order was cancelled."}
	msgPriceSet        = localized{"قیمت جدید ثبت شد", "The new price was set."}
	msgTradingHalted   = localized{"معاملات متوقف شد", "Trading was halted."}
	msgTradingResumed  = localized{"معاملات از سر گرفته شد", "Trading was resumed."}
	msgAmountOrGold    = localized{"فقط یکی از amount_irr یا gold_amount را بفرستید.", "Send either amount_irr or gold_amount, not both."}
	msgQuoteIDInvalid  = localized{"شناسهٔ قیمت پیشنهادی (quote_id) معتبر نیست.", "Enter a valid quote id."}
	msgDateTimeInvalid = localized{"قالب زمان نادرست است؛ از RFC 3339 استفاده کنید.", "Datetime has wrong format. Use RFC 3339, e.g. 2025-03-01T14:30:00+03:30."}
)

// displayLabels are the Persian labels of the enum values in `*_display` fields (API.md
// §1.1), the original's choice labels. They are Persian whatever the request's language, as
// in the original.
var displayLabels = map[string]string{
	// order_type
	"buy":  "خرید",
	"sell": "فروش",
	// statuses
	"pending":    "در انتظار",
	"processing": "در حال پردازش",
	"completed":  "تکمیل شده",
	"failed":     "ناموفق",
	"cancelled":  "لغو شده",
	// wallet and unified transaction types
	"deposit":     "واریز",
	"withdraw":    "برداشت",
	"buy_gold":    "خرید طلا",
	"sell_gold":   "فروش طلا",
	"fee":         "کارمزد",
	"refund":      "بازگشت وجه",
	"installment": "قسط",
}

// display returns the Persian label of an enum value, or the value itself.
func display(value string) string {
	if l, ok := displayLabels[value]; ok {
		return l
	}
	return value
}
