package payments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// checkPage is how many rows one read of [Check] takes.
const checkPage = 200

// Discrepancy is a deposit or withdrawal whose state disagrees with the ledger or with its
// gateway.
type Discrepancy struct {
	// Kind is "deposit" or "withdrawal".
	Kind   string
	ID     int64
	Number string
	Status string
	// Problem says what disagrees.
	Problem string
}

// String is one report line.
func (d Discrepancy) String() string {
	return fmt.Sprintf("%s %d %s (%s): %s", d.Kind, d.ID, d.Number, d.Status, d.Problem)
}

// Check compares every deposit and withdrawal created at or after since with the ledger, and
// the online deposits through the gateways given with their gateway (a gateway missing from
// gateways is not asked), and returns what disagrees (`talabin payments reconcile`):
//   - a verified deposit must have exactly one deposit journal under its number, crediting
//     what it says; any other deposit none;
//   - a withdrawal's hold must hold its amount plus fee and be placed while the withdrawal is
//     open, settled once completed, released once rejected or cancelled;
//   - an online deposit the gateway reports verified must be verified here, and a verified one
//     must not be failed or reversed there; a deposit left unknown is reported until the
//     reconciler settles it.
//
// The ledger side reads one snapshot; gateway inquiries run after it, outside any
// transaction.
func Check(ctx context.Context, store ports.Store, gateways map[string]ports.PaymentGateway, since time.Time) ([]Discrepancy, error) {
	var (
		found    []Discrepancy
		deposits []*payment.Deposit
	)
	err := store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if deposits, err = depositsSince(ctx, tx, since); err != nil {
			return err
		}
		credits, err := depositCredits(ctx, tx, deposits)
		if err != nil {
			return err
		}
		for _, d := range deposits {
			found = append(found, checkCredit(d, credits[d.Record().Number])...)
		}
		withdrawals, err := withdrawalsSince(ctx, tx, since)
		if err != nil {
			return err
		}
		for _, w := range withdrawals {
			problem, err := checkHold(ctx, tx, w)
			if err != nil {
				return err
			}
			if problem != "" {
				r := w.Record()
				found = append(found, Discrepancy{Kind: entityWithdrawal, ID: int64(r.ID), Number: r.Number, Status: r.Status.String(), Problem: problem})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("payments: check: %w", err)
	}
	for _, d := range deposits {
		if problem := checkGateway(ctx, gateways, d); problem != "" {
			found = append(found, depositDiscrepancy(d, problem))
		}
	}
	return found, nil
}

// depositsSince reads every deposit created at or after since, newest first.
func depositsSince(ctx context.Context, tx ports.Tx, since time.Time) ([]*payment.Deposit, error) {
	return newestSince(since, func(offset int) ([]*payment.Deposit, error) {
		page, _, err := tx.Deposits().List(ctx, ports.DepositFilter{}, offset, checkPage)
		return page, err
	}, func(d *payment.Deposit) time.Time { return d.Record().CreatedAt })
}

// withdrawalsSince reads every withdrawal created at or after since, newest first.
func withdrawalsSince(ctx context.Context, tx ports.Tx, since time.Time) ([]*payment.Withdrawal, error) {
	return newestSince(since, func(offset int) ([]*payment.Withdrawal, error) {
		page, _, err := tx.Withdrawals().List(ctx, ports.WithdrawalFilter{}, offset, checkPage)
		return page, err
	}, func(w *payment.Withdrawal) time.Time { return w.Record().CreatedAt })
}

// newestSince reads pages of checkPage items, newest first, until one was created before
// since or the pages end.
func newestSince[T any](since time.Time, page func(offset int) ([]T, error), created func(T) time.Time) ([]T, error) {
	var out []T
	for offset := 0; ; offset += checkPage {
		items, err := page(offset)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			if created(item).Before(since) {
				return out, nil
			}
			out = append(out, item)
		}
		if len(items) < checkPage {
			return out, nil
		}
	}
}

// depositCredits returns, per reference, the deposit journals that credited the users of
// deposits.
func depositCredits(ctx context.Context, tx ports.Tx, deposits []*payment.Deposit) (map[string][]ports.LedgerEntry, error) {
	credits := map[string][]ports.LedgerEntry{}
	users := map[core.UserID]bool{}
	for _, d := range deposits {
		if users[d.User()] {
			continue
		}
		users[d.User()] = true
		for offset := 0; ; offset += checkPage {
			page, _, err := tx.Ledger().Entries(ctx, d.User(), []ledger.JournalType{ledger.JournalDeposit}, offset, checkPage)
			if err != nil {
				return nil, err
			}
			for _, e := range page {
				credits[e.Reference] = append(credits[e.Reference], e)
			}
			if len(page) < checkPage {
				break
			}
		}
	}
	return credits, nil
}

// checkCredit compares a deposit with the journals under its number.
func checkCredit(d *payment.Deposit, journals []ports.LedgerEntry) []Discrepancy {
	r := d.Record()
	switch {
	case d.Status() == payment.DepositVerified && len(journals) == 0:
		return []Discrepancy{depositDiscrepancy(d, "verified but never credited")}
	case d.Status() == payment.DepositVerified && len(journals) > 1:
		return []Discrepancy{depositDiscrepancy(d, fmt.Sprintf("credited %d times", len(journals)))}
	case d.Status() == payment.DepositVerified && journals[0].IRR != r.Credited:
		return []Discrepancy{depositDiscrepancy(d, fmt.Sprintf("credited %d rials, the deposit says %d", journals[0].IRR, r.Credited))}
	case d.Status() != payment.DepositVerified && len(journals) > 0:
		return []Discrepancy{depositDiscrepancy(d, fmt.Sprintf("credited %d rials but not verified", journals[0].IRR))}
	}
	return nil
}

func depositDiscrepancy(d *payment.Deposit, problem string) Discrepancy {
	r := d.Record()
	return Discrepancy{Kind: entityDeposit, ID: int64(r.ID), Number: r.Number, Status: r.Status.String(), Problem: problem}
}

// checkHold compares a withdrawal's hold with its status; "" when they agree.
func checkHold(ctx context.Context, tx ports.Tx, w *payment.Withdrawal) (string, error) {
	h, err := tx.Ledger().Hold(ctx, w.HoldID())
	if errors.Is(err, core.ErrNotFound) {
		return "its hold is missing", nil
	}
	if err != nil {
		return "", err
	}
	want := ledger.HoldPlaced
	switch w.Status() {
	case payment.WithdrawalCompleted:
		want = ledger.HoldSettled
	case payment.WithdrawalRejected, payment.WithdrawalCancelled:
		want = ledger.HoldReleased
	}
	switch {
	case h.Amount() != int64(w.Total()):
		return fmt.Sprintf("holds %d rials, amount plus fee is %d", h.Amount(), w.Total()), nil
	case h.State() != want:
		return fmt.Sprintf("hold is %s, should be %s", h.State(), want), nil
	case h.Account() != ledger.UserAccount(w.User(), ledger.IRR):
		return "hold is on another account", nil
	}
	return "", nil
}

// checkGateway compares an online deposit with its gateway's state; "" when they agree or
// the gateway is not checked.
func checkGateway(ctx context.Context, gateways map[string]ports.PaymentGateway, d *payment.Deposit) string {
	r := d.Record()
	gw := gateways[r.Gateway]
	if r.Method != payment.MethodOnline || gw == nil || r.Authority == "" || d.Status() == payment.DepositCancelled {
		return ""
	}
	inq, err := gw.Inquire(ctx, ports.InquiryRequest{Authority: r.Authority, OrderID: r.Number})
	switch {
	case errors.Is(err, core.ErrNotFound) && d.Status() == payment.DepositVerified:
		return "verified here, unknown to the gateway"
	case errors.Is(err, core.ErrNotFound):
		return ""
	case err != nil:
		return "the gateway could not be asked: " + err.Error()
	}
	verified := d.Status() == payment.DepositVerified
	switch {
	case inq.State == ports.PaymentVerified && !verified:
		return "the gateway verified it; not credited here"
	case inq.State == ports.PaymentAwaitingVerify && d.Status().Final():
		return "paid at the gateway but closed here; the gateway will refund it unless verified"
	case verified && (inq.State == ports.PaymentFailed || inq.State == ports.PaymentReversed):
		return "credited here, " + inq.State.String() + " at the gateway"
	case d.Status() == payment.DepositUnknown:
		return "outcome unknown; the reconciler has not settled it yet"
	}
	return ""
}
