package payment_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
)

func TestParseIDs(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		in      string
		want    int64
		wantErr bool
	}{
		{name: "One", in: "1", want: 1},
		{name: "Large", in: "9223372036854775807", want: 9223372036854775807},
		{name: "PersianDigits", in: "۱۲۳", want: 123},
		{name: "ArabicIndicDigits", in: "٤٥", want: 45},
		{name: "MixedScripts", in: "1۲3", want: 123},
		{name: "LeadingZeros", in: "007", want: 7},
		{name: "Empty", in: "", wantErr: true},
		{name: "Zero", in: "0", wantErr: true},
		{name: "PersianZero", in: "۰", wantErr: true},
		{name: "Negative", in: "-5", wantErr: true},
		{name: "Letters", in: "12a", wantErr: true},
		{name: "Prefixed", in: "dep_12", wantErr: true},
		{name: "Fraction", in: "1.5", wantErr: true},
		{name: "Overflow", in: "9223372036854775808", wantErr: true},
	}
	parsers := []struct {
		name  string
		parse func(string) (int64, error)
	}{
		{name: "Deposit", parse: func(s string) (int64, error) {
			id, err := payment.ParseDepositID(s)
			return int64(id), err
		}},
		{name: "Withdrawal", parse: func(s string) (int64, error) {
			id, err := payment.ParseWithdrawalID(s)
			return int64(id), err
		}},
		{name: "BankAccount", parse: func(s string) (int64, error) {
			id, err := payment.ParseBankAccountID(s)
			return int64(id), err
		}},
	}
	for _, p := range parsers {
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				got, err := p.parse(tt.in)
				if tt.wantErr {
					require.ErrorIs(t, err, core.ErrInvalidInput)
					require.Zero(t, got)
					return
				}
				require.NoError(t, err)
				require.Equal(t, tt.want, got)
			})
		}
	}
}

func TestIDString(t *testing.T) {
	t.Parallel()

	require.Equal(t, "12", payment.DepositID(12).String())
	require.Equal(t, "345", payment.WithdrawalID(345).String())
	require.Equal(t, "6789", payment.BankAccountID(6789).String())

	// The decimal form parses back to the same id.
	d, err := payment.ParseDepositID(payment.DepositID(987654321).String())
	require.NoError(t, err)
	require.Equal(t, payment.DepositID(987654321), d)
}
