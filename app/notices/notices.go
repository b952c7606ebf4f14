// Package notices sends users SMS notices of what happened to their money and identity:
// a deposit credited, a withdrawal paid or rejected, a KYC decision. A service enqueues a
// notice in the transaction of the change it reports (so a rollback sends nothing and a crash
// loses nothing), and [Worker] sends it later through the SMS sender, with retries while no
// provider is reachable and never twice when a send's outcome is unknown.
package notices

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// JobKind is the job kind of a notice.
const JobKind = "sms_notice"

// Kind says what a notice reports.
type Kind string

// The notices users get.
const (
	DepositCredited     Kind = "deposit_credited"
	WithdrawalCompleted Kind = "withdrawal_completed"
	WithdrawalRejected  Kind = "withdrawal_rejected"
	KYCApproved         Kind = "kyc_approved"
	KYCRejected         Kind = "kyc_rejected"
)

// Args is a notice job: whom to tell what. Only ids, amounts and references travel in the
// job table; the phone is read when the notice is sent, so a changed or erased number is
// honoured.
type Args struct {
	User      core.UserID `json:"user_id"`
	Notice    Kind        `json:"notice"`
	Reference string      `json:"reference,omitempty"`
	Amount    core.Rial   `json:"amount,omitempty"`
	Level     int         `json:"level,omitempty"`
}

// Kind returns [JobKind].
func (Args) Kind() string { return JobKind }

// Enqueue adds notice a in tx, at most once per notice kind and reference.
func Enqueue(ctx context.Context, tx ports.Tx, a Args) error {
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("notice %s: %w", a.Notice, err)
	}
	key := fmt.Sprintf("%s:%d:%s:%d", a.Notice, a.User, a.Reference, a.Level)
	if _, err := tx.Jobs().Enqueue(ctx, ports.Job{Kind: JobKind, Args: body, UniqueKey: key, MaxAttempts: 10}); err != nil {
		return fmt.Errorf("notice %s: %w", a.Notice, err)
	}
	return nil
}

// Text is the Persian message of a notice.
func Text(a Args) (string, error) {
	switch a.Notice {
	case DepositCredited:
		return fmt.Sprintf("طلابین: واریز %s ریال به کیف پول شما انجام شد. پیگیری: %s", a.Amount, a.Reference), nil
	case WithdrawalCompleted:
		return fmt.Sprintf("طلابین: برداشت %s ریال به حساب شما پرداخت شد. کد پیگیری بانک: %s", a.Amount, a.Reference), nil
	case WithdrawalRejected:
		return fmt.Sprintf("طلابین: درخواست برداشت %s ریال رد شد و مبلغ به کیف پول شما بازگشت.", a.Amount), nil
	case KYCApproved:
		return fmt.Sprintf("طلابین: احراز هویت شما در سطح %d تایید شد.", a.Level), nil
	case KYCRejected:
		return "طلابین: احراز هویت شما رد شد. برای دیدن دلیل به برنامه مراجعه کنید.", nil
	default:
		return "", fmt.Errorf("%w: unknown notice %q", core.ErrInvalidInput, a.Notice)
	}
}

// Worker is the River worker of [Args].
type Worker struct {
	river.WorkerDefaults[Args]
	store  ports.Store
	sender ports.SMSSender
	logger *slog.Logger
}

// NewWorker returns the worker that sends notices through sender.
func NewWorker(store ports.Store, sender ports.SMSSender, logger *slog.Logger) (*Worker, error) {
	if store == nil || sender == nil {
		return nil, errors.New("notices: store and sender are required")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{store: store, sender: sender, logger: logger}, nil
}

// Work sends the job's notice.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error { return w.Send(ctx, job.Args) }

// Send is Work without River: nil when sent, an error wrapped by river.JobCancel when the
// notice must not be tried again (unknown user, refused number or text, outcome unknown),
// any other error to retry.
func (w *Worker) Send(ctx context.Context, a Args) error {
	text, err := Text(a)
	if err != nil {
		return river.JobCancel(err)
	}
	var phone string
	err = w.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		u, err := tx.Users().Get(ctx, a.User)
		phone = u.Phone()
		return err
	})
	if errors.Is(err, core.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	to, err := iran.ParseMobile(phone)
	if err != nil {
		return river.JobCancel(err) // an erased account keeps no number
	}
	log := w.logger.With(slog.String("notice", string(a.Notice)), slog.Int64("user", int64(a.User)))
	receipt, err := w.sender.SendText(ctx, to, text)
	switch {
	case err == nil:
		log.InfoContext(ctx, "sms notice sent", slog.String("provider", receipt.Provider), slog.String("message_id", receipt.MessageID))
		return nil
	case errors.Is(err, ports.ErrSMSOutcomeUnknown):
		log.WarnContext(ctx, "sms notice outcome unknown, not resending", slog.Any("error", err))
		return river.JobCancel(err)
	case errors.Is(err, core.ErrInvalidInput):
		log.WarnContext(ctx, "sms notice refused by the provider", slog.Any("error", err))
		return river.JobCancel(err)
	default:
		log.WarnContext(ctx, "sms notice not sent, will retry", slog.Any("error", err))
		return fmt.Errorf("send sms notice: %w", err)
	}
}
