package payments_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/payments"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/integration/accountstest"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/blobtest"
	"github.com/talabin/talabin/ports/ratelimittest"
)

// goodCode is the step-up code the fake accepts.
const goodCode = "246810"

// testSheba is a valid Sheba (mod 97) for accounts in tests.
const testSheba = "IR820540102680020817909002"

// fakeSession is one payment session of fakeGateway.
type fakeSession struct {
	orderID     string
	amount      core.Rial
	paid        core.Rial
	state       ports.PaymentState
	callbackURL string
}

// fakeGateway is an in-memory gateway whose buyer the test plays, and whose verify can lose
// its answer after capturing the payment (a timeout, or a process killed meanwhile).
type fakeGateway struct {
	mu       sync.Mutex
	sessions map[string]*fakeSession
	next     int
	// lose is how many of the next verifies capture the payment, then answer unknown.
	lose int
	// requestErr fails the next Request.
	requestErr error
	// onVerify, when set, runs at the start of every Verify (outside the service's
	// transactions), to race the service.
	onVerify func()
	verifies atomic.Int64
}

var _ ports.PaymentGateway = (*fakeGateway)(nil)

func newFakeGateway() *fakeGateway { return &fakeGateway{sessions: map[string]*fakeSession{}} }

func (g *fakeGateway) Name() string { return "fakepay" }

func (g *fakeGateway) Request(_ context.Context, req ports.PaymentRequest) (ports.PaymentSession, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.requestErr; err != nil {
		g.requestErr = nil
		return ports.PaymentSession{}, err
	}
	g.next++
	auth := fmt.Sprintf("A%08d", g.next)
	g.sessions[auth] = &fakeSession{orderID: req.OrderID, amount: req.Amount, state: ports.PaymentPending, callbackURL: req.CallbackURL}
	return ports.PaymentSession{Authority: auth, RedirectURL: "https://gw.test/pay/" + auth}, nil
}

func (g *fakeGateway) Verify(_ context.Context, req ports.VerifyRequest) (ports.Verification, error) {
	g.verifies.Add(1)
	if g.onVerify != nil {
		g.onVerify()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.sessions[req.Authority]
	switch {
	case s == nil || s.orderID != req.OrderID:
		return ports.Verification{}, core.ErrNotFound
	case s.state == ports.PaymentVerified:
		return ports.Verification{Status: ports.PaymentAlreadyVerified, RefID: "REF" + req.Authority, Amount: req.Amount}, nil
	case s.state != ports.PaymentAwaitingVerify:
		return ports.Verification{Status: ports.PaymentNotPaid}, nil
	case s.paid != req.Amount:
		return ports.Verification{}, fmt.Errorf("fake: paid %d, asked %d: %w", s.paid, req.Amount, ports.ErrPaymentMismatch)
	}
	s.state = ports.PaymentVerified
	if g.lose > 0 {
		g.lose--
		return ports.Verification{}, fmt.Errorf("fake: answer lost: %w", ports.ErrPaymentOutcomeUnknown)
	}
	return ports.Verification{Status: ports.PaymentPaid, RefID: "REF" + req.Authority, CardPANMasked: "603799******0590", Amount: req.Amount}, nil
}

func (g *fakeGateway) Inquire(_ context.Context, req ports.InquiryRequest) (ports.Inquiry, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.sessions[req.Authority]
	if s == nil {
		return ports.Inquiry{}, core.ErrNotFound
	}
	return ports.Inquiry{State: s.state, Amount: s.amount}, nil
}

func (g *fakeGateway) ParseCallback(r *http.Request) (ports.Callback, error) {
	if err := r.ParseForm(); err != nil {
		return ports.Callback{}, fmt.Errorf("%w: %w", core.ErrInvalidInput, err)
	}
	auth := r.Form.Get("Authority")
	if auth == "" {
		return ports.Callback{}, fmt.Errorf("%w: no authority", core.ErrInvalidInput)
	}
	return ports.Callback{Authority: auth, Status: r.Form.Get("Status"), Succeeded: r.Form.Get("Status") == "OK"}, nil
}

// pay plays the buyer paying amount (the session's own amount when zero).
func (g *fakeGateway) pay(t *testing.T, auth string, amount core.Rial) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.sessions[auth]
	require.NotNil(t, s, "session %s", auth)
	if amount == 0 {
		amount = s.amount
	}
	s.paid, s.state = amount, ports.PaymentAwaitingVerify
}

// cancel plays the buyer cancelling.
func (g *fakeGateway) cancel(auth string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sessions[auth].state = ports.PaymentFailed
}

// callbackURL returns the callback URL the service gave for auth.
func (g *fakeGateway) callbackURL(auth string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sessions[auth].callbackURL
}

// fakeInquiry says every Sheba belongs to its asker unless owner says otherwise.
type fakeInquiry struct {
	mu    sync.Mutex
	owner map[string]bool
	err   error
}

func (f *fakeInquiry) ShebaOwner(_ context.Context, sheba iran.Sheba, _ string, _ time.Time) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return false, f.err
	}
	if owns, ok := f.owner[sheba.String()]; ok {
		return owns, nil
	}
	return true, nil
}

// manualPayout returns the staff's tracking code.
type manualPayout struct{}

func (manualPayout) Pay(_ context.Context, p ports.PayoutRequest) (string, error) {
	if p.TrackingCode == "" {
		return "", fmt.Errorf("%w: tracking code required", core.ErrInvalidInput)
	}
	return p.TrackingCode, nil
}

// stepUp accepts goodCode and counts every try.
type stepUp struct{ tries atomic.Int64 }

func (s *stepUp) RedeemStepUp(_ context.Context, _ ports.Tx, _ core.UserID, _ identity.Purpose, code string) error {
	s.tries.Add(1)
	if code != goodCode {
		return core.ErrOTPInvalid
	}
	return nil
}

// bundle is what the service tests share: the service over a migrated store (in-memory
// SQLite unless the test asks for another engine), the fake gateway and a clock that moves
// only when told to.
type bundle struct {
	clock   *ratelimittest.Clock
	store   *accountstest.Store
	gw      *fakeGateway
	blobs   *blobtest.Memory
	inquiry *fakeInquiry
	stepUp  *stepUp
	cfg     payments.Config
	svc     *payments.Service
	staff   ports.Principal
	phones  atomic.Int64
}

// openStore opens a fresh, migrated store of one engine on clock, closed when t ends.
type openStore func(t *testing.T, clock ports.Clock) *accountstest.Store

// engines are the store engines the concurrency-sensitive tests run on: SQLite serializes
// writers, PostgreSQL runs them at once under row locks, and exactly-once must hold on both.
// PostgreSQL tests skip where pgtest finds no server.
var engines = []struct {
	name string
	open openStore
}{
	{"SQLite", accountstest.NewStore},
	{"PostgreSQL", accountstest.NewPostgresStore},
}

// onEveryEngine runs test as a parallel subtest per engine, each on its own bundle.
func onEveryEngine(t *testing.T, test func(t *testing.T, b *bundle)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			test(t, setupOn(t, e.open))
		})
	}
}

// setup returns a bundle over in-memory SQLite.
func setup(t *testing.T, configure ...func(*payments.Config)) *bundle {
	t.Helper()
	return setupOn(t, accountstest.NewStore, configure...)
}

// setupOn returns a bundle over a store that open opens.
func setupOn(t *testing.T, open openStore, configure ...func(*payments.Config)) *bundle {
	t.Helper()
	b := &bundle{
		clock: ratelimittest.NewClock(), gw: newFakeGateway(), blobs: blobtest.NewMemory(),
		inquiry: &fakeInquiry{owner: map[string]bool{}}, stepUp: &stepUp{},
	}
	b.store = open(t, b.clock)
	b.cfg = payments.Config{
		Gateways:     map[string]ports.PaymentGateway{"fakepay": b.gw},
		Primary:      "fakepay",
		CallbackKey:  bytes.Repeat([]byte{7}, 32),
		PublicAPIURL: "https://api.test",
		WebAppURL:    "https://app.test",
		ReturnURLs:   []string{"talabin://deposit"},
		Destination:  ports.TransferDestination{BankName: "بانک ملی", Sheba: testSheba, HolderName: "Talabin"},
		Blobs:        b.blobs,
		Inquiry:      b.inquiry,
		Payout:       manualPayout{},
		StepUp:       b.stepUp,
	}
	for _, c := range configure {
		c(&b.cfg)
	}
	b.svc = b.newService(t)
	b.staff = b.principal(b.newUser(t), identity.RoleAdmin)
	return b
}

// newService returns another instance of the service over the same store, as a restarted or
// second app instance would run.
func (b *bundle) newService(t *testing.T) *payments.Service {
	t.Helper()
	svc, err := payments.NewService(b.cfg, b.store, b.clock, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	return svc
}

// newUser registers a phone-verified user with open wallets.
func (b *bundle) newUser(t *testing.T) core.UserID {
	t.Helper()
	phone := fmt.Sprintf("+98912%07d", b.phones.Add(1))
	var id core.UserID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		u := identity.NewUser(phone, b.clock.Now())
		require.NoError(t, u.VerifyPhone(b.clock.Now()))
		var err error
		if id, err = tx.Users().Create(ctx, u); err != nil {
			return err
		}
		return tx.Ledger().OpenUserAccounts(ctx, id)
	})
	return id
}

func (b *bundle) principal(user core.UserID, role identity.Role) ports.Principal {
	return ports.Principal{UserID: user, SessionID: "ses_" + user.String(), Role: role, Client: ports.Client{
		IP: "203.0.113.7", UserAgent: "test-agent/1.0", RequestID: "req-" + user.String(),
	}}
}

// customer registers a user and returns it signed in.
func (b *bundle) customer(t *testing.T) ports.Principal {
	return b.principal(b.newUser(t), identity.RoleUser)
}

func (b *bundle) inTx(t *testing.T, fn func(ctx context.Context, tx ports.Tx) error) {
	t.Helper()
	require.NoError(t, b.store.InTx(t.Context(), fn))
}

// balance returns user's rial balance.
func (b *bundle) balance(t *testing.T, user core.UserID) ledger.Balance {
	t.Helper()
	var bal ledger.Balance
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		bal, err = tx.Ledger().Balance(ctx, ledger.UserAccount(user, ledger.IRR))
		return err
	}))
	return bal
}

// requireLedgerClean checks the ledger's invariants.
func (b *bundle) requireLedgerClean(t *testing.T) {
	t.Helper()
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		rep, err := tx.Ledger().Verify(ctx)
		if err != nil {
			return err
		}
		require.True(t, rep.OK(), rep.String())
		return nil
	}))
}

// startDeposit opens an online deposit of amount for p and returns it with its authority.
func (b *bundle) startDeposit(t *testing.T, p ports.Principal, amount core.Rial) (*payment.Deposit, string) {
	t.Helper()
	out, err := b.svc.CreateDeposit(t.Context(), p, ports.DepositInput{Amount: amount}, ports.IdempotentCall{})
	require.NoError(t, err)
	d := out.Result.Deposit
	require.Equal(t, payment.DepositPending, d.Status())
	auth := d.Record().Authority
	require.NotEmpty(t, auth)
	require.Equal(t, "https://gw.test/pay/"+auth, out.Result.PaymentURL)
	return d, auth
}

// returnFromGateway plays the browser coming back to the callback URL the gateway got for
// auth, with extra query fields, through svc.
func (b *bundle) returnFromGateway(t *testing.T, svc *payments.Service, d *payment.Deposit, auth string, extra url.Values) string {
	t.Helper()
	u, err := url.Parse(b.gw.callbackURL(auth))
	require.NoError(t, err)
	q := u.Query()
	q.Set("Authority", auth)
	q.Set("Status", "OK")
	for k, v := range extra {
		q[k] = v
	}
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, u.Path+"?"+q.Encode(), nil)
	loc, err := svc.GatewayReturn(t.Context(), d.ID(), q.Get("sig"), r)
	require.NoError(t, err)
	return loc
}

// deposit returns the stored deposit id.
func (b *bundle) deposit(t *testing.T, p ports.Principal, id payment.DepositID) *payment.Deposit {
	t.Helper()
	d, err := b.svc.Deposit(t.Context(), p, id)
	require.NoError(t, err)
	return d
}

// fund credits amount to p through a paid online deposit.
func (b *bundle) fund(t *testing.T, p ports.Principal, amount core.Rial) {
	t.Helper()
	d, auth := b.startDeposit(t, p, amount)
	b.gw.pay(t, auth, 0)
	b.returnFromGateway(t, b.svc, d, auth, nil)
	require.Equal(t, payment.DepositVerified, b.deposit(t, p, d.ID()).Status())
}

// verifiedAccount adds a bank account for p (verified by the fake inquiry).
func (b *bundle) verifiedAccount(t *testing.T, p ports.Principal) *payment.BankAccount {
	t.Helper()
	a, err := b.svc.AddBankAccount(t.Context(), p, payment.BankAccountInput{Sheba: testSheba}, goodCode)
	require.NoError(t, err)
	require.True(t, a.Verified())
	return a
}
