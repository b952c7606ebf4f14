package httpapi_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// paymentsBundle is the API router with the payment endpoints over fakes.
type paymentsBundle struct {
	handler  http.Handler
	payments *fakePayments
	accounts *fakeAccounts
	limiter  *countingLimiter
}

// setupPayments returns the router of NewRouter with WithPayments over fresh fakes (bank
// transfers go to fixtureDestination); tokenStaff authenticates an admin. configure changes
// the configuration first.
func setupPayments(t *testing.T, configure ...func(*httpapi.PaymentsConfig)) paymentsBundle {
	t.Helper()
	b := paymentsBundle{payments: newFakePayments(), accounts: newFakeAccounts(), limiter: newCountingLimiter()}
	authenticate := b.accounts.AuthenticateFunc
	b.accounts.AuthenticateFunc = func(ctx context.Context, token string) (ports.Principal, error) {
		if token == tokenStaff {
			return ports.Principal{UserID: staffUserID, SessionID: "ses_staff", Role: identity.RoleAdmin}, nil
		}
		return authenticate(ctx, token)
	}
	cfg := httpapi.PaymentsConfig{Payments: b.payments, Staff: b.payments, TransferDestination: fixtureDestination}
	for _, c := range configure {
		c(&cfg)
	}
	h, err := httpapi.NewRouter(discardLogger(), mustReadiness(t), testAuthConfig(b.accounts, b.limiter),
		httpapi.MetricsEndpoint{}, httpapi.WithPayments(cfg))
	require.NoError(t, err)
	b.handler = h
	return b
}

// send serves one request through the bundle's router (see [send]).
func (b paymentsBundle) send(t *testing.T, method, path, body string, opts ...requestOption) *httptest.ResponseRecorder {
	t.Helper()
	return send(t, b.handler, method, path, body, opts...)
}

// multipartForm returns a multipart body with the text fields and, when fileField is not
// empty, one file, and the Content-Type option that goes with it.
func multipartForm(t *testing.T, fields map[string]string, fileField, fileName string, content []byte) (string, requestOption) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, fileName)
		require.NoError(t, err)
		_, err = fw.Write(content)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return buf.String(), withContentType(mw.FormDataContentType())
}

// Wire forms of the fixtures.
func wantAccount() map[string]any {
	return map[string]any{
		"id": 5.0, "bank_name": "بانک ملی ایران", "bank_code": "017", "account_number": "0110001234567",
		"sheba_number": fixtureSheba, "card_number": fixtureCardMasked, "account_holder_name": "مریم رضایی",
		"is_verified": true, "is_default": true, "created_at": "2025-03-01T14:30:00+03:30",
	}
}

func wantOnlineDeposit() map[string]any {
	return map[string]any{
		"id": 21.0, "amount": 1_000_000.0, "status": "pending", "status_display": "در انتظار پرداخت",
		"payment_method": "online", "gateway": "zarinpal", "transaction_id": "TXN20250301143000DEP021",
		"gateway_reference": nil, "card_pan_masked": nil, "receipt_image": nil, "notes": "", "rejection_reason": nil,
		"transfer_destination": nil, "expires_at": "2025-03-01T15:00:00+03:30", "verified_at": nil,
		"created_at": "2025-03-01T14:30:00+03:30", "updated_at": "2025-03-01T14:30:00+03:30",
	}
}

func wantTransferDeposit() map[string]any {
	return map[string]any{
		"id": 22.0, "amount": 5_000_000.0, "status": "pending", "status_display": "در انتظار پرداخت",
		"payment_method": "bank_transfer", "gateway": nil, "transaction_id": "TXN20250301143000DEP022",
		"gateway_reference": nil, "card_pan_masked": nil, "receipt_image": nil, "notes": "", "rejection_reason": nil,
		"transfer_destination": map[string]any{
			"bank_name": "بانک ملت", "sheba_number": "IR890120000000004444555566", "account_holder_name": "طلابین",
		},
		"expires_at": nil, "verified_at": nil,
		"created_at": "2025-03-01T14:30:00+03:30", "updated_at": "2025-03-01T14:30:00+03:30",
	}
}

func wantWithdrawal() map[string]any {
	return map[string]any{
		"id": 31.0, "bank_account": 5.0, "bank_account_details": wantAccount(), "amount": 500_000.0, "fee": 2_500.0,
		"total_amount": 502_500.0, "status": "pending", "status_display": "در انتظار بررسی",
		"transaction_id": "TXN20250301143000WDR031", "tracking_code": nil, "rejection_reason": nil,
		"created_at": "2025-03-01T14:30:00+03:30", "updated_at": "2025-03-01T14:30:00+03:30", "processed_at": nil,
	}
}

func TestPaymentsNeedSignIn(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/api/wallet/bank-accounts/"}, {http.MethodPost, "/api/wallet/bank-accounts/"},
		{http.MethodGet, "/api/wallet/bank-accounts/5/"}, {http.MethodPatch, "/api/wallet/bank-accounts/5/"},
		{http.MethodDelete, "/api/wallet/bank-accounts/5/"}, {http.MethodPost, "/api/wallet/bank-accounts/5/verify/"},
		{http.MethodGet, "/api/wallet/deposits/"}, {http.MethodPost, "/api/wallet/deposits/create_deposit/"},
		{http.MethodPost, "/api/wallet/deposit/"}, {http.MethodGet, "/api/wallet/deposits/21/"},
		{http.MethodPost, "/api/wallet/deposits/22/upload_receipt/"}, {http.MethodPost, "/api/wallet/deposits/21/cancel/"},
		{http.MethodGet, "/api/wallet/withdrawals/"}, {http.MethodPost, "/api/wallet/withdrawals/create_withdrawal/"},
		{http.MethodPost, "/api/wallet/withdraw/"}, {http.MethodGet, "/api/wallet/withdrawals/31/"},
		{http.MethodPost, "/api/wallet/withdrawals/31/cancel/"},
	} {
		requireError(t, b.send(t, r.method, r.path, "{}"), http.StatusUnauthorized, "not_authenticated")
		requireError(t, b.send(t, r.method, r.path, "{}", withBearer(tokenExpired)), http.StatusUnauthorized, "token_expired")
	}
	require.Empty(t, b.payments.methods())
}

func TestPaymentsObjectWritesNotAllowed(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)
	for _, path := range []string{"/api/wallet/deposits/21/", "/api/wallet/withdrawals/31/"} {
		for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
			rec := b.send(t, method, path, `{"status":"verified"}`, withBearer(tokenGood))
			requireError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
			require.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
		}
	}
	require.Empty(t, b.payments.methods())
}

func TestListBankAccounts(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	items, page := listOf(t, b.send(t, http.MethodGet, "/api/wallet/bank-accounts/", "", withBearer(tokenGood)))

	require.Equal(t, []any{wantAccount()}, items)
	require.Equal(t, map[string]any{"count": 1.0, "page": 1.0, "page_size": 20.0, "total_pages": 1.0, "next": nil, "previous": nil}, page)
	requireError(t, b.send(t, http.MethodGet, "/api/wallet/bank-accounts/?page=2", "", withBearer(tokenGood)), http.StatusNotFound, "not_found")
}

func TestAddBankAccount(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, body, wantOTP string
	}{
		{name: "OTPCode", body: `{"sheba_number":"ir65 0170 0000 0011 0001 2345 67","card_number":"6037-9911-9950-0590","account_number":"۰۱۱۰۰۰۱۲۳۴۵۶۷","account_holder_name":"مريم رضايی","is_default":"true","otp_code":"۱۲۳۴۵۶"}`, wantOTP: "123456"},
		{name: "CodeAlias", body: `{"sheba_number":"ir65 0170 0000 0011 0001 2345 67","card_number":"6037-9911-9950-0590","account_number":"۰۱۱۰۰۰۱۲۳۴۵۶۷","account_holder_name":"مريم رضايی","is_default":true,"code":"654321"}`, wantOTP: "654321"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)

			rec := b.send(t, http.MethodPost, "/api/wallet/bank-accounts/", tt.body, withBearer(tokenGood))

			require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
			require.Equal(t, "حساب بانکی با موفقیت اضافه شد", messageOf(t, rec))
			data := dataOf(t, rec)
			require.InDelta(t, 6, data["id"], 0)
			require.Equal(t, fixtureSheba, data["sheba_number"])
			require.Equal(t, fixtureCardMasked, data["card_number"], "the card is masked")
			require.Equal(t, "017", data["bank_code"])
			require.Equal(t, false, data["is_verified"])
			call, _ := b.payments.lastPayCall("AddBankAccount")
			require.Equal(t, addAccountInput{Account: payment.BankAccountInput{
				Sheba: "ir65 0170 0000 0011 0001 2345 67", Card: "6037-9911-9950-0590", AccountNumber: "۰۱۱۰۰۰۱۲۳۴۵۶۷",
				HolderName: "مریم رضایی", Default: true,
			}, OTP: tt.wantOTP}, call.Input)
			require.Equal(t, fakeUserID, call.Principal.UserID)
		})
	}
}

func TestAddBankAccountErrors(t *testing.T) {
	t.Parallel()
	const body = `{"sheba_number":"` + fixtureSheba + `","otp_code":"123456"}`
	tests := []struct {
		name    string
		body    string
		err     error
		status  int
		code    string
		details map[string]any
		fields  []string
	}{
		{name: "NoShebaNoOTP", body: `{}`, status: 400, code: "validation_error", fields: []string{"sheba_number", "otp_code"}},
		{name: "BlankOTP", body: `{"sheba_number":"` + fixtureSheba + `","otp_code":" "}`, status: 400, code: "validation_error", fields: []string{"otp_code"}},
		{name: "BadShebaFromCore", body: `{"sheba_number":"IR00","otp_code":"123456"}`, status: 400, code: "validation_error", fields: []string{"sheba_number"}},
		{name: "AlreadyExists", body: body, err: core.ErrAlreadyExists, status: 409, code: "already_exists", details: map[string]any{}},
		{name: "TooMany", body: body, err: &core.LimitExceededError{Limit: "bank_accounts_max", Bound: 10, Actual: 11}, status: 400,
			code: "limit_exceeded", details: map[string]any{"limit": "bank_accounts_max", "bound": 10.0, "actual": 11.0}},
		{name: "OTPInvalid", body: body, err: core.ErrOTPInvalid, status: 400, code: "otp_invalid", details: map[string]any{}},
		{name: "OTPExpired", body: body, err: core.ErrOTPExpired, status: 400, code: "otp_expired", details: map[string]any{}},
		{name: "OTPAttemptsExceeded", body: body, err: core.ErrOTPAttemptsExceeded, status: 400, code: "otp_attempts_exceeded", details: map[string]any{}},
		{name: "PhoneNotVerified", body: body, err: core.ErrPhoneNotVerified, status: 403, code: "phone_not_verified", details: map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)
			if tt.err != nil {
				b.payments.AddBankAccountFunc = func(context.Context, ports.Principal, payment.BankAccountInput, string) (*payment.BankAccount, error) {
					return nil, tt.err
				}
			}

			rec := b.send(t, http.MethodPost, "/api/wallet/bank-accounts/", tt.body, withBearer(tokenGood))

			e := requireError(t, rec, tt.status, tt.code)
			if tt.details != nil {
				require.Equal(t, tt.details, e["details"])
			}
			for _, f := range tt.fields {
				require.Contains(t, e["details"], f)
			}
		})
	}
}

func TestBankAccountRateLimits(t *testing.T) {
	t.Parallel()
	b := setupPayments(t, func(c *httpapi.PaymentsConfig) {
		c.Limits.BankAccountAdd = ports.PerPeriod("wallet.bank_account_add", 1, time.Hour)
		c.Limits.BankAccountVerify = ports.PerPeriod("wallet.bank_account_verify", 1, time.Hour)
	})
	const body = `{"sheba_number":"` + fixtureSheba + `","otp_code":"123456"}`
	require.Equal(t, http.StatusCreated, b.send(t, http.MethodPost, "/api/wallet/bank-accounts/", body, withBearer(tokenGood)).Code)
	require.Equal(t, http.StatusOK, b.send(t, http.MethodPost, "/api/wallet/bank-accounts/5/verify/", "{}", withBearer(tokenGood)).Code)

	requireError(t, b.send(t, http.MethodPost, "/api/wallet/bank-accounts", body, withBearer(tokenGood)), http.StatusTooManyRequests, "rate_limit_exceeded")
	requireError(t, b.send(t, http.MethodPost, "/api/wallet/bank-accounts/5/verify/", "{}", withBearer(tokenGood)), http.StatusTooManyRequests, "rate_limit_exceeded")
	require.Equal(t, 1, b.limiter.Used("wallet.bank_account_add", fakeUserID.String()))
	require.Equal(t, 1, b.limiter.Used("wallet.bank_account_verify", fakeUserID.String()))
}

func TestDefaultPaymentsLimits(t *testing.T) {
	t.Parallel()
	d := httpapi.DefaultPaymentsLimits()
	require.Equal(t, httpapi.PaymentsLimits{
		BankAccountAdd:    ports.PerPeriod("wallet.bank_account_add", 10, time.Hour),
		BankAccountVerify: ports.PerPeriod("wallet.bank_account_verify", 5, time.Hour),
		DepositCreate:     ports.PerPeriod("wallet.deposit_create", 20, time.Hour),
		ReceiptUpload:     ports.PerPeriod("wallet.receipt_upload", 10, time.Hour),
		Callback:          ports.PerPeriod("wallet.deposit_callback", 60, time.Minute),
		WithdrawalCreate:  ports.PerPeriod("wallet.withdrawal_create", 10, time.Hour),
	}, d)
}

func TestGetBankAccount(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodGet, "/api/wallet/bank-accounts/5", "", withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, wantAccount(), dataOf(t, rec))
	requireError(t, b.send(t, http.MethodGet, "/api/wallet/bank-accounts/6/", "", withBearer(tokenGood)), http.StatusNotFound, "not_found")
	requireError(t, b.send(t, http.MethodGet, "/api/wallet/bank-accounts/5/", "", withBearer(tokenStaff)), http.StatusNotFound, "not_found")
	requireError(t, b.send(t, http.MethodGet, "/api/wallet/bank-accounts/abc/", "", withBearer(tokenGood)), http.StatusNotFound, "not_found")
}

func TestUpdateBankAccount(t *testing.T) {
	t.Parallel()
	// The client sends the whole object back, masked card and read-only fields included.
	whole := `{"id":5,"bank_name":"بانک ملي ايران","bank_code":"999","account_number":"۰۱۱۰۰۰۱۲۳۴۵۶۷","sheba_number":"650170000000110001234567",` +
		`"card_number":"` + fixtureCardMasked + `","account_holder_name":" مریم رضایی ","is_verified":false,"created_at":"x","is_default":false}`
	for _, method := range []string{http.MethodPut, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)

			rec := b.send(t, method, "/api/wallet/bank-accounts/5/", whole, withBearer(tokenGood))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, "حساب بانکی با موفقیت بروزرسانی شد", messageOf(t, rec))
			data := dataOf(t, rec)
			require.Equal(t, false, data["is_default"])
			require.Equal(t, true, data["is_verified"], "read-only fields are ignored")
			call, _ := b.payments.lastPayCall("SetDefaultBankAccount")
			require.Equal(t, payCall{Method: "SetDefaultBankAccount", Principal: call.Principal, ID: 5, Input: false}, call)
		})
	}
	t.Run("FullCardCountsAsEqual", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t)
		rec := b.send(t, http.MethodPatch, "/api/wallet/bank-accounts/5/", `{"card_number":"`+fixtureCard+`","is_default":true}`, withBearer(tokenGood))
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	})
	t.Run("NothingToChange", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t)
		rec := b.send(t, http.MethodPatch, "/api/wallet/bank-accounts/5/", `{}`, withBearer(tokenGood))
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.Equal(t, wantAccount(), dataOf(t, rec))
		require.Equal(t, []string{"BankAccount"}, b.payments.methods())
	})
	t.Run("ImmutableFields", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t)
		body := `{"sheba_number":"IR890120000000004444555566","card_number":"6219861034529007","account_number":"1","bank_name":"ملت","account_holder_name":"دیگری","is_default":true}`

		rec := b.send(t, http.MethodPut, "/api/wallet/bank-accounts/5/", body, withBearer(tokenGood))

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		details, _ := e["details"].(map[string]any)
		require.ElementsMatch(t, []string{"sheba_number", "card_number", "account_number", "bank_name", "account_holder_name"}, keys(details))
		_, called := b.payments.lastPayCall("SetDefaultBankAccount")
		require.False(t, called)
	})
	t.Run("CardRemoved", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t)
		e := requireError(t, b.send(t, http.MethodPatch, "/api/wallet/bank-accounts/5/", `{"card_number":""}`, withBearer(tokenGood)),
			http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "card_number")
	})
	t.Run("OtherUsersAccount", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t)
		requireError(t, b.send(t, http.MethodPatch, "/api/wallet/bank-accounts/9/", `{"is_default":true}`, withBearer(tokenGood)),
			http.StatusNotFound, "not_found")
	})
}

func TestDeleteBankAccount(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodDelete, "/api/wallet/bank-accounts/5/", "", withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, map[string]any{"success": true, "message": "حساب بانکی با موفقیت حذف شد", "data": map[string]any{}}, decodeBody(t, rec))
	call, _ := b.payments.lastPayCall("DeleteBankAccount")
	require.Equal(t, int64(5), call.ID)

	for _, tt := range []struct {
		err  error
		code string
	}{{core.ErrInUse, "in_use"}, {core.ErrDefaultAccountDelete, "default_account_delete"}, {core.ErrNotFound, "not_found"}} {
		b.payments.DeleteBankAccountFunc = func(context.Context, ports.Principal, payment.BankAccountID) error { return tt.err }
		status, _ := httpapi.ErrorStatus(tt.err)
		requireError(t, b.send(t, http.MethodDelete, "/api/wallet/bank-accounts/5/", "", withBearer(tokenGood)), status, tt.code)
	}
}

func TestVerifyBankAccount(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodPost, "/api/wallet/bank-accounts/5/verify/", "{}", withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, wantAccount(), dataOf(t, rec))
	require.Equal(t, "مالکیت حساب بانکی تأیید شد", messageOf(t, rec))

	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		details map[string]any
	}{
		{name: "OwnershipMismatch", err: core.ErrOwnershipMismatch, status: 400, code: "ownership_mismatch", details: map[string]any{}},
		{name: "InquiryUnavailable", err: &core.UnavailableError{Err: core.ErrInquiryUnavailable, RetryAfter: time.Minute}, status: 503,
			code: "inquiry_unavailable", details: map[string]any{"retry_after": 60.0}},
		{name: "KYCRequired", err: &core.KYCRequiredError{RequiredLevel: 1}, status: 403, code: "kyc_required",
			details: map[string]any{"required_level": 1.0, "current_level": 0.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)
			b.payments.VerifyBankAccountFunc = func(context.Context, ports.Principal, payment.BankAccountID) (*payment.BankAccount, error) {
				return nil, tt.err
			}

			e := requireError(t, b.send(t, http.MethodPost, "/api/wallet/bank-accounts/5/verify/", "", withBearer(tokenGood)), tt.status, tt.code)

			require.Equal(t, tt.details, e["details"])
		})
	}
}

func TestCreateDepositOnline(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/api/wallet/deposits/create_deposit/", "/api/wallet/deposits/", "/api/wallet/deposit/", "/api/wallet/deposit"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)

			rec := b.send(t, http.MethodPost, path, `{"amount":"۱,۰۰۰,۰۰۰","gateway":"zarinpal","return_url":"talabin://paid"}`, withBearer(tokenGood))

			require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
			require.Equal(t, "درخواست واریز ایجاد شد", messageOf(t, rec))
			require.Equal(t, map[string]any{"deposit": wantOnlineDeposit(), "payment_url": fixturePaymentURL}, dataOf(t, rec))
			call, _ := b.payments.lastPayCall("CreateDeposit")
			require.Equal(t, ports.DepositInput{Amount: 1_000_000, Method: payment.MethodOnline, Gateway: "zarinpal", ReturnURL: "talabin://paid"}, call.Input)
			require.Equal(t, ports.IdempotentCall{}, call.Call, "no key, no deduplication")
		})
	}
}

func TestCreateDepositBankTransfer(t *testing.T) {
	t.Parallel()
	b := setupPayments(t, func(c *httpapi.PaymentsConfig) { c.TransferDestination = ports.TransferDestination{} })

	rec := b.send(t, http.MethodPost, "/api/wallet/deposits/create_deposit/", `{"amount":5000000,"payment_method":"BANK_TRANSFER"}`, withBearer(tokenGood))

	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	require.Equal(t, "درخواست واریز ایجاد شد. لطفاً مبلغ را به حساب زیر واریز کنید", messageOf(t, rec))
	require.Equal(t, wantTransferDeposit(), dataOf(t, rec), "the service's destination, whatever the configuration")
	call, _ := b.payments.lastPayCall("CreateDeposit")
	require.Equal(t, ports.DepositInput{Amount: 5_000_000, Method: payment.MethodBankTransfer}, call.Input)
}

func TestCreateDepositErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		err     error
		status  int
		code    string
		details map[string]any
		field   string
	}{
		{name: "NoAmount", body: `{}`, status: 400, code: "validation_error", field: "amount"},
		{name: "FractionalAmount", body: `{"amount":"10000.5"}`, status: 400, code: "validation_error", field: "amount"},
		{name: "UnknownMethod", body: `{"amount":10000,"payment_method":"cash"}`, status: 400, code: "validation_error", field: "payment_method"},
		{name: "InvalidJSON", body: `{"amount":`, status: 400, code: "invalid_json"},
		{name: "BelowMinimum", body: `{"amount":5000}`, err: &core.LimitExceededError{Limit: "deposit_amount_min", Bound: 10_000, Actual: 5_000},
			status: 400, code: "limit_exceeded", details: map[string]any{"limit": "deposit_amount_min", "bound": 10_000.0, "actual": 5_000.0}},
		{name: "GatewayUnavailable", body: `{"amount":10000}`, err: core.ErrGatewayUnavailable, status: 503, code: "gateway_unavailable", details: map[string]any{}},
		{name: "PhoneNotVerified", body: `{"amount":10000}`, err: core.ErrPhoneNotVerified, status: 403, code: "phone_not_verified", details: map[string]any{}},
		{name: "ReturnURLNotAllowed", body: `{"amount":10000,"return_url":"https://evil.example/"}`, err: core.FieldError("return_url", "not allowed"),
			status: 400, code: "validation_error", details: map[string]any{"return_url": []any{"not allowed"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)
			if tt.err != nil {
				b.payments.CreateDepositFunc = func(context.Context, ports.Principal, ports.DepositInput) (ports.DepositStarted, error) {
					return ports.DepositStarted{}, tt.err
				}
			}

			e := requireError(t, b.send(t, http.MethodPost, "/api/wallet/deposits/create_deposit/", tt.body, withBearer(tokenGood)), tt.status, tt.code)

			if tt.details != nil {
				require.Equal(t, tt.details, e["details"])
			}
			if tt.field != "" {
				require.Contains(t, e["details"], tt.field)
				_, called := b.payments.lastPayCall("CreateDeposit")
				require.False(t, called)
			}
		})
	}
}

func TestCreateDepositIdempotent(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)
	const key = "6f0e2b1c-3d4a-4b5c-9d8e-7f6a5b4c3d2e"

	first := b.send(t, http.MethodPost, "/api/wallet/deposits/create_deposit/", `{"amount":1000000,"payment_method":"online"}`, withBearer(tokenGood), withKey(key))
	require.Equal(t, http.StatusCreated, first.Code, first.Body.String())
	require.Empty(t, first.Header().Get("Idempotency-Replayed"))

	// The same body, keys reordered, through an alias: the same operation, replayed.
	again := b.send(t, http.MethodPost, "/api/wallet/deposit/", `{"payment_method":"online", "amount":1000000}`, withBearer(tokenGood), withKey(key))

	require.Equal(t, http.StatusCreated, again.Code)
	require.Equal(t, "true", again.Header().Get("Idempotency-Replayed"))
	require.Equal(t, first.Body.String(), again.Body.String())
	require.Equal(t, 1, b.payments.Runs())
	call, _ := b.payments.lastPayCall("CreateDeposit")
	require.Equal(t, "user:42:wallet.create_deposit", call.Call.Key.Scope())

	requireError(t, b.send(t, http.MethodPost, "/api/wallet/deposits/", `{"amount":2000000}`, withBearer(tokenGood), withKey(key)),
		http.StatusConflict, "idempotency_key_reused")
}

func TestPaymentsIdempotencyRequired(t *testing.T) {
	t.Parallel()
	b := setupPayments(t, func(c *httpapi.PaymentsConfig) { c.IdempotencyRequired = true })
	for _, r := range []struct{ path, body string }{
		{"/api/wallet/deposits/create_deposit/", `{"amount":1000000}`},
		{"/api/wallet/deposits/21/cancel/", `{}`},
		{"/api/wallet/withdrawals/create_withdrawal/", `{"bank_account_id":5,"amount":500000,"otp_code":"123456"}`},
		{"/api/wallet/withdrawals/31/cancel/", `{}`},
	} {
		requireError(t, b.send(t, http.MethodPost, r.path, r.body, withBearer(tokenGood)), http.StatusPreconditionRequired, "idempotency_key_required")
		requireError(t, b.send(t, http.MethodPost, r.path, r.body, withBearer(tokenGood), withKey("short")), http.StatusBadRequest, "idempotency_key_invalid")
	}
	require.Zero(t, b.payments.Runs())
	require.Equal(t, http.StatusCreated,
		b.send(t, http.MethodPost, "/api/wallet/deposits/create_deposit/", `{"amount":1000000}`, withBearer(tokenGood), withKey("key-12345678")).Code)
}

func TestDepositRateLimits(t *testing.T) {
	t.Parallel()
	b := setupPayments(t, func(c *httpapi.PaymentsConfig) {
		c.Limits.DepositCreate = ports.PerPeriod("wallet.deposit_create", 1, time.Hour)
		c.Limits.ReceiptUpload = ports.PerPeriod("wallet.receipt_upload", 1, time.Hour)
	})
	require.Equal(t, http.StatusCreated, b.send(t, http.MethodPost, "/api/wallet/deposits/create_deposit/", `{"amount":10000}`, withBearer(tokenGood)).Code)
	requireError(t, b.send(t, http.MethodPost, "/api/wallet/deposit/", `{"amount":10000}`, withBearer(tokenGood)), http.StatusTooManyRequests, "rate_limit_exceeded")

	body, ct := multipartForm(t, nil, "receipt_image", "r.png", []byte("png"))
	require.Equal(t, http.StatusOK, b.send(t, http.MethodPost, "/api/wallet/deposits/22/upload_receipt/", body, withBearer(tokenGood), ct).Code)
	requireError(t, b.send(t, http.MethodPost, "/api/wallet/deposits/22/upload_receipt/", body, withBearer(tokenGood), ct), http.StatusTooManyRequests, "rate_limit_exceeded")
}

func TestListDeposits(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	items, page := listOf(t, b.send(t, http.MethodGet, "/api/wallet/deposits/?status=PAID&page_size=1", "", withBearer(tokenGood)))

	require.Equal(t, []any{wantTransferDeposit(), wantOnlineDeposit()}, items)
	require.InDelta(t, 2, page["count"], 0)
	require.InDelta(t, 2, page["total_pages"], 0)
	require.Equal(t, "http://example.com/api/wallet/deposits/?page=2&page_size=1&status=PAID", page["next"])
	call, _ := b.payments.lastPayCall("Deposits")
	require.Equal(t, []any{payment.DepositPaid, 0, 1}, call.Input)

	for _, q := range []string{"?status=unknown", "?status=done"} {
		e := requireError(t, b.send(t, http.MethodGet, "/api/wallet/deposits/"+q, "", withBearer(tokenGood)), http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "status")
	}
}

func TestGetDeposit(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodGet, "/api/wallet/deposits/22/", "", withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, wantTransferDeposit(), dataOf(t, rec))
	requireError(t, b.send(t, http.MethodGet, "/api/wallet/deposits/23/", "", withBearer(tokenGood)), http.StatusNotFound, "not_found")
	requireError(t, b.send(t, http.MethodGet, "/api/wallet/deposits/22/", "", withBearer(tokenStaff)), http.StatusNotFound, "not_found")
	requireError(t, b.send(t, http.MethodGet, "/api/wallet/deposits/-1/", "", withBearer(tokenGood)), http.StatusNotFound, "not_found")
}

func TestDepositWireStates(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)
	b.payments.DepositFunc = func(context.Context, ports.Principal, payment.DepositID) (*payment.Deposit, error) {
		return withDeposit(fixtureOnlineDeposit(), func(r *payment.DepositRecord) {
			r.Status, r.GatewayReference, r.CardPANMasked, r.Reason = payment.DepositUnknown, "", "", ""
		}), nil
	}

	data := dataOf(t, b.send(t, http.MethodGet, "/api/wallet/deposits/21/", "", withBearer(tokenGood)))

	require.Equal(t, "pending", data["status"], "an unknown outcome reads as pending")
	require.Equal(t, "در انتظار پرداخت", data["status_display"])

	b.payments.DepositFunc = func(context.Context, ports.Principal, payment.DepositID) (*payment.Deposit, error) {
		return withDeposit(fixtureOnlineDeposit(), func(r *payment.DepositRecord) {
			r.Status, r.GatewayReference, r.CardPANMasked, r.Credited, r.VerifiedAt = payment.DepositVerified, "201", "603799******0590", 1_000_000, fixtureAt
		}), nil
	}
	data = dataOf(t, b.send(t, http.MethodGet, "/api/wallet/deposits/21/", "", withBearer(tokenGood)))
	require.Equal(t, "verified", data["status"])
	require.Equal(t, "تایید شده", data["status_display"])
	require.Equal(t, "201", data["gateway_reference"])
	require.Equal(t, "603799******0590", data["card_pan_masked"])
	require.Equal(t, "2025-03-01T14:30:00+03:30", data["verified_at"])

	b.payments.DepositFunc = func(context.Context, ports.Principal, payment.DepositID) (*payment.Deposit, error) {
		return withDeposit(fixtureTransferDeposit(), func(r *payment.DepositRecord) {
			r.Status, r.ReceiptKey, r.Reason = payment.DepositRejected, "receipts/22", "مبلغ واریز نشده است"
		}), nil
	}
	data = dataOf(t, b.send(t, http.MethodGet, "/api/wallet/deposits/22/", "", withBearer(tokenGood)))
	require.Equal(t, "rejected", data["status"])
	require.Equal(t, "مبلغ واریز نشده است", data["rejection_reason"])
	require.Nil(t, data["receipt_image"], "receipts are private: no URL for the owner yet")
}

func TestUploadReceipt(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)
	content := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0, 1, 2, 0xff}, 1000)...)
	body, ct := multipartForm(t, map[string]string{"gateway_reference": "۱۲۳۴۵۶", "notes": " پرداخت از شعبه "}, "receipt_image", "receipt.png", content)

	rec := b.send(t, http.MethodPost, "/api/wallet/deposits/22/upload_receipt/", body, withBearer(tokenGood), ct, withKey("upload-key-1"))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "رسید با موفقیت آپلود شد", messageOf(t, rec))
	data := dataOf(t, rec)
	require.Equal(t, "paid", data["status"])
	require.Equal(t, "پرداخت شده", data["status_display"])
	require.Nil(t, data["receipt_image"])
	require.Equal(t, "پرداخت از شعبه", data["notes"])
	call, _ := b.payments.lastPayCall("UploadReceipt")
	require.Equal(t, receiptRead{Size: int64(len(content)), Content: string(content), GatewayReference: "۱۲۳۴۵۶", Notes: "پرداخت از شعبه"}, call.Input)
	require.Equal(t, int64(22), call.ID)
	require.Equal(t, "user:42:wallet.upload_receipt:22", call.Call.Key.Scope())

	replay := b.send(t, http.MethodPost, "/api/wallet/deposits/22/upload_receipt/", body, withBearer(tokenGood), ct, withKey("upload-key-1"))
	require.Equal(t, "true", replay.Header().Get("Idempotency-Replayed"))
	require.Equal(t, rec.Body.String(), replay.Body.String())

	other, ct2 := multipartForm(t, nil, "receipt_image", "receipt.png", []byte("another file"))
	requireError(t, b.send(t, http.MethodPost, "/api/wallet/deposits/22/upload_receipt/", other, withBearer(tokenGood), ct2, withKey("upload-key-1")),
		http.StatusConflict, "idempotency_key_reused")
}

func TestUploadReceiptErrors(t *testing.T) {
	t.Parallel()
	png, pngType := multipartForm(t, nil, "receipt_image", "r.png", []byte("png"))
	noFile, noFileType := multipartForm(t, map[string]string{"notes": "x"}, "", "", nil)
	empty, emptyType := multipartForm(t, nil, "receipt_image", "r.png", nil)
	tests := []struct {
		name   string
		path   string
		body   string
		opts   []requestOption
		err    error
		status int
		code   string
		field  string
	}{
		{name: "NoFile", body: noFile, opts: []requestOption{noFileType}, status: 400, code: "validation_error", field: "receipt_image"},
		{name: "EmptyFile", body: empty, opts: []requestOption{emptyType}, status: 400, code: "validation_error", field: "receipt_image"},
		{name: "TextInsteadOfFile", body: `{"receipt_image":"data:image/png;base64,AAAA"}`, status: 400, code: "validation_error", field: "receipt_image"},
		{name: "OnlineDeposit", path: "/api/wallet/deposits/21/upload_receipt/", body: png, opts: []requestOption{pngType}, status: 409, code: "invalid_state"},
		{name: "UnsupportedType", body: png, opts: []requestOption{pngType}, err: core.ErrUnsupportedFileType, status: 400, code: "unsupported_file_type"},
		{name: "TooLarge", body: png, opts: []requestOption{pngType}, err: core.ErrFileTooLarge, status: 400, code: "file_too_large"},
		{name: "OtherUsers", path: "/api/wallet/deposits/99/upload_receipt/", body: png, opts: []requestOption{pngType}, status: 404, code: "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)
			if tt.err != nil {
				b.payments.UploadReceiptFunc = func(context.Context, ports.Principal, payment.DepositID, ports.ReceiptInput) (*payment.Deposit, error) {
					return nil, tt.err
				}
			}
			path := tt.path
			if path == "" {
				path = "/api/wallet/deposits/22/upload_receipt/"
			}

			e := requireError(t, b.send(t, http.MethodPost, path, tt.body, append([]requestOption{withBearer(tokenGood)}, tt.opts...)...), tt.status, tt.code)

			if tt.field != "" {
				require.Contains(t, e["details"], tt.field)
				_, called := b.payments.lastPayCall("UploadReceipt")
				require.False(t, called)
			}
		})
	}
}

func TestCancelDeposit(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodPost, "/api/wallet/deposits/21/cancel/", "{}", withBearer(tokenGood), withKey("cancel-dep-1"))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "درخواست واریز لغو شد", messageOf(t, rec))
	data := dataOf(t, rec)
	require.Equal(t, "cancelled", data["status"])
	require.Equal(t, "لغو شده", data["status_display"])
	call, _ := b.payments.lastPayCall("CancelDeposit")
	require.Equal(t, "user:42:wallet.cancel_deposit:21", call.Call.Key.Scope())

	b.payments.CancelDepositFunc = func(context.Context, ports.Principal, payment.DepositID) (*payment.Deposit, error) {
		return nil, &core.InvalidStateError{Object: "deposit", State: "verified", Action: "cancel"}
	}
	e := requireError(t, b.send(t, http.MethodPost, "/api/wallet/deposits/22/cancel/", "", withBearer(tokenGood)), http.StatusConflict, "invalid_state")
	require.Equal(t, map[string]any{"object": "deposit", "state": "verified", "action": "cancel"}, e["details"])
}

func TestGatewayReturn(t *testing.T) {
	t.Parallel()
	t.Run("Get", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t)

		// Public: a stale bearer from the web app is ignored, not refused.
		rec := b.send(t, http.MethodGet, "/api/wallet/deposits/21/callback/?sig=abc&Authority=A1&Status=OK", "", withBearer(tokenExpired))

		require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
		require.Equal(t, fixtureReturnURL, rec.Header().Get("Location"))
		require.NotContains(t, rec.Header().Get("Content-Type"), "json")
		call, _ := b.payments.lastPayCall("GatewayReturn")
		require.Equal(t, payCall{Method: "GatewayReturn", ID: 21, Input: gatewayReturnRead{Sig: "abc", Authority: "A1", Status: "OK"}}, call)
	})
	t.Run("PostForm", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t)

		rec := b.send(t, http.MethodPost, "/api/wallet/deposits/21/callback?sig=abc", "Authority=A2&Status=NOK",
			withContentType("application/x-www-form-urlencoded"), withOrigin(evilOrigin), withCookie("csrftoken", "x"))

		require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
		require.Equal(t, fixtureReturnURL, rec.Header().Get("Location"))
		call, _ := b.payments.lastPayCall("GatewayReturn")
		require.Equal(t, gatewayReturnRead{Sig: "abc", Authority: "A2", Status: "NOK"}, call.Input)
	})
	t.Run("NotAnID", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t)
		requireError(t, b.send(t, http.MethodGet, "/api/wallet/deposits/abc/callback/?sig=x", ""), http.StatusNotFound, "not_found")
		require.Empty(t, b.payments.methods())
	})
	t.Run("FailureWithPage", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t)
		b.payments.GatewayReturnFunc = func(context.Context, payment.DepositID, string, *http.Request) (string, error) {
			return "https://app.talabin.test/payment/failure?amount=1000000", core.ErrRetryable
		}
		rec := b.send(t, http.MethodGet, "/api/wallet/deposits/21/callback/", "")
		require.Equal(t, http.StatusSeeOther, rec.Code)
		require.Equal(t, "https://app.talabin.test/payment/failure?amount=1000000", rec.Header().Get("Location"))
	})
	t.Run("FailureWithoutPage", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t)
		b.payments.GatewayReturnFunc = func(context.Context, payment.DepositID, string, *http.Request) (string, error) {
			return "", core.ErrRetryable
		}
		requireError(t, b.send(t, http.MethodGet, "/api/wallet/deposits/21/callback/", ""), http.StatusInternalServerError, "internal_error")
	})
	t.Run("RateLimitedPerIP", func(t *testing.T) {
		t.Parallel()
		b := setupPayments(t, func(c *httpapi.PaymentsConfig) {
			c.Limits.Callback = ports.PerPeriod("wallet.deposit_callback", 1, time.Minute)
		})
		require.Equal(t, http.StatusSeeOther, b.send(t, http.MethodGet, "/api/wallet/deposits/21/callback/", "").Code)
		requireError(t, b.send(t, http.MethodGet, "/api/wallet/deposits/21/callback/", ""), http.StatusTooManyRequests, "rate_limit_exceeded")
		require.Equal(t, 1, b.limiter.Used("wallet.deposit_callback", clientAddr))
	})
}

func TestCreateWithdrawal(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ path, body string }{
		{"/api/wallet/withdrawals/create_withdrawal/", `{"bank_account_id":"۵","amount":"500,000","otp_code":"۱۲۳۴۵۶"}`},
		{"/api/wallet/withdrawals/", `{"bank_account_id":5,"amount":500000,"code":"123456"}`},
		{"/api/wallet/withdraw/", `{"bank_account_id":5,"amount":500000.00,"otp_code":"123456"}`},
	} {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)

			rec := b.send(t, http.MethodPost, tt.path, tt.body, withBearer(tokenGood))

			require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
			require.Equal(t, "درخواست برداشت ثبت شد و در حال بررسی است", messageOf(t, rec))
			require.Equal(t, wantWithdrawal(), dataOf(t, rec))
			call, _ := b.payments.lastPayCall("CreateWithdrawal")
			require.Equal(t, ports.WithdrawalInput{BankAccount: 5, Amount: 500_000, OTP: "123456"}, call.Input)
		})
	}
}

func TestCreateWithdrawalErrors(t *testing.T) {
	t.Parallel()
	const body = `{"bank_account_id":5,"amount":500000,"otp_code":"123456"}`
	tests := []struct {
		name    string
		body    string
		err     error
		status  int
		code    string
		details map[string]any
		fields  []string
	}{
		{name: "Empty", body: `{}`, status: 400, code: "validation_error", fields: []string{"bank_account_id", "amount", "otp_code"}},
		{name: "BadAccountID", body: `{"bank_account_id":0,"amount":500000,"otp_code":"1"}`, status: 400, code: "validation_error", fields: []string{"bank_account_id"}},
		{name: "UnknownAccount", body: `{"bank_account_id":9,"amount":500000,"otp_code":"1"}`, err: core.ErrNotFound, status: 404, code: "not_found", details: map[string]any{}},
		{name: "Unverified", body: body, err: core.ErrBankAccountUnverified, status: 400, code: "bank_account_unverified", details: map[string]any{}},
		{name: "Insufficient", body: body, err: &core.InsufficientBalanceError{Asset: "IRR", Required: 502_500, Available: 100_000}, status: 400,
			code: "insufficient_balance", details: map[string]any{"asset": "IRR", "required": 502_500.0, "available": 100_000.0}},
		{name: "Limit", body: body, err: &core.LimitExceededError{Limit: "withdrawal_daily_max", Bound: 500_000_000, Actual: 500_500_000}, status: 400,
			code: "limit_exceeded", details: map[string]any{"limit": "withdrawal_daily_max", "bound": 500_000_000.0, "actual": 500_500_000.0}},
		{name: "KYC", body: body, err: &core.KYCRequiredError{RequiredLevel: 1}, status: 403, code: "kyc_required",
			details: map[string]any{"required_level": 1.0, "current_level": 0.0}},
		{name: "OTPInvalid", body: body, err: core.ErrOTPInvalid, status: 400, code: "otp_invalid", details: map[string]any{}},
		{name: "OTPExpired", body: body, err: core.ErrOTPExpired, status: 400, code: "otp_expired", details: map[string]any{}},
		{name: "OTPAttempts", body: body, err: core.ErrOTPAttemptsExceeded, status: 400, code: "otp_attempts_exceeded", details: map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)
			if tt.err != nil {
				b.payments.CreateWithdrawalFunc = func(context.Context, ports.Principal, ports.WithdrawalInput) (*payment.Withdrawal, error) {
					return nil, tt.err
				}
			}

			e := requireError(t, b.send(t, http.MethodPost, "/api/wallet/withdrawals/create_withdrawal/", tt.body, withBearer(tokenGood)), tt.status, tt.code)

			if tt.details != nil {
				require.Equal(t, tt.details, e["details"])
			}
			for _, f := range tt.fields {
				require.Contains(t, e["details"], f)
			}
		})
	}
}

func TestCreateWithdrawalIdempotent(t *testing.T) {
	t.Parallel()
	b := setupPayments(t, func(c *httpapi.PaymentsConfig) {
		c.Limits.WithdrawalCreate = ports.PerPeriod("wallet.withdrawal_create", 2, time.Hour)
	})
	const body = `{"bank_account_id":5,"amount":500000,"otp_code":"123456"}`
	first := b.send(t, http.MethodPost, "/api/wallet/withdraw/", body, withBearer(tokenGood), withKey("withdraw-key-1"))
	require.Equal(t, http.StatusCreated, first.Code, first.Body.String())

	again := b.send(t, http.MethodPost, "/api/wallet/withdrawals/create_withdrawal/", body, withBearer(tokenGood), withKey("withdraw-key-1"))

	require.Equal(t, "true", again.Header().Get("Idempotency-Replayed"))
	require.Equal(t, first.Body.String(), again.Body.String(), "the stored answer has the account's details too")
	require.Equal(t, 1, b.payments.Runs())

	requireError(t, b.send(t, http.MethodPost, "/api/wallet/withdrawals/", body, withBearer(tokenGood)), http.StatusTooManyRequests, "rate_limit_exceeded")
}

func TestListWithdrawals(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)
	deleted := withWithdrawal(fixtureWithdrawal(), func(r *payment.WithdrawalRecord) {
		r.ID, r.BankAccount, r.Status, r.TrackingCode, r.ProcessedAt = 30, 4, payment.WithdrawalCompleted, "PAYA-77", fixtureAt
	})
	b.payments.WithdrawalsFunc = func(context.Context, ports.Principal, payment.WithdrawalStatus, int, int) ([]*payment.Withdrawal, int, error) {
		return []*payment.Withdrawal{fixtureWithdrawal(), deleted}, 2, nil
	}

	items, page := listOf(t, b.send(t, http.MethodGet, "/api/wallet/withdrawals/?status=Completed", "", withBearer(tokenGood)))

	require.Len(t, items, 2)
	require.Equal(t, wantWithdrawal(), items[0])
	second, _ := items[1].(map[string]any)
	require.InDelta(t, 4, second["bank_account"], 0)
	require.Nil(t, second["bank_account_details"], "an account the service does not show")
	require.Equal(t, "completed", second["status"])
	require.Equal(t, "تکمیل شده", second["status_display"])
	require.Equal(t, "PAYA-77", second["tracking_code"])
	require.Equal(t, "2025-03-01T14:30:00+03:30", second["processed_at"])
	require.InDelta(t, 2, page["count"], 0)
	call, _ := b.payments.lastPayCall("Withdrawals")
	require.Equal(t, []any{payment.WithdrawalCompleted, 0, 20}, call.Input)
	require.Equal(t, []string{"Withdrawals", "BankAccounts", "BankAccount"}, b.payments.methods(), "active accounts at once, the missing one alone")

	requireError(t, b.send(t, http.MethodGet, "/api/wallet/withdrawals/?status=paid", "", withBearer(tokenGood)), http.StatusBadRequest, "validation_error")
}

func TestGetWithdrawal(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodGet, "/api/wallet/withdrawals/31/", "", withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, wantWithdrawal(), dataOf(t, rec))
	requireError(t, b.send(t, http.MethodGet, "/api/wallet/withdrawals/32/", "", withBearer(tokenGood)), http.StatusNotFound, "not_found")
	requireError(t, b.send(t, http.MethodGet, "/api/wallet/withdrawals/x/", "", withBearer(tokenGood)), http.StatusNotFound, "not_found")
}

func TestCancelWithdrawal(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodPost, "/api/wallet/withdrawals/31/cancel/", "{}", withBearer(tokenGood), withKey("cancel-wd-1"))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "درخواست برداشت لغو شد", messageOf(t, rec))
	data := dataOf(t, rec)
	require.Equal(t, "cancelled", data["status"])
	require.Equal(t, wantAccount(), data["bank_account_details"])
	call, _ := b.payments.lastPayCall("CancelWithdrawal")
	require.Equal(t, "user:42:wallet.cancel_withdrawal:31", call.Call.Key.Scope())

	replay := b.send(t, http.MethodPost, "/api/wallet/withdrawals/31/cancel/", "", withBearer(tokenGood), withKey("cancel-wd-1"))
	require.Equal(t, "true", replay.Header().Get("Idempotency-Replayed"))
	require.Equal(t, rec.Body.String(), replay.Body.String())

	b.payments.CancelWithdrawalFunc = func(context.Context, ports.Principal, payment.WithdrawalID) (*payment.Withdrawal, error) {
		return nil, core.ErrNotFound
	}
	requireError(t, b.send(t, http.MethodPost, "/api/wallet/withdrawals/32/cancel/", "{}", withBearer(tokenGood)), http.StatusNotFound, "not_found")
	b.payments.CancelWithdrawalFunc = func(context.Context, ports.Principal, payment.WithdrawalID) (*payment.Withdrawal, error) {
		return nil, &core.InvalidStateError{Object: "withdrawal", State: "processing", Action: "cancel"}
	}
	requireError(t, b.send(t, http.MethodPost, "/api/wallet/withdrawals/31/cancel/", "{}", withBearer(tokenGood)), http.StatusConflict, "invalid_state")
}

func TestPaymentsMessagesInEnglish(t *testing.T) {
	t.Parallel()
	b := setupPayments(t)

	rec := b.send(t, http.MethodPost, "/api/wallet/deposits/21/cancel/", "{}", withBearer(tokenGood), inEnglish())

	require.Equal(t, "The deposit was cancelled.", messageOf(t, rec))
	require.Equal(t, "لغو شده", dataOf(t, rec)["status_display"], "labels stay Persian, as in the original")
}

func TestNewPaymentsValidatesConfig(t *testing.T) {
	t.Parallel()
	auth, err := httpapi.NewAuth(testAuthConfig(newFakeAccounts(), newCountingLimiter()))
	require.NoError(t, err)
	fake := newFakePayments()

	_, err = httpapi.NewPayments(nil, httpapi.PaymentsConfig{})
	require.ErrorContains(t, err, "auth is required")
	require.ErrorContains(t, err, "payments and staff are required")

	_, err = httpapi.NewPayments(auth, httpapi.PaymentsConfig{Payments: fake, Staff: fake, Limits: httpapi.PaymentsLimits{
		Callback: ports.PerPeriod("bad name", 1, time.Minute),
	}})
	require.ErrorIs(t, err, ports.ErrInvalidLimit)

	p, err := httpapi.NewPayments(auth, httpapi.PaymentsConfig{Payments: fake, Staff: fake})
	require.NoError(t, err)
	require.NotNil(t, p)
}

func TestWithHandlerMountsPlainHandler(t *testing.T) {
	t.Parallel()
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<form>" + r.Method + " " + r.URL.Path + "</form>")) //nolint:gosec // G705: a test page echoing its own request to the test
	})
	h, err := httpapi.NewRouter(discardLogger(), mustReadiness(t), testAuthConfig(newFakeAccounts(), newCountingLimiter()),
		httpapi.MetricsEndpoint{}, httpapi.WithHandler("/sandbox/pay/", page))
	require.NoError(t, err)

	for _, tt := range []struct{ method, path, want string }{
		{http.MethodGet, "/sandbox/pay/A0001?amount=10000", "<form>GET /sandbox/pay/A0001</form>"},
		{http.MethodPost, "/sandbox/pay/A0001/", "<form>POST /sandbox/pay/A0001/</form>"},
		{http.MethodGet, "/sandbox/pay", "<form>GET /sandbox/pay</form>"},
	} {
		rec := send(t, testRouter{h}, tt.method, tt.path, "") // a test page, outside the OpenAPI document
		require.Equal(t, http.StatusOK, rec.Code, tt.path)
		require.Equal(t, tt.want, rec.Body.String())
		require.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
		require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"), "the router's headers still apply")
		require.NotEmpty(t, rec.Header().Get("X-Request-ID"))
	}
	requireError(t, send(t, h, http.MethodGet, "/sandbox/other/", ""), http.StatusNotFound, "not_found")

	for _, bad := range []struct {
		pattern string
		h       http.Handler
	}{{"sandbox/pay/", page}, {"/", page}, {"//", page}, {"/sandbox/pay/", nil}} {
		_, err := httpapi.NewRouter(discardLogger(), mustReadiness(t), testAuthConfig(newFakeAccounts(), newCountingLimiter()),
			httpapi.MetricsEndpoint{}, httpapi.WithHandler(bad.pattern, bad.h))
		require.Error(t, err, bad.pattern)
	}
}

func TestPaymentsBesideTrading(t *testing.T) {
	t.Parallel()
	trade, fake := newFakeTrading(), newFakePayments()
	h, err := httpapi.NewRouter(discardLogger(), mustReadiness(t), testAuthConfig(newFakeAccounts(), newCountingLimiter()), httpapi.MetricsEndpoint{},
		httpapi.WithTrading(httpapi.TradingConfig{Prices: trade, Control: trade, Trading: trade, Wallets: trade}),
		httpapi.WithPayments(httpapi.PaymentsConfig{Payments: fake, Staff: fake}))
	require.NoError(t, err)

	require.Equal(t, http.StatusOK, send(t, h, http.MethodGet, "/api/wallet/balance/", "", withBearer(tokenGood)).Code)
	require.Equal(t, http.StatusOK, send(t, h, http.MethodGet, "/api/wallet/deposits/", "", withBearer(tokenGood)).Code)
	rec := send(t, h, http.MethodGet, "/api/wallet/deposits/22/", "", withBearer(tokenGood))
	require.Nil(t, dataOf(t, rec)["transfer_destination"], "no destination configured")
	require.True(t, strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json"))
}
