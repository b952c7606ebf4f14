package payments

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/app/notices"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// Reasons on the failure page for returns that did not settle.
const (
	reasonChecking = "پرداخت در حال بررسی است؛ نتیجه به زودی در کیف پول نمایش داده می\u200cشود"
	reasonInvalid  = "بازگشت از درگاه نامعتبر است"
)

// GatewayReturn handles the buyer's return from the gateway; see
// [ports.Payments.GatewayReturn].
func (s *Service) GatewayReturn(ctx context.Context, id payment.DepositID, sig string, r *http.Request) (string, error) {
	if !hmac.Equal([]byte(sig), []byte(s.callbackSig(id.String()))) {
		s.logger.Warn("gateway return with a bad signature", "deposit", id)
		return s.failureURL(nil, reasonInvalid), nil
	}
	var d *payment.Deposit
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		d, err = tx.Deposits().Get(ctx, id)
		return err
	})
	if errors.Is(err, core.ErrNotFound) {
		return s.failureURL(nil, reasonInvalid), nil
	}
	if err != nil {
		return "", fmt.Errorf("payments: gateway return: %w", err)
	}
	r0 := d.Record()
	gw := s.cfg.Gateways[r0.Gateway]
	if gw == nil || r0.Method != payment.MethodOnline || r0.Authority == "" {
		return s.failureURL(d, reasonInvalid), nil
	}
	cb, err := gw.ParseCallback(r)
	if err != nil || cb.Authority != r0.Authority || (cb.OrderID != "" && cb.OrderID != r0.Number) {
		s.logger.Warn("gateway return does not match its deposit", "deposit", r0.Number, "gateway", r0.Gateway, "error", err)
		return s.failureURL(d, reasonInvalid), nil
	}
	d, err = s.settle(ctx, gw, id)
	if err != nil {
		return "", fmt.Errorf("payments: gateway return: %w", err)
	}
	return s.returnURL(d), nil
}

// settle verifies deposit id with its gateway and records the outcome, exactly once: a
// pending deposit first becomes unknown (so neither its user nor a crash can lose a
// captured payment), then the gateway's verify of the amount in our database decides:
// paid or already verified credits the wallet unless the deposit already is credited; not
// paid, a mismatch or an authority the gateway does not know fail it; anything else leaves
// it unknown for the reconciler. It returns the deposit as it stands afterwards.
func (s *Service) settle(ctx context.Context, gw ports.PaymentGateway, id payment.DepositID) (*payment.Deposit, error) {
	var d *payment.Deposit
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if d, err = tx.Deposits().GetForUpdate(ctx, id); err != nil {
			return err
		}
		if d.Status() != payment.DepositPending {
			return nil
		}
		if err := d.Unknown(s.now()); err != nil {
			return err
		}
		return tx.Deposits().Save(ctx, d)
	})
	if err != nil || d.Status() != payment.DepositUnknown {
		return d, err
	}
	r := d.Record()
	v, err := gw.Verify(ctx, ports.VerifyRequest{Authority: r.Authority, OrderID: r.Number, Amount: r.Amount})
	switch {
	case err == nil && (v.Status == ports.PaymentPaid || v.Status == ports.PaymentAlreadyVerified):
		return s.credit(ctx, id, v)
	case err == nil && v.Status == ports.PaymentNotPaid:
		return s.fail(ctx, id, reasonNotPaid)
	case errors.Is(err, ports.ErrPaymentMismatch):
		s.logger.Error("alarm: gateway payment does not match its deposit; not credited",
			"deposit", r.Number, "gateway", r.Gateway, "error", err)
		return s.fail(ctx, id, reasonMismatch)
	case errors.Is(err, core.ErrNotFound):
		s.logger.Warn("gateway does not know the deposit's session", "deposit", r.Number, "gateway", r.Gateway)
		return s.fail(ctx, id, reasonNotPaid)
	case err == nil:
		return nil, fmt.Errorf("gateway %s answered verify with %s", r.Gateway, v.Status)
	default:
		s.logger.Warn("deposit verify without an answer; left for the reconciler",
			"deposit", r.Number, "gateway", r.Gateway, "error", err)
		return d, nil
	}
}

// credit records a verified payment v of deposit id, once.
func (s *Service) credit(ctx context.Context, id payment.DepositID, v ports.Verification) (*payment.Deposit, error) {
	var (
		d        *payment.Deposit
		credited bool
	)
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		credited = false
		var err error
		if d, err = tx.Deposits().GetForUpdate(ctx, id); err != nil {
			return err
		}
		if d.Status().Final() {
			// Verified: another return or the reconciler credited it. Closed meanwhile: the
			// alarm below, never an error page for a payment the gateway captured.
			return nil
		}
		credited = true
		now := s.now()
		j, err := d.Credit(d.Record().Amount, v.RefID, v.CardPANMasked, 0, now)
		if err != nil {
			return err
		}
		if err := tx.Ledger().OpenClearingAccount(ctx, d.Record().Gateway); err != nil {
			return err
		}
		if _, err := tx.Ledger().Post(ctx, j); err != nil {
			return fmt.Errorf("post deposit %s: %w", d.Record().Number, err)
		}
		if err := noticeCredited(ctx, tx, d); err != nil {
			return err
		}
		return s.saveDeposit(ctx, tx, auditlog.System(now, actionDepositCredit, entityDeposit, id.String()), d)
	})
	if err != nil {
		return nil, err
	}
	if credited {
		s.cfg.Metrics.depositClosed(d)
	}
	if d.Status() != payment.DepositVerified {
		// The gateway captured money for a deposit we had closed: never drop it silently.
		s.logger.Error("alarm: gateway verified a payment of a closed deposit; refund or credit by hand",
			"deposit", d.Record().Number, "status", d.Status(), "ref_id", v.RefID)
	}
	return d, nil
}

// noticeCredited tells the depositor by SMS that d was credited.
func noticeCredited(ctx context.Context, tx ports.Tx, d *payment.Deposit) error {
	r := d.Record()
	return notices.Enqueue(ctx, tx, notices.Args{User: r.User, Notice: notices.DepositCredited, Reference: r.Number, Amount: r.Credited})
}

// fail marks deposit id failed for reason unless it is already final.
func (s *Service) fail(ctx context.Context, id payment.DepositID, reason string) (*payment.Deposit, error) {
	var (
		d      *payment.Deposit
		failed bool
	)
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		failed = false
		var err error
		if d, err = tx.Deposits().GetForUpdate(ctx, id); err != nil {
			return err
		}
		if d.Status().Final() {
			return nil
		}
		now := s.now()
		if err := d.Fail(reason, now); err != nil {
			return err
		}
		e := auditlog.System(now, actionDepositFail, entityDeposit, id.String())
		e.Reason = reason
		failed = true
		return s.saveDeposit(ctx, tx, e, d)
	})
	if err == nil && failed {
		s.cfg.Metrics.depositClosed(d)
	}
	return d, err
}

// returnURL is where the browser goes after the gateway: the web client's success or
// failure page, or the deposit's allowlisted return URL.
func (s *Service) returnURL(d *payment.Deposit) string {
	if r := d.Record(); r.ReturnURL != "" {
		return appReturnURL(d)
	}
	switch d.Status() {
	case payment.DepositVerified:
		r := d.Record()
		tracking := r.GatewayReference
		if tracking == "" {
			tracking = r.Number
		}
		q := url.Values{"amount": {r.Amount.String()}, "trackingId": {tracking}}
		return s.webURL("/payment/success", q)
	case payment.DepositUnknown, payment.DepositPending:
		return s.failureURL(d, reasonChecking)
	default:
		reason := d.Record().Reason
		if reason == "" {
			reason = reasonNotPaid
		}
		return s.failureURL(d, reason)
	}
}

// failureURL is the failure page for d (nil when no deposit is known) with reason.
func (s *Service) failureURL(d *payment.Deposit, reason string) string {
	q := url.Values{"reason": {reason}}
	if d != nil {
		r := d.Record()
		q.Set("amount", r.Amount.String())
		q.Set("trackingId", r.Number)
	}
	return s.webURL("/payment/failure", q)
}

func (s *Service) webURL(path string, q url.Values) string {
	return strings.TrimRight(s.cfg.WebAppURL, "/") + path + "?" + q.Encode()
}

// appReturnURL is d's allowlisted return URL with the outcome in its query: the web pages'
// parameters plus deposit_id and status (unknown reads as pending, as everywhere on the
// wire).
func appReturnURL(d *payment.Deposit) string {
	r := d.Record()
	u, err := url.Parse(r.ReturnURL)
	if err != nil {
		return r.ReturnURL
	}
	status := r.Status.String()
	if r.Status == payment.DepositUnknown {
		status = payment.DepositPending.String()
	}
	tracking := r.GatewayReference
	if tracking == "" {
		tracking = r.Number
	}
	q := u.Query()
	q.Set("amount", r.Amount.String())
	q.Set("trackingId", tracking)
	q.Set("deposit_id", r.ID.String())
	q.Set("status", status)
	if r.Reason != "" {
		q.Set("reason", r.Reason)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
