package httpapi

import (
	"net/http"
	"strings"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// Operations of the idempotent trading endpoints, part of their keys' scope; an alias path is
// the same operation as its original.
const (
	opPlaceOrder  = "trading.place_order"
	opCancelOrder = "trading.cancel_order:" // + the order id
)

// maxQuoteIDLen bounds the quote_id text; real ids are 24 characters.
const maxQuoteIDLen = 64

// orderSides and orderStatuses are the values of the order filters and of order_type.
var (
	orderSides    = []string{trading.Buy.String(), trading.Sell.String()}
	orderStatuses = func() []string {
		var out []string
		for _, s := range trading.OrderStatuses() {
			out = append(out, s.String())
		}
		return out
	}()
)

// tradeRequest reads the body of preview and place_order: order_type (any case) and exactly
// one of amount_irr or gold_amount.
func tradeRequest(in *Body) trading.Request {
	var req trading.Request
	in.Require("order_type")
	if side, ok := in.Enum("order_type", orderSides...); ok {
		req.Side, _ = trading.ParseSide(side) // one of orderSides
	}
	hasAmount, hasGold := in.Has("amount_irr"), in.Has("gold_amount")
	switch {
	case hasAmount && hasGold:
		in.AddError(core.NonFieldErrors, msgAmountOrGold.in(in.lang))
	case hasGold:
		req.Gold, _ = in.Grams("gold_amount")
	default:
		in.Require("amount_irr")
		req.Amount, _ = in.Rial("amount_irr")
	}
	return req
}

// previewOrder is POST trading/orders/preview/: a firm quote.
func (t *Trading) previewOrder(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	req := tradeRequest(in)
	if err := in.Err(); err != nil {
		return err
	}
	q, err := t.trading.Preview(r.Context(), p, req)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, quoteWire(q))
	return nil
}

// placeOrder is POST trading/orders/place_order/ (alias POST trading/orders/): execute an
// order, 201 with the completed order. Idempotency-Key honoured.
func (t *Trading) placeOrder(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	call, err := t.idempotentCall(r, in, opPlaceOrder, writeOrderPlaced)
	if err != nil {
		return err
	}
	place := ports.PlaceInput{Request: tradeRequest(in)}
	if raw, ok := in.String("quote_id", maxQuoteIDLen); ok && raw != "" {
		id, err := trading.ParseQuoteID(raw)
		if err != nil {
			in.AddError("quote_id", msgQuoteIDInvalid.in(in.lang))
		}
		place.QuoteID = id
	}
	if err := in.Err(); err != nil {
		return err
	}
	out, err := t.trading.Place(r.Context(), p, place, call)
	if err != nil {
		return err
	}
	if out.Replayed != nil {
		writeReplay(w, out.Replayed)
		return nil
	}
	writeOrderPlaced(w, r, out.Result)
	return nil
}

// writeOrderPlaced answers a placed order: 201 with the order and a message.
func writeOrderPlaced(w http.ResponseWriter, r *http.Request, result any) {
	writeOrder(w, r, http.StatusCreated, msgOrderPlaced, result)
}

// writeOrderCancelled answers a cancelled order: 200 with the order and a message.
func writeOrderCancelled(w http.ResponseWriter, r *http.Request, result any) {
	writeOrder(w, r, http.StatusOK, msgOrderCancelled, result)
}

// writeOrder answers result, an order, with status and msg.
func writeOrder(w http.ResponseWriter, r *http.Request, status int, msg localized, result any) {
	o, ok := result.(*trading.Order)
	if !ok || o == nil {
		WriteError(w, r, core.ErrInternal)
		return
	}
	WriteMessage(w, r, status, msg.in(LanguageOf(r)), orderWire(o))
}

// listOrders is GET trading/orders/: the caller's orders, newest first, filtered by
// order_type and status.
func (t *Trading) listOrders(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	f, err := orderFilter(r)
	if err != nil {
		return err
	}
	orders, count, err := t.trading.Orders(r.Context(), p, f, page.Offset(), page.Limit())
	if err != nil {
		return err
	}
	items := make([]orderJSON, len(orders))
	for i, o := range orders {
		items[i] = orderWire(o)
	}
	WriteList(w, r, page, count, items)
	return nil
}

// orderFilter reads the order_type and status query parameters; an unknown value is a
// validation error.
func orderFilter(r *http.Request) (ports.OrderFilter, error) {
	var f ports.OrderFilter
	ve := core.NewValidationError()
	lang := LanguageOf(r)
	if v, ok := queryEnum(r, ve, lang, "order_type", orderSides); ok {
		f.Side, _ = trading.ParseSide(v)
	}
	if v, ok := queryEnum(r, ve, lang, "status", orderStatuses); ok {
		f.Status, _ = trading.ParseOrderStatus(v)
	}
	return f, ve.Err()
}

// queryEnum reads query parameter name as one of allowed, compared without regard to case.
// An absent or empty parameter is not an error; an unknown value records one on ve.
func queryEnum(r *http.Request, ve *core.ValidationError, lang Language, name string, allowed []string) (string, bool) {
	raw := strings.TrimSpace(r.URL.Query().Get(name))
	if raw == "" {
		return "", false
	}
	for _, a := range allowed {
		if strings.EqualFold(raw, a) {
			return a, true
		}
	}
	sep := "، "
	if lang == LangEN {
		sep = ", "
	}
	ve.Add(name, msgBadChoice.withText(lang, strings.Join(allowed, sep)))
	return "", false
}

// getOrder is GET trading/orders/{id}/; another user's order is 404.
func (t *Trading) getOrder(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, err := t.trading.Order(r.Context(), p, trading.OrderID(id))
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, orderWire(o))
	return nil
}

// cancelOrder is POST trading/orders/{id}/cancel/: only a pending order may be cancelled
// (409 invalid_state otherwise). Idempotency-Key honoured.
func (t *Trading) cancelOrder(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	call, err := t.idempotentCall(r, in, opCancelOrder+trading.OrderID(id).String(), writeOrderCancelled)
	if err != nil {
		return err
	}
	out, err := t.trading.Cancel(r.Context(), p, trading.OrderID(id), call)
	if err != nil {
		return err
	}
	if out.Replayed != nil {
		writeReplay(w, out.Replayed)
		return nil
	}
	writeOrderCancelled(w, r, out.Result)
	return nil
}
