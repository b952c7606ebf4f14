package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// TestGoldenPayments snapshots the payment answers clients parse: a bank account list, both
// kinds of created deposit, a deposit list, a created withdrawal and a refused one.
func TestGoldenPayments(t *testing.T) {
	t.Parallel()
	short := func(b paymentsBundle) {
		b.payments.CreateWithdrawalFunc = func(context.Context, ports.Principal, ports.WithdrawalInput) (*payment.Withdrawal, error) {
			return nil, &core.InsufficientBalanceError{Asset: "IRR", Required: 502_500, Available: 100_000}
		}
	}
	const withdrawal = `{"bank_account_id":5,"amount":500000,"otp_code":"123456"}`
	tests := []struct {
		name, method, path, body string
		prepare                  func(b paymentsBundle)
	}{
		{name: "payments_bank_accounts", method: http.MethodGet, path: "/api/wallet/bank-accounts/"},
		{name: "payments_deposit_online", method: http.MethodPost, path: "/api/wallet/deposits/create_deposit/", body: `{"amount":1000000}`},
		{name: "payments_deposit_transfer", method: http.MethodPost, path: "/api/wallet/deposits/create_deposit/", body: `{"amount":5000000,"payment_method":"bank_transfer"}`},
		{name: "payments_deposits", method: http.MethodGet, path: "/api/wallet/deposits/"},
		{name: "payments_withdrawal", method: http.MethodPost, path: "/api/wallet/withdrawals/create_withdrawal/", body: withdrawal},
		{name: "payments_withdrawal_insufficient", method: http.MethodPost, path: "/api/wallet/withdrawals/create_withdrawal/", body: withdrawal, prepare: short},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupPayments(t)
			if tt.prepare != nil {
				tt.prepare(b)
			}

			rec := b.send(t, tt.method, tt.path, tt.body, withBearer(tokenGood), withHeader("X-Request-ID", "golden-"+tt.name))

			requireGolden(t, tt.name, rec)
		})
	}
}
