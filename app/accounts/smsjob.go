package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// OTPSMSKind is the job kind of a one-time code's SMS.
const OTPSMSKind = "sms_otp"

// OTPSMSArgs is the job that sends one code by SMS. The service enqueues it in the
// transaction that stores the code, so the message leaves exactly when the code exists. The
// code travels sealed (AES-256-GCM under [ServiceConfig.SMSSealKey], bound to phone and
// purpose): the job table never holds a usable code.
type OTPSMSArgs struct {
	// OTPID is the stored code's id; a code voided or used before the job runs is not sent.
	OTPID int64 `json:"otp_id"`
	// Phone is the recipient in E.164 form.
	Phone string `json:"phone"`
	// Purpose is the code's purpose name, e.g. "login".
	Purpose string `json:"purpose"`
	// SealedCode is the sealed code.
	SealedCode string `json:"sealed_code"`
	// ExpiresAt is when the code expires; a job that runs later sends nothing.
	ExpiresAt time.Time `json:"expires_at"`
}

// Kind returns [OTPSMSKind].
func (OTPSMSArgs) Kind() string { return OTPSMSKind }

// OTPSMSWorker is the River worker of [OTPSMSArgs]: it opens the code and hands it to a
// [ports.SMSSender]. Register it with river.AddWorker. What each outcome does:
//
//   - sent: logged with the provider and its message id (never the code); done;
//   - the code expired, was voided by a newer one, used or spent: cancelled, nothing to send;
//   - the sender refused the number or message ([core.ErrInvalidInput]), or the sealed code
//     does not open: cancelled, a retry cannot help;
//   - no provider took the message ([core.ErrSMSUnavailable]) or the store could not be
//     read: an error, so River retries with backoff;
//   - the message may have left ([ports.ErrSMSOutcomeUnknown]): cancelled with a warning,
//     never resent blindly (the user can ask for a new code).
type OTPSMSWorker struct {
	river.WorkerDefaults[OTPSMSArgs]

	store   ports.Store
	sender  ports.SMSSender
	clock   ports.Clock
	sealer  codeSealer
	logger  *slog.Logger
	metrics *Metrics
}

// NewOTPSMSWorker returns the worker that sends the codes of the service configured by cfg
// (only its SMSSealKey and Metrics matter here) through sender. store tells whether a code is still
// the one to send; logger gets one line per job (nil discards).
func NewOTPSMSWorker(cfg ServiceConfig, store ports.Store, sender ports.SMSSender, clock ports.Clock, logger *slog.Logger) (*OTPSMSWorker, error) {
	if store == nil || sender == nil || clock == nil {
		return nil, errors.New("otp sms worker: store, sender and clock are required")
	}
	sealer, err := newCodeSealer(cfg.SMSSealKey, nil)
	if err != nil {
		return nil, fmt.Errorf("otp sms worker: %w", err)
	}
	return &OTPSMSWorker{
		store: store, sender: sender, clock: clock, sealer: sealer, logger: orDiscard(logger), metrics: cfg.Metrics,
	}, nil
}

// Work sends the job's code; see [OTPSMSWorker] for what each outcome returns.
func (w *OTPSMSWorker) Work(ctx context.Context, job *river.Job[OTPSMSArgs]) error {
	return w.Send(ctx, job.Args)
}

// Send is the body of [OTPSMSWorker.Work], callable without River: nil when sent, an error
// wrapped by river.JobCancel when the job must not run again, any other error to retry.
func (w *OTPSMSWorker) Send(ctx context.Context, args OTPSMSArgs) error {
	log := w.logger.With(slog.Int64("otp_id", args.OTPID), slog.String("phone", maskPhone(args.Phone)),
		slog.String("purpose", args.Purpose))
	if !w.clock.Now().Before(args.ExpiresAt) {
		log.InfoContext(ctx, "otp sms dropped: code expired before sending")
		w.metrics.smsJob("", smsJobCancelledExpired)
		return river.JobCancel(core.ErrOTPExpired)
	}
	to, err := iran.ParseMobile(args.Phone)
	if err != nil {
		log.WarnContext(ctx, "otp sms dropped: bad phone in job", slog.Any("error", err))
		w.metrics.smsJob("", smsJobCancelledInvalid)
		return river.JobCancel(err)
	}
	current, err := w.stillCurrent(ctx, args)
	if err != nil {
		var cancel *river.JobCancelError
		if errors.As(err, &cancel) {
			w.metrics.smsJob("", smsJobCancelledInvalid)
		} else {
			w.metrics.smsJob("", smsJobRetry)
		}
		return err
	}
	if !current {
		log.InfoContext(ctx, "otp sms dropped: code no longer usable")
		w.metrics.smsJob("", smsJobCancelledExpired)
		return river.JobCancel(core.ErrOTPInvalid)
	}
	code, err := w.sealer.open(args.Phone, args.Purpose, args.SealedCode)
	if err != nil {
		log.ErrorContext(ctx, "otp sms dropped: sealed code does not open", slog.Any("error", err))
		w.metrics.smsJob("", smsJobCancelledInvalid)
		return river.JobCancel(err)
	}
	receipt, err := w.sender.SendOTP(ctx, to, code, args.Purpose)
	switch {
	case err == nil:
		log.InfoContext(ctx, "otp sms sent", slog.String("provider", receipt.Provider),
			slog.String("message_id", receipt.MessageID))
		w.metrics.smsJob(receipt.Provider, smsJobSent)
		return nil
	case errors.Is(err, ports.ErrSMSOutcomeUnknown):
		// Checked first: it may wrap the context's error, but the message may have left.
		log.WarnContext(ctx, "otp sms outcome unknown, not resending", slog.Any("error", err))
		w.metrics.smsJob(receipt.Provider, smsJobOutcomeUnknown)
		return river.JobCancel(err)
	case errors.Is(err, core.ErrInvalidInput):
		log.WarnContext(ctx, "otp sms refused by the provider", slog.Any("error", err))
		w.metrics.smsJob(receipt.Provider, smsJobCancelledInvalid)
		return river.JobCancel(err)
	case errors.Is(err, core.ErrSMSUnavailable):
		log.WarnContext(ctx, "otp sms provider unavailable, will retry", slog.Any("error", err))
		w.metrics.smsJob(receipt.Provider, smsJobRetry)
		return fmt.Errorf("send otp sms: %w", err)
	default:
		log.WarnContext(ctx, "otp sms not sent, will retry", slog.Any("error", err))
		w.metrics.smsJob(receipt.Provider, smsJobRetry)
		return fmt.Errorf("send otp sms: %w", err)
	}
}

// stillCurrent reports whether the job's code is the usable latest code of its phone and
// purpose: a newer code voids it, and a used or spent one needs no message.
func (w *OTPSMSWorker) stillCurrent(ctx context.Context, args OTPSMSArgs) (bool, error) {
	purpose, err := identity.ParsePurpose(args.Purpose)
	if err != nil {
		return false, river.JobCancel(err)
	}
	var current bool
	err = w.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		otp, err := tx.OTPs().Latest(ctx, args.Phone, purpose)
		if errors.Is(err, core.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		current = int64(otp.ID()) == args.OTPID && otp.Usable(w.clock.Now())
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("send otp sms: check code: %w", err)
	}
	return current, nil
}
