package payments_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/payments"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

func TestCheckFindsDisagreements(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	b.fund(t, p, 1_000_000)
	a := b.verifiedAccount(t, p)
	done := b.withdraw(t, p, a.ID(), 100_000)
	_, err := b.svc.ApproveWithdrawal(t.Context(), b.staff, done.ID(), "", ports.IdempotentCall{})
	require.NoError(t, err)
	_, err = b.svc.CompleteWithdrawal(t.Context(), b.staff, done.ID(), "TRK-1", ports.IdempotentCall{})
	require.NoError(t, err)
	gateways := map[string]ports.PaymentGateway{"fakepay": b.gw}
	check := func() []string {
		found, err := payments.Check(t.Context(), b.store, gateways, b.clock.Now().Add(-time.Hour))
		require.NoError(t, err)
		var lines []string
		for _, d := range found {
			lines = append(lines, d.Kind+": "+d.Problem)
		}
		return lines
	}
	require.Empty(t, check(), "a clean history agrees everywhere")

	// A journal credits a deposit that is still pending.
	pending, _ := b.startDeposit(t, p, 70_000)
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		j, err := ledger.DepositJournal(p.UserID, ledger.ExternalAccount(ledger.IRR), 70_000, pending.Record().Number)
		require.NoError(t, err)
		_, err = tx.Ledger().Post(ctx, j)
		return err
	})
	// The gateway verified a payment nobody credited (a verify called behind our back).
	lost, lostAuth := b.startDeposit(t, p, 80_000)
	b.gw.pay(t, lostAuth, 0)
	_, err = b.gw.Verify(t.Context(), ports.VerifyRequest{Authority: lostAuth, OrderID: lost.Record().Number, Amount: 80_000})
	require.NoError(t, err)
	// A pending withdrawal's hold released by hand.
	open := b.withdraw(t, p, a.ID(), 50_000)
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().ReleaseHold(ctx, open.HoldID())
		return err
	})

	require.ElementsMatch(t, []string{
		"deposit: credited 70000 rials but not verified",
		"deposit: the gateway verified it; not credited here",
		"withdrawal: hold is released, should be placed",
	}, check())
}
