package httpapi

import (
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
)

// orderJSON is the Order object of API.md §2.
type orderJSON struct {
	ID               trading.OrderID   `json:"id"`
	OrderType        string            `json:"order_type"`
	OrderTypeDisplay string            `json:"order_type_display"`
	Status           string            `json:"status"`
	StatusDisplay    string            `json:"status_display"`
	GoldAmount       Gold              `json:"gold_amount"`
	GoldPricePerGram core.RialsPerGram `json:"gold_price_per_gram"`
	AmountIRR        core.Rial         `json:"amount_irr"`
	Fee              core.Rial         `json:"fee"`
	TotalAmount      core.Rial         `json:"total_amount"`
	OrderNumber      string            `json:"order_number"`
	QuoteID          *string           `json:"quote_id"`
	FailureReason    *string           `json:"failure_reason"`
	CreatedAt        Timestamp         `json:"created_at"`
	ExecutedAt       Timestamp         `json:"executed_at"`
	CancelledAt      Timestamp         `json:"cancelled_at"`
}

// orderWire returns o as the Order object.
func orderWire(o *trading.Order) orderJSON {
	t := o.Terms()
	return orderJSON{
		ID:               o.ID(),
		OrderType:        t.Side.String(),
		OrderTypeDisplay: display(t.Side.String()),
		Status:           o.Status().String(),
		StatusDisplay:    display(o.Status().String()),
		GoldAmount:       Gold(t.Gold),
		GoldPricePerGram: t.Price,
		AmountIRR:        t.AmountIRR,
		Fee:              t.Fee,
		TotalAmount:      t.Total,
		OrderNumber:      o.Number(),
		QuoteID:          nonEmpty(o.QuoteID().String()),
		FailureReason:    nonEmpty(o.FailureReason()),
		CreatedAt:        Timestamp(o.CreatedAt()),
		ExecutedAt:       Timestamp(o.ExecutedAt()),
		CancelledAt:      Timestamp(o.CancelledAt()),
	}
}

// quoteJSON is the Quote object of API.md §2: the original preview's six fields and the
// quote's id and expiry.
type quoteJSON struct {
	OrderType        string            `json:"order_type"`
	AmountIRR        core.Rial         `json:"amount_irr"`
	GoldPricePerGram core.RialsPerGram `json:"gold_price_per_gram"`
	GoldAmount       Gold              `json:"gold_amount"`
	Fee              core.Rial         `json:"fee"`
	TotalAmount      core.Rial         `json:"total_amount"`
	QuoteID          string            `json:"quote_id"`
	ExpiresAt        Timestamp         `json:"expires_at"`
	ExpiresIn        int64             `json:"expires_in"`
}

// quoteWire returns q as the Quote object; expires_in is its whole lifetime, since it was
// made just now.
func quoteWire(q *trading.Quote) quoteJSON {
	t := q.Terms()
	return quoteJSON{
		OrderType:        t.Side.String(),
		AmountIRR:        t.AmountIRR,
		GoldPricePerGram: t.Price,
		GoldAmount:       Gold(t.Gold),
		Fee:              t.Fee,
		TotalAmount:      t.Total,
		QuoteID:          q.ID().String(),
		ExpiresAt:        Timestamp(q.ExpiresAt()),
		ExpiresIn:        ceilSeconds(q.ExpiresAt().Sub(q.CreatedAt())),
	}
}
