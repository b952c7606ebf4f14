package httpapi

import (
	"net/http"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// Operations of the idempotent staff endpoints.
const (
	opSetPrice      = "admin.prices.set"
	opHaltTrading   = "admin.trading.halt"
	opResumeTrading = "admin.trading.resume"
)

// Lengths the decoder enforces before the service checks the real rules.
const (
	maxSourceLen = 64
	maxReasonLen = ports.MaxReasonLen
)

// setPrice is POST admin/prices/: a staff price, 201 with the new GoldPrice. A move beyond
// the jump guard needs confirm: true (409 price_jump_unconfirmed). Idempotency-Key honoured.
func (t *Trading) setPrice(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	call, err := t.idempotentCall(r, in, opSetPrice, writePriceSet)
	if err != nil {
		return err
	}
	in.Require("buy_price", "sell_price")
	buy, _ := in.Rial("buy_price")
	sell, _ := in.Rial("sell_price")
	source, _ := in.String("source", maxSourceLen)
	confirm, _ := in.Bool("confirm")
	if err := in.Err(); err != nil {
		return err
	}
	out, err := t.control.SetPrice(r.Context(), p, ports.SetPriceInput{
		Buy: core.RialsPerGram(buy), Sell: core.RialsPerGram(sell), Source: source, Confirm: confirm,
	}, call)
	if err != nil {
		return err
	}
	if out.Replayed != nil {
		writeReplay(w, out.Replayed)
		return nil
	}
	writePriceSet(w, r, out.Result)
	return nil
}

// writePriceSet answers a staff price: 201 with the GoldPrice and a message.
func writePriceSet(w http.ResponseWriter, r *http.Request, result any) {
	v, ok := result.(ports.PriceView)
	if !ok {
		WriteError(w, r, core.ErrInternal)
		return
	}
	WriteMessage(w, r, http.StatusCreated, msgPriceSet.in(LanguageOf(r)), goldPriceWire(v))
}

// haltTrading is POST admin/trading/halt/ with a reason. Idempotency-Key honoured.
func (t *Trading) haltTrading(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	call, err := t.idempotentCall(r, in, opHaltTrading, writeHalted)
	if err != nil {
		return err
	}
	in.Require("reason")
	reason, _ := in.String("reason", maxReasonLen)
	if err := in.Err(); err != nil {
		return err
	}
	out, err := t.control.Halt(r.Context(), p, reason, call)
	return answerStatus(w, r, out, err, writeHalted)
}

// resumeTrading is POST admin/trading/resume/ with an optional reason; confirm_jump (alias
// confirm) accepts a feed price waiting after a jump. Idempotency-Key honoured.
func (t *Trading) resumeTrading(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	call, err := t.idempotentCall(r, in, opResumeTrading, writeResumed)
	if err != nil {
		return err
	}
	reason, _ := in.String("reason", maxReasonLen)
	confirm, _ := in.Bool("confirm_jump")
	if !in.Has("confirm_jump") {
		confirm, _ = in.Bool("confirm")
	}
	if err := in.Err(); err != nil {
		return err
	}
	out, err := t.control.Resume(r.Context(), p, ports.ResumeInput{Reason: reason, ConfirmJump: confirm}, call)
	return answerStatus(w, r, out, err, writeResumed)
}

// answerStatus answers the outcome of a trading state change.
func answerStatus(w http.ResponseWriter, r *http.Request, out ports.Outcome[ports.TradingStatus], err error, render renderFunc) error {
	if err != nil {
		return err
	}
	if out.Replayed != nil {
		writeReplay(w, out.Replayed)
		return nil
	}
	render(w, r, out.Result)
	return nil
}

// writeHalted and writeResumed answer a trading state change: 200 with the status and a
// message.
func writeHalted(w http.ResponseWriter, r *http.Request, result any) {
	writeStatus(w, r, msgTradingHalted, result)
}

func writeResumed(w http.ResponseWriter, r *http.Request, result any) {
	writeStatus(w, r, msgTradingResumed, result)
}

func writeStatus(w http.ResponseWriter, r *http.Request, msg localized, result any) {
	s, ok := result.(ports.TradingStatus)
	if !ok {
		WriteError(w, r, core.ErrInternal)
		return
	}
	WriteMessage(w, r, http.StatusOK, msg.in(LanguageOf(r)), tradingStatusWire(s))
}

// tradingStatus is GET admin/trading/status/.
func (t *Trading) tradingStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	s, err := t.control.Status(r.Context(), p)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, tradingStatusWire(s))
	return nil
}
