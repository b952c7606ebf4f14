package httpapi

import (
	"net/http"
	"strings"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// Operations of the idempotent staff payment endpoints; each ends with the object's id.
const (
	opVerifyDeposit      = "admin.deposits.verify:"
	opRejectDeposit      = "admin.deposits.reject:"
	opApproveWithdrawal  = "admin.withdrawals.approve:"
	opProcessWithdrawal  = "admin.withdrawals.process:"
	opCompleteWithdrawal = "admin.withdrawals.complete:"
	opRejectWithdrawal   = "admin.withdrawals.reject:"
)

// staffDepositStatuses are the deposit status filters of staff, who also see the deposits
// whose gateway outcome is unknown; payoutChannels the channels of a processing withdrawal.
var (
	staffDepositStatuses = append(append([]string(nil), depositStatuses...), payment.DepositUnknown.String())
	payoutChannels       = []string{"paya", "satna", "pol"}
)

// staffView is how staff see a deposit: the real status, the transfer destination and the
// receipt's download URL.
func (p *Payments) staffView(r *http.Request, d *payment.Deposit) depositView {
	return depositView{destination: p.destination, receiptURL: receiptURL(r, d), staff: true}
}

// queryUserID reads the user_id query parameter: zero when absent, an error recorded on ve
// when it is not a positive integer.
func queryUserID(r *http.Request, ve *core.ValidationError, lang Language) core.UserID {
	raw := strings.TrimSpace(r.URL.Query().Get("user_id"))
	if raw == "" {
		return 0
	}
	n, ok := parseInt(raw)
	if !ok || n <= 0 {
		ve.Add("user_id", msgNotID.in(lang))
		return 0
	}
	return core.UserID(n)
}

// staffDeposits is GET admin/deposits/: every user's deposits, newest first, filtered by
// status (unknown included), method and user_id.
func (p *Payments) staffDeposits(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	ve := core.NewValidationError()
	lang := LanguageOf(r)
	var f ports.DepositFilter
	if v, ok := queryEnum(r, ve, lang, "status", staffDepositStatuses); ok {
		f.Status, _ = payment.ParseDepositStatus(v)
	}
	if v, ok := queryEnum(r, ve, lang, "method", depositMethods); ok {
		f.Method, _ = payment.ParseMethod(v)
	}
	f.User = queryUserID(r, ve, lang)
	if err := ve.Err(); err != nil {
		return err
	}
	deposits, count, err := p.staff.StaffDeposits(r.Context(), pr, f, page.Offset(), page.Limit())
	if err != nil {
		return err
	}
	items := make([]depositJSON, len(deposits))
	for i, d := range deposits {
		items[i] = depositWire(d, p.staffView(r, d))
	}
	WriteList(w, r, page, count, items)
	return nil
}

// staffVerifyDeposit is POST admin/deposits/{id}/verify/ with amount? (what arrived; default
// the requested amount) and reason?: a pending or paid bank transfer is credited.
// Idempotency-Key honoured.
func (p *Payments) staffVerifyDeposit(w http.ResponseWriter, r *http.Request) error {
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
	call, err := p.idempotentCall(r, in, opVerifyDeposit+id.String(), p.writeDepositVerified)
	if err != nil {
		return err
	}
	amount, _ := in.Rial("amount")
	reason, _ := in.String("reason", maxReasonLen)
	if err := in.Err(); err != nil {
		return err
	}
	out, err := p.staff.VerifyDeposit(r.Context(), pr, id, amount, reason, call)
	return answerOutcome(w, r, out, err, p.writeDepositVerified)
}

// staffRejectDeposit is POST admin/deposits/{id}/reject/ with a reason (required, ≤ 500
// characters): a pending or paid bank transfer is rejected. Idempotency-Key honoured.
func (p *Payments) staffRejectDeposit(w http.ResponseWriter, r *http.Request) error {
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
	call, err := p.idempotentCall(r, in, opRejectDeposit+id.String(), p.writeDepositRejected)
	if err != nil {
		return err
	}
	in.Require("reason")
	reason, _ := in.String("reason", maxReasonLen)
	if err := in.Err(); err != nil {
		return err
	}
	out, err := p.staff.RejectDeposit(r.Context(), pr, id, reason, call)
	return answerOutcome(w, r, out, err, p.writeDepositRejected)
}

// writeDepositVerified and writeDepositRejected answer a reviewed deposit: 200 with the
// deposit as staff see it and a message.
func (p *Payments) writeDepositVerified(w http.ResponseWriter, r *http.Request, result any) {
	p.writeStaffDeposit(w, r, msgDepositVerified, result)
}

func (p *Payments) writeDepositRejected(w http.ResponseWriter, r *http.Request, result any) {
	p.writeStaffDeposit(w, r, msgDepositRejected, result)
}

func (p *Payments) writeStaffDeposit(w http.ResponseWriter, r *http.Request, msg localized, result any) {
	d, ok := result.(*payment.Deposit)
	if !ok || d == nil {
		WriteError(w, r, core.ErrInternal)
		return
	}
	writeDeposit(w, r, msg, d, p.staffView(r, d))
}

// staffReceipt is GET admin/deposits/{id}/receipt/: the receipt file itself, outside the
// envelope, as an attachment that is never cached or sniffed.
func (p *Payments) staffReceipt(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := depositID(r)
	if err != nil {
		return err
	}
	body, info, err := p.staff.Receipt(r.Context(), pr, id)
	if err != nil {
		return err
	}
	return writeAttachment(w, body, info, "receipt-"+id.String())
}

// staffWithdrawals is GET admin/withdrawals/: every user's withdrawals, newest first,
// filtered by status and user_id; bank_account_details is null (the account is the user's,
// read through the user's routes).
func (p *Payments) staffWithdrawals(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	ve := core.NewValidationError()
	lang := LanguageOf(r)
	var f ports.WithdrawalFilter
	if v, ok := queryEnum(r, ve, lang, "status", withdrawalStatuses); ok {
		f.Status, _ = payment.ParseWithdrawalStatus(v)
	}
	f.User = queryUserID(r, ve, lang)
	if err := ve.Err(); err != nil {
		return err
	}
	list, count, err := p.staff.StaffWithdrawals(r.Context(), pr, f, page.Offset(), page.Limit())
	if err != nil {
		return err
	}
	items := make([]withdrawalJSON, len(list))
	for i, wd := range list {
		items[i] = withdrawalWire(wd, nil)
	}
	WriteList(w, r, page, count, items)
	return nil
}

// withdrawalAction is one staff step of a withdrawal: how its body is read and which use
// case runs it.
type withdrawalAction struct {
	op  string
	msg localized
	// read reads the action's one text field from in, recording errors there.
	read func(in *Body) string
	run  func(p *Payments, r *http.Request, pr ports.Principal, id payment.WithdrawalID, text string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error)
}

// serve answers the action on the withdrawal of the path. Idempotency-Key honoured.
func (act withdrawalAction) serve(p *Payments, w http.ResponseWriter, r *http.Request) error {
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
	render := func(w http.ResponseWriter, r *http.Request, result any) {
		writeWithdrawal(w, r, http.StatusOK, act.msg, result, nil)
	}
	call, err := p.idempotentCall(r, in, act.op+id.String(), render)
	if err != nil {
		return err
	}
	text := act.read(in)
	if err := in.Err(); err != nil {
		return err
	}
	out, err := act.run(p, r, pr, id, text, call)
	return answerOutcome(w, r, out, err, render)
}

// optionalReason and requiredReason read reason (≤ 500 characters).
func optionalReason(in *Body) string {
	s, _ := in.String("reason", maxReasonLen)
	return s
}

func requiredReason(in *Body) string {
	in.Require("reason")
	return optionalReason(in)
}

// The staff steps of a withdrawal (API.md §3.13).
var (
	approveWithdrawal = withdrawalAction{
		op: opApproveWithdrawal, msg: msgWithdrawalApproved, read: optionalReason,
		run: func(p *Payments, r *http.Request, pr ports.Principal, id payment.WithdrawalID, reason string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
			return p.staff.ApproveWithdrawal(r.Context(), pr, id, reason, call)
		},
	}
	processWithdrawal = withdrawalAction{
		op: opProcessWithdrawal, msg: msgWithdrawalProcessed,
		read: func(in *Body) string {
			in.Require("channel")
			channel, _ := in.Enum("channel", payoutChannels...)
			return channel
		},
		run: func(p *Payments, r *http.Request, pr ports.Principal, id payment.WithdrawalID, channel string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
			return p.staff.ProcessWithdrawal(r.Context(), pr, id, channel, call)
		},
	}
	completeWithdrawal = withdrawalAction{
		op: opCompleteWithdrawal, msg: msgWithdrawalCompleted,
		read: func(in *Body) string {
			in.Require("tracking_code")
			code, _ := in.String("tracking_code", payment.MaxReferenceLen)
			return code
		},
		run: func(p *Payments, r *http.Request, pr ports.Principal, id payment.WithdrawalID, code string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
			return p.staff.CompleteWithdrawal(r.Context(), pr, id, code, call)
		},
	}
	rejectWithdrawal = withdrawalAction{
		op: opRejectWithdrawal, msg: msgWithdrawalRejected, read: requiredReason,
		run: func(p *Payments, r *http.Request, pr ports.Principal, id payment.WithdrawalID, reason string, call ports.IdempotentCall) (ports.Outcome[*payment.Withdrawal], error) {
			return p.staff.RejectWithdrawal(r.Context(), pr, id, reason, call)
		},
	}
)

// staffApproveWithdrawal is POST admin/withdrawals/{id}/approve/ with reason?: pending →
// approved.
func (p *Payments) staffApproveWithdrawal(w http.ResponseWriter, r *http.Request) error {
	return approveWithdrawal.serve(p, w, r)
}

// staffProcessWithdrawal is POST admin/withdrawals/{id}/process/ with channel (paya, satna
// or pol): approved → processing.
func (p *Payments) staffProcessWithdrawal(w http.ResponseWriter, r *http.Request) error {
	return processWithdrawal.serve(p, w, r)
}

// staffCompleteWithdrawal is POST admin/withdrawals/{id}/complete/ with the bank's
// tracking_code: approved or processing → completed, the hold settled.
func (p *Payments) staffCompleteWithdrawal(w http.ResponseWriter, r *http.Request) error {
	return completeWithdrawal.serve(p, w, r)
}

// staffRejectWithdrawal is POST admin/withdrawals/{id}/reject/ with a reason (required):
// an open withdrawal is rejected, the hold released.
func (p *Payments) staffRejectWithdrawal(w http.ResponseWriter, r *http.Request) error {
	return rejectWithdrawal.serve(p, w, r)
}

// staffConfirmBankAccount is POST admin/bank-accounts/{id}/verify/ with a reason (required):
// staff confirm an account's ownership by hand.
func (p *Payments) staffConfirmBankAccount(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := bankAccountID(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	reason := requiredReason(in)
	if err := in.Err(); err != nil {
		return err
	}
	a, err := p.staff.ConfirmBankAccount(r.Context(), pr, id, reason)
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgBankAccountVerified.in(LanguageOf(r)), bankAccountWire(a))
	return nil
}
