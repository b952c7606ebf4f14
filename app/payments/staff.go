package payments

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/app/idempotent"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// requireReason refuses an empty reason: staff say why they reject.
func requireReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return core.FieldError("reason", "دلیل لازم است")
	}
	if len(reason) > payment.MaxReasonLen {
		return core.FieldError("reason", "دلیل طولانی است")
	}
	return nil
}

// StaffDeposits lists every user's deposits; see [ports.PaymentsStaff.StaffDeposits].
func (s *Service) StaffDeposits(ctx context.Context, p ports.Principal, f ports.DepositFilter, offset, limit int) ([]*payment.Deposit, int, error) {
	if err := requireStaff(p); err != nil {
		return nil, 0, err
	}
	var (
		list  []*payment.Deposit
		count int
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		list, count, err = tx.Deposits().List(ctx, f, offset, limit)
		return err
	})
	return list, count, err
}

// VerifyDeposit credits a bank transfer; see [ports.PaymentsStaff.VerifyDeposit].
func (s *Service) VerifyDeposit(ctx context.Context, p ports.Principal, id payment.DepositID, amount core.Rial, reason string, call ports.IdempotentCall) (ports.Outcome[*payment.Deposit], error) {
	if err := requireStaff(p); err != nil {
		return ports.Outcome[*payment.Deposit]{}, err
	}
	if amount < 0 {
		return ports.Outcome[*payment.Deposit]{}, core.FieldError("amount", "مبلغ نامعتبر است")
	}
	return s.cfg.Metrics.countDeposit(idempotent.Run(ctx, s.runner(), call, func(ctx context.Context, tx ports.Tx, now time.Time) (*payment.Deposit, bool, error) {
		d, err := tx.Deposits().GetForUpdate(ctx, id)
		if err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		if d.Method() != payment.MethodBankTransfer {
			return nil, false, idempotent.Refuse(&core.InvalidStateError{Object: "deposit", State: d.Status().String(), Action: "verify by staff"})
		}
		credited := amount
		if credited == 0 {
			credited = d.Record().Amount
		}
		j, err := d.Credit(credited, "", "", p.UserID, now)
		if err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		if _, err := tx.Ledger().Post(ctx, j); err != nil {
			return nil, false, fmt.Errorf("post deposit: %w", err)
		}
		if err := noticeCredited(ctx, tx, d); err != nil {
			return nil, false, err
		}
		e := auditlog.Event(p, now, actionDepositCredit, entityDeposit, id.String())
		e.Reason = reason
		return d, false, s.saveDeposit(ctx, tx, e, d)
	}))
}

// RejectDeposit rejects a bank transfer; see [ports.PaymentsStaff.RejectDeposit].
func (s *Service) RejectDeposit(ctx context.Context, p ports.Principal, id payment.DepositID, reason string, call ports.IdempotentCall) (ports.Outcome[*payment.Deposit], error) {
	if err := requireStaff(p); err != nil {
		return ports.Outcome[*payment.Deposit]{}, err
	}
	if err := requireReason(reason); err != nil {
		return ports.Outcome[*payment.Deposit]{}, err
	}
	return s.cfg.Metrics.countDeposit(idempotent.Run(ctx, s.runner(), call, func(ctx context.Context, tx ports.Tx, now time.Time) (*payment.Deposit, bool, error) {
		d, err := tx.Deposits().GetForUpdate(ctx, id)
		if err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		if err := d.Reject(reason, p.UserID, now); err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		e := auditlog.Event(p, now, actionDepositReject, entityDeposit, id.String())
		e.Reason = reason
		return d, false, s.saveDeposit(ctx, tx, e, d)
	}))
}

// Receipt opens a deposit's receipt for staff, audited; see [ports.PaymentsStaff.Receipt].
func (s *Service) Receipt(ctx context.Context, p ports.Principal, id payment.DepositID) (io.ReadCloser, ports.BlobInfo, error) {
	if err := requireStaff(p); err != nil {
		return nil, ports.BlobInfo{}, err
	}
	var key string
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		d, err := tx.Deposits().Get(ctx, id)
		if err != nil {
			return err
		}
		if key = d.Record().ReceiptKey; key == "" {
			return core.ErrNotFound
		}
		return auditlog.Append(ctx, tx, auditlog.Event(p, s.now(), actionReceiptDownload, entityDeposit, id.String()))
	})
	if err != nil {
		return nil, ports.BlobInfo{}, err
	}
	return s.cfg.Blobs.Get(ctx, key)
}

// StaffWithdrawals lists every user's withdrawals; see
// [ports.PaymentsStaff.StaffWithdrawals].
func (s *Service) StaffWithdrawals(ctx context.Context, p ports.Principal, f ports.WithdrawalFilter, offset, limit int) ([]*payment.Withdrawal, int, error) {
	if err := requireStaff(p); err != nil {
		return nil, 0, err
	}
	return s.listWithdrawals(ctx, f, offset, limit)
}

// ApproveWithdrawal approves a pending withdrawal; see
// [ports.PaymentsStaff.ApproveWithdrawal].
func (s *Service) ApproveWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, reason string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	if err := requireStaff(p); err != nil {
		return ports.Outcome[*payment.Withdrawal]{}, err
	}
	return s.moveWithdrawal(ctx, p, id, call, false, actionWithdrawalApprove, reason, func(w *payment.Withdrawal, now time.Time) error {
		return w.Approve(p.UserID, now)
	})
}

// ProcessWithdrawal moves an approved withdrawal into a bank batch; see
// [ports.PaymentsStaff.ProcessWithdrawal].
func (s *Service) ProcessWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, channel string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	if err := requireStaff(p); err != nil {
		return ports.Outcome[*payment.Withdrawal]{}, err
	}
	return s.moveWithdrawal(ctx, p, id, call, false, actionWithdrawalProcess, channel, func(w *payment.Withdrawal, now time.Time) error {
		return w.Process(channel, p.UserID, now)
	})
}

// CompleteWithdrawal pays a withdrawal out and settles its hold; see
// [ports.PaymentsStaff.CompleteWithdrawal]. The payout port is asked first, outside the
// transaction (it is idempotent per withdrawal number), and the tracking code it returns is
// recorded with the settlement.
func (s *Service) CompleteWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, trackingCode string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	var none ports.Outcome[*payment.Withdrawal]
	if err := requireStaff(p); err != nil {
		return none, err
	}
	var req ports.PayoutRequest
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		w, err := tx.Withdrawals().Get(ctx, id)
		if err != nil {
			return err
		}
		if st := w.Status(); st != payment.WithdrawalApproved && st != payment.WithdrawalProcessing {
			return &core.InvalidStateError{Object: "withdrawal", State: st.String(), Action: "complete"}
		}
		r := w.Record()
		a, err := tx.BankAccounts().Get(ctx, r.BankAccount)
		if err != nil {
			return err
		}
		req = ports.PayoutRequest{Reference: r.Number, Sheba: a.Sheba(), Amount: r.Amount,
			HolderName: a.Record().HolderName, TrackingCode: strings.TrimSpace(trackingCode)}
		return nil
	})
	if err != nil {
		return none, err
	}
	code, err := s.cfg.Payout.Pay(ctx, req)
	if err != nil {
		return none, fmt.Errorf("payments: payout: %w", err)
	}
	return s.moveWithdrawal(ctx, p, id, call, false, actionWithdrawalDone, "", func(w *payment.Withdrawal, now time.Time) error {
		return w.Complete(code, p.UserID, now)
	})
}

// RejectWithdrawal rejects an open withdrawal and releases its hold; see
// [ports.PaymentsStaff.RejectWithdrawal].
func (s *Service) RejectWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, reason string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	if err := requireStaff(p); err != nil {
		return ports.Outcome[*payment.Withdrawal]{}, err
	}
	if err := requireReason(reason); err != nil {
		return ports.Outcome[*payment.Withdrawal]{}, err
	}
	return s.moveWithdrawal(ctx, p, id, call, false, actionWithdrawalReject, reason, func(w *payment.Withdrawal, now time.Time) error {
		return w.Reject(reason, p.UserID, now)
	})
}

// ConfirmBankAccount marks an account's ownership confirmed by staff; see
// [ports.PaymentsStaff.ConfirmBankAccount].
func (s *Service) ConfirmBankAccount(ctx context.Context, p ports.Principal, id payment.BankAccountID, reason string) (*payment.BankAccount, error) {
	if err := requireStaff(p); err != nil {
		return nil, err
	}
	if err := requireReason(reason); err != nil {
		return nil, err
	}
	var a *payment.BankAccount
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if a, err = tx.BankAccounts().GetForUpdate(ctx, id); err != nil {
			return err
		}
		if a.Deleted() {
			return core.ErrNotFound
		}
		before := bankAccountDigest(a)
		now := s.now()
		if err := a.Verify(now); err != nil {
			return err
		}
		if err := tx.BankAccounts().Save(ctx, a); err != nil {
			return err
		}
		e := auditlog.Event(p, now, actionBankAccountConfirm, entityBankAccount, id.String())
		e.Reason, e.BeforeDigest, e.AfterDigest = reason, before, bankAccountDigest(a)
		return auditlog.Append(ctx, tx, e)
	})
	return a, err
}
