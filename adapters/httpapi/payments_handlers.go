package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// Operations of the idempotent payment endpoints, part of their keys' scope; an alias path
// is the same operation as its original. Operations on one object end with its id.
const (
	opCreateDeposit    = "wallet.create_deposit"
	opUploadReceipt    = "wallet.upload_receipt:"
	opCancelDeposit    = "wallet.cancel_deposit:"
	opCreateWithdrawal = "wallet.create_withdrawal"
	opCancelWithdrawal = "wallet.cancel_withdrawal:"
)

// Lengths the decoder enforces before the service checks the real rules.
const (
	maxGatewayNameLen = 32
	maxReturnURLLen   = 2048
)

// depositMethods, depositStatuses and withdrawalStatuses are the values of payment_method and
// of the status filters a user may send. A user never sees the unknown deposit status (it
// reads as pending), so cannot filter by it.
var (
	depositMethods  = []string{payment.MethodOnline.String(), payment.MethodBankTransfer.String()}
	depositStatuses = []string{
		payment.DepositPending.String(), payment.DepositPaid.String(), payment.DepositVerified.String(),
		payment.DepositRejected.String(), payment.DepositCancelled.String(), payment.DepositFailed.String(),
	}
	withdrawalStatuses = []string{
		payment.WithdrawalPending.String(), payment.WithdrawalApproved.String(), payment.WithdrawalProcessing.String(),
		payment.WithdrawalCompleted.String(), payment.WithdrawalRejected.String(), payment.WithdrawalCancelled.String(),
	}
)

// depositID, withdrawalID and bankAccountID read the {id} of a path; anything but a positive
// integer names no object: 404, as an unknown id.
func depositID(r *http.Request) (payment.DepositID, error) {
	return pathParamID(r, "id", "deposit", payment.ParseDepositID)
}

func withdrawalID(r *http.Request) (payment.WithdrawalID, error) {
	return pathParamID(r, "id", "withdrawal", payment.ParseWithdrawalID)
}

func bankAccountID(r *http.Request) (payment.BankAccountID, error) {
	return pathParamID(r, "id", "bank account", payment.ParseBankAccountID)
}

// otpField returns the name the step-up code was sent under: otp_code, or its alias code.
func otpField(in *Body) string {
	if !in.Has("otp_code") && in.Has("code") {
		return "code"
	}
	return "otp_code"
}

// createDeposit is POST wallet/deposits/create_deposit/ (aliases POST wallet/deposits/ and
// POST wallet/deposit/): amount, payment_method (online by default: the Flutter plan sends
// only amount), gateway? and return_url?. 201 with {deposit, payment_url} for an online
// deposit, the Deposit itself with its transfer_destination for a bank transfer.
// Idempotency-Key honoured.
func (p *Payments) createDeposit(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	call, err := p.idempotentCall(r, in, opCreateDeposit, writeDepositCreated)
	if err != nil {
		return err
	}
	in.Require("amount")
	dep := ports.DepositInput{Method: payment.MethodOnline}
	dep.Amount, _ = in.Rial("amount")
	if v, ok := in.Enum("payment_method", depositMethods...); ok {
		dep.Method, _ = payment.ParseMethod(v) // one of depositMethods
	}
	dep.Gateway, _ = in.String("gateway", maxGatewayNameLen)
	dep.ReturnURL, _ = in.String("return_url", maxReturnURLLen)
	if err := in.Err(); err != nil {
		return err
	}
	out, err := p.payments.CreateDeposit(r.Context(), pr, dep, call)
	return answerOutcome(w, r, out, err, writeDepositCreated)
}

// writeDepositCreated answers a created deposit: 201 with a message and, online, the deposit
// and the gateway page; by bank transfer, the deposit and where to transfer.
func writeDepositCreated(w http.ResponseWriter, r *http.Request, result any) {
	s, ok := result.(ports.DepositStarted)
	if !ok || s.Deposit == nil {
		WriteError(w, r, core.ErrInternal)
		return
	}
	lang := LanguageOf(r)
	if s.Deposit.Method() == payment.MethodBankTransfer {
		WriteMessage(w, r, http.StatusCreated, msgTransferCreated.in(lang), depositWire(s.Deposit, depositView{destination: s.Destination}))
		return
	}
	WriteMessage(w, r, http.StatusCreated, msgDepositCreated.in(lang), onlineDepositJSON{
		Deposit: depositWire(s.Deposit, depositView{}), PaymentURL: s.PaymentURL,
	})
}

// listDeposits is GET wallet/deposits/: the caller's deposits, newest first, filtered by
// status. Pending lists the deposits waiting for payment; one whose gateway outcome is
// being checked reads as pending too but is listed only without a filter.
func (p *Payments) listDeposits(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	ve := core.NewValidationError()
	var status payment.DepositStatus
	if v, ok := queryEnum(r, ve, LanguageOf(r), "status", depositStatuses); ok {
		status, _ = payment.ParseDepositStatus(v)
	}
	if err := ve.Err(); err != nil {
		return err
	}
	deposits, count, err := p.payments.Deposits(r.Context(), pr, status, page.Offset(), page.Limit())
	if err != nil {
		return err
	}
	items := make([]depositJSON, len(deposits))
	for i, d := range deposits {
		items[i] = depositWire(d, p.ownerView())
	}
	WriteList(w, r, page, count, items)
	return nil
}

// ownerView is how the owner sees a deposit: with the transfer destination, without the
// receipt's URL.
func (p *Payments) ownerView() depositView {
	return depositView{destination: p.destination}
}

// getDeposit is GET wallet/deposits/{id}/: one of the caller's deposits (clients poll it
// after the gateway); another user's is 404.
func (p *Payments) getDeposit(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := depositID(r)
	if err != nil {
		return err
	}
	d, err := p.payments.Deposit(r.Context(), pr, id)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, depositWire(d, p.ownerView()))
	return nil
}

// uploadReceipt is POST wallet/deposits/{id}/upload_receipt/: multipart receipt_image (jpg,
// png or pdf ≤ 5 MB, judged by the service from the content), gateway_reference? (the bank's
// tracking number) and notes?. The pending bank transfer becomes paid. Idempotency-Key
// honoured; the fingerprint covers the file's SHA-256.
func (p *Payments) uploadReceipt(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := depositID(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	call, err := p.idempotentCall(r, in, opUploadReceipt+id.String(), p.writeReceiptUploaded)
	if err != nil {
		return err
	}
	in.Require("receipt_image")
	fh, _ := in.File("receipt_image")
	ref, _ := in.String("gateway_reference", payment.MaxReferenceLen)
	notes, _ := in.String("notes", payment.MaxNotesLen)
	if err := in.Err(); err != nil {
		return err
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open uploaded receipt: %w", err)
	}
	defer func() { _ = f.Close() }()
	out, err := p.payments.UploadReceipt(r.Context(), pr, id, ports.ReceiptInput{
		File: f, Size: fh.Size, GatewayReference: ref, Notes: notes,
	}, call)
	return answerOutcome(w, r, out, err, p.writeReceiptUploaded)
}

// cancelDeposit is POST wallet/deposits/{id}/cancel/: only a pending deposit may be
// cancelled (409 invalid_state otherwise). Idempotency-Key honoured.
func (p *Payments) cancelDeposit(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := depositID(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	call, err := p.idempotentCall(r, in, opCancelDeposit+id.String(), p.writeDepositCancelled)
	if err != nil {
		return err
	}
	out, err := p.payments.CancelDeposit(r.Context(), pr, id, call)
	return answerOutcome(w, r, out, err, p.writeDepositCancelled)
}

// writeReceiptUploaded and writeDepositCancelled answer a changed deposit of the caller: 200
// with the deposit and a message.
func (p *Payments) writeReceiptUploaded(w http.ResponseWriter, r *http.Request, result any) {
	writeDeposit(w, r, msgReceiptUploaded, result, p.ownerView())
}

func (p *Payments) writeDepositCancelled(w http.ResponseWriter, r *http.Request, result any) {
	writeDeposit(w, r, msgDepositCancelled, result, p.ownerView())
}

// writeDeposit answers result, a deposit, seen through v, with 200 and msg.
func writeDeposit(w http.ResponseWriter, r *http.Request, msg localized, result any, v depositView) {
	d, ok := result.(*payment.Deposit)
	if !ok || d == nil {
		WriteError(w, r, core.ErrInternal)
		return
	}
	WriteMessage(w, r, http.StatusOK, msg.in(LanguageOf(r)), depositWire(d, v))
}

// gatewayReturn is GET and POST wallet/deposits/{id}/callback/: the buyer's browser back from
// the gateway. The service checks the sig query parameter, the gateway's fields and the
// payment itself, and names the result page; the answer is 303 See Other there, never JSON.
// The request reaches the service unread, its body capped at [DefaultBodyLimit]: each
// gateway adapter reads its own query or form. Only an id that is not a positive integer
// (404) or a failure with no page to send the buyer to is answered as an error envelope.
func (p *Payments) gatewayReturn(w http.ResponseWriter, r *http.Request) error {
	id, err := depositID(r)
	if err != nil {
		return err
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, DefaultBodyLimit)
	}
	target, err := p.payments.GatewayReturn(r.Context(), id, r.URL.Query().Get("sig"), r)
	switch {
	case err != nil && target == "":
		return err
	case err != nil:
		stateOf(r.Context()).recordError(err) // logged with the request; the buyer still moves on
	case target == "":
		return fmt.Errorf("%w: gateway return of deposit %s named no page", core.ErrInternal, id)
	}
	http.Redirect(w, r, target, http.StatusSeeOther) //nolint:gosec // G710: the service names a configured page (the web app's, or an allowlisted return_url), not one the request chose
	return nil
}

// createWithdrawal is POST wallet/withdrawals/create_withdrawal/ (aliases POST
// wallet/withdrawals/ and POST wallet/withdraw/): bank_account_id (own, verified), amount
// and otp_code (alias code), a fresh code of purpose withdrawal. 201 with the withdrawal and
// a message. Idempotency-Key honoured.
func (p *Payments) createWithdrawal(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	// The account is read before the use case runs: rendering happens inside its
	// transaction, where no other read may wait.
	var account *payment.BankAccount
	render := func(w http.ResponseWriter, r *http.Request, result any) {
		writeWithdrawal(w, r, http.StatusCreated, msgWithdrawalCreated, result, account)
	}
	call, err := p.idempotentCall(r, in, opCreateWithdrawal, render)
	if err != nil {
		return err
	}
	field := otpField(in)
	in.Require("bank_account_id", "amount", field)
	accountID, _ := in.ID("bank_account_id")
	amount, _ := in.Rial("amount")
	otp, _ := in.String(field, maxCodeLen)
	if err := in.Err(); err != nil {
		return err
	}
	if account, err = p.accountOrNil(r.Context(), pr, payment.BankAccountID(accountID)); err != nil {
		return err
	}
	out, err := p.payments.CreateWithdrawal(r.Context(), pr, ports.WithdrawalInput{
		BankAccount: payment.BankAccountID(accountID), Amount: amount, OTP: core.NormalizeDigits(otp),
	}, call)
	return answerOutcome(w, r, out, err, render)
}

// accountOrNil returns the caller's bank account id, or nil when the service finds none (an
// unknown id, or a removed account it no longer shows).
func (p *Payments) accountOrNil(ctx context.Context, pr ports.Principal, id payment.BankAccountID) (*payment.BankAccount, error) {
	a, err := p.payments.BankAccount(ctx, pr, id)
	if errors.Is(err, core.ErrNotFound) {
		return nil, nil
	}
	return a, err
}

// writeWithdrawal answers result, a withdrawal paid to account (nil: unknown), with status
// and msg.
func writeWithdrawal(w http.ResponseWriter, r *http.Request, status int, msg localized, result any, account *payment.BankAccount) {
	wd, ok := result.(*payment.Withdrawal)
	if !ok || wd == nil {
		WriteError(w, r, core.ErrInternal)
		return
	}
	WriteMessage(w, r, status, msg.in(LanguageOf(r)), withdrawalWire(wd, account))
}

// listWithdrawals is GET wallet/withdrawals/: the caller's withdrawals, newest first,
// filtered by status, each with its bank account's details.
func (p *Payments) listWithdrawals(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	ve := core.NewValidationError()
	var status payment.WithdrawalStatus
	if v, ok := queryEnum(r, ve, LanguageOf(r), "status", withdrawalStatuses); ok {
		status, _ = payment.ParseWithdrawalStatus(v)
	}
	if err := ve.Err(); err != nil {
		return err
	}
	list, count, err := p.payments.Withdrawals(r.Context(), pr, status, page.Offset(), page.Limit())
	if err != nil {
		return err
	}
	accounts, err := p.accountsOf(r.Context(), pr, list)
	if err != nil {
		return err
	}
	items := make([]withdrawalJSON, len(list))
	for i, wd := range list {
		items[i] = withdrawalWire(wd, accounts[wd.Record().BankAccount])
	}
	WriteList(w, r, page, count, items)
	return nil
}

// accountsOf returns the bank accounts the withdrawals pay to, by id: the caller's active
// accounts in one read, then each removed one the service still shows. An account it does
// not show is absent.
func (p *Payments) accountsOf(ctx context.Context, pr ports.Principal, list []*payment.Withdrawal) (map[payment.BankAccountID]*payment.BankAccount, error) {
	out := map[payment.BankAccountID]*payment.BankAccount{}
	if len(list) == 0 {
		return out, nil
	}
	active, err := p.payments.BankAccounts(ctx, pr)
	if err != nil {
		return nil, err
	}
	for _, a := range active {
		out[a.ID()] = a
	}
	for _, wd := range list {
		id := wd.Record().BankAccount
		if _, seen := out[id]; seen || id <= 0 {
			continue
		}
		a, err := p.accountOrNil(ctx, pr, id)
		if err != nil {
			return nil, err
		}
		out[id] = a // nil for one not shown: asked once
	}
	return out, nil
}

// getWithdrawal is GET wallet/withdrawals/{id}/: one of the caller's withdrawals with its
// bank account's details; another user's is 404.
func (p *Payments) getWithdrawal(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := withdrawalID(r)
	if err != nil {
		return err
	}
	wd, err := p.payments.Withdrawal(r.Context(), pr, id)
	if err != nil {
		return err
	}
	account, err := p.accountOrNil(r.Context(), pr, wd.Record().BankAccount)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, withdrawalWire(wd, account))
	return nil
}

// cancelWithdrawal is POST wallet/withdrawals/{id}/cancel/: a pending or approved withdrawal
// is cancelled and its hold released (409 invalid_state otherwise). Idempotency-Key
// honoured.
func (p *Payments) cancelWithdrawal(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := withdrawalID(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	var account *payment.BankAccount
	render := func(w http.ResponseWriter, r *http.Request, result any) {
		writeWithdrawal(w, r, http.StatusOK, msgWithdrawalCancelled, result, account)
	}
	call, err := p.idempotentCall(r, in, opCancelWithdrawal+id.String(), render)
	if err != nil {
		return err
	}
	// As on creation, the account is read before the use case's transaction. An unknown
	// withdrawal is the use case's 404 to answer.
	switch wd, err := p.payments.Withdrawal(r.Context(), pr, id); {
	case err == nil:
		if account, err = p.accountOrNil(r.Context(), pr, wd.Record().BankAccount); err != nil {
			return err
		}
	case !errors.Is(err, core.ErrNotFound):
		return err
	}
	out, err := p.payments.CancelWithdrawal(r.Context(), pr, id, call)
	return answerOutcome(w, r, out, err, render)
}
