package payments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// BankAccounts returns the caller's accounts; see [ports.Payments.BankAccounts].
func (s *Service) BankAccounts(ctx context.Context, p ports.Principal) ([]*payment.BankAccount, error) {
	if err := requireUser(p); err != nil {
		return nil, err
	}
	var list []*payment.BankAccount
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		list, err = tx.BankAccounts().ListByUser(ctx, p.UserID)
		return err
	})
	return list, err
}

// BankAccount returns one of the caller's accounts; see [ports.Payments.BankAccount].
// Deleted accounts are still found, for the history of their withdrawals.
func (s *Service) BankAccount(ctx context.Context, p ports.Principal, id payment.BankAccountID) (*payment.BankAccount, error) {
	if err := requireUser(p); err != nil {
		return nil, err
	}
	var a *payment.BankAccount
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		a, err = ownBankAccount(ctx, tx, p.UserID, id, false)
		return err
	})
	return a, err
}

// ownBankAccount reads user's account id, locked when lock is set; another user's reads as
// [core.ErrNotFound].
func ownBankAccount(ctx context.Context, tx ports.Tx, user core.UserID, id payment.BankAccountID, lock bool) (*payment.BankAccount, error) {
	get := tx.BankAccounts().Get
	if lock {
		get = tx.BankAccounts().GetForUpdate
	}
	a, err := get(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.User() != user {
		return nil, core.ErrNotFound
	}
	return a, nil
}

// AddBankAccount adds an account; see [ports.Payments.AddBankAccount]. The first account
// becomes the default. Right after, the ownership inquiry is asked once (when the caller's
// level allows it); an inquiry that cannot answer leaves the account unverified, for
// VerifyBankAccount to try again.
func (s *Service) AddBankAccount(ctx context.Context, p ports.Principal, in payment.BankAccountInput, otp string) (*payment.BankAccount, error) {
	if err := requireUser(p); err != nil {
		return nil, err
	}
	var a *payment.BankAccount
	verdict, err := s.inTxKeepingVerdict(ctx, func(ctx context.Context, tx ports.Tx) (verdict, err error) {
		now := s.now()
		u, err := s.checkCustomer(ctx, tx, p.UserID, 0)
		if err != nil {
			return err, nil
		}
		existing, err := tx.BankAccounts().ListByUser(ctx, p.UserID)
		if err != nil {
			return nil, err
		}
		if len(existing) >= s.cfg.Limits.MaxBankAccounts {
			return &core.LimitExceededError{Limit: "bank_accounts_max", Bound: int64(s.cfg.Limits.MaxBankAccounts), Actual: int64(len(existing) + 1)}, nil
		}
		in.Default = in.Default || len(existing) == 0
		if a, err = payment.NewBankAccount(p.UserID, in, u.FullName(), now); err != nil {
			return err, nil
		}
		for _, other := range existing {
			if other.Sheba() == a.Sheba() {
				return core.ErrAlreadyExists, nil
			}
		}
		if v := s.cfg.StepUp.RedeemStepUp(ctx, tx, p.UserID, identity.PurposeBankAccount, otp); v != nil {
			return v, nil // the failed attempt is committed
		}
		if in.Default {
			if err := clearDefault(ctx, tx, existing, now); err != nil {
				return nil, err
			}
		}
		id, err := tx.BankAccounts().Create(ctx, a)
		if errors.Is(err, core.ErrConflict) {
			return nil, core.ErrAlreadyExists
		}
		if err != nil {
			return nil, err
		}
		r := a.Record()
		r.ID = id
		a = payment.RehydrateBankAccount(r)
		e := auditlog.Event(p, now, actionBankAccountAdd, entityBankAccount, id.String())
		e.AfterDigest = bankAccountDigest(a)
		return nil, auditlog.Append(ctx, tx, e)
	})
	if err != nil {
		return nil, fmt.Errorf("payments: add bank account: %w", err)
	}
	if verdict != nil {
		return nil, verdict
	}
	if verified, err := s.VerifyBankAccount(ctx, p, a.ID()); err == nil {
		a = verified
	} else if !errors.Is(err, core.ErrOwnershipMismatch) {
		s.logger.Info("new bank account left unverified", "user", p.UserID, "bank_account", a.ID(), "error", err)
	}
	return a, nil
}

// inTxKeepingVerdict runs fn in a transaction that commits when fn returns a verdict (a
// refusal whose writes, such as a failed OTP attempt, must stay) and rolls back on err.
func (s *Service) inTxKeepingVerdict(ctx context.Context, fn func(ctx context.Context, tx ports.Tx) (verdict, err error)) (verdict, err error) {
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var ferr error
		verdict, ferr = fn(ctx, tx)
		return ferr
	})
	return verdict, err
}

// clearDefault takes the default flag off every account in accounts.
func clearDefault(ctx context.Context, tx ports.Tx, accounts []*payment.BankAccount, now time.Time) error {
	for _, other := range accounts {
		if !other.Default() {
			continue
		}
		if err := other.SetDefault(false, now); err != nil {
			return err
		}
		if err := tx.BankAccounts().Save(ctx, other); err != nil {
			return err
		}
	}
	return nil
}

// SetDefaultBankAccount changes the default flag; see [ports.Payments.SetDefaultBankAccount].
func (s *Service) SetDefaultBankAccount(ctx context.Context, p ports.Principal, id payment.BankAccountID, on bool) (*payment.BankAccount, error) {
	if err := requireUser(p); err != nil {
		return nil, err
	}
	var a *payment.BankAccount
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if a, err = ownBankAccount(ctx, tx, p.UserID, id, true); err != nil {
			return err
		}
		if a.Deleted() {
			return core.ErrNotFound
		}
		if a.Default() == on {
			return nil
		}
		now := s.now()
		if on {
			others, err := tx.BankAccounts().ListByUser(ctx, p.UserID)
			if err != nil {
				return err
			}
			if err := clearDefault(ctx, tx, others, now); err != nil {
				return err
			}
		}
		if err := a.SetDefault(on, now); err != nil {
			return err
		}
		return tx.BankAccounts().Save(ctx, a)
	})
	return a, err
}

// DeleteBankAccount removes an account softly; see [ports.Payments.DeleteBankAccount].
func (s *Service) DeleteBankAccount(ctx context.Context, p ports.Principal, id payment.BankAccountID) error {
	if err := requireUser(p); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		a, err := ownBankAccount(ctx, tx, p.UserID, id, true)
		if err != nil {
			return err
		}
		if a.Deleted() {
			return core.ErrNotFound
		}
		open, err := tx.Withdrawals().CountOpen(ctx, id)
		if err != nil {
			return err
		}
		if open > 0 {
			return core.ErrInUse
		}
		if a.Default() {
			others, err := tx.BankAccounts().ListByUser(ctx, p.UserID)
			if err != nil {
				return err
			}
			if len(others) > 1 {
				return core.ErrDefaultAccountDelete
			}
		}
		now := s.now()
		if err := a.Delete(now); err != nil {
			return err
		}
		if err := tx.BankAccounts().Save(ctx, a); err != nil {
			return err
		}
		e := auditlog.Event(p, now, actionBankAccountDelete, entityBankAccount, id.String())
		e.AfterDigest = bankAccountDigest(a)
		return auditlog.Append(ctx, tx, e)
	})
}

// VerifyBankAccount asks the ownership inquiry; see [ports.Payments.VerifyBankAccount]. The
// inquiry runs outside any transaction.
func (s *Service) VerifyBankAccount(ctx context.Context, p ports.Principal, id payment.BankAccountID) (*payment.BankAccount, error) {
	if err := requireUser(p); err != nil {
		return nil, err
	}
	var (
		a        *payment.BankAccount
		national string
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		if _, err := s.checkCustomer(ctx, tx, p.UserID, RequiredKYCLevel); err != nil {
			return err
		}
		var err error
		if a, err = ownBankAccount(ctx, tx, p.UserID, id, false); err != nil {
			return err
		}
		if a.Deleted() {
			return core.ErrNotFound
		}
		profile, err := tx.KYC().Get(ctx, p.UserID)
		if err != nil {
			return err
		}
		if profile.Level() >= 1 {
			national = profile.Record().NationalID.String() // verified by the mobile inquiry
		}
		return nil
	})
	if err != nil || a.Verified() {
		return a, err
	}
	if s.cfg.Inquiry == nil {
		return nil, &core.UnavailableError{Err: core.ErrInquiryUnavailable}
	}
	owner, err := s.cfg.Inquiry.ShebaOwner(ctx, a.Sheba(), national, time.Time{})
	if err != nil {
		if errors.Is(err, core.ErrInquiryUnavailable) {
			return nil, &core.UnavailableError{Err: core.ErrInquiryUnavailable}
		}
		return nil, fmt.Errorf("payments: ownership inquiry: %w", err)
	}
	if !owner {
		return nil, core.ErrOwnershipMismatch
	}
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if a, err = ownBankAccount(ctx, tx, p.UserID, id, true); err != nil {
			return err
		}
		now := s.now()
		if err := a.Verify(now); err != nil {
			return err
		}
		if err := tx.BankAccounts().Save(ctx, a); err != nil {
			return err
		}
		e := auditlog.Event(p, now, actionBankAccountVerify, entityBankAccount, id.String())
		e.AfterDigest = bankAccountDigest(a)
		return auditlog.Append(ctx, tx, e)
	})
	return a, err
}
