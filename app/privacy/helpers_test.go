package privacy_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/app/privacy"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/integration/accountstest"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/blobtest"
	"github.com/talabin/talabin/ports/ratelimittest"
)

// Values of the tests' customers.
const (
	testPassword = "Tr1cky-Passw0rd"
	termsVersion = "2026-03"
	gatewayName  = "fakepay"
	// testSheba is a valid Sheba (mod 97).
	testSheba = "IR820540102680020817909002"
	// The prices of the history's trades, rials per gram.
	sellPrice core.RialsPerGram = 3_050_000
	buyPrice  core.RialsPerGram = 3_000_000
	feeRate   core.BasisPoints  = 50
)

// cheapPasswords keeps argon2id fast in tests.
var cheapPasswords = accounts.PasswordConfig{Memory: 256, Time: 1, Threads: 1}

// tombstoneKey is the tests' tombstone key.
var tombstoneKey = bytes.Repeat([]byte{9}, privacy.MinTombstoneKeyLen)

// bundle is what the service tests share: the privacy service and the real accounts service
// (passwords, step-up codes, sessions) over one migrated store, and a clock that moves only
// when told to.
type bundle struct {
	clock    *ratelimittest.Clock
	store    *accountstest.Store
	blobs    *blobtest.Memory
	accounts *accounts.Service
	svc      *privacy.Service
	staff    core.UserID
	n        atomic.Int64
}

// openStore opens a fresh, migrated store of one engine on clock.
type openStore func(t *testing.T, clock ports.Clock) *accountstest.Store

// engines are the store engines the deletion runs on; PostgreSQL tests skip where pgtest
// finds no server.
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
func setup(t *testing.T) *bundle {
	t.Helper()
	return setupOn(t, accountstest.NewStore)
}

// setupOn returns a bundle over a store that open opens.
func setupOn(t *testing.T, open openStore) *bundle {
	t.Helper()
	b := &bundle{clock: ratelimittest.NewClock(), blobs: blobtest.NewMemory()}
	b.store = open(t, b.clock)
	keys, err := identity.NewCodeKeys(identity.CodeKey{ID: "k1", Secret: bytes.Repeat([]byte{7}, identity.MinCodeKeyLen)})
	require.NoError(t, err)
	access, err := accounts.NewAccessTokens(accounts.AccessTokenConfig{
		Key: bytes.Repeat([]byte{2}, accounts.MinAccessKeyLen), Issuer: "talabin", Audience: "talabin-api", Clock: b.clock,
	})
	require.NoError(t, err)
	hasher, err := accounts.NewPasswordHasher(cheapPasswords)
	require.NoError(t, err)
	b.accounts, err = accounts.NewService(accounts.ServiceConfig{
		CodeKeys:      keys,
		SuccessorKey:  bytes.Repeat([]byte{3}, accounts.MinSecretKeyLen),
		ResetTokenKey: bytes.Repeat([]byte{4}, accounts.MinSecretKeyLen),
		SMSSealKey:    bytes.Repeat([]byte{5}, accounts.SMSSealKeyLen),
		ExposeCodes:   true,
		TermsVersion:  termsVersion,
	}, b.store, accountstest.NewLimiter(t, b.clock), b.clock, access, hasher, accounts.SecurityLogger{}, nil)
	require.NoError(t, err)
	b.svc = b.newService(t)
	b.staff = b.storeUser(t)
	return b
}

// newService returns a privacy service over the bundle's store, blobs and accounts.
func (b *bundle) newService(t *testing.T) *privacy.Service {
	t.Helper()
	svc, err := privacy.NewService(privacy.Config{
		Blobs: b.blobs, TombstoneKey: tombstoneKey, Passwords: b.accounts, StepUp: b.accounts, Revoker: b.accounts,
	}, b.store, b.clock, nil)
	require.NoError(t, err)
	return svc
}

// storeUser stores a bare phone-verified user (staff's reviews name one) and returns it.
func (b *bundle) storeUser(t *testing.T) core.UserID {
	t.Helper()
	var id core.UserID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		u := identity.NewUser(fmt.Sprintf("+98935%07d", b.n.Add(1)), b.clock.Now())
		if err := u.VerifyPhone(b.clock.Now()); err != nil {
			return err
		}
		var err error
		id, err = tx.Users().Create(ctx, u)
		return err
	})
	return id
}

// person is a signed-up customer and everything that names them.
type person struct {
	p          ports.Principal
	access     string
	phone      string
	first      string
	last       string
	email      string
	nationalID string
	sheba      string
	card       string
}

// pii returns the values that name the person.
func (c person) pii() []string {
	return []string{c.phone, c.first, c.last, c.email, c.nationalID, c.sheba, c.card}
}

// signUp registers a customer through the accounts service (names, password, the terms'
// consent, the registration code and its SMS job), verifies the phone, completes the
// profile (email, date of birth) and signs in (a session with its client address).
func (b *bundle) signUp(t *testing.T) person {
	t.Helper()
	i := b.n.Add(1)
	c := person{
		phone: fmt.Sprintf("+98912%07d", i), first: "Shirin" + letters(i), last: "Esfandiari" + letters(i),
		email: fmt.Sprintf("shirin.%d@example.com", i), nationalID: nationalID(i), sheba: testSheba, card: cardNumber(i),
	}
	client := ports.Client{IP: "203.0.113.7", UserAgent: "test-agent/1.0", RequestID: "req-" + strconv.FormatInt(i, 10)}
	ctx := t.Context()
	sent, err := b.accounts.Register(ctx, ports.RegisterInput{
		Phone: c.phone, Password: testPassword, PasswordConfirm: testPassword, FirstName: c.first, LastName: c.last, Client: client,
	})
	require.NoError(t, err)
	_, err = b.accounts.VerifyOTP(ctx, ports.VerifyOTPInput{Phone: c.phone, Code: sent.DebugCode, Purpose: identity.PurposeRegistration, Client: client})
	require.NoError(t, err)
	in, err := b.accounts.Login(ctx, ports.LoginInput{Phone: c.phone, Password: testPassword, Client: client})
	require.NoError(t, err)
	c.access = in.Tokens.Access
	c.p, err = b.accounts.Authenticate(ctx, c.access)
	require.NoError(t, err)
	c.p.Client = client
	dob := time.Date(1990, 3, 21, 0, 0, 0, 0, time.UTC)
	_, err = b.accounts.UpdateProfile(ctx, c.p, identity.ProfileUpdate{Email: &c.email, DateOfBirth: &dob})
	require.NoError(t, err)
	return c
}

// letters spells i in letters, so that names differ between customers without digits.
func letters(i int64) string {
	s := ""
	for ; i > 0; i /= 26 {
		s = string(rune('a'+i%26)) + s
	}
	return s
}

// nationalID returns a valid national id derived from i (mod-11 check digit).
func nationalID(i int64) string {
	body := fmt.Sprintf("1%08d", 10_000+i)
	sum := 0
	for k, ch := range body {
		sum += int(ch-'0') * (10 - k)
	}
	check := sum % 11
	if check >= 2 {
		check = 11 - check
	}
	return body + strconv.Itoa(check)
}

// cardNumber returns a valid card number (Luhn) of bank 603799 derived from i.
func cardNumber(i int64) string {
	body := fmt.Sprintf("603799%09d", 100_000_000+i)
	sum := 0
	for k := len(body) - 1; k >= 0; k-- {
		d := int(body[k] - '0')
		if (len(body)-1-k)%2 == 0 { // doubled: every second digit from the check digit's left
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return body + strconv.Itoa((10-sum%10)%10)
}

func (b *bundle) inTx(t *testing.T, fn func(ctx context.Context, tx ports.Tx) error) {
	t.Helper()
	require.NoError(t, b.store.InTx(t.Context(), fn))
}

func (b *bundle) snapshot(t *testing.T, fn func(ctx context.Context, tx ports.Tx) error) {
	t.Helper()
	require.NoError(t, b.store.Snapshot(t.Context(), fn))
}

// number draws a transaction number.
func (b *bundle) number(t *testing.T) string {
	t.Helper()
	n, err := trading.NewOrderNumber(b.clock.Now(), rand.Reader)
	require.NoError(t, err)
	return n
}

// putBlob stores a file under a fresh key of prefix and returns the key.
func (b *bundle) putBlob(t *testing.T, prefix string) string {
	t.Helper()
	key, err := ports.NewBlobKey(prefix, rand.Reader)
	require.NoError(t, err)
	require.NoError(t, b.blobs.Put(t.Context(), key, bytes.NewReader([]byte("\x89PNG")), 4, "image/png"))
	return key
}

// verifyKYC approves c at level 1 with their identity and uploads the three documents.
func (b *bundle) verifyKYC(t *testing.T, c person) {
	t.Helper()
	nid, err := iran.ParseNationalCode(c.nationalID)
	require.NoError(t, err)
	keys := map[kyc.DocumentKind]string{}
	for _, kind := range kyc.RequiredDocuments() {
		keys[kind] = b.putBlob(t, "kyc/test")
	}
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		now := b.clock.Now()
		if err := tx.KYC().Save(ctx, kyc.RehydrateProfile(kyc.ProfileRecord{
			User: c.p.UserID, Status: kyc.StatusApproved, Level: 1, TargetLevel: 1, FirstName: c.first, LastName: c.last,
			NationalID: nid, BirthDate: time.Date(1990, 3, 21, 0, 0, 0, 0, time.UTC), Shahkar: kyc.CheckPassed,
			SubmittedAt: now, ReviewedAt: now, UpdatedAt: now,
		})); err != nil {
			return err
		}
		for _, kind := range kyc.RequiredDocuments() {
			d, err := kyc.NewDocument(c.p.UserID, kind, keys[kind], "image/png", 4, now)
			if err != nil {
				return err
			}
			if _, err := tx.Documents().Create(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// addBankAccount adds c's verified default bank account and returns its id.
func (b *bundle) addBankAccount(t *testing.T, c person) payment.BankAccountID {
	t.Helper()
	var id payment.BankAccountID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		now := b.clock.Now()
		a, err := payment.NewBankAccount(c.p.UserID, payment.BankAccountInput{
			Sheba: c.sheba, Card: c.card, AccountNumber: "0102680020", Default: true,
		}, c.first+" "+c.last, now)
		if err != nil {
			return err
		}
		if err := a.Verify(now); err != nil {
			return err
		}
		id, err = tx.BankAccounts().Create(ctx, a)
		return err
	})
	return id
}

// onlineDeposit stores a pending online deposit of amount for user and returns it.
func (b *bundle) onlineDeposit(ctx context.Context, t *testing.T, tx ports.Tx, user core.UserID, amount core.Rial) (*payment.Deposit, error) {
	t.Helper()
	now := b.clock.Now()
	number := b.number(t)
	d, err := payment.NewOnlineDeposit(number, user, amount, gatewayName, "", now, 30*time.Minute)
	if err != nil {
		return nil, err
	}
	if err := d.Open("A"+number, now); err != nil {
		return nil, err
	}
	id, err := tx.Deposits().Create(ctx, d)
	if err != nil {
		return nil, err
	}
	r := d.Record()
	r.ID = id
	return payment.RehydrateDeposit(r), nil
}

// credit deposits amount online into user's wallet: a verified deposit and its journal.
func (b *bundle) credit(t *testing.T, user core.UserID, amount core.Rial) {
	t.Helper()
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		if err := tx.Ledger().OpenClearingAccount(ctx, gatewayName); err != nil {
			return err
		}
		d, err := b.onlineDeposit(ctx, t, tx, user, amount)
		if err != nil {
			return err
		}
		j, err := d.Credit(amount, "REF"+d.Record().Number, "603799******0590", 0, b.clock.Now())
		if err != nil {
			return err
		}
		if _, err := tx.Ledger().Post(ctx, j); err != nil {
			return err
		}
		return tx.Deposits().Save(ctx, d)
	})
}

// pendingDeposit leaves an online deposit of user waiting for its buyer.
func (b *bundle) pendingDeposit(t *testing.T, user core.UserID) {
	t.Helper()
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		_, err := b.onlineDeposit(ctx, t, tx, user, 500_000)
		return err
	})
}

// rejectedTransfer stores a bank-transfer deposit of c with a receipt (whose notes name c)
// that staff rejected.
func (b *bundle) rejectedTransfer(t *testing.T, c person) {
	t.Helper()
	key := b.putBlob(t, "receipts/test")
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		now := b.clock.Now()
		d, err := payment.NewBankTransferDeposit(b.number(t), c.p.UserID, 700_000, now)
		if err != nil {
			return err
		}
		id, err := tx.Deposits().Create(ctx, d)
		if err != nil {
			return err
		}
		r := d.Record()
		r.ID = id
		d = payment.RehydrateDeposit(r)
		if err := d.AttachReceipt(key, "TRACK-77", "paid by "+c.first+" "+c.last, now); err != nil {
			return err
		}
		if err := d.Reject("receipt unreadable", b.staff, now); err != nil {
			return err
		}
		return tx.Deposits().Save(ctx, d)
	})
}

// trade executes an order of user on terms, completed.
func (b *bundle) trade(t *testing.T, user core.UserID, terms trading.Terms) *trading.Order {
	t.Helper()
	var o *trading.Order
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		now := b.clock.Now()
		order, err := trading.NewOrder(b.number(t), user, terms, "", now)
		if err != nil {
			return err
		}
		id, err := tx.Orders().Create(ctx, order)
		if err != nil {
			return err
		}
		r := order.Record()
		r.ID = id
		o = trading.RehydrateOrder(r)
		j, err := o.Journal()
		if err != nil {
			return err
		}
		if _, err := tx.Ledger().Post(ctx, j); err != nil {
			return err
		}
		if err := o.Complete(now); err != nil {
			return err
		}
		return tx.Orders().Save(ctx, o)
	})
	return o
}

// stockGold puts 10 g of gold in the house inventory and records a price.
func (b *bundle) stockGold(t *testing.T) {
	t.Helper()
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		j, err := ledger.TreasuryInJournal(ledger.Gold, 10_000_000, "treasury-"+strconv.FormatInt(b.n.Add(1), 10))
		if err != nil {
			return err
		}
		if _, err := tx.Ledger().Post(ctx, j); err != nil {
			return err
		}
		_, err = tx.Prices().Append(ctx, pricing.Price{Buy: buyPrice, Sell: sellPrice, Source: "manual", At: b.clock.Now()})
		return err
	})
}

// withdrawAll pays user's whole rial balance out to account: a completed withdrawal.
func (b *bundle) withdrawAll(t *testing.T, user core.UserID, account payment.BankAccountID) {
	t.Helper()
	const fee core.Rial = 5_000
	bal := b.balance(t, user, ledger.IRR)
	require.Greater(t, bal.Available, int64(fee))
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		now := b.clock.Now()
		amount := core.Rial(bal.Available) - fee
		w, err := payment.NewWithdrawal(b.number(t), user, account, amount, fee, now)
		if err != nil {
			return err
		}
		hold, err := w.NewHold()
		if err != nil {
			return err
		}
		holdID, err := tx.Ledger().PlaceHold(ctx, hold)
		if err != nil {
			return err
		}
		w.Held(holdID)
		id, err := tx.Withdrawals().Create(ctx, w)
		if err != nil {
			return err
		}
		r := w.Record()
		r.ID = id
		w = payment.RehydrateWithdrawal(r)
		for _, step := range []func() error{
			func() error { return w.Approve(b.staff, now) },
			func() error { return w.Process("paya", b.staff, now) },
			func() error { return w.Complete("TRK-2026", b.staff, now) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		if _, err := tx.Ledger().SettleHold(ctx, holdID, ledger.WithdrawalCredits(amount, fee)); err != nil {
			return err
		}
		j, err := ledger.PayoutJournal(amount, w.Record().Number)
		if err != nil {
			return err
		}
		if _, err := tx.Ledger().Post(ctx, j); err != nil {
			return err
		}
		return tx.Withdrawals().Save(ctx, w)
	})
}

// rememberResponse stores an earlier idempotent response of c that quotes their phone, as a
// bank account's creation would.
func (b *bundle) rememberResponse(t *testing.T, c person) idempotency.Key {
	t.Helper()
	key, err := idempotency.NewKey("user:"+c.p.UserID.String()+":wallet.add_bank_account", "key-0123456789")
	require.NoError(t, err)
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		now := b.clock.Now()
		return tx.Idempotency().Complete(ctx, key, idempotency.FingerprintOf([]byte("{}")),
			idempotency.Response{Status: 201, Body: []byte(`{"holder":"` + c.first + `","sheba":"` + c.sheba + `"}`)},
			now, now.Add(24*time.Hour))
	})
	return key
}

// stored returns the live response stored under key, nil when there is none.
func (b *bundle) stored(t *testing.T, key idempotency.Key) *idempotency.Response {
	t.Helper()
	var resp *idempotency.Response
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		resp, err = tx.Idempotency().Claim(ctx, key, idempotency.FingerprintOf([]byte("{}")), b.clock.Now())
		return err
	})
	return resp
}

// fullHistory gives c everything a customer can have: a verified identity with documents, a
// bank account, a credited online deposit, a rejected bank transfer with a receipt, a buy and
// a sell that nets the gold to zero, a completed withdrawal of every rial left, and an
// earlier idempotent response. The wallet ends empty.
func (b *bundle) fullHistory(t *testing.T, c person) {
	t.Helper()
	b.verifyKYC(t, c)
	account := b.addBankAccount(t, c)
	b.stockGold(t)
	b.credit(t, c.p.UserID, 2_000_000)
	b.rejectedTransfer(t, c)
	buy, err := trading.BuyByRials(1_000_000, sellPrice, feeRate)
	require.NoError(t, err)
	b.trade(t, c.p.UserID, buy)
	sell, err := trading.SellByGold(buy.Gold, buyPrice, feeRate)
	require.NoError(t, err)
	b.trade(t, c.p.UserID, sell)
	b.withdrawAll(t, c.p.UserID, account)
	b.rememberResponse(t, c)
	require.Equal(t, ledger.Balance{}, b.balance(t, c.p.UserID, ledger.IRR))
	require.Equal(t, ledger.Balance{}, b.balance(t, c.p.UserID, ledger.Gold))
}

// balance returns user's balance of asset.
func (b *bundle) balance(t *testing.T, user core.UserID, asset ledger.Asset) ledger.Balance {
	t.Helper()
	var bal ledger.Balance
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		bal, err = tx.Ledger().Balance(ctx, ledger.UserAccount(user, asset))
		return err
	})
	return bal
}

// requireLedgerClean checks the ledger's invariants.
func (b *bundle) requireLedgerClean(t *testing.T) {
	t.Helper()
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		rep, err := tx.Ledger().Verify(ctx)
		if err != nil {
			return err
		}
		require.True(t, rep.OK(), rep.String())
		return nil
	})
}

// user reads a user by id.
func (b *bundle) user(t *testing.T, id core.UserID) identity.User {
	t.Helper()
	var u identity.User
	b.snapshot(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		u, err = tx.Users().Get(ctx, id)
		return err
	})
	return u
}

// deletion is the request of a deletion confirmed by password.
func deletion() ports.AccountDeletion {
	return ports.AccountDeletion{Password: testPassword, Confirm: privacy.ConfirmWord}
}
