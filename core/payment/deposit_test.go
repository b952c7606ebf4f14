package payment_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/core/payment"
)

// depositStatuses lists every deposit status.
var depositStatuses = []payment.DepositStatus{
	payment.DepositPending, payment.DepositUnknown, payment.DepositPaid, payment.DepositVerified,
	payment.DepositRejected, payment.DepositCancelled, payment.DepositFailed,
}

const (
	depositAmount core.Rial = 1_000_000
	depositTTL              = 15 * time.Minute
)

func TestParseMethod(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in      string
		want    payment.Method
		wantErr bool
	}{
		{in: "online", want: payment.MethodOnline},
		{in: "bank_transfer", want: payment.MethodBankTransfer},
		{in: "", wantErr: true},
		{in: "Online", wantErr: true},
		{in: " online", wantErr: true},
		{in: "card", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			m, err := payment.ParseMethod(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, m.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, m)
			require.Equal(t, tt.in, m.String())
			require.False(t, m.IsZero())
		})
	}
}

func TestDepositStatus(t *testing.T) {
	t.Parallel()

	tests := []struct {
		status payment.DepositStatus
		name   string
		final  bool
		counts bool
	}{
		{status: payment.DepositPending, name: "pending", counts: true},
		{status: payment.DepositUnknown, name: "unknown", counts: true},
		{status: payment.DepositPaid, name: "paid", counts: true},
		{status: payment.DepositVerified, name: "verified", final: true, counts: true},
		{status: payment.DepositRejected, name: "rejected", final: true},
		{status: payment.DepositCancelled, name: "cancelled", final: true},
		{status: payment.DepositFailed, name: "failed", final: true},
	}
	require.Len(t, tests, len(depositStatuses))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.name, tt.status.String())
			require.Equal(t, tt.final, tt.status.Final())
			require.Equal(t, tt.counts, tt.status.Counts())
			require.False(t, tt.status.IsZero())
			parsed, err := payment.ParseDepositStatus(tt.name)
			require.NoError(t, err)
			require.Equal(t, tt.status, parsed)
		})
	}
	for _, bad := range []string{"", "Pending", "completed", "verified "} {
		s, err := payment.ParseDepositStatus(bad)
		require.ErrorIs(t, err, core.ErrInvalidInput, bad)
		require.True(t, s.IsZero())
	}
}

func TestNewOnlineDeposit(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		number    string
		user      core.UserID
		amount    core.Rial
		gateway   string
		returnURL string
		ok        bool
	}{
		{name: "WebApp", number: testNumber, user: testUser, amount: depositAmount, gateway: testGateway, ok: true},
		{name: "ReturnURL", number: testNumber, user: testUser, amount: 1, gateway: testGateway, returnURL: "https://shop.example/back", ok: true},
		{name: "LongestNumber", number: strings.Repeat("N", ledger.MaxReferenceLen), user: testUser, amount: depositAmount, gateway: testGateway, ok: true},
		{name: "LongestReturnURL", number: testNumber, user: testUser, amount: depositAmount, gateway: testGateway, returnURL: strings.Repeat("u", 2048), ok: true},
		{name: "NoGateway", number: testNumber, user: testUser, amount: depositAmount},
		{name: "NoNumber", user: testUser, amount: depositAmount, gateway: testGateway},
		{name: "NumberTooLong", number: strings.Repeat("N", ledger.MaxReferenceLen+1), user: testUser, amount: depositAmount, gateway: testGateway},
		{name: "NoUser", number: testNumber, amount: depositAmount, gateway: testGateway},
		{name: "NegativeUser", number: testNumber, user: -1, amount: depositAmount, gateway: testGateway},
		{name: "ZeroAmount", number: testNumber, user: testUser, gateway: testGateway},
		{name: "NegativeAmount", number: testNumber, user: testUser, amount: -1, gateway: testGateway},
		{name: "ReturnURLTooLong", number: testNumber, user: testUser, amount: depositAmount, gateway: testGateway, returnURL: strings.Repeat("u", 2049)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := payment.NewOnlineDeposit(tt.number, tt.user, tt.amount, tt.gateway, tt.returnURL, t0, depositTTL)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.Nil(t, d)
				return
			}
			require.NoError(t, err)
			require.Equal(t, payment.DepositRecord{
				Number: tt.number, User: tt.user, Amount: tt.amount, Method: payment.MethodOnline,
				Gateway: tt.gateway, ReturnURL: tt.returnURL, Status: payment.DepositPending,
				ExpiresAt: t0.Add(depositTTL), CreatedAt: t0, UpdatedAt: t0,
			}, d.Record())
			require.Zero(t, d.ID())
			require.Equal(t, tt.user, d.User())
			require.Equal(t, payment.DepositPending, d.Status())
			require.Equal(t, payment.MethodOnline, d.Method())
		})
	}
}

func TestNewBankTransferDeposit(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		number string
		user   core.UserID
		amount core.Rial
		ok     bool
	}{
		{name: "Valid", number: testNumber, user: testUser, amount: depositAmount, ok: true},
		{name: "NoNumber", user: testUser, amount: depositAmount},
		{name: "NumberTooLong", number: strings.Repeat("N", ledger.MaxReferenceLen+1), user: testUser, amount: depositAmount},
		{name: "NoUser", number: testNumber, amount: depositAmount},
		{name: "ZeroAmount", number: testNumber, user: testUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := payment.NewBankTransferDeposit(tt.number, tt.user, tt.amount, t0)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.Nil(t, d)
				return
			}
			require.NoError(t, err)
			require.Equal(t, payment.DepositRecord{
				Number: tt.number, User: tt.user, Amount: tt.amount, Method: payment.MethodBankTransfer,
				Status: payment.DepositPending, CreatedAt: t0, UpdatedAt: t0,
			}, d.Record())
			require.Equal(t, payment.MethodBankTransfer, d.Method())
			require.False(t, d.Expired(t0.Add(24*time.Hour)), "a bank transfer never expires")
		})
	}
}

func TestRehydrateDeposit(t *testing.T) {
	t.Parallel()

	r := payment.DepositRecord{
		ID: 9, Number: testNumber, User: testUser, Amount: depositAmount, Method: payment.MethodOnline,
		Gateway: testGateway, Authority: "A0001", Status: payment.DepositVerified, GatewayReference: "REF",
		CardPANMasked: "603799******0590", Credited: depositAmount, ExpiresAt: t0.Add(depositTTL),
		VerifiedAt: later, CreatedAt: t0, UpdatedAt: later,
	}
	d := payment.RehydrateDeposit(r)
	require.Equal(t, r, d.Record())
	require.Equal(t, payment.DepositID(9), d.ID())
	require.Equal(t, testUser, d.User())
	require.Equal(t, payment.DepositVerified, d.Status())
	require.Equal(t, payment.MethodOnline, d.Method())
}

// depositIn returns a stored deposit of testUser paid by method and rehydrated in status.
// An online deposit past pending has a gateway session.
func depositIn(t *testing.T, method payment.Method, status payment.DepositStatus) *payment.Deposit {
	t.Helper()
	var (
		d   *payment.Deposit
		err error
	)
	if method == payment.MethodOnline {
		d, err = payment.NewOnlineDeposit(testNumber, testUser, depositAmount, testGateway, "", t0, depositTTL)
	} else {
		d, err = payment.NewBankTransferDeposit(testNumber, testUser, depositAmount, t0)
	}
	require.NoError(t, err)
	r := d.Record()
	r.ID, r.Status = 5, status
	if method == payment.MethodOnline && status != payment.DepositPending {
		r.Authority = "A00000000000000000000000000000123456"
	}
	return payment.RehydrateDeposit(r)
}

// depositAction is one transition of a deposit: do runs it at later, and want returns the
// record it must leave, given the record before.
type depositAction struct {
	name string // the action's name in the InvalidStateError of a refusal
	do   func(*payment.Deposit) error
	want func(payment.DepositRecord) payment.DepositRecord
}

const creditedAmount core.Rial = 990_000

var depositActions = []depositAction{
	{
		name: "open a payment session",
		do:   func(d *payment.Deposit) error { return d.Open("S00000000000000000000000000000654321", later) },
		want: func(r payment.DepositRecord) payment.DepositRecord {
			r.Authority, r.UpdatedAt = "S00000000000000000000000000000654321", later
			return r
		},
	},
	{
		name: "mark unknown",
		do:   func(d *payment.Deposit) error { return d.Unknown(later) },
		want: func(r payment.DepositRecord) payment.DepositRecord {
			r.Status, r.UpdatedAt = payment.DepositUnknown, later
			return r
		},
	},
	{
		name: "verify",
		do: func(d *payment.Deposit) error {
			_, err := d.Credit(creditedAmount, " 123456789 ", " 603799******0590 ", staffUser, later)
			return err
		},
		want: func(r payment.DepositRecord) payment.DepositRecord {
			r.Status, r.Credited, r.ReviewedBy = payment.DepositVerified, creditedAmount, staffUser
			r.GatewayReference, r.CardPANMasked = "123456789", "603799******0590"
			r.VerifiedAt, r.UpdatedAt = later, later
			return r
		},
	},
	{
		name: "fail",
		do:   func(d *payment.Deposit) error { return d.Fail(" پرداخت انجام نشد ", later) },
		want: func(r payment.DepositRecord) payment.DepositRecord {
			r.Status, r.Reason, r.UpdatedAt = payment.DepositFailed, "پرداخت انجام نشد", later
			return r
		},
	},
	{
		name: "cancel",
		do:   func(d *payment.Deposit) error { return d.Cancel(later) },
		want: func(r payment.DepositRecord) payment.DepositRecord {
			r.Status, r.UpdatedAt = payment.DepositCancelled, later
			return r
		},
	},
	{
		name: "upload a receipt",
		do: func(d *payment.Deposit) error {
			return d.AttachReceipt("receipts/5.jpg", " ۱۲۳۴۵۶ ", " از حساب ملی ", later)
		},
		want: func(r payment.DepositRecord) payment.DepositRecord {
			r.ReceiptKey, r.Status, r.UpdatedAt = "receipts/5.jpg", payment.DepositPaid, later
			r.GatewayReference, r.Notes = "۱۲۳۴۵۶", "از حساب ملی"
			return r
		},
	},
	{
		name: "reject",
		do:   func(d *payment.Deposit) error { return d.Reject(" رسید خوانا نیست ", staffUser, later) },
		want: func(r payment.DepositRecord) payment.DepositRecord {
			r.Status, r.Reason, r.ReviewedBy, r.UpdatedAt = payment.DepositRejected, "رسید خوانا نیست", staffUser, later
			return r
		},
	},
}

// depositAllowed lists, per method and status, the transitions the deposit allows.
var depositAllowed = map[payment.Method]map[payment.DepositStatus][]string{
	payment.MethodOnline: {
		payment.DepositPending: {"open a payment session", "mark unknown", "verify", "fail", "cancel"},
		payment.DepositUnknown: {"mark unknown", "verify", "fail"},
	},
	payment.MethodBankTransfer: {
		payment.DepositPending: {"verify", "cancel", "upload a receipt", "reject"},
		payment.DepositPaid:    {"verify", "reject"},
	},
}

func TestDepositTransitions(t *testing.T) {
	t.Parallel()

	for _, method := range []payment.Method{payment.MethodOnline, payment.MethodBankTransfer} {
		for _, from := range depositStatuses {
			for _, a := range depositActions {
				t.Run(method.String()+"/"+from.String()+"/"+a.name, func(t *testing.T) {
					t.Parallel()
					d := depositIn(t, method, from)
					before := d.Record()
					err := a.do(d)
					if !slices.Contains(depositAllowed[method][from], a.name) {
						requireInvalidState(t, err, "deposit", from.String(), a.name)
						require.Equal(t, before, d.Record(), "a refused transition changes nothing")
						return
					}
					require.NoError(t, err)
					require.Equal(t, a.want(before), d.Record())
				})
			}
		}
	}
}

func TestDepositCreditJournal(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		method payment.Method
		from   payment.DepositStatus
		source ledger.Account
	}{
		{name: "OnlinePending", method: payment.MethodOnline, from: payment.DepositPending, source: ledger.ClearingAccount(testGateway)},
		{name: "OnlineUnknown", method: payment.MethodOnline, from: payment.DepositUnknown, source: ledger.ClearingAccount(testGateway)},
		{name: "BankTransferPending", method: payment.MethodBankTransfer, from: payment.DepositPending, source: ledger.ExternalAccount(ledger.IRR)},
		{name: "BankTransferPaid", method: payment.MethodBankTransfer, from: payment.DepositPaid, source: ledger.ExternalAccount(ledger.IRR)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := depositIn(t, tt.method, tt.from)
			j, err := d.Credit(creditedAmount, "", "", staffUser, later)
			require.NoError(t, err)

			want, err := ledger.DepositJournal(testUser, tt.source, creditedAmount, testNumber)
			require.NoError(t, err)
			require.Equal(t, want, j)
			require.Equal(t, ledger.JournalDeposit, j.Type())
			require.Equal(t, testNumber, j.Reference())
			require.Equal(t, []ledger.Posting{
				{Account: tt.source, Bucket: ledger.Available, Amount: -int64(creditedAmount)},
				{Account: ledger.UserAccount(testUser, ledger.IRR), Bucket: ledger.Available, Amount: int64(creditedAmount)},
			}, j.Postings())
			var sum int64
			for _, p := range j.Postings() {
				sum += p.Amount
			}
			require.Zero(t, sum, "the journal balances")
			require.Equal(t, creditedAmount, d.Record().Credited)

			// Credited at most once.
			before := d.Record()
			again, err := d.Credit(creditedAmount, "", "", staffUser, later.Add(time.Minute))
			requireInvalidState(t, err, "deposit", "verified", "verify")
			require.Equal(t, ledger.Journal{}, again)
			require.Equal(t, before, d.Record())
		})
	}
}

func TestDepositCreditKeepsReferencesWhenEmpty(t *testing.T) {
	t.Parallel()

	d := depositIn(t, payment.MethodBankTransfer, payment.DepositPending)
	require.NoError(t, d.AttachReceipt("receipts/5.jpg", "TRK-1", "", t0))
	_, err := d.Credit(depositAmount, "  ", "\t", staffUser, later)
	require.NoError(t, err)
	r := d.Record()
	require.Equal(t, "TRK-1", r.GatewayReference, "a blank ref keeps the receipt's tracking number")
	require.Empty(t, r.CardPANMasked)
}

func TestDepositCreditRefusesBadAmounts(t *testing.T) {
	t.Parallel()

	for _, amount := range []core.Rial{0, -1} {
		d := depositIn(t, payment.MethodOnline, payment.DepositPending)
		before := d.Record()
		j, err := d.Credit(amount, "REF", "", 0, later)
		require.ErrorIs(t, err, core.ErrInvalidInput)
		require.Equal(t, ledger.Journal{}, j)
		require.Equal(t, before, d.Record(), "a refused credit changes nothing")
	}
}

func TestDepositOpenRefusals(t *testing.T) {
	t.Parallel()

	t.Run("SessionAlreadyOpen", func(t *testing.T) {
		t.Parallel()
		d := depositIn(t, payment.MethodOnline, payment.DepositPending)
		require.NoError(t, d.Open("A1", t0))
		before := d.Record()
		requireInvalidState(t, d.Open("A2", later), "deposit", "pending", "open a payment session")
		require.Equal(t, before, d.Record())
	})
	for name, authority := range map[string]string{"Empty": "", "TooLong": strings.Repeat("a", payment.MaxReferenceLen+1)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := depositIn(t, payment.MethodOnline, payment.DepositPending)
			before := d.Record()
			require.ErrorIs(t, d.Open(authority, later), core.ErrInvalidInput)
			require.Equal(t, before, d.Record())
		})
	}
	t.Run("LongestAuthority", func(t *testing.T) {
		t.Parallel()
		d := depositIn(t, payment.MethodOnline, payment.DepositPending)
		require.NoError(t, d.Open(strings.Repeat("a", payment.MaxReferenceLen), later))
	})
}

func TestDepositAttachReceiptNeedsKey(t *testing.T) {
	t.Parallel()

	d := depositIn(t, payment.MethodBankTransfer, payment.DepositPending)
	before := d.Record()
	require.ErrorIs(t, d.AttachReceipt("", "REF", "notes", later), core.ErrInvalidInput)
	require.Equal(t, before, d.Record())
}

func TestDepositUnknownTwice(t *testing.T) {
	t.Parallel()

	d := depositIn(t, payment.MethodOnline, payment.DepositPending)
	require.NoError(t, d.Unknown(t0))
	require.NoError(t, d.Unknown(later), "an unknown deposit stays unknown")
	require.Equal(t, payment.DepositUnknown, d.Status())
	require.Equal(t, later, d.Record().UpdatedAt)
}

func TestDepositExpired(t *testing.T) {
	t.Parallel()

	expiry := t0.Add(depositTTL)
	online := func(expiresAt time.Time) *payment.Deposit {
		return payment.RehydrateDeposit(payment.DepositRecord{
			ID: 1, Number: testNumber, User: testUser, Amount: depositAmount, Method: payment.MethodOnline,
			Gateway: testGateway, Status: payment.DepositPending, ExpiresAt: expiresAt, CreatedAt: t0,
		})
	}
	bank := payment.RehydrateDeposit(payment.DepositRecord{
		ID: 2, Number: testNumber, User: testUser, Amount: depositAmount, Method: payment.MethodBankTransfer,
		Status: payment.DepositPending, ExpiresAt: expiry, CreatedAt: t0,
	})
	tests := []struct {
		name string
		d    *payment.Deposit
		now  time.Time
		want bool
	}{
		{name: "OnlineBeforeExpiry", d: online(expiry), now: expiry.Add(-time.Nanosecond)},
		{name: "OnlineAtExpiry", d: online(expiry), now: expiry, want: true},
		{name: "OnlineAfterExpiry", d: online(expiry), now: expiry.Add(time.Hour), want: true},
		{name: "OnlineWithoutExpiry", d: online(time.Time{}), now: expiry.Add(24 * time.Hour)},
		{name: "BankTransferNeverExpires", d: bank, now: expiry.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.d.Expired(tt.now))
		})
	}

	// NewOnlineDeposit sets the expiry ttl after its creation.
	d, err := payment.NewOnlineDeposit(testNumber, testUser, depositAmount, testGateway, "", t0, depositTTL)
	require.NoError(t, err)
	require.False(t, d.Expired(expiry.Add(-time.Second)))
	require.True(t, d.Expired(expiry))
}

func TestDepositTextIsCut(t *testing.T) {
	t.Parallel()

	// After trimming, the 3-byte ZWNJ takes bytes n-2..n, so it straddles the limit n and a
	// plain byte cut would split it; two-byte Persian letters fill the rest.
	long := func(n int) string {
		return "  ab" + strings.Repeat("ب", n/2-2) + "\u200c" + strings.Repeat("پ", n) + " \n"
	}
	tests := []struct {
		name  string
		limit int
		do    func(*testing.T, string) string
	}{
		{name: "FailReason", limit: payment.MaxReasonLen, do: func(t *testing.T, s string) string {
			d := depositIn(t, payment.MethodOnline, payment.DepositUnknown)
			require.NoError(t, d.Fail(s, later))
			return d.Record().Reason
		}},
		{name: "RejectReason", limit: payment.MaxReasonLen, do: func(t *testing.T, s string) string {
			d := depositIn(t, payment.MethodBankTransfer, payment.DepositPaid)
			require.NoError(t, d.Reject(s, staffUser, later))
			return d.Record().Reason
		}},
		{name: "ReceiptNotes", limit: payment.MaxNotesLen, do: func(t *testing.T, s string) string {
			d := depositIn(t, payment.MethodBankTransfer, payment.DepositPending)
			require.NoError(t, d.AttachReceipt("k", "", s, later))
			return d.Record().Notes
		}},
		{name: "ReceiptReference", limit: payment.MaxReferenceLen, do: func(t *testing.T, s string) string {
			d := depositIn(t, payment.MethodBankTransfer, payment.DepositPending)
			require.NoError(t, d.AttachReceipt("k", s, "", later))
			return d.Record().GatewayReference
		}},
		{name: "CreditReference", limit: payment.MaxReferenceLen, do: func(t *testing.T, s string) string {
			d := depositIn(t, payment.MethodOnline, payment.DepositPending)
			_, err := d.Credit(depositAmount, s, "", 0, later)
			require.NoError(t, err)
			return d.Record().GatewayReference
		}},
		{name: "CreditCardPAN", limit: payment.MaxReferenceLen, do: func(t *testing.T, s string) string {
			d := depositIn(t, payment.MethodOnline, payment.DepositPending)
			_, err := d.Credit(depositAmount, "", s, 0, later)
			require.NoError(t, err)
			return d.Record().CardPANMasked
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := long(tt.limit)
			require.Greater(t, len(in), tt.limit)
			got := tt.do(t, in)
			requireCut(t, in, tt.limit, got)
			require.Len(t, got, tt.limit-2, "the character at the limit is dropped whole")

			require.Equal(t, "دلیل کوتاه", tt.do(t, " \tدلیل کوتاه\n"), "short text is only trimmed")
		})
	}
}

func TestDepositPersianReasonCut(t *testing.T) {
	t.Parallel()

	// 251 two-byte letters after one ASCII byte: 503 bytes, the limit falls inside a letter.
	reason := "x" + strings.Repeat("ش", 251)
	d := depositIn(t, payment.MethodOnline, payment.DepositPending)
	require.NoError(t, d.Fail(reason, later))
	require.Equal(t, "x"+strings.Repeat("ش", 249), d.Record().Reason)
	requireCut(t, reason, payment.MaxReasonLen, d.Record().Reason)
}
