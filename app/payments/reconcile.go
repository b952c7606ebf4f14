package payments

import (
	"context"
	"errors"
	"fmt"

	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// reconcileBatch bounds the deposits one reconciliation looks at.
const reconcileBatch = 100

// ReconcileReport counts what one [Service.Reconcile] did.
type ReconcileReport struct {
	Checked, Credited, Failed, Unresolved int
}

// Reconcile resolves online deposits nobody finished: every deposit left unknown (a verify
// without an answer, a crash between verify and credit) and every pending one untouched for
// [Config.ReconcileAfter]. An unknown deposit, a pending one the gateway reports paid, and an
// expired one are settled by verify (safe to repeat: a payment verified before reads as
// already verified and is credited once); a pending one the gateway reports failed fails;
// one that never got a session fails once expired. The periodic job calls it; it is safe to
// run on several instances at once.
func (s *Service) Reconcile(ctx context.Context) (ReconcileReport, error) {
	var rep ReconcileReport
	var due []*payment.Deposit
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		due, err = tx.Deposits().Unsettled(ctx, s.now().Add(-s.cfg.ReconcileAfter), reconcileBatch)
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("payments: reconcile: %w", err)
	}
	var errs []error
	for _, d := range due {
		if ctx.Err() != nil {
			break
		}
		rep.Checked++
		after, err := s.reconcileOne(ctx, d)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("deposit %s: %w", d.Record().Number, err))
			rep.Unresolved++
		case after == nil || !after.Status().Final():
			rep.Unresolved++
		case after.Status() == payment.DepositVerified:
			rep.Credited++
		default:
			rep.Failed++
		}
	}
	if rep.Credited+rep.Failed > 0 {
		s.logger.Info("deposits reconciled", "checked", rep.Checked, "credited", rep.Credited,
			"failed", rep.Failed, "unresolved", rep.Unresolved)
	}
	return rep, errors.Join(errs...)
}

// reconcileOne resolves one deposit as [Service.Reconcile] says and returns it as it stands.
func (s *Service) reconcileOne(ctx context.Context, d *payment.Deposit) (*payment.Deposit, error) {
	r := d.Record()
	gw := s.cfg.Gateways[r.Gateway]
	expired := d.Expired(s.now())
	switch {
	case gw == nil:
		return d, fmt.Errorf("gateway %q is not configured", r.Gateway)
	case r.Authority == "":
		if expired {
			return s.fail(ctx, r.ID, reasonExpired)
		}
		return d, nil
	case d.Status() == payment.DepositUnknown || expired:
		return s.settle(ctx, gw, r.ID)
	}
	inq, err := gw.Inquire(ctx, ports.InquiryRequest{Authority: r.Authority, OrderID: r.Number})
	if err != nil {
		return d, nil // the gateway cannot tell now; the next round asks again
	}
	switch inq.State {
	case ports.PaymentAwaitingVerify, ports.PaymentVerified:
		return s.settle(ctx, gw, r.ID)
	case ports.PaymentFailed, ports.PaymentReversed:
		return s.fail(ctx, r.ID, reasonNotPaid)
	default:
		return d, nil
	}
}
