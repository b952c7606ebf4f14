package zarinpal_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/payment/zarinpal"
	"github.com/talabin/talabin/adapters/payment/zarinpal/zarinpalfake"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     zarinpal.Config
		wantErr bool
	}{
		{"Valid", zarinpal.Config{MerchantID: testMerchant}, false},
		{"Toman", zarinpal.Config{MerchantID: testMerchant, Currency: zarinpal.CurrencyToman}, false},
		{"NoMerchant", zarinpal.Config{}, true},
		{"ShortMerchant", zarinpal.Config{MerchantID: "abc"}, true},
		{"BadCurrency", zarinpal.Config{MerchantID: testMerchant, Currency: "USD"}, true},
		{"BadBaseURL", zarinpal.Config{MerchantID: testMerchant, BaseURL: "payment.zarinpal.com"}, true},
		{"NegativeTimeout", zarinpal.Config{MerchantID: testMerchant, Timeout: -1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := zarinpal.New(tt.cfg)
			if tt.wantErr {
				require.ErrorContains(t, err, "zarinpal: invalid config")
				return
			}
			require.NoError(t, err)
		})
	}
}

// TestToman checks §4.2: with IRT the wire carries tomans, the fake stores rials, and a
// verify compares in the request's unit; rials that are no whole toman are refused.
func TestToman(t *testing.T) {
	t.Parallel()
	b := setup(t, zarinpalfake.Config{}, func(c *zarinpal.Config) { c.Currency = zarinpal.CurrencyToman })
	req := ports.PaymentRequest{OrderID: "dep-1", Amount: 250_000, CallbackURL: testCallback}
	s, err := b.client.Request(t.Context(), req)
	require.NoError(t, err)
	got, ok := b.fake.Session(s.Authority)
	require.True(t, ok)
	require.Equal(t, int64(250_000), got.AmountRial)
	require.Equal(t, "IRT", got.Currency)
	require.Equal(t, map[string]string{"order_id": "dep-1"}, got.Metadata)
	_, err = b.fake.Settle(s.Authority, zarinpalfake.Paid)
	require.NoError(t, err)
	v, err := b.client.Verify(t.Context(), ports.VerifyRequest{Authority: s.Authority, OrderID: "dep-1", Amount: 250_000})
	require.NoError(t, err)
	require.Equal(t, ports.PaymentPaid, v.Status)

	req.Amount = 250_005
	_, err = b.client.Request(t.Context(), req)
	require.ErrorIs(t, err, core.ErrInvalidInput)
	require.Equal(t, 2, b.fake.Requests())
}

// TestRefusals checks how the gateway's refusals of a request read.
func TestRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fake   zarinpalfake.Config
		amount core.Rial
		cb     string
		want   error
	}{
		{"BelowMinimum", zarinpalfake.Config{}, 9_990, testCallback, core.ErrInvalidInput},
		{"AboveMaximum", zarinpalfake.Config{}, 1_000_000_010, testCallback, core.ErrInvalidInput},
		{"CallbackDomain", zarinpalfake.Config{}, 100_000, "https://evil.test/cb", core.ErrInvalidInput},
		{"Merchant", zarinpalfake.Config{Merchants: []string{"ffffffff-0048-11e8-94db-005056a205be"}}, 100_000, testCallback, core.ErrGatewayUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.fake, nil)
			_, err := b.client.Request(t.Context(), ports.PaymentRequest{OrderID: "dep-1", Amount: tt.amount, CallbackURL: tt.cb})
			require.ErrorIs(t, err, tt.want)
			var apiErr *zarinpal.APIError
			require.ErrorAs(t, err, &apiErr)
		})
	}
}

// TestCodeClassification checks every code of §4.4 that a call can meet.
func TestCodeClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code int
		want error
	}{
		{-9, core.ErrInvalidInput}, {-10, core.ErrGatewayUnavailable}, {-11, core.ErrGatewayUnavailable},
		{-12, core.ErrGatewayUnavailable}, {-13, core.ErrGatewayUnavailable}, {-14, core.ErrInvalidInput},
		{-15, core.ErrGatewayUnavailable}, {-16, core.ErrGatewayUnavailable}, {-17, core.ErrGatewayUnavailable},
		{-18, core.ErrGatewayUnavailable}, {-19, core.ErrGatewayUnavailable}, {-30, core.ErrInvalidInput},
		{-36, core.ErrInvalidInput}, {-39, core.ErrInvalidInput}, {-40, core.ErrInvalidInput},
		{-41, core.ErrInvalidInput}, {-50, ports.ErrPaymentMismatch}, {-52, ports.ErrPaymentOutcomeUnknown},
		{-53, core.ErrNotFound}, {-54, core.ErrNotFound}, {-55, core.ErrNotFound}, {-61, core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			t.Parallel()
			b := setup(t, zarinpalfake.Config{}, nil)
			b.fake.SetFault(zarinpalfake.Fault{Code: tt.code})
			_, err := b.client.Request(t.Context(), ports.PaymentRequest{OrderID: "dep-1", Amount: 100_000, CallbackURL: testCallback})
			require.ErrorIs(t, err, tt.want)
		})
	}
}

// TestStartPayRedirect checks the fake's payment page keeps the callback's own query.
func TestStartPayRedirect(t *testing.T) {
	t.Parallel()
	b := setup(t, zarinpalfake.Config{}, nil)
	s, err := b.client.Request(t.Context(), ports.PaymentRequest{OrderID: "dep-1", Amount: 100_000, CallbackURL: testCallback})
	require.NoError(t, err)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.RedirectURL+"?result=canceled", nil)
	require.NoError(t, err)
	resp, err := client.Do(req) //nolint:gosec // the test's own server
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := resp.Location()
	require.NoError(t, err)
	require.Equal(t, "7", loc.Query().Get("deposit"))
	cbReq, err := http.NewRequestWithContext(t.Context(), http.MethodGet, loc.String(), nil)
	require.NoError(t, err)
	cb, err := b.client.ParseCallback(cbReq)
	require.NoError(t, err)
	require.Equal(t, ports.Callback{Authority: s.Authority, Status: "NOK"}, cb)
}
