package notices_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/notices"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/integration/accountstest"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/ratelimittest"
)

// sender records texts and fails as told.
type sender struct {
	err  error
	sent []string
}

func (s *sender) SendOTP(context.Context, iran.Mobile, string, string) (ports.SMSReceipt, error) {
	return ports.SMSReceipt{}, errors.New("not used")
}

func (s *sender) SendText(_ context.Context, to iran.Mobile, text string) (ports.SMSReceipt, error) {
	if s.err != nil {
		return ports.SMSReceipt{}, s.err
	}
	s.sent = append(s.sent, to.String()+" "+text)
	return ports.SMSReceipt{Provider: "fake", MessageID: fmt.Sprint(len(s.sent))}, nil
}

func TestText(t *testing.T) {
	t.Parallel()
	for _, k := range []notices.Kind{notices.DepositCredited, notices.WithdrawalCompleted, notices.WithdrawalRejected, notices.KYCApproved, notices.KYCRejected} {
		text, err := notices.Text(notices.Args{Notice: k, Amount: 1_000_000, Reference: "TXN1", Level: 2})
		require.NoError(t, err, k)
		require.Contains(t, text, "طلابین", k)
	}
	_, err := notices.Text(notices.Args{Notice: "spam"})
	require.ErrorIs(t, err, core.ErrInvalidInput)
}

func TestEnqueueOncePerReferenceAndSend(t *testing.T) {
	t.Parallel()
	clock := ratelimittest.NewClock()
	store := accountstest.NewStore(t, clock)
	var user core.UserID
	require.NoError(t, store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		u := identity.NewUser("+989121234567", clock.Now())
		var err error
		user, err = tx.Users().Create(ctx, u)
		return err
	}))
	a := notices.Args{User: user, Notice: notices.DepositCredited, Reference: "TXN20261204120000ABCDEF", Amount: 50_000_000}
	for range 2 {
		require.NoError(t, store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
			return notices.Enqueue(ctx, tx, a)
		}))
	}
	require.Len(t, store.Jobs(notices.JobKind), 1, "one notice per deposit")

	s := &sender{}
	w, err := notices.NewWorker(store, s, nil)
	require.NoError(t, err)
	require.NoError(t, w.Send(t.Context(), a))
	require.Len(t, s.sent, 1)
	require.Contains(t, s.sent[0], "+989121234567")
	require.Contains(t, s.sent[0], "50000000")

	var cancel *river.JobCancelError
	s.err = fmt.Errorf("timeout: %w", ports.ErrSMSOutcomeUnknown)
	require.ErrorAs(t, w.Send(t.Context(), a), &cancel, "never resent when it may have left")
	s.err = core.ErrSMSUnavailable
	err = w.Send(t.Context(), a)
	require.ErrorIs(t, err, core.ErrSMSUnavailable)
	require.NotErrorAs(t, err, &cancel, "retried while no provider is reachable")
	require.ErrorAs(t, w.Send(t.Context(), notices.Args{User: 987654, Notice: notices.KYCRejected}), &cancel)
}
