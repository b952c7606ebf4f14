//go:build integration

package sim

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/pricefeed/manual"
	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/app/payments"
	"github.com/talabin/talabin/app/trading"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/integration/accountstest"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/ratelimittest"
)

// errInjected is the store fault the simulation injects; a service returns it wrapped.
var errInjected = errors.New("sim: injected store fault")

// faultKind is where an injected store fault strikes a transaction.
type faultKind int

const (
	// noFault lets every transaction through.
	noFault faultKind = iota
	// beforeCommit fails the transaction after its function ran: everything rolls back
	// (the connection died, or the process crashed, before COMMIT).
	beforeCommit
	// afterCommit commits the transaction and then reports an error (the process crashed,
	// or the connection broke, after COMMIT but before the answer): the effects stay while
	// the caller hears of a failure.
	afterCommit
)

func (k faultKind) String() string {
	return [...]string{"none", "before-commit", "after-commit"}[k]
}

// faultStore is the store under test with a fault that can be armed for the n-th
// transaction of the next operation. It records whether the fault struck, so the model
// knows which answers are ambiguous.
type faultStore struct {
	*accountstest.Store

	kind   faultKind
	at     int // the transaction (1-based) the fault strikes
	seen   int
	struck bool
}

// arm sets the fault of the next operation.
func (s *faultStore) arm(kind faultKind, at int) {
	s.kind, s.at, s.seen, s.struck = kind, at, 0, false
}

func (s *faultStore) InTx(ctx context.Context, fn func(ctx context.Context, tx ports.Tx) error) error {
	s.seen++
	kind := noFault
	if s.seen == s.at {
		kind = s.kind
	}
	switch kind {
	case beforeCommit:
		s.struck = true
		return s.Store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
			if err := fn(ctx, tx); err != nil {
				return err
			}
			return errInjected
		})
	case afterCommit:
		err := s.Store.InTx(ctx, fn)
		if err != nil {
			return err
		}
		s.struck = true
		return errInjected
	default:
		return s.Store.InTx(ctx, fn)
	}
}

// world is everything one seed runs on: a fresh in-memory store, the fake clock and
// providers, and the real services over them.
type world struct {
	t       *testing.T
	ctx     context.Context
	rng     *rand.Rand
	clock   *ratelimittest.Clock
	store   *faultStore
	gw      *gateway
	sms     *sms
	acc     *accounts.Service
	smsWork *accounts.OTPSMSWorker
	trade   *trading.Service
	pay     *payments.Service
	staff   ports.Principal
	// jobsSeen counts the committed OTP SMS jobs already handed to the worker.
	jobsSeen int
	// retry holds the OTP SMS jobs the worker asked to run again.
	retry []accounts.OTPSMSArgs
}

// Fixed amounts of every world: the treasury the house starts with and the price.
const (
	feeRate     core.BasisPoints  = 50
	startBuy    core.RialsPerGram = 45_000_000
	startSell   core.RialsPerGram = 46_000_000
	treasuryIRR                   = 5_000_000_000
	simPassword                   = "Tr1cky-Passw0rd"
)

// secret returns n bytes of the seed's key material for b.
func secret(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// seededReader returns a ChaCha8 stream for seed and stream, for the services' ids, codes
// and salts, so that a replay draws the same ones.
func seededReader(seed uint64, stream byte) *rand.ChaCha8 {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	key[31] = stream
	return rand.NewChaCha8(key)
}

// newWorld builds the world of seed with the house holding treasuryGold micrograms.
func newWorld(t *testing.T, seed uint64, treasuryGold int64, faults bool) *world {
	t.Helper()
	ctx := t.Context()
	w := &world{t: t, ctx: ctx, rng: rand.New(rand.NewPCG(seed, 0x5157_7a1b)), clock: ratelimittest.NewClock()}
	w.store = &faultStore{Store: accountstest.NewStore(t, w.clock)}
	w.gw = &gateway{rng: rand.New(rand.NewPCG(seed, 1)), faults: faults, sessions: map[string]*session{}}
	w.sms = &sms{rng: rand.New(rand.NewPCG(seed, 2)), faults: faults, codes: map[string]string{}}
	quiet := slog.New(slog.DiscardHandler)

	keys, err := identity.NewCodeKeys(identity.CodeKey{ID: "k1", Secret: bytes.Repeat([]byte{7}, identity.MinCodeKeyLen)})
	require.NoError(t, err)
	accCfg := accounts.ServiceConfig{
		CodeKeys: keys, SuccessorKey: secret(3), ResetTokenKey: secret(4), SMSSealKey: secret(5),
		Rand: seededReader(seed, 1),
	}
	access, err := accounts.NewAccessTokens(accounts.AccessTokenConfig{Key: secret(2), Issuer: "sim", Audience: "sim", Clock: w.clock})
	require.NoError(t, err)
	hasher, err := accounts.NewPasswordHasher(accounts.PasswordConfig{Memory: 64, Time: 1, Threads: 1, Rand: seededReader(seed, 2)})
	require.NoError(t, err)
	w.acc, err = accounts.NewService(accCfg, w.store, accountstest.NewLimiter(t, w.clock), w.clock, access, hasher,
		accounts.SecurityLogger{Logger: quiet}, quiet)
	require.NoError(t, err)
	w.smsWork, err = accounts.NewOTPSMSWorker(accCfg, w.store, w.sms, w.clock, quiet)
	require.NoError(t, err)

	feed, err := manual.New(pricing.Price{})
	require.NoError(t, err)
	w.trade, err = trading.NewService(trading.Config{FeeRate: feeRate, Manual: feed, Rand: seededReader(seed, 3)},
		w.store, feed, w.clock, quiet)
	require.NoError(t, err)
	w.pay, err = payments.NewService(payments.Config{
		Gateways: map[string]ports.PaymentGateway{gatewayName: w.gw}, Primary: gatewayName,
		CallbackKey: secret(6), PublicAPIURL: "https://api.sim", WebAppURL: "https://app.sim",
		Blobs: noBlobs{}, Inquiry: owner{}, Payout: payout{}, StepUp: stepUp{},
		Rand: seededReader(seed, 4),
	}, w.store, w.clock, quiet)
	require.NoError(t, err)

	// The staff member and the treasury, as `talabin admin create` and staff's treasury
	// journals leave them.
	require.NoError(t, w.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		u := identity.NewUser("+989100000000", w.clock.Now())
		if err := u.VerifyPhone(w.clock.Now()); err != nil {
			return err
		}
		if err := u.SetRole(identity.RoleAdmin, w.clock.Now()); err != nil {
			return err
		}
		id, err := tx.Users().Create(ctx, u)
		if err != nil {
			return err
		}
		w.staff = ports.Principal{UserID: id, SessionID: "ses_staff", Role: identity.RoleAdmin, Client: simClient}
		for _, in := range []struct {
			asset  ledger.Asset
			amount int64
		}{{ledger.IRR, treasuryIRR}, {ledger.Gold, treasuryGold}} {
			j, err := ledger.TreasuryInJournal(in.asset, in.amount, "sim-treasury")
			if err != nil {
				return err
			}
			if _, err := tx.Ledger().Post(ctx, j); err != nil {
				return err
			}
		}
		return tx.Ledger().OpenClearingAccount(ctx, gatewayName)
	}))
	_, err = w.trade.SetPrice(ctx, w.staff, ports.SetPriceInput{Buy: startBuy, Sell: startSell}, ports.IdempotentCall{})
	require.NoError(t, err)
	require.NoError(t, w.trade.Reload(ctx))
	return w
}

// simClient is the client every simulated request comes from.
var simClient = ports.Client{IP: "203.0.113.9", UserAgent: "sim/1.0", RequestID: "sim"}

// deliverSMS hands every OTP SMS job committed since the last call, and those waiting for
// a retry, to the worker, as River would; it returns how many it sent.
func (w *world) deliverSMS() int {
	jobs := w.store.Jobs(accounts.OTPSMSKind)
	pending := w.retry
	w.retry = nil
	for _, j := range jobs[w.jobsSeen:] {
		var args accounts.OTPSMSArgs
		require.NoError(w.t, json.Unmarshal(j.Args, &args))
		pending = append(pending, args)
	}
	w.jobsSeen = len(jobs)
	sent := 0
	for _, args := range pending {
		err := w.smsWork.Send(w.ctx, args)
		switch {
		case err == nil:
			sent++
		case errors.Is(err, core.ErrSMSUnavailable):
			w.retry = append(w.retry, args)
		}
	}
	return sent
}

// newWorldRNG is the source of a seed's world-level choices (treasury, faults on or off).
func newWorldRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 3)) }

// priceAtStart is the price every world starts with.
func priceAtStart() pricing.Price {
	return pricing.Price{Buy: startBuy, Sell: startSell, Source: "manual"}
}

// payTTL is longer than a deposit lives and the reconciler waits.
func (w *world) payTTL() time.Duration {
	return payments.DefaultDepositTTL + payments.DefaultReconcileAfter
}
