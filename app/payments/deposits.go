package payments

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/app/idempotent"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/upload"
	"github.com/talabin/talabin/ports"
)

// Reasons shown to users on failed deposits.
const (
	reasonGatewayDown = "درگاه پرداخت در دسترس نیست"
	reasonNotPaid     = "پرداخت انجام نشد"
	reasonMismatch    = "پرداخت با سپرده مطابقت ندارد"
	reasonExpired     = "مهلت پرداخت به پایان رسید"
	reasonSuperseded  = "درخواست تکراری"
)

// CreateDeposit opens a deposit; see [ports.Payments.CreateDeposit]. An online deposit is
// stored first, then its gateway session is opened outside any transaction, then the
// session is recorded with the idempotent response: a gateway call never runs inside a
// transaction, and a crash in between leaves a pending deposit without a session, which the
// reconciler fails once it expires.
func (s *Service) CreateDeposit(ctx context.Context, p ports.Principal, in ports.DepositInput, call ports.IdempotentCall) (ports.Outcome[ports.DepositStarted], error) {
	var none ports.Outcome[ports.DepositStarted]
	if err := requireUser(p); err != nil {
		return none, err
	}
	in, gw, err := s.checkDepositInput(in)
	if err != nil {
		return none, err
	}
	if in.Method == payment.MethodBankTransfer {
		return idempotent.Run(ctx, s.runner(), call, func(ctx context.Context, tx ports.Tx, now time.Time) (ports.DepositStarted, bool, error) {
			d, err := s.newDeposit(ctx, tx, p, in, now)
			if err != nil {
				return ports.DepositStarted{}, false, err
			}
			return ports.DepositStarted{Deposit: d, Destination: s.cfg.Destination}, false, nil
		})
	}
	if idempotent.Keyed(call) {
		// A replay answers from the stored response without opening another session.
		if out, done, err := s.replayed(ctx, call); done || err != nil {
			return out, err
		}
	}
	var d *payment.Deposit
	var mobile string
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if d, err = s.newDeposit(ctx, tx, p, in, s.now()); err != nil {
			return err
		}
		u, err := tx.Users().Get(ctx, p.UserID)
		mobile = u.Phone()
		return err
	})
	if err != nil {
		err, _ = idempotent.Unrefuse(err)
		return none, fmt.Errorf("payments: create deposit: %w", err)
	}
	session, err := s.openSession(ctx, gw, d, mobile)
	if err != nil {
		return none, err
	}
	out, err := idempotent.Run(ctx, s.runner(), call, func(ctx context.Context, tx ports.Tx, now time.Time) (ports.DepositStarted, bool, error) {
		locked, err := tx.Deposits().GetForUpdate(ctx, d.ID())
		if err != nil {
			return ports.DepositStarted{}, false, err
		}
		if err := locked.Open(session.Authority, now); err != nil {
			return ports.DepositStarted{}, false, err
		}
		if err := tx.Deposits().Save(ctx, locked); err != nil {
			return ports.DepositStarted{}, false, err
		}
		return ports.DepositStarted{Deposit: locked, PaymentURL: session.RedirectURL}, false, nil
	})
	if err == nil && out.Replayed != nil {
		// Another request with the key won meanwhile: this deposit is not the answer.
		s.failDeposit(ctx, d.ID(), reasonSuperseded)
	}
	return out, err
}

// replayed answers a keyed call from its stored response, if there is one: it claims the
// key in a transaction that stores nothing.
func (s *Service) replayed(ctx context.Context, call ports.IdempotentCall) (ports.Outcome[ports.DepositStarted], bool, error) {
	var out ports.Outcome[ports.DepositStarted]
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		stored, err := tx.Idempotency().Claim(ctx, call.Key, call.Fingerprint, s.now())
		out.Replayed = stored
		return err
	})
	return out, out.Replayed != nil, err
}

// checkDepositInput applies the defaults of in and checks its amount, method, gateway and
// return URL.
func (s *Service) checkDepositInput(in ports.DepositInput) (ports.DepositInput, ports.PaymentGateway, error) {
	if in.Method.IsZero() {
		in.Method = payment.MethodOnline
	}
	if err := s.cfg.Limits.CheckDeposit(in.Amount); err != nil {
		return in, nil, err
	}
	if in.ReturnURL != "" && !s.allowedReturn(in.ReturnURL) {
		return in, nil, core.FieldError("return_url", "آدرس بازگشت مجاز نیست")
	}
	if in.Method == payment.MethodBankTransfer {
		if s.cfg.Destination.Sheba == "" {
			return in, nil, core.ErrFeatureDisabled
		}
		in.Gateway, in.ReturnURL = "", ""
		return in, nil, nil
	}
	if in.Gateway == "" {
		in.Gateway = s.cfg.Primary
	}
	gw := s.cfg.Gateways[in.Gateway]
	if gw == nil {
		return in, nil, core.FieldError("gateway", "درگاه پرداخت نامعتبر است")
	}
	return in, gw, nil
}

func (s *Service) allowedReturn(u string) bool {
	for _, prefix := range s.cfg.ReturnURLs {
		if strings.HasPrefix(u, prefix) {
			return true
		}
	}
	return false
}

// newDeposit checks the depositor and the caps and stores a new pending deposit of in.
func (s *Service) newDeposit(ctx context.Context, tx ports.Tx, p ports.Principal, in ports.DepositInput, now time.Time) (*payment.Deposit, error) {
	if _, err := s.checkCustomer(ctx, tx, p.UserID, 0); err != nil {
		return nil, idempotent.Refuse(err)
	}
	level, err := kycLevel(ctx, tx, p.UserID)
	if err != nil {
		return nil, err
	}
	day, month := windows(now)
	used, err := tx.Deposits().Usage(ctx, p.UserID, day, month)
	if err != nil {
		return nil, err
	}
	if err := payment.CheckCaps(s.cfg.Limits.DepositCaps, level, "deposit", used, in.Amount); err != nil {
		return nil, idempotent.Refuse(err)
	}
	var lastErr error
	for range maxNumberDraws {
		number, err := s.newNumber(now)
		if err != nil {
			return nil, err
		}
		var d *payment.Deposit
		if in.Method == payment.MethodOnline {
			d, err = payment.NewOnlineDeposit(number, p.UserID, in.Amount, in.Gateway, in.ReturnURL, now, s.cfg.DepositTTL)
		} else {
			d, err = payment.NewBankTransferDeposit(number, p.UserID, in.Amount, now)
		}
		if err != nil {
			return nil, err
		}
		id, err := tx.Deposits().Create(ctx, d)
		if errors.Is(err, core.ErrConflict) {
			lastErr = err
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store deposit: %w", err)
		}
		r := d.Record()
		r.ID = id
		d = payment.RehydrateDeposit(r)
		e := auditlog.Event(p, now, actionDepositCreate, entityDeposit, id.String())
		e.AfterDigest = depositDigest(d)
		if err := auditlog.Append(ctx, tx, e); err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, fmt.Errorf("store deposit: %d numbers taken: %w", maxNumberDraws, lastErr)
}

// openSession asks gw for a payment session for d. When the gateway is down, or may have
// opened a session nobody will ever see, the deposit fails and the caller gets
// [core.ErrGatewayUnavailable].
func (s *Service) openSession(ctx context.Context, gw ports.PaymentGateway, d *payment.Deposit, phone string) (ports.PaymentSession, error) {
	r := d.Record()
	req := ports.PaymentRequest{
		OrderID:     r.Number,
		Amount:      r.Amount,
		CallbackURL: s.callbackURL(r.ID),
		Description: "شارژ کیف پول طلابین " + r.Number,
	}
	if m, err := iran.ParseMobile(phone); err == nil {
		req.Mobile = m
	}
	session, err := gw.Request(ctx, req)
	if err == nil {
		return session, nil
	}
	s.logger.Warn("payment request failed", "gateway", gw.Name(), "deposit", r.Number, "error", err)
	s.failDeposit(context.WithoutCancel(ctx), r.ID, reasonGatewayDown)
	if errors.Is(err, core.ErrInvalidInput) {
		return ports.PaymentSession{}, fmt.Errorf("payments: gateway refused the request: %w", core.ErrGatewayUnavailable)
	}
	return ports.PaymentSession{}, &core.UnavailableError{Err: core.ErrGatewayUnavailable}
}

// callbackURL is where the gateway returns the buyer of deposit id, signed.
func (s *Service) callbackURL(id payment.DepositID) string {
	return strings.TrimRight(s.cfg.PublicAPIURL, "/") + "/api/wallet/deposits/" + id.String() +
		"/callback/?sig=" + s.callbackSig(id.String())
}

// failDeposit marks a pending online deposit failed for reason, logging what it cannot do.
func (s *Service) failDeposit(ctx context.Context, id payment.DepositID, reason string) {
	var failed *payment.Deposit
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		failed = nil
		d, err := tx.Deposits().GetForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if d.Status() != payment.DepositPending {
			return nil
		}
		now := s.now()
		if err := d.Fail(reason, now); err != nil {
			return err
		}
		if err := tx.Deposits().Save(ctx, d); err != nil {
			return err
		}
		e := auditlog.System(now, actionDepositFail, entityDeposit, id.String())
		e.Reason, e.AfterDigest = reason, depositDigest(d)
		failed = d
		return auditlog.Append(ctx, tx, e)
	})
	if err != nil {
		s.logger.Error("could not fail deposit", "deposit", id, "error", err)
		return
	}
	s.cfg.Metrics.depositClosed(failed)
}

// Deposits returns the caller's deposits; see [ports.Payments.Deposits].
func (s *Service) Deposits(ctx context.Context, p ports.Principal, status payment.DepositStatus, offset, limit int) ([]*payment.Deposit, int, error) {
	if err := requireUser(p); err != nil {
		return nil, 0, err
	}
	var (
		list  []*payment.Deposit
		count int
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		f := ports.DepositFilter{User: p.UserID, Status: status}
		if status == payment.DepositPending {
			f.OrStatus = payment.DepositUnknown // users see unknown as pending
		}
		list, count, err = tx.Deposits().List(ctx, f, offset, limit)
		return err
	})
	return list, count, err
}

// Deposit returns one of the caller's deposits; see [ports.Payments.Deposit].
func (s *Service) Deposit(ctx context.Context, p ports.Principal, id payment.DepositID) (*payment.Deposit, error) {
	if err := requireUser(p); err != nil {
		return nil, err
	}
	var d *payment.Deposit
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		d, err = ownDeposit(ctx, tx, p.UserID, id, false)
		return err
	})
	return d, err
}

// ownDeposit reads user's deposit id, locked when lock is set; another user's reads as
// [core.ErrNotFound].
func ownDeposit(ctx context.Context, tx ports.Tx, user core.UserID, id payment.DepositID, lock bool) (*payment.Deposit, error) {
	get := tx.Deposits().Get
	if lock {
		get = tx.Deposits().GetForUpdate
	}
	d, err := get(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.User() != user {
		return nil, core.ErrNotFound
	}
	return d, nil
}

// CancelDeposit cancels one of the caller's pending deposits; see
// [ports.Payments.CancelDeposit].
func (s *Service) CancelDeposit(ctx context.Context, p ports.Principal, id payment.DepositID, call ports.IdempotentCall) (ports.Outcome[*payment.Deposit], error) {
	if err := requireUser(p); err != nil {
		return ports.Outcome[*payment.Deposit]{}, err
	}
	return s.cfg.Metrics.countDeposit(idempotent.Run(ctx, s.runner(), call, func(ctx context.Context, tx ports.Tx, now time.Time) (*payment.Deposit, bool, error) {
		d, err := ownDeposit(ctx, tx, p.UserID, id, true)
		if err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		if err := d.Cancel(now); err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		return d, false, s.saveDeposit(ctx, tx, auditlog.Event(p, now, actionDepositCancel, entityDeposit, id.String()), d)
	}))
}

// saveDeposit saves d and appends e with d's digest.
func (s *Service) saveDeposit(ctx context.Context, tx ports.Tx, e ports.AuditEvent, d *payment.Deposit) error {
	if err := tx.Deposits().Save(ctx, d); err != nil {
		return err
	}
	e.AfterDigest = depositDigest(d)
	return auditlog.Append(ctx, tx, e)
}

// UploadReceipt stores a bank-transfer receipt; see [ports.Payments.UploadReceipt]. The file
// is checked and stripped of metadata, stored under a random key, then attached; a refusal
// after the store deletes the file again.
func (s *Service) UploadReceipt(ctx context.Context, p ports.Principal, id payment.DepositID, in ports.ReceiptInput, call ports.IdempotentCall) (ports.Outcome[*payment.Deposit], error) {
	var none ports.Outcome[*payment.Deposit]
	if err := requireUser(p); err != nil {
		return none, err
	}
	if in.File == nil {
		return none, core.FieldError("receipt_image", "تصویر رسید لازم است")
	}
	data, err := upload.ReadAll(in.File, s.cfg.Receipts.MaxSize)
	if err != nil {
		return none, err
	}
	kind, clean, err := s.cfg.Receipts.Accept(data)
	if err != nil {
		return none, err
	}
	now := s.now()
	key, err := ports.NewBlobKey(fmt.Sprintf("receipts/%04d/%02d", now.Year(), int(now.Month())), s.cfg.Rand)
	if err != nil {
		return none, err
	}
	if err := s.cfg.Blobs.Put(ctx, key, bytes.NewReader(clean), int64(len(clean)), kind.ContentType()); err != nil {
		return none, fmt.Errorf("payments: store receipt: %w", err)
	}
	attached := false
	out, err := idempotent.Run(ctx, s.runner(), call, func(ctx context.Context, tx ports.Tx, now time.Time) (*payment.Deposit, bool, error) {
		attached = false
		d, err := ownDeposit(ctx, tx, p.UserID, id, true)
		if err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		if err := d.AttachReceipt(key, in.GatewayReference, in.Notes, now); err != nil {
			return nil, false, idempotent.Refuse(err)
		}
		attached = true
		return d, false, s.saveDeposit(ctx, tx, auditlog.Event(p, now, actionDepositReceipt, entityDeposit, id.String()), d)
	})
	if err != nil || !attached || out.Replayed != nil {
		if derr := s.cfg.Blobs.Delete(context.WithoutCancel(ctx), key); derr != nil {
			s.logger.Warn("could not delete an unused receipt", "key", key, "error", derr)
		}
	}
	return out, err
}
