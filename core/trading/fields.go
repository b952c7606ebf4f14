package trading

// The request fields validation errors name (API.md §3.9) and the messages shared by several
// rules, in the style of the original backend's validators.
const (
	fieldOrderType  = "order_type"
	fieldAmountIRR  = "amount_irr"
	fieldGoldAmount = "gold_amount"
	fieldQuoteID    = "quote_id"

	msgRequired      = "This field is required."
	msgSideInvalid   = "Select a valid choice: buy or sell."
	msgQuoteIDFormat = "Enter a valid quote id."
	msgMoreThanZero  = "Ensure this value is greater than 0."
)
