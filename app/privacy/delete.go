package privacy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/app/idempotent"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// ConfirmWord is what [ports.AccountDeletion.Confirm] must say.
const ConfirmWord = "DELETE"

// Field messages of the deletion's input.
const (
	msgConfirm = "برای تأیید حذف حساب، عبارت DELETE را بنویسید."
	msgProof   = "رمز عبور یا کد تأیید را وارد کنید."
)

// The audit record of a deletion.
const (
	actionAccountDelete = "account.delete"
	entityUser          = "user"
	stateAction         = "delete account"
)

// The states that keep an account from being deleted: money may still move.
var (
	openDeposits    = []payment.DepositStatus{payment.DepositPending, payment.DepositUnknown, payment.DepositPaid}
	openWithdrawals = []payment.WithdrawalStatus{payment.WithdrawalPending, payment.WithdrawalApproved, payment.WithdrawalProcessing}
	openOrders      = []trading.OrderStatus{trading.OrderPending, trading.OrderProcessing}
)

// DeleteAccount anonymises the caller's account; see [ports.Privacy.DeleteAccount]. A
// password is checked before anything else, outside the transaction; a code is redeemed in
// the deletion's transaction after every refusal that needs no write, so that a refused
// request does not burn it, and a wrong code is committed (its attempt counts) and stored as
// the key's response. When both are given the password is checked. The deletion itself is
// one transaction: sessions revoked and blanked, the user and the KYC profile erased with
// tombstones for the phone and the national id, codes and jobs naming the phone forgotten,
// bank accounts and deposits blanked, documents deleted, earlier idempotent responses
// forgotten, an audit event appended. Files (documents, receipts) are removed after the
// commit; one that cannot be removed is logged and left, the deletion stands.
func (s *Service) DeleteAccount(ctx context.Context, p ports.Principal, in ports.AccountDeletion, call ports.IdempotentCall) (ports.Outcome[struct{}], error) {
	if p.UserID <= 0 {
		return ports.Outcome[struct{}]{}, core.ErrNotAuthenticated
	}
	ve := core.NewValidationError()
	if in.Confirm != ConfirmWord {
		ve.Add("confirm", msgConfirm)
	}
	if in.Password == "" && in.Code == "" {
		ve.Add(core.NonFieldErrors, msgProof)
	}
	if err := ve.Err(); err != nil {
		return ports.Outcome[struct{}]{}, err
	}
	byPassword := in.Password != ""
	if byPassword {
		if err := s.cfg.Passwords.CheckPassword(ctx, p.UserID, in.Password); err != nil {
			return ports.Outcome[struct{}]{}, err
		}
	}
	var done erased
	out, err := idempotent.Run(ctx, s.runner(), call, func(ctx context.Context, tx ports.Tx, now time.Time) (struct{}, bool, error) {
		done = erased{}
		u, err := tx.Users().GetForUpdate(ctx, p.UserID)
		switch {
		case errors.Is(err, core.ErrNotFound):
			return struct{}{}, false, idempotent.Refuse(core.ErrNotAuthenticated)
		case err != nil:
			return struct{}{}, false, err
		}
		if err := checkDeletable(ctx, tx, u); err != nil {
			return struct{}{}, false, idempotent.Refuse(err)
		}
		if !byPassword {
			if v := s.cfg.StepUp.RedeemStepUp(ctx, tx, p.UserID, identity.PurposeAccountDeletion, in.Code); v != nil {
				return struct{}{}, true, v // the failed attempt is committed
			}
		}
		if done, err = s.erase(ctx, tx, u, now); err != nil {
			return struct{}{}, false, err
		}
		e := auditlog.Event(p, now, actionAccountDelete, entityUser, u.ID().String())
		// The record of the deletion must not name the person either: no client details.
		e.IP, e.UserAgent = "", ""
		return struct{}{}, false, auditlog.Append(ctx, tx, e)
	})
	if err != nil {
		return ports.Outcome[struct{}]{}, fmt.Errorf("privacy: delete account: %w", err)
	}
	if out.Replayed != nil {
		return out, nil
	}
	s.cfg.Revoker.SessionsRevoked(p.UserID, identity.RevokeAccountDeleted, done.sessions)
	failed := s.removeFiles(ctx, done.files)
	s.logger.InfoContext(ctx, "account deleted", slog.String("user_id", p.UserID.String()),
		slog.Int64("sessions_revoked", done.sessions), slog.Int("files", len(done.files)), slog.Int("files_left", failed))
	return out, nil
}

// checkDeletable refuses to delete u while it holds money or money may still move:
// [core.ErrAccountHasBalance] for any rial or gold balance or hold, a
// [*core.InvalidStateError] for a deposit waiting for payment or review, an open withdrawal
// or an order not final yet; staff accounts are not deleted by their owners either.
func checkDeletable(ctx context.Context, tx ports.Tx, u identity.User) error {
	if u.Disabled() {
		return core.ErrAccountDisabled
	}
	if u.IsStaff() {
		return &core.InvalidStateError{Object: "user", State: u.Role().String(), Action: stateAction}
	}
	for _, asset := range []ledger.Asset{ledger.IRR, ledger.Gold} {
		b, err := balance(ctx, tx, ledger.UserAccount(u.ID(), asset))
		if err != nil {
			return err
		}
		if b.Available != 0 || b.Held != 0 {
			return core.ErrAccountHasBalance
		}
	}
	for _, st := range openDeposits {
		_, n, err := tx.Deposits().List(ctx, ports.DepositFilter{User: u.ID(), Status: st}, 0, 1)
		if err != nil {
			return err
		}
		if n > 0 {
			shown := st
			if st == payment.DepositUnknown {
				shown = payment.DepositPending // users see an unknown outcome as pending
			}
			return &core.InvalidStateError{Object: "deposit", State: shown.String(), Action: stateAction}
		}
	}
	for _, st := range openWithdrawals {
		_, n, err := tx.Withdrawals().List(ctx, ports.WithdrawalFilter{User: u.ID(), Status: st}, 0, 1)
		if err != nil {
			return err
		}
		if n > 0 {
			return &core.InvalidStateError{Object: "withdrawal", State: st.String(), Action: stateAction}
		}
	}
	for _, st := range openOrders {
		_, n, err := tx.Orders().List(ctx, u.ID(), ports.OrderFilter{Status: st}, 0, 1)
		if err != nil {
			return err
		}
		if n > 0 {
			return &core.InvalidStateError{Object: "order", State: st.String(), Action: stateAction}
		}
	}
	return nil
}

// erased is what a deletion did that matters after its commit.
type erased struct {
	// sessions is how many sessions were revoked.
	sessions int64
	// files are the blob keys of the documents and receipts to remove.
	files []string
}

// erase removes u's personal data in tx at now.
func (s *Service) erase(ctx context.Context, tx ports.Tx, u identity.User, now time.Time) (erased, error) {
	var out erased
	id := u.ID()
	profile, err := tx.KYC().GetForUpdate(ctx, id)
	if err != nil {
		return out, err
	}
	docs, err := tx.Documents().ListByUser(ctx, id)
	if err != nil {
		return out, err
	}
	if out.sessions, err = tx.Sessions().RevokeByUser(ctx, id, "", now, identity.RevokeAccountDeleted); err != nil {
		return out, fmt.Errorf("revoke sessions: %w", err)
	}
	er := tx.Erasure()
	if err := er.EraseSessions(ctx, id); err != nil {
		return out, fmt.Errorf("erase sessions: %w", err)
	}
	if err := er.EraseUser(ctx, id, Tombstone(s.cfg.TombstoneKey, u.Phone()), now); err != nil {
		return out, fmt.Errorf("erase user: %w", err)
	}
	if nid := profile.Record().NationalID.String(); nid != "" {
		if err := er.EraseNationalID(ctx, id, Tombstone(s.cfg.TombstoneKey, nid), now); err != nil {
			return out, fmt.Errorf("erase national id: %w", err)
		}
	}
	if _, err := er.ForgetPhone(ctx, u.Phone()); err != nil {
		return out, fmt.Errorf("forget phone: %w", err)
	}
	if err := er.EraseBankAccounts(ctx, id, now); err != nil {
		return out, fmt.Errorf("erase bank accounts: %w", err)
	}
	receipts, err := er.EraseDeposits(ctx, id, now)
	if err != nil {
		return out, fmt.Errorf("erase deposits: %w", err)
	}
	out.files = append(out.files, receipts...)
	for _, d := range docs {
		if key := d.Record().BlobKey; key != "" {
			out.files = append(out.files, key)
		}
		if err := tx.Documents().Delete(ctx, d.ID()); err != nil {
			return out, fmt.Errorf("delete document %s: %w", d.ID(), err)
		}
	}
	// Earlier responses only: this request's own is stored after, and says nothing personal.
	if _, err := er.ForgetIdempotency(ctx, id); err != nil {
		return out, fmt.Errorf("forget idempotent responses: %w", err)
	}
	return out, nil
}

// removeFiles deletes the blobs of a committed deletion and returns how many it could not
// remove, each logged with its key (random, it names nobody) for an operator to remove. The
// request may be gone by now; the removal is not cancelled with it.
func (s *Service) removeFiles(ctx context.Context, keys []string) int {
	ctx = context.WithoutCancel(ctx)
	failed := 0
	for _, key := range keys {
		if err := s.cfg.Blobs.Delete(ctx, key); err != nil {
			failed++
			s.logger.ErrorContext(ctx, "file of a deleted account not removed", slog.String("key", key), slog.Any("error", err))
		}
	}
	return failed
}
