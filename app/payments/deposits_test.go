package payments_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/payments"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

func TestOnlineDepositCreditsOnReturn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	d, auth := b.startDeposit(t, p, 250_000)
	b.gw.pay(t, auth, 0)

	loc := b.returnFromGateway(t, b.svc, d, auth, nil)

	require.Equal(t, "https://app.test/payment/success?amount=250000&trackingId=REF"+auth, loc)
	got := b.deposit(t, p, d.ID())
	require.Equal(t, payment.DepositVerified, got.Status())
	require.Equal(t, "REF"+auth, got.Record().GatewayReference)
	require.Equal(t, "603799******0590", got.Record().CardPANMasked)
	require.Equal(t, int64(250_000), b.balance(t, p.UserID).Available)
	b.requireLedgerClean(t)
}

func TestCallbackReplayedTenTimesCreditsOnce(t *testing.T) {
	t.Parallel()
	onEveryEngine(t, func(t *testing.T, b *bundle) {
		p := b.customer(t)
		d, auth := b.startDeposit(t, p, 100_000)
		b.gw.pay(t, auth, 0)

		for range 10 {
			loc := b.returnFromGateway(t, b.svc, d, auth, nil)
			require.True(t, strings.HasPrefix(loc, "https://app.test/payment/success?"), loc)
		}

		require.Equal(t, int64(100_000), b.balance(t, p.UserID).Available)
		require.Equal(t, int64(1), b.gw.verifies.Load(), "a credited deposit is not verified again")
		b.requireLedgerClean(t)
	})
}

func TestTamperedAmountCreditsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	d, auth := b.startDeposit(t, p, 5_000_000)
	// The buyer pays 10,000 at the gateway and the return claims the full amount: only the
	// verify of our own amount decides, and the gateway refuses it.
	b.gw.pay(t, auth, 10_000)

	loc := b.returnFromGateway(t, b.svc, d, auth, url.Values{"Amount": {"5000000"}, "Status": {"OK"}})

	require.True(t, strings.HasPrefix(loc, "https://app.test/payment/failure?"), loc)
	got := b.deposit(t, p, d.ID())
	require.Equal(t, payment.DepositFailed, got.Status())
	require.Zero(t, b.balance(t, p.UserID).Total())
	b.requireLedgerClean(t)
}

func TestForgedReturnsCreditNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	d, auth := b.startDeposit(t, p, 100_000)
	other, otherAuth := b.startDeposit(t, p, 100_000)
	b.gw.pay(t, otherAuth, 0)

	cases := map[string]url.Values{
		"BadSignature":     {"sig": {"00"}},
		"AnotherAuthority": {"Authority": {otherAuth}},
	}
	for name, extra := range cases {
		loc := b.returnFromGateway(t, b.svc, d, auth, extra)
		require.True(t, strings.HasPrefix(loc, "https://app.test/payment/failure?"), name)
	}
	require.Equal(t, payment.DepositPending, b.deposit(t, p, d.ID()).Status())
	require.Equal(t, payment.DepositPending, b.deposit(t, p, other.ID()).Status())
	require.Zero(t, b.gw.verifies.Load())
	require.Zero(t, b.balance(t, p.UserID).Total())
}

func TestConcurrentCallbacksCreditOnce(t *testing.T) {
	t.Parallel()
	onEveryEngine(t, func(t *testing.T, b *bundle) {
		p := b.customer(t)
		d, auth := b.startDeposit(t, p, 300_000)
		b.gw.pay(t, auth, 0)
		second := b.newService(t) // another app instance

		var wg sync.WaitGroup
		for i := range 20 {
			svc := b.svc
			if i%2 == 1 {
				svc = second
			}
			wg.Go(func() { b.returnFromGateway(t, svc, d, auth, nil) })
		}
		wg.Wait()

		require.Equal(t, payment.DepositVerified, b.deposit(t, p, d.ID()).Status())
		require.Equal(t, int64(300_000), b.balance(t, p.UserID).Available)
		b.requireLedgerClean(t)
	})
}

func TestCrashBetweenVerifyAndCreditHealedByReconciler(t *testing.T) {
	t.Parallel()
	onEveryEngine(t, func(t *testing.T, b *bundle) {
		p := b.customer(t)
		d, auth := b.startDeposit(t, p, 400_000)
		b.gw.pay(t, auth, 0)
		// The gateway captures the payment but its answer never arrives: the process was killed
		// after verify, or the connection broke. The deposit must not be lost.
		b.gw.lose = 1

		loc := b.returnFromGateway(t, b.svc, d, auth, nil)
		require.True(t, strings.HasPrefix(loc, "https://app.test/payment/failure?"), loc)
		require.Contains(t, loc, url.QueryEscape("در حال بررسی")[:10])
		require.Equal(t, payment.DepositUnknown, b.deposit(t, p, d.ID()).Status())
		require.Zero(t, b.balance(t, p.UserID).Total())

		// The user cannot cancel it meanwhile.
		_, err := b.svc.CancelDeposit(t.Context(), p, d.ID(), ports.IdempotentCall{})
		require.ErrorIs(t, err, core.ErrInvalidState)

		// A restarted instance's reconciler resolves it once its patience has passed.
		restarted := b.newService(t)
		rep, err := restarted.Reconcile(t.Context())
		require.NoError(t, err)
		require.Zero(t, rep.Checked, "too early")
		b.clock.Advance(3 * time.Minute)
		rep, err = restarted.Reconcile(t.Context())
		require.NoError(t, err)
		require.Equal(t, 1, rep.Credited)

		require.Equal(t, payment.DepositVerified, b.deposit(t, p, d.ID()).Status())
		require.Equal(t, int64(400_000), b.balance(t, p.UserID).Available)
		rep, err = restarted.Reconcile(t.Context())
		require.NoError(t, err)
		require.Zero(t, rep.Checked)
		require.Equal(t, int64(400_000), b.balance(t, p.UserID).Available)
		b.requireLedgerClean(t)
	})
}

func TestReconcilerResolvesStaleDeposits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	paid, paidAuth := b.startDeposit(t, p, 100_000)        // paid, the buyer never returned
	cancelled, cancelAuth := b.startDeposit(t, p, 200_000) // cancelled at the gateway
	abandoned, _ := b.startDeposit(t, p, 300_000)          // still at the gateway
	b.gw.pay(t, paidAuth, 0)
	b.gw.cancel(cancelAuth)

	b.clock.Advance(3 * time.Minute)
	rep, err := b.svc.Reconcile(t.Context())
	require.NoError(t, err)
	require.Equal(t, 3, rep.Checked)
	require.Equal(t, 1, rep.Credited)
	require.Equal(t, 1, rep.Failed)
	require.Equal(t, payment.DepositVerified, b.deposit(t, p, paid.ID()).Status())
	require.Equal(t, payment.DepositFailed, b.deposit(t, p, cancelled.ID()).Status())
	require.Equal(t, payment.DepositPending, b.deposit(t, p, abandoned.ID()).Status())

	b.clock.Advance(30 * time.Minute) // expired: verify says not paid
	_, err = b.svc.Reconcile(t.Context())
	require.NoError(t, err)
	require.Equal(t, payment.DepositFailed, b.deposit(t, p, abandoned.ID()).Status())
	require.Equal(t, int64(100_000), b.balance(t, p.UserID).Available)
	b.requireLedgerClean(t)
}

func TestGatewayDownFailsDeposit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	b.gw.requestErr = core.ErrGatewayUnavailable

	_, err := b.svc.CreateDeposit(t.Context(), p, ports.DepositInput{Amount: 100_000}, ports.IdempotentCall{})

	require.ErrorIs(t, err, core.ErrGatewayUnavailable)
	list, n, err := b.svc.Deposits(t.Context(), p, payment.DepositStatus{}, 0, 10)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, payment.DepositFailed, list[0].Status())
}

func TestCreateDepositIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	key, err := idempotency.NewKey("user:"+p.UserID.String()+":deposit.create", "deposit-key-0001")
	require.NoError(t, err)
	call := ports.IdempotentCall{Key: key, Fingerprint: idempotency.Fingerprint{1}, Respond: func(result any, err error) (idempotency.Response, bool) {
		return idempotency.Response{Status: 201, Body: []byte(`{"ok":true}`)}, err == nil
	}}

	first, err := b.svc.CreateDeposit(t.Context(), p, ports.DepositInput{Amount: 100_000}, call)
	require.NoError(t, err)
	require.Nil(t, first.Replayed)
	again, err := b.svc.CreateDeposit(t.Context(), p, ports.DepositInput{Amount: 100_000}, call)
	require.NoError(t, err)
	require.NotNil(t, again.Replayed)

	_, n, err := b.svc.Deposits(t.Context(), p, payment.DepositStatus{}, 0, 10)
	require.NoError(t, err)
	require.Equal(t, 1, n, "a replay opens no second deposit")
}

func TestDepositLimits(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *payments.Config) {
		c.Limits = payment.DefaultLimits()
		c.Limits.DepositCaps[0] = payment.Caps{Daily: 300_000, Monthly: 1_000_000}
	})
	p := b.customer(t)

	_, err := b.svc.CreateDeposit(t.Context(), p, ports.DepositInput{Amount: 9_999}, ports.IdempotentCall{})
	var lim *core.LimitExceededError
	require.ErrorAs(t, err, &lim)
	require.Equal(t, "deposit_amount_min", lim.Limit)

	b.startDeposit(t, p, 200_000)
	_, err = b.svc.CreateDeposit(t.Context(), p, ports.DepositInput{Amount: 200_000}, ports.IdempotentCall{})
	require.ErrorAs(t, err, &lim)
	require.Equal(t, "deposit_daily_max", lim.Limit)
	require.Equal(t, int64(400_000), lim.Actual)

	b.clock.Advance(25 * time.Hour)
	b.startDeposit(t, p, 200_000)
}

func TestBankTransferDeposit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	out, err := b.svc.CreateDeposit(t.Context(), p, ports.DepositInput{Amount: 2_000_000, Method: payment.MethodBankTransfer}, ports.IdempotentCall{})
	require.NoError(t, err)
	d := out.Result.Deposit
	require.Equal(t, testSheba, out.Result.Destination.Sheba)
	require.Empty(t, out.Result.PaymentURL)

	_, err = b.svc.VerifyDeposit(t.Context(), b.staff, d.ID(), 0, "", ports.IdempotentCall{})
	require.NoError(t, err, "staff may verify a transfer they see on the statement before a receipt")
	_, err = b.svc.VerifyDeposit(t.Context(), b.staff, d.ID(), 0, "", ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrInvalidState, "credited once")
	require.Equal(t, int64(2_000_000), b.balance(t, p.UserID).Available)

	out, err = b.svc.CreateDeposit(t.Context(), p, ports.DepositInput{Amount: 1_000_000, Method: payment.MethodBankTransfer}, ports.IdempotentCall{})
	require.NoError(t, err)
	d = out.Result.Deposit
	_, err = b.svc.UploadReceipt(t.Context(), p, d.ID(), ports.ReceiptInput{File: strings.NewReader("not an image")}, ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrUnsupportedFileType)
	require.Empty(t, b.blobs.Keys())

	up, err := b.svc.UploadReceipt(t.Context(), p, d.ID(), ports.ReceiptInput{File: bytes.NewReader(pngBytes(t)), GatewayReference: "123456", Notes: "پایا"}, ports.IdempotentCall{})
	require.NoError(t, err)
	require.Equal(t, payment.DepositPaid, up.Result.Status())
	require.Len(t, b.blobs.Keys(), 1)
	rc, _, err := b.svc.Receipt(t.Context(), b.staff, d.ID())
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	_, _, err = b.svc.Receipt(t.Context(), p, d.ID())
	require.ErrorIs(t, err, core.ErrPermissionDenied)

	_, err = b.svc.RejectDeposit(t.Context(), b.staff, d.ID(), "", ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrInvalidInput, "a reason is required")
	rej, err := b.svc.RejectDeposit(t.Context(), b.staff, d.ID(), "واریز یافت نشد", ports.IdempotentCall{})
	require.NoError(t, err)
	require.Equal(t, payment.DepositRejected, rej.Result.Status())
	require.Equal(t, int64(2_000_000), b.balance(t, p.UserID).Available)
	b.requireLedgerClean(t)
}

func TestDepositOwnership(t *testing.T) {
	t.Parallel()
	b := setup(t)
	owner, stranger := b.customer(t), b.customer(t)
	d, _ := b.startDeposit(t, owner, 100_000)

	_, err := b.svc.Deposit(t.Context(), stranger, d.ID())
	require.ErrorIs(t, err, core.ErrNotFound)
	_, err = b.svc.CancelDeposit(t.Context(), stranger, d.ID(), ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrNotFound)
	_, err = b.svc.UploadReceipt(t.Context(), stranger, d.ID(), ports.ReceiptInput{File: bytes.NewReader(pngBytes(t))}, ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrNotFound)
	_, err = b.svc.VerifyDeposit(t.Context(), stranger, d.ID(), 0, "", ports.IdempotentCall{})
	require.ErrorIs(t, err, core.ErrPermissionDenied)

	out, err := b.svc.CancelDeposit(t.Context(), owner, d.ID(), ports.IdempotentCall{})
	require.NoError(t, err)
	require.Equal(t, payment.DepositCancelled, out.Result.Status())
}

// pngBytes returns a small real PNG image.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// TestCaptureOfClosedDepositIsNoError: a deposit closed while its verify was in flight (here
// by hand, behind the service's back) and then reported paid by the gateway is neither
// credited nor answered with an error page; the buyer lands on the failure page and the
// service raises its alarm.
func TestCaptureOfClosedDepositIsNoError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	d, auth := b.startDeposit(t, p, 100_000)
	b.gw.pay(t, auth, 0)
	b.gw.onVerify = func() {
		b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
			locked, err := tx.Deposits().GetForUpdate(ctx, d.ID())
			if err != nil {
				return err
			}
			if err := locked.Fail("closed by hand", b.clock.Now()); err != nil {
				return err
			}
			return tx.Deposits().Save(ctx, locked)
		})
	}

	loc := b.returnFromGateway(t, b.svc, d, auth, nil)

	require.True(t, strings.HasPrefix(loc, "https://app.test/payment/failure?"), loc)
	require.Equal(t, payment.DepositFailed, b.deposit(t, p, d.ID()).Status())
	require.Zero(t, b.balance(t, p.UserID).Total())
	b.requireLedgerClean(t)
}
