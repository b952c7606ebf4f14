package payments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/app/idempotent"
	"github.com/talabin/talabin/app/notices"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// CreateWithdrawal holds amount plus fee for a withdrawal; see
// [ports.Payments.CreateWithdrawal]. Every refusal that needs no write comes before the OTP
// is redeemed, so a refused request does not burn the code; a wrong code is committed (its
// attempt counts) and stored as the key's response.
func (s *Service) CreateWithdrawal(ctx context.Context, p ports.Principal, in ports.WithdrawalInput, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	if err := requireUser(p); err != nil {
		return ports.Outcome[*payment.Withdrawal]{}, err
	}
	if in.BankAccount <= 0 {
		return ports.Outcome[*payment.Withdrawal]{}, core.FieldError("bank_account_id", "حساب بانکی را انتخاب کنید")
	}
	fee, err := s.cfg.Limits.WithdrawalFeeFor(in.Amount)
	if err != nil {
		return ports.Outcome[*payment.Withdrawal]{}, err
	}
	return s.cfg.Metrics.countWithdrawal(idempotent.Run(ctx, s.runner(), call, func(ctx context.Context, tx ports.Tx, now time.Time) (*payment.Withdrawal, bool, error) {
		if err := s.checkWithdrawal(ctx, tx, p.UserID, in, fee, now); err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		if v := s.cfg.StepUp.RedeemStepUp(ctx, tx, p.UserID, identity.PurposeWithdrawal, in.OTP); v != nil {
			return nil, true, v
		}
		w, err := s.newWithdrawal(ctx, tx, p.UserID, in, fee, now)
		if err != nil {
			return nil, false, err
		}
		e := auditlog.Event(p, now, actionWithdrawalCreate, entityWithdrawal, w.ID().String())
		e.AfterDigest = withdrawalDigest(w)
		return w, false, auditlog.Append(ctx, tx, e)
	}))
}

// checkWithdrawal refuses a withdrawal user may not make: the customer checks at
// [RequiredKYCLevel], an account that is not the user's, deleted or unverified, a balance
// short of amount plus fee, or a cap.
func (s *Service) checkWithdrawal(ctx context.Context, tx ports.Tx, user core.UserID, in ports.WithdrawalInput, fee core.Rial, now time.Time) error {
	if _, err := s.checkCustomer(ctx, tx, user, RequiredKYCLevel); err != nil {
		return err
	}
	a, err := ownBankAccount(ctx, tx, user, in.BankAccount, false)
	if err != nil {
		return err
	}
	switch {
	case a.Deleted():
		return core.ErrNotFound
	case !a.Verified():
		return core.ErrBankAccountUnverified
	}
	bal, err := tx.Ledger().Balance(ctx, ledger.UserAccount(user, ledger.IRR))
	if err != nil {
		return err
	}
	total := in.Amount + fee
	if bal.Available < int64(total) {
		return &core.InsufficientBalanceError{Asset: ledger.IRR.String(), Required: int64(total), Available: bal.Available}
	}
	level, err := kycLevel(ctx, tx, user)
	if err != nil {
		return err
	}
	day, month := windows(now)
	used, err := tx.Withdrawals().Usage(ctx, user, day, month)
	if err != nil {
		return err
	}
	return payment.CheckCaps(s.cfg.Limits.WithdrawalCaps, level, "withdrawal", used, in.Amount)
}

// newWithdrawal stores a pending withdrawal and places its hold. A balance that shrank
// since the check fails the whole transaction (the code is not burnt).
func (s *Service) newWithdrawal(ctx context.Context, tx ports.Tx, user core.UserID, in ports.WithdrawalInput, fee core.Rial, now time.Time) (*payment.Withdrawal, error) {
	var lastErr error
	for range maxNumberDraws {
		number, err := s.newNumber(now)
		if err != nil {
			return nil, err
		}
		w, err := payment.NewWithdrawal(number, user, in.BankAccount, in.Amount, fee, now)
		if err != nil {
			return nil, err
		}
		hold, err := w.NewHold()
		if err != nil {
			return nil, err
		}
		holdID, err := tx.Ledger().PlaceHold(ctx, hold)
		if err != nil {
			return nil, fmt.Errorf("hold withdrawal: %w", err)
		}
		w.Held(holdID)
		id, err := tx.Withdrawals().Create(ctx, w)
		if errors.Is(err, core.ErrConflict) {
			lastErr = err
			// The hold is in this transaction only; drop it with the number.
			if _, err := tx.Ledger().ReleaseHold(ctx, holdID); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store withdrawal: %w", err)
		}
		r := w.Record()
		r.ID = id
		return payment.RehydrateWithdrawal(r), nil
	}
	return nil, fmt.Errorf("store withdrawal: %d numbers taken: %w", maxNumberDraws, lastErr)
}

// Withdrawals returns the caller's withdrawals; see [ports.Payments.Withdrawals].
func (s *Service) Withdrawals(ctx context.Context, p ports.Principal, status payment.WithdrawalStatus, offset, limit int) ([]*payment.Withdrawal, int, error) {
	if err := requireUser(p); err != nil {
		return nil, 0, err
	}
	return s.listWithdrawals(ctx, ports.WithdrawalFilter{User: p.UserID, Status: status}, offset, limit)
}

func (s *Service) listWithdrawals(ctx context.Context, f ports.WithdrawalFilter, offset, limit int) ([]*payment.Withdrawal, int, error) {
	var (
		list  []*payment.Withdrawal
		count int
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		list, count, err = tx.Withdrawals().List(ctx, f, offset, limit)
		return err
	})
	return list, count, err
}

// Withdrawal returns one of the caller's withdrawals; see [ports.Payments.Withdrawal].
func (s *Service) Withdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID) (*payment.Withdrawal, error) {
	if err := requireUser(p); err != nil {
		return nil, err
	}
	var w *payment.Withdrawal
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		w, err = tx.Withdrawals().Get(ctx, id)
		if err == nil && w.User() != p.UserID {
			err = core.ErrNotFound
		}
		return err
	})
	return w, err
}

// CancelWithdrawal cancels one of the caller's withdrawals; see
// [ports.Payments.CancelWithdrawal].
func (s *Service) CancelWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	if err := requireUser(p); err != nil {
		return ports.Outcome[*payment.Withdrawal]{}, err
	}
	return s.moveWithdrawal(ctx, p, id, call, true, actionWithdrawalCancel, "", func(w *payment.Withdrawal, now time.Time) error {
		return w.Cancel(now)
	})
}

// moveWithdrawal runs one transition of withdrawal id in a transaction: it locks the
// withdrawal (another user's reads as not found when own is set), applies move, then
// releases the hold for a cancelled or rejected withdrawal or settles it and posts the
// payout for a completed one, saves, and audits action with reason. The row lock makes racing
// transitions take turns, and the store moves a hold only once.
func (s *Service) moveWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, call ports.IdempotentCall, own bool, action, reason string, move func(w *payment.Withdrawal, now time.Time) error) (ports.Outcome[*payment.Withdrawal], error) {
	return s.cfg.Metrics.countWithdrawal(idempotent.Run(ctx, s.runner(), call, func(ctx context.Context, tx ports.Tx, now time.Time) (*payment.Withdrawal, bool, error) {
		w, err := tx.Withdrawals().GetForUpdate(ctx, id)
		if err == nil && own && w.User() != p.UserID {
			err = core.ErrNotFound
		}
		if err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		before := withdrawalDigest(w)
		if err := move(w, now); err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		if err := moveHold(ctx, tx, w); err != nil {
			return nil, false, err
		}
		if err := noticeWithdrawal(ctx, tx, w); err != nil {
			return nil, false, err
		}
		if err := tx.Withdrawals().Save(ctx, w); err != nil {
			return nil, false, err
		}
		e := auditlog.Event(p, now, action, entityWithdrawal, id.String())
		e.Reason, e.BeforeDigest, e.AfterDigest = reason, before, withdrawalDigest(w)
		return w, false, auditlog.Append(ctx, tx, e)
	}))
}

// noticeWithdrawal tells the user by SMS that w was paid out or rejected (not when they
// cancelled it themselves).
func noticeWithdrawal(ctx context.Context, tx ports.Tx, w *payment.Withdrawal) error {
	r := w.Record()
	switch w.Status() {
	case payment.WithdrawalCompleted:
		return notices.Enqueue(ctx, tx, notices.Args{User: r.User, Notice: notices.WithdrawalCompleted, Reference: r.TrackingCode, Amount: r.Amount})
	case payment.WithdrawalRejected:
		return notices.Enqueue(ctx, tx, notices.Args{User: r.User, Notice: notices.WithdrawalRejected, Reference: r.Number, Amount: r.Amount})
	default:
		return nil
	}
}

// moveHold makes w's hold follow its new status.
func moveHold(ctx context.Context, tx ports.Tx, w *payment.Withdrawal) error {
	r := w.Record()
	switch w.Status() {
	case payment.WithdrawalCancelled, payment.WithdrawalRejected:
		_, err := tx.Ledger().ReleaseHold(ctx, w.HoldID())
		return err
	case payment.WithdrawalCompleted:
		if _, err := tx.Ledger().SettleHold(ctx, w.HoldID(), ledger.WithdrawalCredits(r.Amount, r.Fee)); err != nil {
			return err
		}
		j, err := ledger.PayoutJournal(r.Amount, r.Number)
		if err != nil {
			return err
		}
		_, err = tx.Ledger().Post(ctx, j)
		return err
	default:
		return nil
	}
}
