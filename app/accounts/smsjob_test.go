package accounts_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// sentSMS is one message a fakeSender took.
type sentSMS struct {
	to, code, purpose string
}

// fakeSender is a [ports.SMSSender] that records codes and answers err.
type fakeSender struct {
	mu   sync.Mutex
	err  error
	sent []sentSMS
}

var _ ports.SMSSender = (*fakeSender)(nil)

func (f *fakeSender) SendOTP(_ context.Context, to iran.Mobile, code, purpose string) (ports.SMSReceipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return ports.SMSReceipt{}, f.err
	}
	f.sent = append(f.sent, sentSMS{to.String(), code, purpose})
	return ports.SMSReceipt{Provider: "fake", MessageID: fmt.Sprintf("msg-%d", len(f.sent))}, nil
}

func (f *fakeSender) SendText(context.Context, iran.Mobile, string) (ports.SMSReceipt, error) {
	return ports.SMSReceipt{}, errors.New("not used")
}

func (f *fakeSender) messages() []sentSMS {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentSMS(nil), f.sent...)
}

// worker returns the SMS worker of b's configuration, logging to b's main log.
func (b *serviceBundle) worker(t *testing.T, sender ports.SMSSender) *accounts.OTPSMSWorker {
	t.Helper()
	w, err := accounts.NewOTPSMSWorker(b.cfg, b.store, sender, b.clock, b.main.logger())
	require.NoError(t, err)
	return w
}

// lastJob returns the args of the newest committed SMS job.
func (b *serviceBundle) lastJob(t *testing.T) accounts.OTPSMSArgs {
	t.Helper()
	jobs := b.store.Jobs(accounts.OTPSMSKind)
	require.NotEmpty(t, jobs)
	var args accounts.OTPSMSArgs
	require.NoError(t, json.Unmarshal(jobs[len(jobs)-1].Args, &args))
	return args
}

func TestOTPSMSWorker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		senderErr  error
		prepare    func(t *testing.T, b *serviceBundle, args *accounts.OTPSMSArgs, code string)
		wantSent   bool
		wantCancel bool
		wantErr    error
		wantLog    string
		wantJob    [2]string // provider and outcome counted
	}{
		{name: "Sent", wantSent: true, wantLog: `"msg":"otp sms sent"`, wantJob: [2]string{"fake", "sent"}},
		{name: "Expired", prepare: func(_ *testing.T, b *serviceBundle, _ *accounts.OTPSMSArgs, _ string) {
			b.advance(identity.DefaultOTPTTL)
		}, wantCancel: true, wantErr: core.ErrOTPExpired, wantLog: "code expired", wantJob: [2]string{"none", "cancelled_expired"}},
		{name: "VoidedByNewerCode", prepare: func(t *testing.T, b *serviceBundle, _ *accounts.OTPSMSArgs, _ string) {
			b.advance(identity.DefaultOTPResendInterval)
			_, err := b.sendOTP(t, testPhone(1), identity.PurposeLogin, defaultClient)
			require.NoError(t, err)
		}, wantCancel: true, wantErr: core.ErrOTPInvalid, wantLog: "no longer usable", wantJob: [2]string{"none", "cancelled_expired"}},
		{name: "AlreadyUsed", prepare: func(t *testing.T, b *serviceBundle, _ *accounts.OTPSMSArgs, code string) {
			_, err := b.verify(t, testPhone(1), code, identity.PurposeLogin, defaultClient)
			require.NoError(t, err)
		}, wantCancel: true, wantErr: core.ErrOTPInvalid, wantJob: [2]string{"none", "cancelled_expired"}},
		{name: "SealTampered", prepare: func(_ *testing.T, _ *serviceBundle, args *accounts.OTPSMSArgs, _ string) {
			// A character in the middle carries six whole bits of nonce or ciphertext.
			i := len(args.SealedCode) / 2
			flipped := map[bool]string{true: "B", false: "A"}[args.SealedCode[i] == 'A']
			args.SealedCode = args.SealedCode[:i] + flipped + args.SealedCode[i+1:]
		}, wantCancel: true, wantLog: "does not open", wantJob: [2]string{"none", "cancelled_invalid"}},
		{name: "InvalidInput", senderErr: fmt.Errorf("%w: blocked number", core.ErrInvalidInput),
			wantCancel: true, wantErr: core.ErrInvalidInput, wantLog: "refused", wantJob: [2]string{"none", "cancelled_invalid"}},
		{name: "Unavailable", senderErr: fmt.Errorf("%w: breaker open", core.ErrSMSUnavailable),
			wantErr: core.ErrSMSUnavailable, wantLog: "will retry", wantJob: [2]string{"none", "retry"}},
		{name: "OutcomeUnknown", senderErr: fmt.Errorf("%w: %w", ports.ErrSMSOutcomeUnknown, context.DeadlineExceeded),
			wantCancel: true, wantErr: ports.ErrSMSOutcomeUnknown, wantLog: `"level":"WARN","msg":"otp sms outcome unknown, not resending"`,
			wantJob: [2]string{"none", "outcome_unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, reg := setupMetered(t)
			b.signUp(t, testPhone(1))
			sent, err := b.sendOTP(t, testPhone(1), identity.PurposeLogin, defaultClient)
			require.NoError(t, err)
			args := b.lastJob(t)
			if tt.prepare != nil {
				tt.prepare(t, b, &args, sent.DebugCode)
			}
			sender := &fakeSender{err: tt.senderErr}
			err = b.worker(t, sender).Work(t.Context(), &river.Job[accounts.OTPSMSArgs]{JobRow: &rivertype.JobRow{ID: 1}, Args: args})

			if tt.wantSent {
				require.NoError(t, err)
				require.Equal(t, []sentSMS{{testPhone(1), sent.DebugCode, "login"}}, sender.messages())
			} else {
				require.Error(t, err)
				require.Empty(t, sender.messages())
			}
			if tt.wantCancel {
				require.ErrorIs(t, err, &river.JobCancelError{}, "the job must not run again")
			} else if err != nil {
				require.NotErrorIs(t, err, &river.JobCancelError{}, "River retries the job")
			}
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			}
			if tt.wantLog != "" {
				requireLogged(t, b.main, tt.wantLog, `"phone":"+98912***0001"`)
			}
			require.NotContains(t, b.main.String(), sent.DebugCode)
			require.InDelta(t, 1, counter(t, reg, "talabin_sms_jobs_total", "provider", tt.wantJob[0], "outcome", tt.wantJob[1]), 0)
			require.Equal(t, 1, countEvents(t, reg, "talabin_sms_jobs_total"), "one job, one count")
		})
	}
}

func TestOTPSMSWorkerLogsReceipt(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	b.register(t, testPhone(1))
	require.NoError(t, b.worker(t, &fakeSender{}).Send(t.Context(), b.lastJob(t)))
	requireLogged(t, b.main, `"msg":"otp sms sent"`, `"provider":"fake"`, `"message_id":"msg-1"`, `"purpose":"registration"`)
}

func TestOTPSMSJobKind(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	b.register(t, testPhone(1))
	// The service enqueues the kind the worker is registered under.
	require.Equal(t, "sms_otp", accounts.OTPSMSArgs{}.Kind())
	require.Equal(t, accounts.OTPSMSArgs{}.Kind(), b.store.Jobs(accounts.OTPSMSKind)[0].Kind)
	require.NoError(t, river.AddWorkerSafely(river.NewWorkers(), b.worker(t, &fakeSender{})))
}
