package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// Fixture values of [newFakePayments]: the fixture user's verified default account 5, online
// deposit 21, bank transfer 22 and pending withdrawal 31.
const (
	fixtureSheba       = "IR650170000000110001234567"
	fixtureCard        = "6037991199500590"
	fixtureCardMasked  = "603799******0590"
	fixturePaymentURL  = "https://sandbox.talabin.test/pay/A00000000000000000000000000000012345"
	fixtureReturnURL   = "https://app.talabin.test/payment/success?amount=1000000&trackingId=TXN20250301143000DEP021"
	fixtureReceiptType = "image/png"
)

// fixtureDestination is where bank transfers go.
var fixtureDestination = ports.TransferDestination{BankName: "بانک ملت", Sheba: "IR890120000000004444555566", HolderName: "طلابین"}

// fixtureAccount returns the fixture user's bank account 5.
func fixtureAccount() *payment.BankAccount {
	sheba, _ := iran.ParseSheba(fixtureSheba)
	card, _ := iran.ParseCard(fixtureCard)
	return payment.RehydrateBankAccount(payment.BankAccountRecord{
		ID: 5, User: fakeUserID, Sheba: sheba, Card: card, AccountNumber: "0110001234567",
		BankName: "بانک ملی ایران", BankCode: "017", HolderName: "مریم رضایی",
		Verified: true, VerifiedAt: fixtureAt, Default: true, CreatedAt: fixtureAt, UpdatedAt: fixtureAt,
	})
}

// fixtureOnlineDeposit returns the fixture user's pending online deposit 21.
func fixtureOnlineDeposit() *payment.Deposit {
	return payment.RehydrateDeposit(payment.DepositRecord{
		ID: 21, Number: "TXN20250301143000DEP021", User: fakeUserID, Amount: 1_000_000, Method: payment.MethodOnline,
		Gateway: "zarinpal", Authority: "A00000000000000000000000000000012345", Status: payment.DepositPending,
		ExpiresAt: fixtureAt.Add(30 * time.Minute), CreatedAt: fixtureAt, UpdatedAt: fixtureAt,
	})
}

// fixtureTransferDeposit returns the fixture user's pending bank transfer 22.
func fixtureTransferDeposit() *payment.Deposit {
	return payment.RehydrateDeposit(payment.DepositRecord{
		ID: 22, Number: "TXN20250301143000DEP022", User: fakeUserID, Amount: 5_000_000, Method: payment.MethodBankTransfer,
		Status: payment.DepositPending, CreatedAt: fixtureAt, UpdatedAt: fixtureAt,
	})
}

// withDeposit returns d changed by change.
func withDeposit(d *payment.Deposit, change func(r *payment.DepositRecord)) *payment.Deposit {
	r := d.Record()
	change(&r)
	return payment.RehydrateDeposit(r)
}

// fixtureWithdrawal returns the fixture user's pending withdrawal 31 to account 5.
func fixtureWithdrawal() *payment.Withdrawal {
	return payment.RehydrateWithdrawal(payment.WithdrawalRecord{
		ID: 31, Number: "TXN20250301143000WDR031", User: fakeUserID, BankAccount: 5, Amount: 500_000, Fee: 2_500,
		Status: payment.WithdrawalPending, CreatedAt: fixtureAt, UpdatedAt: fixtureAt,
	})
}

// withWithdrawal returns w changed by change.
func withWithdrawal(w *payment.Withdrawal, change func(r *payment.WithdrawalRecord)) *payment.Withdrawal {
	r := w.Record()
	change(&r)
	return payment.RehydrateWithdrawal(r)
}

// payCall records one call of the fake: the method, the caller, the object's id, the input
// and the idempotent call.
type payCall struct {
	Method    string
	Principal ports.Principal
	ID        int64
	Input     any
	Call      ports.IdempotentCall
}

// fakePayments implements [ports.Payments] and [ports.PaymentsStaff] with func fields that
// answer with the fixtures; a test replaces the ones it needs. Its idempotent methods keep
// responses as a store would: a completed key replays, another body with the key is refused.
type fakePayments struct {
	CreateDepositFunc     func(context.Context, ports.Principal, ports.DepositInput) (ports.DepositStarted, error)
	DepositsFunc          func(context.Context, ports.Principal, payment.DepositStatus, int, int) ([]*payment.Deposit, int, error)
	DepositFunc           func(context.Context, ports.Principal, payment.DepositID) (*payment.Deposit, error)
	CancelDepositFunc     func(context.Context, ports.Principal, payment.DepositID) (*payment.Deposit, error)
	UploadReceiptFunc     func(context.Context, ports.Principal, payment.DepositID, ports.ReceiptInput) (*payment.Deposit, error)
	GatewayReturnFunc     func(context.Context, payment.DepositID, string, *http.Request) (string, error)
	BankAccountsFunc      func(context.Context, ports.Principal) ([]*payment.BankAccount, error)
	BankAccountFunc       func(context.Context, ports.Principal, payment.BankAccountID) (*payment.BankAccount, error)
	AddBankAccountFunc    func(context.Context, ports.Principal, payment.BankAccountInput, string) (*payment.BankAccount, error)
	SetDefaultFunc        func(context.Context, ports.Principal, payment.BankAccountID, bool) (*payment.BankAccount, error)
	DeleteBankAccountFunc func(context.Context, ports.Principal, payment.BankAccountID) error
	VerifyBankAccountFunc func(context.Context, ports.Principal, payment.BankAccountID) (*payment.BankAccount, error)
	CreateWithdrawalFunc  func(context.Context, ports.Principal, ports.WithdrawalInput) (*payment.Withdrawal, error)
	WithdrawalsFunc       func(context.Context, ports.Principal, payment.WithdrawalStatus, int, int) ([]*payment.Withdrawal, int, error)
	WithdrawalFunc        func(context.Context, ports.Principal, payment.WithdrawalID) (*payment.Withdrawal, error)
	CancelWithdrawalFunc  func(context.Context, ports.Principal, payment.WithdrawalID) (*payment.Withdrawal, error)

	StaffDepositsFunc    func(context.Context, ports.Principal, ports.DepositFilter, int, int) ([]*payment.Deposit, int, error)
	VerifyDepositFunc    func(context.Context, ports.Principal, payment.DepositID, core.Rial, string) (*payment.Deposit, error)
	RejectDepositFunc    func(context.Context, ports.Principal, payment.DepositID, string) (*payment.Deposit, error)
	ReceiptFunc          func(context.Context, ports.Principal, payment.DepositID) (io.ReadCloser, ports.BlobInfo, error)
	StaffWithdrawalsFunc func(context.Context, ports.Principal, ports.WithdrawalFilter, int, int) ([]*payment.Withdrawal, int, error)
	WithdrawalStepFunc   func(ctx context.Context, method string, p ports.Principal, id payment.WithdrawalID, text string) (*payment.Withdrawal, error)

	mu     sync.Mutex
	calls  []payCall
	stored map[idempotency.Key]storedResponse
	runs   int
}

var (
	_ ports.Payments      = (*fakePayments)(nil)
	_ ports.PaymentsStaff = (*fakePayments)(nil)
)

// ownDeposit returns the fixture deposit id of the fixture user, or core.ErrNotFound.
func ownDeposit(p ports.Principal, id payment.DepositID) (*payment.Deposit, error) {
	if p.UserID != fakeUserID {
		return nil, core.ErrNotFound
	}
	switch id {
	case 21:
		return fixtureOnlineDeposit(), nil
	case 22:
		return fixtureTransferDeposit(), nil
	}
	return nil, core.ErrNotFound
}

// newFakePayments returns a fake that answers with the fixtures.
func newFakePayments() *fakePayments {
	f := &fakePayments{stored: map[idempotency.Key]storedResponse{}}
	f.CreateDepositFunc = func(_ context.Context, _ ports.Principal, in ports.DepositInput) (ports.DepositStarted, error) {
		if in.Method == payment.MethodBankTransfer {
			return ports.DepositStarted{Deposit: fixtureTransferDeposit(), Destination: fixtureDestination}, nil
		}
		return ports.DepositStarted{Deposit: fixtureOnlineDeposit(), PaymentURL: fixturePaymentURL}, nil
	}
	f.DepositsFunc = func(context.Context, ports.Principal, payment.DepositStatus, int, int) ([]*payment.Deposit, int, error) {
		return []*payment.Deposit{fixtureTransferDeposit(), fixtureOnlineDeposit()}, 2, nil
	}
	f.DepositFunc = func(_ context.Context, p ports.Principal, id payment.DepositID) (*payment.Deposit, error) {
		return ownDeposit(p, id)
	}
	f.CancelDepositFunc = func(_ context.Context, p ports.Principal, id payment.DepositID) (*payment.Deposit, error) {
		d, err := ownDeposit(p, id)
		if err != nil {
			return nil, err
		}
		return withDeposit(d, func(r *payment.DepositRecord) { r.Status = payment.DepositCancelled }), nil
	}
	f.UploadReceiptFunc = func(_ context.Context, p ports.Principal, id payment.DepositID, in ports.ReceiptInput) (*payment.Deposit, error) {
		d, err := ownDeposit(p, id)
		if err != nil {
			return nil, err
		}
		if d.Method() != payment.MethodBankTransfer {
			return nil, &core.InvalidStateError{Object: "deposit", State: "pending", Action: "upload a receipt"}
		}
		return withDeposit(d, func(r *payment.DepositRecord) {
			r.Status, r.ReceiptKey, r.GatewayReference, r.Notes = payment.DepositPaid, "receipts/22", in.GatewayReference, in.Notes
		}), nil
	}
	f.GatewayReturnFunc = func(context.Context, payment.DepositID, string, *http.Request) (string, error) {
		return fixtureReturnURL, nil
	}
	f.BankAccountsFunc = func(context.Context, ports.Principal) ([]*payment.BankAccount, error) {
		return []*payment.BankAccount{fixtureAccount()}, nil
	}
	f.BankAccountFunc = func(_ context.Context, p ports.Principal, id payment.BankAccountID) (*payment.BankAccount, error) {
		if id != 5 || p.UserID != fakeUserID {
			return nil, core.ErrNotFound
		}
		return fixtureAccount(), nil
	}
	f.AddBankAccountFunc = func(_ context.Context, p ports.Principal, in payment.BankAccountInput, _ string) (*payment.BankAccount, error) {
		a, err := payment.NewBankAccount(p.UserID, in, "مریم رضایی", fixtureAt)
		if err != nil {
			return nil, err
		}
		r := a.Record()
		r.ID = 6
		return payment.RehydrateBankAccount(r), nil
	}
	f.SetDefaultFunc = func(ctx context.Context, p ports.Principal, id payment.BankAccountID, on bool) (*payment.BankAccount, error) {
		a, err := f.BankAccountFunc(ctx, p, id)
		if err != nil {
			return nil, err
		}
		r := a.Record()
		r.Default = on
		return payment.RehydrateBankAccount(r), nil
	}
	f.DeleteBankAccountFunc = func(context.Context, ports.Principal, payment.BankAccountID) error { return nil }
	f.VerifyBankAccountFunc = func(context.Context, ports.Principal, payment.BankAccountID) (*payment.BankAccount, error) {
		return fixtureAccount(), nil
	}
	f.CreateWithdrawalFunc = func(context.Context, ports.Principal, ports.WithdrawalInput) (*payment.Withdrawal, error) {
		return fixtureWithdrawal(), nil
	}
	f.WithdrawalsFunc = func(context.Context, ports.Principal, payment.WithdrawalStatus, int, int) ([]*payment.Withdrawal, int, error) {
		return []*payment.Withdrawal{fixtureWithdrawal()}, 1, nil
	}
	f.WithdrawalFunc = func(_ context.Context, p ports.Principal, id payment.WithdrawalID) (*payment.Withdrawal, error) {
		if id != 31 || p.UserID != fakeUserID {
			return nil, core.ErrNotFound
		}
		return fixtureWithdrawal(), nil
	}
	f.CancelWithdrawalFunc = func(context.Context, ports.Principal, payment.WithdrawalID) (*payment.Withdrawal, error) {
		return withWithdrawal(fixtureWithdrawal(), func(r *payment.WithdrawalRecord) { r.Status = payment.WithdrawalCancelled }), nil
	}
	f.StaffDepositsFunc = func(context.Context, ports.Principal, ports.DepositFilter, int, int) ([]*payment.Deposit, int, error) {
		paid := withDeposit(fixtureTransferDeposit(), func(r *payment.DepositRecord) { r.Status, r.ReceiptKey = payment.DepositPaid, "receipts/22" })
		unknown := withDeposit(fixtureOnlineDeposit(), func(r *payment.DepositRecord) { r.Status = payment.DepositUnknown })
		return []*payment.Deposit{paid, unknown}, 2, nil
	}
	f.VerifyDepositFunc = func(_ context.Context, p ports.Principal, _ payment.DepositID, amount core.Rial, _ string) (*payment.Deposit, error) {
		return withDeposit(fixtureTransferDeposit(), func(r *payment.DepositRecord) {
			r.Status, r.ReceiptKey, r.Credited, r.ReviewedBy, r.VerifiedAt = payment.DepositVerified, "receipts/22", amount, p.UserID, fixtureAt
		}), nil
	}
	f.RejectDepositFunc = func(_ context.Context, _ ports.Principal, _ payment.DepositID, reason string) (*payment.Deposit, error) {
		return withDeposit(fixtureTransferDeposit(), func(r *payment.DepositRecord) { r.Status, r.Reason = payment.DepositRejected, reason }), nil
	}
	f.ReceiptFunc = func(context.Context, ports.Principal, payment.DepositID) (io.ReadCloser, ports.BlobInfo, error) {
		return io.NopCloser(strings.NewReader("\x89PNG receipt")), ports.BlobInfo{Key: "receipts/22", Size: 12, ContentType: fixtureReceiptType}, nil
	}
	f.StaffWithdrawalsFunc = func(context.Context, ports.Principal, ports.WithdrawalFilter, int, int) ([]*payment.Withdrawal, int, error) {
		return []*payment.Withdrawal{fixtureWithdrawal()}, 1, nil
	}
	f.WithdrawalStepFunc = func(_ context.Context, method string, _ ports.Principal, _ payment.WithdrawalID, text string) (*payment.Withdrawal, error) {
		return withWithdrawal(fixtureWithdrawal(), func(r *payment.WithdrawalRecord) {
			switch method {
			case "ApproveWithdrawal":
				r.Status = payment.WithdrawalApproved
			case "ProcessWithdrawal":
				r.Status, r.Channel = payment.WithdrawalProcessing, text
			case "CompleteWithdrawal":
				r.Status, r.TrackingCode, r.ProcessedAt = payment.WithdrawalCompleted, text, fixtureAt
			case "RejectWithdrawal":
				r.Status, r.Reason, r.ProcessedAt = payment.WithdrawalRejected, text, fixtureAt
			}
		}), nil
	}
	return f
}

func (f *fakePayments) record(c payCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
}

// lastPayCall returns the latest call of method.
func (f *fakePayments) lastPayCall(method string) (payCall, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i].Method == method {
			return f.calls[i], true
		}
	}
	return payCall{}, false
}

// methods returns the methods called, in order.
func (f *fakePayments) methods() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.calls))
	for i, c := range f.calls {
		out[i] = c.Method
	}
	return out
}

// Runs returns how many idempotent operations ran.
func (f *fakePayments) Runs() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs
}

// idempotentPayment runs fn under call as a store would: replay, refuse a reused key, or run
// and keep what Respond stores.
func idempotentPayment[T any](f *fakePayments, call ports.IdempotentCall, fn func() (T, error)) (ports.Outcome[T], error) {
	if call.Key != (idempotency.Key{}) {
		f.mu.Lock()
		s, ok := f.stored[call.Key]
		f.mu.Unlock()
		if ok {
			if s.fp != call.Fingerprint {
				return ports.Outcome[T]{}, core.ErrIdempotencyKeyReused
			}
			resp := s.resp
			return ports.Outcome[T]{Replayed: &resp}, nil
		}
	}
	f.mu.Lock()
	f.runs++
	f.mu.Unlock()
	result, err := fn()
	if call.Key != (idempotency.Key{}) {
		if resp, ok := call.Respond(result, err); ok {
			f.mu.Lock()
			f.stored[call.Key] = storedResponse{fp: call.Fingerprint, resp: resp}
			f.mu.Unlock()
		}
	}
	if err != nil {
		return ports.Outcome[T]{}, err
	}
	return ports.Outcome[T]{Result: result}, nil
}

func (f *fakePayments) CreateDeposit(ctx context.Context, p ports.Principal, in ports.DepositInput, call ports.IdempotentCall) (ports.Outcome[ports.DepositStarted], error) {
	f.record(payCall{Method: "CreateDeposit", Principal: p, Input: in, Call: call})
	return idempotentPayment(f, call, func() (ports.DepositStarted, error) { return f.CreateDepositFunc(ctx, p, in) })
}

func (f *fakePayments) Deposits(ctx context.Context, p ports.Principal, status payment.DepositStatus, offset, limit int) ([]*payment.Deposit, int, error) {
	f.record(payCall{Method: "Deposits", Principal: p, Input: []any{status, offset, limit}})
	return f.DepositsFunc(ctx, p, status, offset, limit)
}

func (f *fakePayments) Deposit(ctx context.Context, p ports.Principal, id payment.DepositID) (*payment.Deposit, error) {
	f.record(payCall{Method: "Deposit", Principal: p, ID: int64(id)})
	return f.DepositFunc(ctx, p, id)
}

func (f *fakePayments) CancelDeposit(ctx context.Context, p ports.Principal, id payment.DepositID, call ports.IdempotentCall) (ports.Outcome[*payment.Deposit], error) {
	f.record(payCall{Method: "CancelDeposit", Principal: p, ID: int64(id), Call: call})
	return idempotentPayment(f, call, func() (*payment.Deposit, error) { return f.CancelDepositFunc(ctx, p, id) })
}

// receiptRead is what UploadReceipt read from its file: the input without the reader, and
// the bytes.
type receiptRead struct {
	Size             int64
	Content          string
	GatewayReference string
	Notes            string
}

func (f *fakePayments) UploadReceipt(ctx context.Context, p ports.Principal, id payment.DepositID, in ports.ReceiptInput, call ports.IdempotentCall) (ports.Outcome[*payment.Deposit], error) {
	content, err := io.ReadAll(in.File)
	if err != nil {
		return ports.Outcome[*payment.Deposit]{}, err
	}
	f.record(payCall{Method: "UploadReceipt", Principal: p, ID: int64(id), Call: call,
		Input: receiptRead{Size: in.Size, Content: string(content), GatewayReference: in.GatewayReference, Notes: in.Notes}})
	return idempotentPayment(f, call, func() (*payment.Deposit, error) { return f.UploadReceiptFunc(ctx, p, id, in) })
}

// gatewayReturnRead is what GatewayReturn saw of the request.
type gatewayReturnRead struct {
	Sig       string
	Authority string
	Status    string
}

// GatewayReturn reads the gateway's fields as the adapters do: a GET's query, or a POST's
// body, which must reach it unread.
func (f *fakePayments) GatewayReturn(ctx context.Context, id payment.DepositID, sig string, r *http.Request) (string, error) {
	fields := r.URL.Query()
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return "", err
		}
		if fields, err = url.ParseQuery(string(body)); err != nil {
			return "", err
		}
	}
	f.record(payCall{Method: "GatewayReturn", ID: int64(id), Input: gatewayReturnRead{
		Sig: sig, Authority: fields.Get("Authority"), Status: fields.Get("Status"),
	}})
	return f.GatewayReturnFunc(ctx, id, sig, r)
}

func (f *fakePayments) BankAccounts(ctx context.Context, p ports.Principal) ([]*payment.BankAccount, error) {
	f.record(payCall{Method: "BankAccounts", Principal: p})
	return f.BankAccountsFunc(ctx, p)
}

func (f *fakePayments) BankAccount(ctx context.Context, p ports.Principal, id payment.BankAccountID) (*payment.BankAccount, error) {
	f.record(payCall{Method: "BankAccount", Principal: p, ID: int64(id)})
	return f.BankAccountFunc(ctx, p, id)
}

// addAccountInput is what AddBankAccount was given.
type addAccountInput struct {
	Account payment.BankAccountInput
	OTP     string
}

func (f *fakePayments) AddBankAccount(ctx context.Context, p ports.Principal, in payment.BankAccountInput, otp string) (*payment.BankAccount, error) {
	f.record(payCall{Method: "AddBankAccount", Principal: p, Input: addAccountInput{Account: in, OTP: otp}})
	return f.AddBankAccountFunc(ctx, p, in, otp)
}

func (f *fakePayments) SetDefaultBankAccount(ctx context.Context, p ports.Principal, id payment.BankAccountID, on bool) (*payment.BankAccount, error) {
	f.record(payCall{Method: "SetDefaultBankAccount", Principal: p, ID: int64(id), Input: on})
	return f.SetDefaultFunc(ctx, p, id, on)
}

func (f *fakePayments) DeleteBankAccount(ctx context.Context, p ports.Principal, id payment.BankAccountID) error {
	f.record(payCall{Method: "DeleteBankAccount", Principal: p, ID: int64(id)})
	return f.DeleteBankAccountFunc(ctx, p, id)
}

func (f *fakePayments) ConfirmBankAccount(ctx context.Context, p ports.Principal, id payment.BankAccountID, reason string) (*payment.BankAccount, error) {
	f.record(payCall{Method: "ConfirmBankAccount", Principal: p, ID: int64(id), Input: reason})
	return f.VerifyBankAccountFunc(ctx, p, id)
}

func (f *fakePayments) VerifyBankAccount(ctx context.Context, p ports.Principal, id payment.BankAccountID) (*payment.BankAccount, error) {
	f.record(payCall{Method: "VerifyBankAccount", Principal: p, ID: int64(id)})
	return f.VerifyBankAccountFunc(ctx, p, id)
}

func (f *fakePayments) CreateWithdrawal(ctx context.Context, p ports.Principal, in ports.WithdrawalInput, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	f.record(payCall{Method: "CreateWithdrawal", Principal: p, Input: in, Call: call})
	return idempotentPayment(f, call, func() (*payment.Withdrawal, error) { return f.CreateWithdrawalFunc(ctx, p, in) })
}

func (f *fakePayments) Withdrawals(ctx context.Context, p ports.Principal, status payment.WithdrawalStatus, offset, limit int) ([]*payment.Withdrawal, int, error) {
	f.record(payCall{Method: "Withdrawals", Principal: p, Input: []any{status, offset, limit}})
	return f.WithdrawalsFunc(ctx, p, status, offset, limit)
}

func (f *fakePayments) Withdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID) (*payment.Withdrawal, error) {
	f.record(payCall{Method: "Withdrawal", Principal: p, ID: int64(id)})
	return f.WithdrawalFunc(ctx, p, id)
}

func (f *fakePayments) CancelWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	f.record(payCall{Method: "CancelWithdrawal", Principal: p, ID: int64(id), Call: call})
	return idempotentPayment(f, call, func() (*payment.Withdrawal, error) { return f.CancelWithdrawalFunc(ctx, p, id) })
}

func (f *fakePayments) StaffDeposits(ctx context.Context, p ports.Principal, filter ports.DepositFilter, offset, limit int) ([]*payment.Deposit, int, error) {
	f.record(payCall{Method: "StaffDeposits", Principal: p, Input: []any{filter, offset, limit}})
	return f.StaffDepositsFunc(ctx, p, filter, offset, limit)
}

// verifyInput is what VerifyDeposit was given.
type verifyInput struct {
	Amount core.Rial
	Reason string
}

func (f *fakePayments) VerifyDeposit(ctx context.Context, p ports.Principal, id payment.DepositID, amount core.Rial, reason string, call ports.IdempotentCall) (ports.Outcome[*payment.Deposit], error) {
	f.record(payCall{Method: "VerifyDeposit", Principal: p, ID: int64(id), Input: verifyInput{Amount: amount, Reason: reason}, Call: call})
	return idempotentPayment(f, call, func() (*payment.Deposit, error) { return f.VerifyDepositFunc(ctx, p, id, amount, reason) })
}

func (f *fakePayments) RejectDeposit(ctx context.Context, p ports.Principal, id payment.DepositID, reason string, call ports.IdempotentCall) (ports.Outcome[*payment.Deposit], error) {
	f.record(payCall{Method: "RejectDeposit", Principal: p, ID: int64(id), Input: reason, Call: call})
	return idempotentPayment(f, call, func() (*payment.Deposit, error) { return f.RejectDepositFunc(ctx, p, id, reason) })
}

func (f *fakePayments) Receipt(ctx context.Context, p ports.Principal, id payment.DepositID) (io.ReadCloser, ports.BlobInfo, error) {
	f.record(payCall{Method: "Receipt", Principal: p, ID: int64(id)})
	return f.ReceiptFunc(ctx, p, id)
}

func (f *fakePayments) StaffWithdrawals(ctx context.Context, p ports.Principal, filter ports.WithdrawalFilter, offset, limit int) ([]*payment.Withdrawal, int, error) {
	f.record(payCall{Method: "StaffWithdrawals", Principal: p, Input: []any{filter, offset, limit}})
	return f.StaffWithdrawalsFunc(ctx, p, filter, offset, limit)
}

// step records and runs a staff step of a withdrawal.
func (f *fakePayments) step(ctx context.Context, method string, p ports.Principal, id payment.WithdrawalID, text string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	f.record(payCall{Method: method, Principal: p, ID: int64(id), Input: text, Call: call})
	return idempotentPayment(f, call, func() (*payment.Withdrawal, error) { return f.WithdrawalStepFunc(ctx, method, p, id, text) })
}

func (f *fakePayments) ApproveWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, reason string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	return f.step(ctx, "ApproveWithdrawal", p, id, reason, call)
}

func (f *fakePayments) ProcessWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, channel string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	return f.step(ctx, "ProcessWithdrawal", p, id, channel, call)
}

func (f *fakePayments) CompleteWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, trackingCode string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	return f.step(ctx, "CompleteWithdrawal", p, id, trackingCode, call)
}

func (f *fakePayments) RejectWithdrawal(ctx context.Context, p ports.Principal, id payment.WithdrawalID, reason string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
	return f.step(ctx, "RejectWithdrawal", p, id, reason, call)
}
