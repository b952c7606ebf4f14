package ports

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

// ErrPaymentOutcomeUnknown is returned by a [PaymentGateway] when the request reached the
// gateway but no usable answer came back: the gateway's timeout or the caller's context ended
// after the request was written, the connection broke while the answer was read, the gateway
// answered success in a form that could not be read, a proxy in front of it timed out (HTTP
// 504), or the gateway itself said it hit an unexpected error. For Verify this means the
// payment may now be verified (and the money captured): the deposit stays "unknown" and a
// reconciler resolves it later with Verify (safe to repeat) or Inquire. It never matches
// [core.ErrGatewayUnavailable], so a caller that retries on "unavailable" does not retry
// here by mistake. The error wraps its cause too, so errors.Is(err, context.Canceled) tells a
// caller's own cancellation apart.
var ErrPaymentOutcomeUnknown = errors.New("payment outcome unknown")

// ErrPaymentMismatch is returned by Verify when the gateway's record of the payment does not
// match ours: the amount paid differs from the amount we asked to verify (ZarinPal -50), or
// the gateway echoes another amount or order id. It is a tamper signal (or a bug) and the
// deposit must not be credited; alert an operator. It wraps [core.ErrInvalidInput], so the
// HTTP layer reports it as a refused request, and [errors.Is] with ErrPaymentMismatch tells
// it apart from other refusals.
var ErrPaymentMismatch = fmt.Errorf("payment does not match our record: %w", core.ErrInvalidInput)

// PaymentGateway starts and settles card payments through one internet payment gateway (an
// adapter under adapters/payment). Adapters only translate to their gateway, including its
// amount unit: every amount here is in rials. The caller owns the deposit record and decides
// when to verify; exactly-once crediting (ARCHITECTURE.md §4) rests on the caller storing a
// unique (gateway, authority) and crediting only after Verify returns Paid with its own
// amount.
//
// Every method except ParseCallback returns one of these, matched with errors.Is:
//   - [core.ErrInvalidInput] when an argument is invalid (empty order id or authority, an
//     amount that is not positive or cannot be expressed in the gateway's unit, a callback
//     URL that is not absolute http(s)) or when the gateway refused this request (amount out
//     of range, callback domain not registered, validation errors). Retrying will not help.
//     [ErrPaymentMismatch] is one of these.
//   - [core.ErrNotFound] when the gateway does not know the authority (or it belongs to
//     another merchant or order).
//   - [core.ErrGatewayUnavailable] when the gateway certainly did not act: it could not be
//     reached before the request was written, answered with a server error or without its
//     envelope, throttled us, refused our merchant account (an operator must fix the
//     configuration), or the adapter's circuit breaker is open and no request was made.
//     Trying again later is safe.
//   - [ErrPaymentOutcomeUnknown] when the gateway may have acted (see its doc).
//   - the context's error when ctx ended before the request was written; nothing was sent.
//
// Implementations are safe for concurrent use and never retry on their own.
type PaymentGateway interface {
	// Name is the gateway's stable name ("zarinpal", "idpay"), stored with each deposit as
	// half of its unique (gateway, authority) key.
	Name() string

	// Request opens a payment session for req and returns where to send the buyer. It is not
	// idempotent: each call opens a new session. A session whose Request returned
	// [ErrPaymentOutcomeUnknown] is abandoned; the buyer never reaches it.
	Request(ctx context.Context, req PaymentRequest) (PaymentSession, error)

	// Verify settles the session: it asks the gateway to capture the payment of exactly
	// req.Amount, the amount from our database, never one read from a callback. It is
	// idempotent: the first success reads as [PaymentPaid], later ones as
	// [PaymentAlreadyVerified] with the same reference. A session the buyer did not pay
	// (canceled, failed, expired, or the gateway's verify window passed) reads as
	// [PaymentNotPaid] with a nil error. A different paid amount or order id reads as
	// [ErrPaymentMismatch]. A timeout reads as [ErrPaymentOutcomeUnknown]: the deposit stays
	// unknown until a later Verify or Inquire resolves it.
	Verify(ctx context.Context, req VerifyRequest) (Verification, error)

	// Inquire reads the session's state without verifying it, for reconcilers. Never credit
	// on its answer: only Verify captures the payment.
	Inquire(ctx context.Context, req InquiryRequest) (Inquiry, error)

	// ParseCallback reads the buyer's return from the gateway (its GET query or POST form).
	// The result only routes the request to the deposit, by Authority (and OrderID where the
	// gateway sends one); its Status and amounts are the buyer's browser talking and are never
	// trusted: Verify decides. A request without a well-formed authority, with conflicting
	// duplicate fields, or with an oversized body reads as [core.ErrInvalidInput].
	ParseCallback(r *http.Request) (Callback, error)
}

// PaymentRequest is what a payment session is opened for.
type PaymentRequest struct {
	// OrderID is our deposit reference: 1 to 50 printable ASCII characters. Gateways that
	// take one (IDPay) bind the session to it; others get it as metadata.
	OrderID string
	// Amount is what the buyer pays, in rials; positive.
	Amount core.Rial
	// CallbackURL is the absolute http(s) URL the gateway returns the buyer to. Its domain
	// must be the one registered with the gateway.
	CallbackURL string
	// Description is shown to the buyer on the gateway's page; optional where the gateway
	// allows it (a default is sent otherwise).
	Description string
	// Mobile is the buyer's number, sent so the gateway can prefill it; optional.
	Mobile iran.Mobile
	// Email is the buyer's address; optional.
	Email string
}

// PaymentSession is an opened payment session.
type PaymentSession struct {
	// Authority is the gateway's id of the session (ZarinPal authority, IDPay id), unique per
	// gateway: store it with the deposit before redirecting the buyer.
	Authority string
	// RedirectURL is the gateway page to send the buyer to with a GET (HTTP 302/303).
	RedirectURL string
}

// VerifyRequest names the session to verify and the amount we expect, both from our
// database.
type VerifyRequest struct {
	// Authority is [PaymentSession.Authority].
	Authority string
	// OrderID is [PaymentRequest.OrderID] of the session.
	OrderID string
	// Amount is [PaymentRequest.Amount] of the session, in rials.
	Amount core.Rial
}

// PaymentStatus is what a verify found.
type PaymentStatus int

// The outcomes of [PaymentGateway.Verify].
const (
	// PaymentNotPaid: the buyer did not pay, or the gateway can no longer capture the payment.
	// Final: mark the deposit failed.
	PaymentNotPaid PaymentStatus = iota + 1
	// PaymentPaid: this call captured the payment. Credit the deposit.
	PaymentPaid
	// PaymentAlreadyVerified: an earlier verify captured it. Credit the deposit unless it
	// already is (the unique (gateway, authority) key decides).
	PaymentAlreadyVerified
)

// String names the status.
func (s PaymentStatus) String() string {
	switch s {
	case PaymentNotPaid:
		return "not_paid"
	case PaymentPaid:
		return "paid"
	case PaymentAlreadyVerified:
		return "already_verified"
	default:
		return fmt.Sprintf("PaymentStatus(%d)", int(s))
	}
}

// Verification is the answer of [PaymentGateway.Verify].
type Verification struct {
	// Status is what the verify found.
	Status PaymentStatus
	// RefID is the gateway's (or the bank's) reference of the payment, shown on the buyer's
	// receipt; empty when not paid, and may be empty when the gateway omits it on a repeat.
	RefID string
	// CardPANMasked is the paying card as the gateway masks it, e.g. "502229******5995".
	CardPANMasked string
	// CardHash is the gateway's hash of the paying card number, for spotting one card across
	// accounts; empty when not given.
	CardHash string
	// Amount is the amount verified, in rials: the request's amount whenever Status is paid.
	Amount core.Rial
}

// InquiryRequest names a session to look up.
type InquiryRequest struct {
	// Authority is [PaymentSession.Authority].
	Authority string
	// OrderID is [PaymentRequest.OrderID] of the session.
	OrderID string
}

// PaymentState is a session's state at the gateway.
type PaymentState int

// The states [PaymentGateway.Inquire] reports.
const (
	// PaymentPending: opened, the buyer has not finished paying.
	PaymentPending PaymentState = iota + 1
	// PaymentAwaitingVerify: paid, not verified yet; a Verify captures it.
	PaymentAwaitingVerify
	// PaymentVerified: paid and verified.
	PaymentVerified
	// PaymentFailed: canceled by the buyer or failed at the bank.
	PaymentFailed
	// PaymentReversed: paid, then returned to the buyer.
	PaymentReversed
)

// String names the state.
func (s PaymentState) String() string {
	switch s {
	case PaymentPending:
		return "pending"
	case PaymentAwaitingVerify:
		return "awaiting_verify"
	case PaymentVerified:
		return "verified"
	case PaymentFailed:
		return "failed"
	case PaymentReversed:
		return "reversed"
	default:
		return fmt.Sprintf("PaymentState(%d)", int(s))
	}
}

// Inquiry is the answer of [PaymentGateway.Inquire].
type Inquiry struct {
	// State is the session's state at the gateway.
	State PaymentState
	// Amount is the session's amount in rials when the gateway tells it; zero otherwise.
	Amount core.Rial
}

// Callback is what the buyer's browser brought back from the gateway. Only Authority (and
// OrderID) may be used, to find the deposit; everything else is a hint.
type Callback struct {
	// Authority is the session id, well-formed for the gateway.
	Authority string
	// OrderID is the order id the gateway echoes; empty when it sends none (ZarinPal).
	OrderID string
	// Status is the gateway's raw status field ("OK", "NOK", "10", ...), for logs.
	Status string
	// Succeeded is the callback's claim that the buyer paid. Never credit on it: when false
	// the caller may skip Verify and mark the deposit failed only after Verify or Inquire
	// agrees.
	Succeeded bool
}
