//go:build integration

package sim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// simSheba is a valid Sheba every simulated user withdraws to.
const simSheba = "IR820540102680020817909002"

// run is one seed's simulation: the world, the model, the operation log.
type run struct {
	seed  uint64
	world *world
	model *model
	log   []string
}

func (s *run) logf(format string, args ...any) {
	s.log = append(s.log, fmt.Sprintf("%4d %s ", len(s.log), s.world.clock.Now().Format("15:04:05"))+fmt.Sprintf(format, args...))
}

// op is one kind of operation with its weight in the draw.
type op struct {
	name   string
	weight int
	do     func(s *run) error
}

// ops are the operations a step draws from, in a fixed order so that a seed draws the
// same ones every time.
var ops = []op{
	{"signup", 6, (*run).signUp},
	{"deposit", 10, (*run).deposit},
	{"return", 10, (*run).gatewayReturn},
	{"reconcile", 5, (*run).reconcile},
	{"trade", 20, (*run).trade},
	{"preview", 5, (*run).preview},
	{"replay", 6, (*run).replay},
	{"price", 4, (*run).price},
	{"halt", 2, (*run).haltOrResume},
	{"withdraw", 6, (*run).withdraw},
	{"staff", 6, (*run).staffDecides},
	{"advance", 6, (*run).advance},
}

var totalWeight = func() int {
	n := 0
	for _, o := range ops {
		n += o.weight
	}
	return n
}()

// draw picks the next operation.
func (s *run) draw() op {
	n := s.world.rng.IntN(totalWeight)
	for _, o := range ops {
		if n < o.weight {
			return o
		}
		n -= o.weight
	}
	panic("unreachable")
}

// customer picks a verified user, or nil.
func (s *run) customer() *simUser {
	var vs []*simUser
	for _, u := range s.model.users {
		if u.state == verified {
			vs = append(vs, u)
		}
	}
	if len(vs) == 0 {
		return nil
	}
	return vs[s.world.rng.IntN(len(vs))]
}

// ambiguous reports whether err is one the model must resolve by reading the store: an
// injected fault struck the operation.
func (s *run) ambiguous(err error) bool { return err != nil && s.world.store.struck }

// signUp registers a new user, or moves one along: deliver its code, verify it, ask again.
func (s *run) signUp() error {
	w, m := s.world, s.model
	var u *simUser
	for _, c := range m.users {
		if c.state != verified {
			u = c
			break
		}
	}
	if u == nil {
		if len(m.users) >= 5 {
			return nil
		}
		n := len(m.users) + 1
		u = &simUser{n: n, phone: fmt.Sprintf("0912000%04d", n)}
		m.users = append(m.users, u)
	}
	mobile := "+98" + u.phone[1:]
	if u.state == unregistered {
		_, err := w.acc.Register(w.ctx, ports.RegisterInput{Phone: u.phone, Password: simPassword, PasswordConfirm: simPassword, Client: simClient})
		s.logf("signup user=%d register -> %v", u.n, errText(err))
		if err == nil || s.ambiguous(err) {
			u.state = registered
		}
		return nil
	}
	sent := w.deliverSMS()
	code, ok := w.sms.codes[mobile]
	if !ok {
		_, err := w.acc.SendOTP(w.ctx, ports.SendOTPInput{Phone: u.phone, Purpose: identity.PurposeRegistration, Client: simClient})
		s.logf("signup user=%d sms sent=%d no code, resend -> %v", u.n, sent, errText(err))
		return nil
	}
	delete(w.sms.codes, mobile)
	_, err := w.acc.VerifyOTP(w.ctx, ports.VerifyOTPInput{Phone: u.phone, Code: code, Purpose: identity.PurposeRegistration, Client: simClient})
	s.logf("signup user=%d sms sent=%d verify -> %v", u.n, sent, errText(err))
	if err != nil && !s.ambiguous(err) {
		return nil
	}
	// The store says whether the verification committed.
	var user identity.User
	if err := w.store.Snapshot(w.ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		user, err = tx.Users().GetByPhone(ctx, mobile)
		return err
	}); err != nil {
		return err
	}
	if !user.PhoneVerified() {
		if err == nil {
			return violated("user %d: verify answered ok but the phone is not verified", u.n)
		}
		return nil
	}
	u.state = verified
	u.p = ports.Principal{UserID: user.ID(), SessionID: "ses_" + user.ID().String(), Role: identity.RoleUser, Client: simClient}
	return nil
}

// deposit opens an online deposit.
func (s *run) deposit() error {
	u := s.customer()
	if u == nil {
		return nil
	}
	w := s.world
	amount := core.Rial(10_000 + w.rng.IntN(5_000)*10_000)
	out, err := w.pay.CreateDeposit(w.ctx, u.p, ports.DepositInput{Amount: amount}, ports.IdempotentCall{})
	if err == nil {
		d := out.Result.Deposit
		u.deposits = append(u.deposits, &simDeposit{id: d.ID(), amount: amount, auth: d.Record().Authority, status: d.Status()})
		s.logf("deposit user=%d amount=%d -> deposit %d %s", u.n, amount, d.ID(), d.Status())
		return nil
	}
	s.logf("deposit user=%d amount=%d -> %v", u.n, amount, errText(err))
	return nil
}

// gatewayReturn plays the buyer of a pending deposit: pay or cancel at the gateway, or
// cancel on our side, then come back, sometimes twice.
func (s *run) gatewayReturn() error {
	u := s.customer()
	if u == nil {
		return nil
	}
	w := s.world
	var open []*simDeposit
	for _, d := range u.deposits {
		if d.auth != "" && (d.status == payment.DepositPending || d.status == payment.DepositUnknown) {
			open = append(open, d)
		}
	}
	if len(open) == 0 {
		return nil
	}
	d := open[w.rng.IntN(len(open))]
	sess := w.gw.sessions[d.auth]
	action := "return"
	switch r := w.rng.IntN(10); {
	case r < 6 && sess.state == ports.PaymentPending:
		sess.state, action = ports.PaymentAwaitingVerify, "pay+return"
	case r < 7 && sess.state == ports.PaymentPending:
		sess.state, action = ports.PaymentFailed, "cancel-at-gateway+return"
	case r < 8:
		_, err := w.pay.CancelDeposit(w.ctx, u.p, d.id, ports.IdempotentCall{})
		s.logf("deposit %d user=%d cancel -> %v", d.id, u.n, errText(err))
		return nil
	}
	times := 1 + w.rng.IntN(2)
	for i := range times {
		loc, err := w.pay.GatewayReturn(w.ctx, d.id, callbackSig(w, d), callbackRequest(w.ctx, d.auth))
		s.logf("deposit %d user=%d %s #%d -> %s %v", d.id, u.n, action, i+1, strings.SplitN(loc, "?", 2)[0], errText(err))
	}
	return nil
}

// callbackSig reads the signature the service put in the callback URL it gave the
// gateway, as the buyer's browser carries it back.
func callbackSig(w *world, d *simDeposit) string {
	u, err := url.Parse(w.gw.sessions[d.auth].callbackURL)
	if err != nil {
		return ""
	}
	return u.Query().Get("sig")
}

// callbackRequest is the buyer's browser coming back for auth.
func callbackRequest(ctx context.Context, auth string) *http.Request {
	q := url.Values{"Authority": {auth}, "Status": {"OK"}}
	return httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/wallet/deposits/cb/?"+q.Encode(), nil)
}

// reconcile runs the reconciler once.
func (s *run) reconcile() error {
	rep, err := s.world.pay.Reconcile(s.world.ctx)
	s.logf("reconcile -> checked=%d credited=%d failed=%d unresolved=%d %v", rep.Checked, rep.Credited, rep.Failed, rep.Unresolved, errText(err))
	return nil
}

// request draws an order: buy by rials, sell by rials or sell by gold.
func (s *run) request(u *simUser) trading.Request {
	w := s.world
	amount := core.Rial(100+w.rng.IntN(2_000)) * 1_000
	switch w.rng.IntN(3) {
	case 0:
		return trading.Request{Side: trading.Buy, Amount: amount}
	case 1:
		return trading.Request{Side: trading.Sell, Amount: amount}
	default:
		g := u.gold.Available
		if g <= 0 || w.rng.IntN(4) == 0 {
			g = int64(3_000 + w.rng.IntN(50_000))
		}
		return trading.Request{Side: trading.Sell, Gold: core.Microgram(g)}
	}
}

// trade places an order, with or without an Idempotency-Key, by a shown quote or not.
func (s *run) trade() error {
	u := s.customer()
	if u == nil {
		return nil
	}
	w := s.world
	in := ports.PlaceInput{Request: s.request(u)}
	if live := u.liveQuotes(w.clock.Now()); len(live) > 0 && w.rng.IntN(2) == 0 {
		q := live[w.rng.IntN(len(live))].q
		in = ports.PlaceInput{Request: requestOf(q), QuoteID: q.ID()}
	}
	var key *simKey
	if w.rng.IntN(2) == 0 {
		u.keysDrawn++
		key = &simKey{value: fmt.Sprintf("sim-key-%d-%d", u.n, u.keysDrawn), req: in.Request}
	}
	return s.place(u, in, key)
}

// requestOf is the request a quote priced.
func requestOf(q *trading.Quote) trading.Request {
	t := q.Terms()
	if t.Side == trading.Sell && q.Matches(trading.Request{Side: trading.Sell, Gold: t.Gold}) {
		return trading.Request{Side: trading.Sell, Gold: t.Gold}
	}
	return trading.Request{Side: t.Side, Amount: t.AmountIRR}
}

// keyedCall is the IdempotentCall of key: the response it stores is the order's number,
// status and terms, or the error.
func keyedCall(u *simUser, key *simKey) ports.IdempotentCall {
	if key == nil {
		return ports.IdempotentCall{}
	}
	k, err := idempotency.NewKey("user:"+u.p.UserID.String(), key.value)
	if err != nil {
		panic(err)
	}
	return ports.IdempotentCall{
		Key:         k,
		Fingerprint: idempotency.FingerprintOf(fmt.Appendf(nil, "%+v", key.req)),
		Respond: func(result any, err error) (idempotency.Response, bool) {
			if err != nil {
				return idempotency.Response{Status: 400, Body: []byte(err.Error())}, true
			}
			o := result.(*trading.Order)
			return idempotency.Response{Status: 201, Body: fmt.Appendf(nil, "%s %s %+v", o.Record().Number, o.Status(), o.Terms())}, true
		},
	}
}

// place places in and checks the answer against the model.
func (s *run) place(u *simUser, in ports.PlaceInput, key *simKey) error {
	w, m := s.world, s.model
	now := w.clock.Now()
	want, quoted := s.expectedTerms(u, in, now)
	out, err := w.trade.Place(w.ctx, u.p, in, keyedCall(u, key))
	if key != nil && out.Replayed != nil {
		return violated("user %d: a fresh key %s was replayed", u.n, key.value)
	}
	var (
		o     *trading.Order
		short *core.InsufficientBalanceError
	)
	if err == nil {
		o = out.Result
	}
	// Only a completed order and a kept failure store their response with the key; other
	// refusals leave the key free, and a lost answer leaves the model unsure.
	if key != nil && !s.ambiguous(err) && (err == nil || errors.As(err, &short)) {
		if err == nil {
			key.body = fmt.Sprintf("%s %s %+v", o.Record().Number, o.Status(), o.Terms())
		}
		u.keys = append(u.keys, *key)
	}
	s.logf("trade user=%d %+v quote=%t key=%t -> %s", u.n, in.Request, !in.QuoteID.IsZero(), key != nil, orderText(o, err))
	if quoted != nil && !s.ambiguous(err) && !errors.Is(err, core.ErrTradingHalted) {
		u.dropQuote(quoted)
	}
	switch {
	case s.ambiguous(err):
		return s.syncOrders(u)
	case err == nil:
		u.orders++
		if o.Status() != trading.OrderCompleted {
			return violated("user %d: order answered ok but is %s", u.n, o.Status())
		}
		if want != nil && o.Terms() != *want {
			return violated("user %d: order terms %+v, model %+v at %+v", u.n, o.Terms(), *want, m.price)
		}
		if m.halted {
			return violated("user %d: order completed while trading is halted", u.n)
		}
		m.applyOrder(u, o.Terms())
	case errors.Is(err, core.ErrTradingHalted):
		if !m.halted {
			return violated("user %d: halted answer while trading is open", u.n)
		}
	default:
		if errors.As(err, &short) {
			u.orders++ // kept as failed
			if want != nil && affordable(u, *want) {
				return violated("user %d: refused as short (%v) though the model has %+v / %+v for %+v", u.n, err, u.irr, u.gold, *want)
			}
		}
	}
	return nil
}

// affordable reports whether u's model balances cover terms.
func affordable(u *simUser, t trading.Terms) bool {
	if t.Side == trading.Buy {
		return u.irr.Available >= int64(t.Total)
	}
	return u.gold.Available >= int64(t.Gold)
}

// expectedTerms prices in as the model sees it: the quote named or implied, else the active
// price. It returns nil terms when the request cannot be priced (the service refuses it).
func (s *run) expectedTerms(u *simUser, in ports.PlaceInput, now time.Time) (*trading.Terms, *trading.Quote) {
	for i := len(u.quotes) - 1; i >= 0; i-- {
		q := u.quotes[i].q
		if (!in.QuoteID.IsZero() && q.ID() == in.QuoteID) || (in.QuoteID.IsZero() && q.MatchesImplicit(u.p.UserID, in.Request, now)) {
			if q.Expired(now) {
				return nil, q
			}
			t := q.Terms()
			return &t, q
		}
	}
	t, err := trading.TermsFor(in.Request, s.model.priceAt(now), feeRate, trading.OrderLimits{}.WithDefaults())
	if err != nil {
		return nil, nil
	}
	return &t, nil
}

func (u *simUser) dropQuote(q *trading.Quote) {
	for i, c := range u.quotes {
		if c.q.ID() == q.ID() {
			u.quotes = append(u.quotes[:i], u.quotes[i+1:]...)
			return
		}
	}
}

// syncOrders learns from the store whether an order whose answer was lost exists, and
// applies it.
func (s *run) syncOrders(u *simUser) error {
	w := s.world
	orders, n, err := w.trade.Orders(w.ctx, u.p, ports.OrderFilter{}, 0, 1)
	if err != nil {
		return err
	}
	switch {
	case n == u.orders:
		return nil
	case n != u.orders+1:
		return violated("user %d: %d orders after one lost answer, model had %d", u.n, n, u.orders)
	}
	u.orders = n
	s.logf("trade user=%d lost answer: order %s exists (%s)", u.n, orders[0].Record().Number, orders[0].Status())
	if orders[0].Status() == trading.OrderCompleted {
		s.model.applyOrder(u, orders[0].Terms())
	}
	return nil
}

// preview shows a user a firm quote.
func (s *run) preview() error {
	u := s.customer()
	if u == nil {
		return nil
	}
	w := s.world
	req := s.request(u)
	q, err := w.trade.Preview(w.ctx, u.p, req)
	if err != nil {
		s.logf("preview user=%d %+v -> %v", u.n, req, errText(err))
		if errors.Is(err, core.ErrTradingHalted) && !s.model.halted {
			return violated("preview halted while trading is open")
		}
		return nil
	}
	want, terr := trading.TermsFor(req, s.model.priceAt(w.clock.Now()), feeRate, trading.OrderLimits{}.WithDefaults())
	if terr != nil || q.Terms() != want {
		return violated("user %d: quote terms %+v, model %+v (%v)", u.n, q.Terms(), want, terr)
	}
	u.quotes = append(u.quotes, simQuote{q: q})
	s.logf("preview user=%d %+v -> quote gold=%d total=%d", u.n, req, q.Terms().Gold, q.Terms().Total)
	return nil
}

// replay sends a used Idempotency-Key again: with its request it must answer the first
// response and change nothing; with another request it must be refused.
func (s *run) replay() error {
	u := s.customer()
	if u == nil || len(u.keys) == 0 {
		return nil
	}
	w := s.world
	k := u.keys[w.rng.IntN(len(u.keys))]
	same := w.rng.IntN(4) != 0
	req := k.req
	if !same {
		req.Amount += 1_000
		req.Gold = 0
		if req.Amount == 1_000 {
			req.Amount = 200_000
		}
	}
	key := k
	key.req = req
	out, err := w.trade.Place(w.ctx, u.p, ports.PlaceInput{Request: req}, keyedCall(u, &key))
	s.logf("replay user=%d key=%s same=%t -> replayed=%t %v", u.n, k.value, same, out.Replayed != nil, errText(err))
	switch {
	case s.ambiguous(err):
		return nil
	case !same:
		if !errors.Is(err, core.ErrIdempotencyKeyReused) {
			return violated("user %d: key %s reused with another request answered %v", u.n, k.value, err)
		}
	case err != nil:
		return violated("user %d: replay of key %s failed: %v", u.n, k.value, err)
	case out.Replayed == nil:
		return violated("user %d: replay of key %s ran again", u.n, k.value)
	case k.body != "" && out.Replayed.Status == 201 && string(out.Replayed.Body) != k.body:
		return violated("user %d: replay of key %s answered %q, first answer %q", u.n, k.value, out.Replayed.Body, k.body)
	}
	return nil
}

// price moves the price by up to ±8 % (within the jump guard), or further with confirm.
func (s *run) price() error {
	w, m := s.world, s.model
	pct := int64(w.rng.IntN(17) - 8)
	confirm := w.rng.IntN(10) == 0
	if confirm {
		pct *= 3
	}
	buy := core.RialsPerGram(int64(m.price.Buy) * (100 + pct) / 100 / 1000 * 1000)
	sell := buy + core.RialsPerGram(500_000+w.rng.IntN(10)*100_000)
	_, err := w.trade.SetPrice(w.ctx, w.staff, ports.SetPriceInput{Buy: buy, Sell: sell, Confirm: confirm}, ports.IdempotentCall{})
	s.logf("price buy=%d sell=%d confirm=%t -> %v", buy, sell, confirm, errText(err))
	if err == nil || s.ambiguous(err) {
		if err != nil {
			// A lost answer: the instance reloads what the store holds.
			if rerr := w.trade.Reload(w.ctx); rerr != nil {
				return rerr
			}
			cur, cerr := w.trade.Current(w.ctx)
			if cerr != nil {
				return cerr
			}
			m.price = pricing.Price{Buy: cur.Buy, Sell: cur.Sell, Source: cur.Source}
			return nil
		}
		m.price = pricing.Price{Buy: buy, Sell: sell, Source: "manual"}
	}
	return nil
}

// haltOrResume flips trading.
func (s *run) haltOrResume() error {
	w, m := s.world, s.model
	var err error
	if m.halted {
		_, err = w.trade.Resume(w.ctx, w.staff, ports.ResumeInput{Reason: "sim"}, ports.IdempotentCall{})
	} else {
		_, err = w.trade.Halt(w.ctx, w.staff, "sim halt", ports.IdempotentCall{})
	}
	s.logf("halted=%t flip -> %v", m.halted, errText(err))
	if err != nil && !s.ambiguous(err) {
		return nil
	}
	st, serr := w.trade.Status(w.ctx, w.staff)
	if serr != nil {
		return serr
	}
	halted := st.State.Halted
	if err == nil && halted == m.halted {
		return violated("trading state did not flip")
	}
	m.halted = halted
	return nil
}

// withdraw adds the user's bank account once, then asks for a withdrawal.
func (s *run) withdraw() error {
	u := s.customer()
	if u == nil {
		return nil
	}
	w := s.world
	if u.bank == 0 {
		a, err := w.pay.AddBankAccount(w.ctx, u.p, payment.BankAccountInput{Sheba: simSheba, HolderName: "Sim"}, stepUpCode)
		if err == nil && !a.Verified() {
			a, err = w.pay.ConfirmBankAccount(w.ctx, w.staff, a.ID(), "sim")
		}
		s.logf("bank account user=%d -> %v", u.n, errText(err))
		if err == nil {
			u.bank = a.ID()
		} else if s.ambiguous(err) {
			if as, lerr := w.pay.BankAccounts(w.ctx, u.p); lerr == nil && len(as) > 0 && as[0].Verified() {
				u.bank = as[0].ID()
			}
		}
		return nil
	}
	amount := core.Rial(50_000 + w.rng.IntN(200)*10_000)
	out, err := w.pay.CreateWithdrawal(w.ctx, u.p, ports.WithdrawalInput{BankAccount: u.bank, Amount: amount, OTP: stepUpCode}, ports.IdempotentCall{})
	if err == nil {
		r := out.Result.Record()
		s.logf("withdraw user=%d amount=%d -> withdrawal %d fee=%d", u.n, amount, r.ID, r.Fee)
		if int64(r.Amount+r.Fee) > u.irr.Available {
			return violated("user %d: withdrawal of %d+%d accepted with %d available", u.n, r.Amount, r.Fee, u.irr.Available)
		}
		return nil
	}
	s.logf("withdraw user=%d amount=%d -> %v", u.n, amount, errText(err))
	var short *core.InsufficientBalanceError
	if errors.As(err, &short) && int64(amount) <= u.irr.Available-int64(amount) {
		return violated("user %d: withdrawal refused as short with %d available", u.n, u.irr.Available)
	}
	return nil
}

// staffDecides approves, completes, rejects, or lets the user cancel an open withdrawal.
func (s *run) staffDecides() error {
	u := s.customer()
	if u == nil {
		return nil
	}
	w := s.world
	var open []*simWithdrawal
	for _, wd := range u.withdrawals {
		if wd.status.Open() {
			open = append(open, wd)
		}
	}
	if len(open) == 0 {
		return nil
	}
	wd := open[w.rng.IntN(len(open))]
	var (
		err    error
		action string
	)
	switch r := w.rng.IntN(10); {
	case r < 4:
		action = "approve"
		_, err = w.pay.ApproveWithdrawal(w.ctx, w.staff, wd.id, "sim", ports.IdempotentCall{})
	case r < 7:
		action = "complete"
		_, err = w.pay.CompleteWithdrawal(w.ctx, w.staff, wd.id, fmt.Sprintf("TRK%06d", wd.id), ports.IdempotentCall{})
	case r < 9:
		action = "reject"
		_, err = w.pay.RejectWithdrawal(w.ctx, w.staff, wd.id, "sim reject", ports.IdempotentCall{})
	default:
		action = "cancel"
		_, err = w.pay.CancelWithdrawal(w.ctx, u.p, wd.id, ports.IdempotentCall{})
	}
	s.logf("withdrawal %d user=%d %s (was %s) -> %v", wd.id, u.n, action, wd.status, errText(err))
	return nil
}

// advance moves the clock: seconds (quotes expire), minutes (the reconciler's patience,
// deposits expire) or hours (rate limits reset).
func (s *run) advance() error {
	d := []time.Duration{15 * time.Second, 3 * time.Minute, 35 * time.Minute, 2 * time.Hour}[s.world.rng.IntN(4)]
	s.world.clock.Advance(d)
	s.logf("advance %s", d)
	return nil
}

// errText is err's text for the log, "ok" for nil.
func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

// orderText is an order's outcome for the log.
func orderText(o *trading.Order, err error) string {
	if err != nil {
		return errText(err)
	}
	t := o.Terms()
	return fmt.Sprintf("%s total=%d gold=%d fee=%d", o.Status(), t.Total, t.Gold, t.Fee)
}
