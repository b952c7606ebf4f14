package trading_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	apptrading "github.com/talabin/talabin/app/trading"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/integration/accountstest"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/ratelimittest"
)

// The prices of the tests: users buy at testSell and sell at testBuy (rials per gram).
const (
	testBuy  core.RialsPerGram = 2_990_000
	testSell core.RialsPerGram = 3_050_000
	testFee  core.BasisPoints  = 50
)

// fakeFeed is a [ports.PriceFeed] whose answer the test sets.
type fakeFeed struct {
	mu    sync.Mutex
	price pricing.Price
	err   error
}

var _ ports.PriceFeed = (*fakeFeed)(nil)

func (f *fakeFeed) Fetch(context.Context) (pricing.Price, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return pricing.Price{}, f.err
	}
	if f.price == (pricing.Price{}) {
		return pricing.Price{}, fmt.Errorf("fake: %w", core.ErrPriceUnavailable)
	}
	return f.price, nil
}

func (f *fakeFeed) Name() string { return "fake" }

// set makes the feed offer buy and sell observed at at.
func (f *fakeFeed) set(buy, sell core.RialsPerGram, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.price, f.err = pricing.Price{Buy: buy, Sell: sell, Source: "fake", At: at}, nil
}

// fail makes the feed fail with err.
func (f *fakeFeed) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// recordingSetter is a manual feed that remembers the prices staff set.
type recordingSetter struct {
	mu  sync.Mutex
	set []pricing.Price
}

func (r *recordingSetter) Set(p pricing.Price) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.set = append(r.set, p)
	return nil
}

// grantLevel gives user verification level 1 (the mobile inquiry matched) or 2 (staff
// approved), as the KYC service would.
func (b *bundle) grantLevel(t *testing.T, user core.UserID, level int) {
	t.Helper()
	national, err := iran.ParseNationalCode("0499370899")
	require.NoError(t, err)
	now := b.clock.Now()
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		p := kyc.NewProfile(user)
		sub := kyc.Submission{FirstName: "Sara", LastName: "Ahmadi", NationalID: national,
			BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), TargetLevel: 1}
		require.NoError(t, p.Submit(sub, false, nil, now))
		require.NoError(t, p.InquiryAnswered(true, now))
		if level > 1 {
			require.NoError(t, p.Approve(level, b.staff.UserID, now))
		}
		return tx.KYC().Save(ctx, p)
	})
}

// bundle is what the service tests share: the service over a migrated in-memory SQLite
// store, a fake feed and a clock that moves only when told to.
type bundle struct {
	clock  *ratelimittest.Clock
	store  *accountstest.Store
	feed   *fakeFeed
	manual *recordingSetter
	cfg    apptrading.Config
	svc    *apptrading.Service
	staff  ports.Principal
	phones atomic.Int64
}

// setup returns a bundle whose configuration configure adjusted; the fee is testFee and
// no price is set.
func setup(t *testing.T, configure ...func(*apptrading.Config)) *bundle {
	t.Helper()
	b := &bundle{clock: ratelimittest.NewClock(), feed: &fakeFeed{}, manual: &recordingSetter{}}
	b.store = accountstest.NewStore(t, b.clock)
	b.cfg = apptrading.Config{FeeRate: testFee, Manual: b.manual}
	for _, c := range configure {
		c(&b.cfg)
	}
	b.svc = b.newService(t)
	b.staff = b.principal(b.newUser(t, true), identity.RoleAdmin)
	return b
}

// newService returns another instance of the service over the same store and feed, as a
// second app instance would run; it has reloaded the store's price.
func (b *bundle) newService(t *testing.T) *apptrading.Service {
	t.Helper()
	svc, err := apptrading.NewService(b.cfg, b.store, b.feed, b.clock, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	require.NoError(t, svc.Reload(t.Context()))
	return svc
}

// newUser registers a user with open wallets, the phone verified when verified.
func (b *bundle) newUser(t *testing.T, verified bool) core.UserID {
	t.Helper()
	phone := fmt.Sprintf("+98912%07d", b.phones.Add(1))
	var id core.UserID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		u := identity.NewUser(phone, b.clock.Now())
		if verified {
			require.NoError(t, u.VerifyPhone(b.clock.Now()))
		}
		var err error
		if id, err = tx.Users().Create(ctx, u); err != nil {
			return err
		}
		return tx.Ledger().OpenUserAccounts(ctx, id)
	})
	return id
}

// principal returns user signed in with role.
func (b *bundle) principal(user core.UserID, role identity.Role) ports.Principal {
	return ports.Principal{UserID: user, SessionID: "ses_" + user.String(), Role: role, Client: ports.Client{
		IP: "203.0.113.7", UserAgent: "test-agent/1.0", RequestID: "req-" + user.String(),
	}}
}

// trader registers a verified user holding rials and returns it signed in.
func (b *bundle) trader(t *testing.T, rials core.Rial) ports.Principal {
	t.Helper()
	id := b.newUser(t, true)
	if rials > 0 {
		b.deposit(t, id, rials)
	}
	return b.principal(id, identity.RoleUser)
}

// inTx runs fn in a committed transaction.
func (b *bundle) inTx(t *testing.T, fn func(ctx context.Context, tx ports.Tx) error) {
	t.Helper()
	require.NoError(t, b.store.InTx(t.Context(), fn))
}

// post posts journal.
func (b *bundle) post(t *testing.T, journal ledger.Journal, err error) {
	t.Helper()
	require.NoError(t, err)
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		_, err := tx.Ledger().Post(ctx, journal)
		return err
	})
}

// deposit credits amount rials to user from outside.
func (b *bundle) deposit(t *testing.T, user core.UserID, amount core.Rial) {
	t.Helper()
	j, err := ledger.DepositJournal(user, ledger.ExternalAccount(ledger.IRR), amount, "test-deposit")
	b.post(t, j, err)
}

// stock puts gold micrograms and rials into the house's treasury.
func (b *bundle) stock(t *testing.T, gold core.Microgram, rials core.Rial) {
	t.Helper()
	if gold > 0 {
		j, err := ledger.TreasuryInJournal(ledger.Gold, int64(gold), "test-treasury")
		b.post(t, j, err)
	}
	if rials > 0 {
		j, err := ledger.TreasuryInJournal(ledger.IRR, int64(rials), "test-treasury")
		b.post(t, j, err)
	}
}

// setPrice makes buy/sell the active price, as staff (confirmed).
func (b *bundle) setPrice(t *testing.T, buy, sell core.RialsPerGram) ports.PriceView {
	t.Helper()
	out, err := b.svc.SetPrice(t.Context(), b.staff, ports.SetPriceInput{Buy: buy, Sell: sell, Confirm: true}, ports.IdempotentCall{})
	require.NoError(t, err)
	return out.Result
}

// market sets the test price and stocks the treasury with 100 g and 10^12 rials.
func (b *bundle) market(t *testing.T) {
	t.Helper()
	b.setPrice(t, testBuy, testSell)
	b.stock(t, 100*core.MicrogramsPerGram, 1_000_000_000_000)
}

// balances returns user's IRR and gold balances.
func (b *bundle) balances(t *testing.T, user core.UserID) (irr, gold ledger.Balance) {
	t.Helper()
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		if irr, err = tx.Ledger().Balance(ctx, ledger.UserAccount(user, ledger.IRR)); err != nil {
			return err
		}
		gold, err = tx.Ledger().Balance(ctx, ledger.UserAccount(user, ledger.Gold))
		return err
	}))
	return irr, gold
}

// orders returns every order of user, newest first.
func (b *bundle) orders(t *testing.T, user core.UserID) []*trading.Order {
	t.Helper()
	orders, _, err := b.svc.Orders(t.Context(), b.principal(user, identity.RoleUser), ports.OrderFilter{}, 0, 100)
	require.NoError(t, err)
	return orders
}

// audit returns the audit events of action, newest first.
func (b *bundle) audit(t *testing.T, action string) []ports.AuditEvent {
	t.Helper()
	var events []ports.AuditEvent
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		events, _, err = tx.Audit().List(ctx, ports.AuditFilter{Action: action}, 0, 100)
		return err
	}))
	return events
}

// state returns the stored trading state.
func (b *bundle) state(t *testing.T) ports.TradingState {
	t.Helper()
	var st ports.TradingState
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		st, err = tx.TradingState().Get(ctx)
		return err
	}))
	return st
}

// requireLedgerOK checks the ledger's invariants.
func (b *bundle) requireLedgerOK(t *testing.T) {
	t.Helper()
	var report ledger.Report
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		report, err = tx.Ledger().Verify(ctx)
		return err
	}))
	require.True(t, report.OK(), report.String())
}

// buy is a request to buy amount rials of gold.
func buy(amount core.Rial) trading.Request { return trading.Request{Side: trading.Buy, Amount: amount} }

// fakeResponse is what [keyedCall] stores: the status and a body naming the outcome.
func fakeResponse(result any, err error) (idempotency.Response, bool) {
	if err == nil {
		o, _ := result.(*trading.Order)
		if o == nil {
			return idempotency.Response{Status: 200, Body: []byte("ok")}, true
		}
		return idempotency.Response{Status: 201, Body: []byte("order " + o.Number())}, true
	}
	for _, c := range []struct {
		target error
		status int
	}{
		{core.ErrInsufficientBalance, 400}, {core.ErrInvalidInput, 400}, {core.ErrQuoteMismatch, 400},
		{core.ErrNotFound, 404}, {core.ErrQuoteExpired, 409}, {core.ErrQuoteUsed, 409}, {core.ErrInvalidState, 409},
		{core.ErrPriceJumpUnconfirmed, 409},
	} {
		if errors.Is(err, c.target) {
			return idempotency.Response{Status: c.status, Body: []byte(err.Error())}, true
		}
	}
	return idempotency.Response{}, false
}

// keyedCall returns a call with key value for user's operation op and a body fingerprint.
func keyedCall(t *testing.T, user core.UserID, op, value, body string) ports.IdempotentCall {
	t.Helper()
	key, err := idempotency.NewKey("user:"+user.String()+":"+op, value)
	require.NoError(t, err)
	return ports.IdempotentCall{Key: key, Fingerprint: idempotency.FingerprintOf([]byte(body)), Respond: fakeResponse}
}
