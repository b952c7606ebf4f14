//go:build integration

package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// userState is how far a simulated user got with signing up.
type userState int

const (
	unregistered userState = iota
	registered             // a registration code was asked for
	verified               // the phone is verified and the wallets are open
)

// simDeposit is a deposit as the model knows it.
type simDeposit struct {
	id       payment.DepositID
	amount   core.Rial
	auth     string
	status   payment.DepositStatus
	credited bool
}

// simWithdrawal is a withdrawal as the model knows it.
type simWithdrawal struct {
	id          payment.WithdrawalID
	amount, fee core.Rial
	status      payment.WithdrawalStatus
}

// simQuote is a quote a user was shown.
type simQuote struct {
	q *trading.Quote
}

// simKey is an Idempotency-Key a user sent, with its request and the first response.
type simKey struct {
	value string
	req   trading.Request
	body  string
}

// simUser is one simulated user and the balances the model expects.
type simUser struct {
	n      int
	phone  string
	state  userState
	p      ports.Principal
	irr    ledger.Balance
	gold   ledger.Balance
	bank   payment.BankAccountID
	orders int // how many orders the user has, failed ones included
	// keysDrawn counts the Idempotency-Keys drawn, so that each is new.
	keysDrawn int

	deposits    []*simDeposit
	withdrawals []*simWithdrawal
	quotes      []simQuote
	keys        []simKey
}

// model is what the acknowledged operations say the ledger must hold.
type model struct {
	users        []*simUser
	price        pricing.Price
	halted       bool
	treasuryGold int64
	// houseIRR, houseGold and fees are the house's movements since the treasury was
	// funded; credited is every online deposit credited, paidOut every withdrawal paid.
	houseIRR, houseGold, fees, credited, paidOut int64
}

// priceAt is the active price as the model knows it, observed at now.
func (m *model) priceAt(now time.Time) pricing.Price {
	p := m.price
	p.At = now
	return p
}

// applyOrder moves the balances of a completed order.
func (m *model) applyOrder(u *simUser, t trading.Terms) {
	switch t.Side {
	case trading.Buy:
		u.irr.Available -= int64(t.Total)
		u.gold.Available += int64(t.Gold)
		m.houseIRR += int64(t.AmountIRR)
		m.houseGold -= int64(t.Gold)
	default:
		u.gold.Available -= int64(t.Gold)
		u.irr.Available += int64(t.Total)
		m.houseIRR -= int64(t.AmountIRR)
		m.houseGold += int64(t.Gold)
	}
	m.fees += int64(t.Fee)
}

// violation is a broken invariant.
type violation struct{ msg string }

func (v *violation) Error() string { return v.msg }

func violated(format string, args ...any) error { return &violation{msg: fmt.Sprintf(format, args...)} }

// check compares the world with the model: the ledger's own verify, every account against
// the model, the wallets the wallet port reports, each deposit credited once and only when
// the gateway captured it, and the deposit journals per user.
func check(ctx context.Context, w *world, m *model) error {
	err := w.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		rep, err := tx.Ledger().Verify(ctx)
		if err != nil {
			return err
		}
		if !rep.OK() {
			return violated("ledger verify: %s", rep)
		}
		want := map[ledger.Account]int64{
			ledger.HouseAccount(ledger.IRR):     treasuryIRR + m.houseIRR,
			ledger.HouseAccount(ledger.Gold):    m.treasuryGold + m.houseGold,
			ledger.FeesAccount():                m.fees,
			ledger.PayableAccount():             0,
			ledger.ClearingAccount(gatewayName): -m.credited,
			ledger.ExternalAccount(ledger.IRR):  -treasuryIRR + m.paidOut,
			ledger.ExternalAccount(ledger.Gold): -m.treasuryGold,
		}
		for _, a := range []ledger.Account{
			ledger.HouseAccount(ledger.IRR), ledger.HouseAccount(ledger.Gold), ledger.FeesAccount(),
			ledger.PayableAccount(), ledger.ClearingAccount(gatewayName), ledger.ExternalAccount(ledger.IRR),
			ledger.ExternalAccount(ledger.Gold),
		} {
			b, err := tx.Ledger().Balance(ctx, a)
			if err != nil {
				return err
			}
			if b.Available != want[a] || b.Held != 0 {
				return violated("%s: ledger %+v, model %d", a, b, want[a])
			}
		}
		for _, u := range m.users {
			if u.state != verified {
				continue
			}
			credited := 0
			for _, d := range u.deposits {
				if !d.credited {
					continue
				}
				credited++
				s := w.gw.sessions[d.auth]
				if s == nil || !s.captured || s.amount != d.amount {
					return violated("user %d: deposit %d credited %d but the gateway captured no such payment", u.n, d.id, d.amount)
				}
			}
			_, n, err := tx.Ledger().Entries(ctx, u.p.UserID, []ledger.JournalType{ledger.JournalDeposit}, 0, 1)
			if err != nil {
				return err
			}
			if n != credited {
				return violated("user %d: %d deposit journals for %d credited deposits", u.n, n, credited)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, u := range m.users {
		if u.state != verified {
			continue
		}
		wal, err := w.trade.Wallet(ctx, u.p)
		if err != nil {
			return err
		}
		if wal.IRR != u.irr || wal.Gold != u.gold {
			return violated("user %d: wallet IRR %+v gold %+v, model IRR %+v gold %+v", u.n, wal.IRR, wal.Gold, u.irr, u.gold)
		}
	}
	return nil
}

// sync brings the model's deposits and withdrawals up to the store's, checking every
// status change is one the state machines allow, and moves the balances they imply: a
// deposit credits when it turns verified (never at once for an unknown outcome: the
// reconciler does it), a withdrawal holds while open, pays out when completed and releases
// when rejected or cancelled.
func (s *run) sync() error {
	m, w := s.model, s.world
	for _, u := range m.users {
		if u.state != verified {
			continue
		}
		ds, _, err := w.pay.Deposits(w.ctx, u.p, payment.DepositStatus{}, 0, 1000)
		if err != nil {
			return err
		}
		for i := len(ds) - 1; i >= 0; i-- {
			d := ds[i]
			sd := u.deposit(d.ID())
			if sd == nil {
				sd = &simDeposit{id: d.ID(), amount: d.Record().Amount}
				u.deposits = append(u.deposits, sd)
			}
			sd.auth, sd.status = d.Record().Authority, d.Status()
			switch {
			case sd.credited && d.Status() != payment.DepositVerified:
				return violated("user %d: credited deposit %d went %s", u.n, d.ID(), d.Status())
			case !sd.credited && d.Status() == payment.DepositVerified:
				if d.Record().Credited != sd.amount {
					return violated("user %d: deposit %d of %d credited %d", u.n, d.ID(), sd.amount, d.Record().Credited)
				}
				sd.credited = true
				u.irr.Available += int64(sd.amount)
				m.credited += int64(sd.amount)
			}
		}
		ws, _, err := w.pay.Withdrawals(w.ctx, u.p, payment.WithdrawalStatus{}, 0, 1000)
		if err != nil {
			return err
		}
		for i := len(ws) - 1; i >= 0; i-- {
			wd := ws[i]
			sw := u.withdrawal(wd.ID())
			if sw == nil {
				r := wd.Record()
				sw = &simWithdrawal{id: wd.ID(), amount: r.Amount, fee: r.Fee, status: payment.WithdrawalPending}
				u.withdrawals = append(u.withdrawals, sw)
				total := int64(r.Amount + r.Fee)
				u.irr.Available -= total
				u.irr.Held += total
			}
			if sw.status == wd.Status() {
				continue
			}
			if !sw.status.Open() {
				return violated("user %d: closed withdrawal %d went from %s to %s", u.n, wd.ID(), sw.status, wd.Status())
			}
			total := int64(sw.amount + sw.fee)
			switch wd.Status() {
			case payment.WithdrawalCompleted:
				u.irr.Held -= total
				m.fees += int64(sw.fee)
				m.paidOut += int64(sw.amount)
			case payment.WithdrawalRejected, payment.WithdrawalCancelled:
				u.irr.Held -= total
				u.irr.Available += total
			}
			sw.status = wd.Status()
		}
	}
	return nil
}

func (u *simUser) deposit(id payment.DepositID) *simDeposit {
	for _, d := range u.deposits {
		if d.id == id {
			return d
		}
	}
	return nil
}

func (u *simUser) withdrawal(id payment.WithdrawalID) *simWithdrawal {
	for _, w := range u.withdrawals {
		if w.id == id {
			return w
		}
	}
	return nil
}

// liveQuotes drops the quotes that expired or were used and returns the rest.
func (u *simUser) liveQuotes(now time.Time) []simQuote {
	live := u.quotes[:0]
	for _, q := range u.quotes {
		if !q.q.Expired(now) {
			live = append(live, q)
		}
	}
	u.quotes = live
	return live
}
