package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// staffPaymentRoutes are every staff payment endpoint, with a body that would pass
// validation.
var staffPaymentRoutes = []struct{ method, path, body string }{
	{http.MethodGet, "/api/admin/deposits/", ""},
	{http.MethodPost, "/api/admin/deposits/22/verify/", `{}`},
	{http.MethodPost, "/api/admin/deposits/22/reject/", `{"reason":"no money"}`},
	{http.MethodGet, "/api/admin/deposits/22/receipt/", ""},
	{http.MethodGet, "/api/admin/withdrawals/", ""},
	{http.MethodPost, "/api/admin/withdrawals/31/approve/", `{}`},
	{http.MethodPost, "/api/admin/withdrawals/31/process/", `{"channel":"paya"}`},
	{http.MethodPost, "/api/admin/withdrawals/31/complete/", `{"tracking_code":"PAYA-1"}`},
	{http.MethodPost, "/api/admin/withdrawals/31/reject/", `{"reason":"wrong account"}`},
}

func TestStaffPaymentsRefuseOthers(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)
	for _, r := range staffPaymentRoutes {
		requireError(t, b.send(t, r.method, r.path, r.body), http.StatusUnauthorized, "not_authenticated")
		requireError(t, b.send(t, r.method, r.path, r.body, withBearer(tokenGood)), http.StatusForbidden, "permission_denied")
	}
	require.Empty(t, b.payments.methods())

	// The service checks the role again: a staff member without the finance role.
	b.payments.StaffDepositsFunc = func(context.Context, ports.Principal, ports.DepositFilter, int, int) ([]*payment.Deposit, int, error) {
		return nil, 0, core.ErrPermissionDenied
	}
	requireError(t, b.send(t, http.MethodGet, "/api/admin/deposits/", "", withBearer(tokenStaff)), http.StatusForbidden, "permission_denied")
}

func TestStaffDeposits(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	items, page := listOf(t, b.send(t, http.MethodGet, "/api/admin/deposits/?status=unknown&method=online&user_id=۴۲&page=1", "", withBearer(tokenStaff)))

	require.Len(t, items, 2)
	paid, _ := items[0].(map[string]any)
	require.Equal(t, "paid", paid["status"])
	require.Equal(t, "http://example.com/api/admin/deposits/22/receipt/", paid["receipt_image"], "staff get the download URL")
	require.NotNil(t, paid["transfer_destination"])
	unknown, _ := items[1].(map[string]any)
	require.Equal(t, "unknown", unknown["status"], "staff see the real status")
	require.Equal(t, "در حال بررسی نتیجه پرداخت", unknown["status_display"])
	require.Nil(t, unknown["receipt_image"])
	require.InDelta(t, 2, page["count"], 0)
	call, _ := b.payments.lastPayCall("StaffDeposits")
	require.Equal(t, []any{ports.DepositFilter{User: fakeUserID, Status: payment.DepositUnknown, Method: payment.MethodOnline}, 0, 20}, call.Input)
	require.Equal(t, staffUserID, int(call.Principal.UserID))

	for _, q := range []string{"?status=lost", "?method=cash", "?user_id=0", "?user_id=abc"} {
		requireError(t, b.send(t, http.MethodGet, "/api/admin/deposits/"+q, "", withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")
	}
}

func TestStaffVerifyDeposit(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodPost, "/api/admin/deposits/22/verify/", `{"amount":"4,990,000","reason":"کسر کارمزد بانک"}`, withBearer(tokenStaff), withKey("verify-key-1"))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "واریز تأیید شد و کیف پول شارژ شد", messageOf(t, rec))
	data := dataOf(t, rec)
	require.Equal(t, "verified", data["status"])
	require.Equal(t, "http://example.com/api/admin/deposits/22/receipt/", data["receipt_image"])
	call, _ := b.payments.lastPayCall("VerifyDeposit")
	require.Equal(t, verifyInput{Amount: 4_990_000, Reason: "کسر کارمزد بانک"}, call.Input)
	require.Equal(t, "user:7:admin.deposits.verify:22", call.Call.Key.Scope())

	replay := b.send(t, http.MethodPost, "/api/admin/deposits/22/verify/", `{"reason":"کسر کارمزد بانک", "amount":"4,990,000"}`, withBearer(tokenStaff), withKey("verify-key-1"))
	require.Equal(t, "true", replay.Header().Get("Idempotency-Replayed"))
	require.Equal(t, rec.Body.String(), replay.Body.String())
	require.Equal(t, 1, b.payments.Runs())

	b.send(t, http.MethodPost, "/api/admin/deposits/22/verify/", ``, withBearer(tokenStaff))
	call, _ = b.payments.lastPayCall("VerifyDeposit")
	require.Equal(t, verifyInput{}, call.Input, "no amount: the requested one")

	b.payments.VerifyDepositFunc = func(context.Context, ports.Principal, payment.DepositID, core.Rial, string) (*payment.Deposit, error) {
		return nil, &core.InvalidStateError{Object: "deposit", State: "verified", Action: "verify"}
	}
	requireError(t, b.send(t, http.MethodPost, "/api/admin/deposits/22/verify/", `{}`, withBearer(tokenStaff)), http.StatusConflict, "invalid_state")
	requireError(t, b.send(t, http.MethodPost, "/api/admin/deposits/22/verify/", `{"amount":-1}`, withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")
}

func TestStaffRejectDeposit(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodPost, "/api/admin/deposits/22/reject/", `{"reason":"مبلغ واریز نشده است"}`, withBearer(tokenStaff))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "درخواست واریز رد شد", messageOf(t, rec))
	data := dataOf(t, rec)
	require.Equal(t, "rejected", data["status"])
	require.Equal(t, "رد شده", data["status_display"])
	require.Equal(t, "مبلغ واریز نشده است", data["rejection_reason"])

	for _, body := range []string{`{}`, `{"reason":"  "}`, `{"reason":"` + strings.Repeat("ن", 501) + `"}`} {
		e := requireError(t, b.send(t, http.MethodPost, "/api/admin/deposits/22/reject/", body, withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "reason")
	}
	require.Equal(t, 1, b.payments.Runs())
}

func TestStaffReceipt(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodGet, "/api/admin/deposits/22/receipt/", "", withBearer(tokenStaff))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "\x89PNG receipt", rec.Body.String())
	require.Equal(t, "image/png", rec.Header().Get("Content-Type"))
	require.Equal(t, "12", rec.Header().Get("Content-Length"))
	require.Equal(t, `attachment; filename=receipt-22.png`, rec.Header().Get("Content-Disposition"))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	call, _ := b.payments.lastPayCall("Receipt")
	require.Equal(t, int64(22), call.ID)

	closed := false
	b.payments.ReceiptFunc = func(context.Context, ports.Principal, payment.DepositID) (io.ReadCloser, ports.BlobInfo, error) {
		return closeFunc{Reader: strings.NewReader("<html>"), close: func() { closed = true }}, ports.BlobInfo{ContentType: "text/html"}, nil
	}
	rec = b.send(t, http.MethodGet, "/api/admin/deposits/22/receipt/", "", withBearer(tokenStaff))
	require.Equal(t, "application/octet-stream", rec.Header().Get("Content-Type"), "nothing a browser renders")
	require.Equal(t, `attachment; filename=receipt-22`, rec.Header().Get("Content-Disposition"))
	require.True(t, closed)

	b.payments.ReceiptFunc = func(context.Context, ports.Principal, payment.DepositID) (io.ReadCloser, ports.BlobInfo, error) {
		return nil, ports.BlobInfo{}, core.ErrNotFound
	}
	requireError(t, b.send(t, http.MethodGet, "/api/admin/deposits/22/receipt/", "", withBearer(tokenStaff)), http.StatusNotFound, "not_found")
}

// closeFunc is a reader whose Close calls close.
type closeFunc struct {
	io.Reader
	close func()
}

func (c closeFunc) Close() error {
	c.close()
	return nil
}

func TestStaffWithdrawals(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	items, _ := listOf(t, b.send(t, http.MethodGet, "/api/admin/withdrawals/?status=pending&user_id=42", "", withBearer(tokenStaff)))

	want := wantWithdrawal()
	want["bank_account_details"] = nil
	require.Equal(t, []any{want}, items)
	call, _ := b.payments.lastPayCall("StaffWithdrawals")
	require.Equal(t, []any{ports.WithdrawalFilter{User: fakeUserID, Status: payment.WithdrawalPending}, 0, 20}, call.Input)
	require.NotContains(t, b.payments.methods(), "BankAccount")

	requireError(t, b.send(t, http.MethodGet, "/api/admin/withdrawals/?status=unknown", "", withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")
}

func TestStaffWithdrawalSteps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, body, method string
		wantText, wantStatus     string
		wantMessage              string
	}{
		{name: "Approve", path: "approve", body: `{"reason":"ok"}`, method: "ApproveWithdrawal", wantText: "ok", wantStatus: "approved", wantMessage: "درخواست برداشت تأیید شد"},
		{name: "ApproveWithoutReason", path: "approve", body: ``, method: "ApproveWithdrawal", wantStatus: "approved", wantMessage: "درخواست برداشت تأیید شد"},
		{name: "Process", path: "process", body: `{"channel":"SATNA"}`, method: "ProcessWithdrawal", wantText: "satna", wantStatus: "processing", wantMessage: "درخواست برداشت برای پرداخت ارسال شد"},
		{name: "Complete", path: "complete", body: `{"tracking_code":" 140312345678 "}`, method: "CompleteWithdrawal", wantText: "140312345678", wantStatus: "completed", wantMessage: "برداشت پرداخت شد"},
		{name: "Reject", path: "reject", body: `{"reason":"شبا اشتباه است"}`, method: "RejectWithdrawal", wantText: "شبا اشتباه است", wantStatus: "rejected", wantMessage: "درخواست برداشت رد شد"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)

			rec := b.send(t, http.MethodPost, "/api/admin/withdrawals/31/"+tt.path+"/", tt.body, withBearer(tokenStaff), withKey("step-key-0001"))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, tt.wantMessage, messageOf(t, rec))
			data := dataOf(t, rec)
			require.Equal(t, tt.wantStatus, data["status"])
			require.Nil(t, data["bank_account_details"])
			call, _ := b.payments.lastPayCall(tt.method)
			require.Equal(t, tt.wantText, call.Input)
			require.Equal(t, int64(31), call.ID)
			require.Equal(t, "user:7:admin.withdrawals."+tt.path+":31", call.Call.Key.Scope())

			replay := b.send(t, http.MethodPost, "/api/admin/withdrawals/31/"+tt.path+"/", tt.body, withBearer(tokenStaff), withKey("step-key-0001"))
			require.Equal(t, "true", replay.Header().Get("Idempotency-Replayed"))
			require.Equal(t, rec.Body.String(), replay.Body.String())
		})
	}
}

func TestStaffWithdrawalStepErrors(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)
	for _, tt := range []struct{ path, body, field string }{
		{"process", `{}`, "channel"},
		{"process", `{"channel":"swift"}`, "channel"},
		{"complete", `{}`, "tracking_code"},
		{"complete", `{"tracking_code":"` + strings.Repeat("1", 101) + `"}`, "tracking_code"},
		{"reject", `{}`, "reason"},
		{"approve", `{"reason":"` + strings.Repeat("x", 501) + `"}`, "reason"},
	} {
		e := requireError(t, b.send(t, http.MethodPost, "/api/admin/withdrawals/31/"+tt.path+"/", tt.body, withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], tt.field, tt.path+" "+tt.body)
	}
	require.Zero(t, b.payments.Runs())

	b.payments.WithdrawalStepFunc = func(context.Context, string, ports.Principal, payment.WithdrawalID, string) (*payment.Withdrawal, error) {
		return nil, &core.InvalidStateError{Object: "withdrawal", State: "pending", Action: "complete"}
	}
	e := requireError(t, b.send(t, http.MethodPost, "/api/admin/withdrawals/31/complete/", `{"tracking_code":"1"}`, withBearer(tokenStaff)), http.StatusConflict, "invalid_state")
	require.Equal(t, map[string]any{"object": "withdrawal", "state": "pending", "action": "complete"}, e["details"])
	requireError(t, b.send(t, http.MethodPost, "/api/admin/withdrawals/abc/approve/", `{}`, withBearer(tokenStaff)), http.StatusNotFound, "not_found")
}

func TestStaffConfirmBankAccount(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodPost, "/api/admin/bank-accounts/7/verify/", `{"reason":"statement matches the national card"}`, withBearer(tokenStaff))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Contains(t, dataOf(t, rec), "sheba_number")
	call, ok := b.payments.lastPayCall("ConfirmBankAccount")
	require.True(t, ok)
	require.Equal(t, int64(7), call.ID)
	require.Equal(t, "statement matches the national card", call.Input)

	e := requireError(t, b.send(t, http.MethodPost, "/api/admin/bank-accounts/7/verify/", `{}`, withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")
	require.Contains(t, e["details"], "reason")
}
