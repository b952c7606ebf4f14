//go:build integration

package sim

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// gatewayName is the fake gateway's name, and so the name of its clearing account.
const gatewayName = "simpay"

// session is one payment session of [gateway]: what the buyer did and whether a verify
// captured the money.
type session struct {
	orderID     string
	callbackURL string
	amount      core.Rial
	state       ports.PaymentState
	captured    bool
}

// gateway is an in-memory payment gateway whose buyer the simulation plays and whose
// answers the seed spoils: a verify may capture the payment and lose the answer
// (outcome unknown), lose its request before the gateway acts (outcome unknown, nothing
// captured) or find the gateway down; a request or an inquiry may find it down. It is used
// from one goroutine, as the simulation runs one step at a time.
type gateway struct {
	rng      *rand.Rand
	faults   bool
	sessions map[string]*session
	next     int
}

var _ ports.PaymentGateway = (*gateway)(nil)

func (g *gateway) Name() string { return gatewayName }

// fail reports, with probability percent when faults are on, that a fault strikes.
func (g *gateway) fail(percent int) bool { return g.faults && g.rng.IntN(100) < percent }

func (g *gateway) Request(_ context.Context, req ports.PaymentRequest) (ports.PaymentSession, error) {
	if g.fail(5) {
		return ports.PaymentSession{}, fmt.Errorf("sim gateway down: %w", core.ErrGatewayUnavailable)
	}
	g.next++
	auth := fmt.Sprintf("S%08d", g.next)
	g.sessions[auth] = &session{orderID: req.OrderID, callbackURL: req.CallbackURL, amount: req.Amount, state: ports.PaymentPending}
	return ports.PaymentSession{Authority: auth, RedirectURL: "https://gw.sim/pay/" + auth}, nil
}

func (g *gateway) Verify(_ context.Context, req ports.VerifyRequest) (ports.Verification, error) {
	switch r := g.rng.IntN(100); {
	case g.faults && r < 8:
		return ports.Verification{}, fmt.Errorf("sim gateway down: %w", core.ErrGatewayUnavailable)
	case g.faults && r < 16:
		return ports.Verification{}, fmt.Errorf("sim verify request lost: %w", ports.ErrPaymentOutcomeUnknown)
	}
	s := g.sessions[req.Authority]
	switch {
	case s == nil || s.orderID != req.OrderID:
		return ports.Verification{}, core.ErrNotFound
	case s.state == ports.PaymentVerified:
		return ports.Verification{Status: ports.PaymentAlreadyVerified, RefID: "REF" + req.Authority, Amount: req.Amount}, nil
	case s.state != ports.PaymentAwaitingVerify:
		return ports.Verification{Status: ports.PaymentNotPaid}, nil
	case s.amount != req.Amount:
		return ports.Verification{}, fmt.Errorf("sim: paid %d, asked %d: %w", s.amount, req.Amount, ports.ErrPaymentMismatch)
	}
	s.state, s.captured = ports.PaymentVerified, true
	if g.fail(12) {
		return ports.Verification{}, fmt.Errorf("sim verify answer lost: %w", ports.ErrPaymentOutcomeUnknown)
	}
	return ports.Verification{Status: ports.PaymentPaid, RefID: "REF" + req.Authority, CardPANMasked: "603799******0590", Amount: req.Amount}, nil
}

func (g *gateway) Inquire(_ context.Context, req ports.InquiryRequest) (ports.Inquiry, error) {
	if g.fail(10) {
		return ports.Inquiry{}, fmt.Errorf("sim gateway down: %w", core.ErrGatewayUnavailable)
	}
	s := g.sessions[req.Authority]
	if s == nil {
		return ports.Inquiry{}, core.ErrNotFound
	}
	return ports.Inquiry{State: s.state, Amount: s.amount}, nil
}

func (g *gateway) ParseCallback(r *http.Request) (ports.Callback, error) {
	auth := r.URL.Query().Get("Authority")
	if auth == "" {
		return ports.Callback{}, fmt.Errorf("%w: no authority", core.ErrInvalidInput)
	}
	st := r.URL.Query().Get("Status")
	return ports.Callback{Authority: auth, Status: st, Succeeded: st == "OK"}, nil
}

// sms records the codes it delivers, by phone; with faults on it may find its provider
// down (the job is retried) or lose the answer (the code may or may not have arrived).
type sms struct {
	rng    *rand.Rand
	faults bool
	codes  map[string]string
}

var _ ports.SMSSender = (*sms)(nil)

func (s *sms) SendOTP(_ context.Context, to iran.Mobile, code, _ string) (ports.SMSReceipt, error) {
	switch r := s.rng.IntN(100); {
	case s.faults && r < 10:
		return ports.SMSReceipt{}, fmt.Errorf("sim sms down: %w", core.ErrSMSUnavailable)
	case s.faults && r < 15:
		if s.rng.IntN(2) == 0 {
			s.codes[to.String()] = code
		}
		return ports.SMSReceipt{}, fmt.Errorf("sim sms answer lost: %w", ports.ErrSMSOutcomeUnknown)
	}
	s.codes[to.String()] = code
	return ports.SMSReceipt{Provider: "sim"}, nil
}

func (s *sms) SendText(context.Context, iran.Mobile, string) (ports.SMSReceipt, error) {
	return ports.SMSReceipt{Provider: "sim"}, nil
}

// stepUpCode is the only step-up code [stepUp] accepts.
const stepUpCode = "246810"

// stepUp stands in for the accounts service's step-up codes (withdrawals and bank
// accounts): the sign-up codes already run through the real accounts service and the SMS
// worker, so the simulation does not send a second kind.
type stepUp struct{}

func (stepUp) RedeemStepUp(_ context.Context, _ ports.Tx, _ core.UserID, _ identity.Purpose, code string) error {
	if code != stepUpCode {
		return core.ErrOTPInvalid
	}
	return nil
}

// owner says every Sheba belongs to its asker.
type owner struct{}

func (owner) ShebaOwner(context.Context, iran.Sheba, string, time.Time) (bool, error) {
	return true, nil
}

// payout pays with the staff's tracking code.
type payout struct{}

func (payout) Pay(_ context.Context, p ports.PayoutRequest) (string, error) {
	return p.TrackingCode, nil
}

// noBlobs refuses every blob: the simulation uploads no receipts.
type noBlobs struct{}

func (noBlobs) Put(context.Context, string, io.Reader, int64, string) error {
	return core.ErrFeatureDisabled
}

func (noBlobs) Get(context.Context, string) (io.ReadCloser, ports.BlobInfo, error) {
	return nil, ports.BlobInfo{}, core.ErrNotFound
}

func (noBlobs) Stat(context.Context, string) (ports.BlobInfo, error) {
	return ports.BlobInfo{}, core.ErrNotFound
}

func (noBlobs) Delete(context.Context, string) error { return nil }
