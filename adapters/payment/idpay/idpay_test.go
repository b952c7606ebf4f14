package idpay_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/payment/idpay"
	"github.com/talabin/talabin/adapters/payment/idpay/idpayfake"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

const amount = core.Rial(1_250_000)

func request(orderID string) ports.PaymentRequest {
	return ports.PaymentRequest{OrderID: orderID, Amount: amount, CallbackURL: testCallback}
}

// paid opens a payment for dep-1 and pays it.
func paid(t *testing.T, b *bundle) ports.PaymentSession {
	t.Helper()
	s, err := b.client.Request(t.Context(), request("dep-1"))
	require.NoError(t, err)
	_, err = b.fake.Settle(s.Authority, idpayfake.Paid)
	require.NoError(t, err)
	return s
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     idpay.Config
		wantErr bool
	}{
		{"Valid", idpay.Config{APIKey: testKey}, false},
		{"Sandbox", idpay.Config{APIKey: testKey, Sandbox: true}, false},
		{"NoKey", idpay.Config{}, true},
		{"ShortKey", idpay.Config{APIKey: "abc"}, true},
		{"BadBaseURL", idpay.Config{APIKey: testKey, BaseURL: "api.idpay.ir/v1.1"}, true},
		{"NegativeTimeout", idpay.Config{APIKey: testKey, Timeout: -1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := idpay.New(tt.cfg)
			if tt.wantErr {
				require.ErrorContains(t, err, "idpay: invalid config")
				return
			}
			require.NoError(t, err)
		})
	}
}

// TestRequestFields checks what payment sends: rials, order id, callback, and the optional
// fields, the description cut to 255 characters.
func TestRequestFields(t *testing.T) {
	t.Parallel()
	b := setup(t, idpayfake.Config{}, nil)
	req := request("dep-1")
	req.Description = strings.Repeat("ط", 300)
	req.Email = "buyer@example.com"
	s, err := b.client.Request(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, b.url+"/p/ws/"+s.Authority, s.RedirectURL)
	got, ok := b.fake.Session(s.Authority)
	require.True(t, ok)
	require.Equal(t, int64(amount), got.AmountRial)
	require.Equal(t, "dep-1", got.OrderID)
	require.Equal(t, testCallback, got.Callback)
	require.Equal(t, strings.Repeat("ط", 255), got.Desc)
	require.Equal(t, "buyer@example.com", got.Mail)
	require.False(t, got.Sandbox)
}

// TestSandbox checks X-SANDBOX: the fake skips the callback domain check and links to the
// sandbox page.
func TestSandbox(t *testing.T) {
	t.Parallel()
	b := setup(t, idpayfake.Config{}, func(c *idpay.Config) { c.Sandbox = true })
	req := request("dep-1")
	req.CallbackURL = "https://elsewhere.test/cb"
	s, err := b.client.Request(t.Context(), req)
	require.NoError(t, err)
	require.Equal(t, b.url+"/p/ws-sandbox/"+s.Authority, s.RedirectURL)
	got, ok := b.fake.Session(s.Authority)
	require.True(t, ok)
	require.True(t, got.Sandbox)
}

// TestRefusals checks the fake's own refusals of a payment and how they read.
func TestRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fake   idpayfake.Config
		amount core.Rial
		cb     string
		code   int
		want   error
	}{
		{"BelowMinimum", idpayfake.Config{}, 999, testCallback, 34, core.ErrInvalidInput},
		{"AboveMaximum", idpayfake.Config{}, 500_000_001, testCallback, 35, core.ErrInvalidInput},
		{"AboveAccountLimit", idpayfake.Config{AccountLimit: 1_000_000}, 1_000_001, testCallback, 36, core.ErrInvalidInput},
		{"CallbackDomain", idpayfake.Config{}, 100_000, "https://evil.test/cb", 38, core.ErrInvalidInput},
		{"UnknownKey", idpayfake.Config{APIKeys: []string{"ffffffff-7c20-4412-a972-6dfb7cd253a4"}}, 100_000, testCallback, 12, core.ErrGatewayUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.fake, nil)
			_, err := b.client.Request(t.Context(), ports.PaymentRequest{OrderID: "dep-1", Amount: tt.amount, CallbackURL: tt.cb})
			require.ErrorIs(t, err, tt.want)
			var apiErr *idpay.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.code, apiErr.Code)
		})
	}
}

// TestErrorCodes checks every error_code of §5.4, each answered with its HTTP status.
func TestErrorCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code int
		want error
	}{
		{11, core.ErrGatewayUnavailable}, {12, core.ErrGatewayUnavailable}, {13, core.ErrGatewayUnavailable},
		{14, core.ErrGatewayUnavailable}, {21, core.ErrGatewayUnavailable}, {22, core.ErrGatewayUnavailable},
		{23, core.ErrGatewayUnavailable}, {24, core.ErrGatewayUnavailable},
		{31, core.ErrInvalidInput}, {32, core.ErrInvalidInput}, {33, core.ErrInvalidInput}, {34, core.ErrInvalidInput},
		{35, core.ErrInvalidInput}, {36, core.ErrInvalidInput}, {37, core.ErrInvalidInput}, {38, core.ErrInvalidInput},
		{39, core.ErrInvalidInput}, {41, core.ErrInvalidInput}, {42, core.ErrInvalidInput}, {43, core.ErrInvalidInput},
		{44, core.ErrInvalidInput},
		{51, core.ErrGatewayUnavailable}, {52, core.ErrNotFound}, {53, core.ErrInvalidInput}, {54, core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			t.Parallel()
			b := setup(t, idpayfake.Config{}, nil)
			b.fake.SetFault(idpayfake.Fault{Code: tt.code})
			_, err := b.client.Request(t.Context(), request("dep-1"))
			require.ErrorIs(t, err, tt.want)
			for _, other := range []error{core.ErrGatewayUnavailable, core.ErrInvalidInput, core.ErrNotFound, ports.ErrPaymentOutcomeUnknown} {
				if !errors.Is(tt.want, other) {
					require.NotErrorIs(t, err, other)
				}
			}
			var apiErr *idpay.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.code, apiErr.Code)
			require.Equal(t, 1, b.fake.Requests())
		})
	}
}

// TestVerifyNotVerifiable checks that 53 and 54 on verify read as not paid.
func TestVerifyNotVerifiable(t *testing.T) {
	t.Parallel()
	for _, code := range []int{53, 54} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			t.Parallel()
			b := setup(t, idpayfake.Config{}, nil)
			s := paid(t, b)
			b.fake.SetFault(idpayfake.Fault{Code: code})
			v, err := b.client.Verify(t.Context(), ports.VerifyRequest{Authority: s.Authority, OrderID: "dep-1", Amount: amount})
			require.NoError(t, err)
			require.Equal(t, ports.Verification{Status: ports.PaymentNotPaid}, v)
		})
	}
}

// TestVerifyWindow checks §5.6: a verify more than ten minutes after payment finds the
// payment returned (54, not paid), and inquiry then shows it reversed.
func TestVerifyWindow(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	var clk clock
	clk.set(now)
	b := setup(t, idpayfake.Config{Now: clk.now}, nil)
	s := paid(t, b)
	clk.set(now.Add(10*time.Minute + time.Second))
	v, err := b.client.Verify(t.Context(), ports.VerifyRequest{Authority: s.Authority, OrderID: "dep-1", Amount: amount})
	require.NoError(t, err)
	require.Equal(t, ports.PaymentNotPaid, v.Status)
	got, err := b.client.Inquire(t.Context(), ports.InquiryRequest{Authority: s.Authority, OrderID: "dep-1"})
	require.NoError(t, err)
	require.Equal(t, ports.PaymentReversed, got.State)
}

// TestVerifyEcho checks the tamper checks of §5.6: a verify echoing another id, order id or
// amount is a mismatch; one echoing none is unreadable; numbers sent as numbers are read.
func TestVerifyEcho(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tamper map[string]any
		want   error // nil when the verify reads as paid
	}{
		{"Amount", map[string]any{"amount": "1260000"}, ports.ErrPaymentMismatch},
		{"AmountAsNumber", map[string]any{"amount": 1_250_000, "status": "100", "track_id": 10001}, nil},
		{"PaymentAmount", map[string]any{"payment": map[string]any{"amount": "1", "track_id": "1"}}, ports.ErrPaymentMismatch},
		{"OrderID", map[string]any{"order_id": "dep-2"}, ports.ErrPaymentMismatch},
		{"ID", map[string]any{"id": strings.Repeat("a", 32)}, ports.ErrPaymentMismatch},
		{"NoAmount", map[string]any{"amount": nil}, ports.ErrPaymentOutcomeUnknown},
		{"NoOrderID", map[string]any{"order_id": ""}, ports.ErrPaymentOutcomeUnknown},
		{"UnknownStatus", map[string]any{"status": 10}, ports.ErrPaymentOutcomeUnknown},
		{"NoTrackID", map[string]any{"track_id": nil, "payment": nil}, ports.ErrPaymentOutcomeUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, idpayfake.Config{}, nil)
			s := paid(t, b)
			b.fake.SetFault(idpayfake.Fault{Tamper: tt.tamper})
			v, err := b.client.Verify(t.Context(), ports.VerifyRequest{Authority: s.Authority, OrderID: "dep-1", Amount: amount})
			if tt.want == nil {
				require.NoError(t, err)
				require.Equal(t, ports.PaymentPaid, v.Status)
				require.Equal(t, "10001", v.RefID)
				require.Equal(t, "603799******7999", v.CardPANMasked)
				require.NotEmpty(t, v.CardHash)
				return
			}
			require.ErrorIs(t, err, tt.want)
			require.Zero(t, v)
		})
	}
}

// TestInquireStatuses checks that the statuses of §5.5 read as the port's states and that an
// inquiry echoing another order id is a mismatch.
func TestInquireStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status any
		want   ports.PaymentState
	}{
		{1, ports.PaymentPending}, {8, ports.PaymentPending}, {2, ports.PaymentFailed}, {3, ports.PaymentFailed},
		{4, ports.PaymentFailed}, {7, ports.PaymentFailed}, {5, ports.PaymentReversed}, {"6", ports.PaymentReversed},
		{10, ports.PaymentAwaitingVerify}, {100, ports.PaymentVerified}, {101, ports.PaymentVerified}, {200, ports.PaymentVerified},
	}
	for _, tt := range tests {
		t.Run(tt.want.String()+toString(tt.status), func(t *testing.T) {
			t.Parallel()
			b := setup(t, idpayfake.Config{}, nil)
			s := paid(t, b)
			b.fake.SetFault(idpayfake.Fault{Tamper: map[string]any{"status": tt.status}})
			got, err := b.client.Inquire(t.Context(), ports.InquiryRequest{Authority: s.Authority, OrderID: "dep-1"})
			require.NoError(t, err)
			require.Equal(t, ports.Inquiry{State: tt.want, Amount: amount}, got)
		})
	}
	t.Run("OtherOrder", func(t *testing.T) {
		t.Parallel()
		b := setup(t, idpayfake.Config{}, nil)
		s := paid(t, b)
		b.fake.SetFault(idpayfake.Fault{Tamper: map[string]any{"order_id": "dep-2"}})
		_, err := b.client.Inquire(t.Context(), ports.InquiryRequest{Authority: s.Authority, OrderID: "dep-1"})
		require.ErrorIs(t, err, ports.ErrPaymentMismatch)
	})
	t.Run("WrongOrderIsNotFound", func(t *testing.T) {
		t.Parallel()
		b := setup(t, idpayfake.Config{}, nil)
		s := paid(t, b)
		_, err := b.client.Inquire(t.Context(), ports.InquiryRequest{Authority: s.Authority, OrderID: "dep-2"})
		require.ErrorIs(t, err, core.ErrNotFound)
	})
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return strconv.Itoa(v.(int))
}

// TestPaymentPage checks the fake's page delivers the callback each way with the field sets
// of §5.3, keeping the callback's own query, and that the client reads both.
func TestPaymentPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method string
		fields []string
	}{
		{http.MethodPost, []string{"amount", "card_no", "date", "hashed_card_no", "id", "order_id", "status", "track_id"}},
		{http.MethodGet, []string{"deposit", "id", "order_id", "status", "track_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			t.Parallel()
			b := setup(t, idpayfake.Config{CallbackMethod: tt.method}, nil)
			s, err := b.client.Request(t.Context(), request("dep-1"))
			require.NoError(t, err)
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.RedirectURL+"?result=paid", nil)
			require.NoError(t, err)
			resp, err := client.Do(req) //nolint:gosec // the test's own server
			require.NoError(t, err)
			page, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())

			var cbReq *http.Request
			if tt.method == http.MethodGet {
				require.Equal(t, http.StatusFound, resp.StatusCode)
				loc, err := resp.Location()
				require.NoError(t, err)
				require.Equal(t, tt.fields, sortedKeys(loc.Query()))
				cbReq, err = http.NewRequestWithContext(t.Context(), http.MethodGet, loc.String(), nil)
				require.NoError(t, err)
			} else {
				require.Equal(t, http.StatusOK, resp.StatusCode)
				require.Contains(t, string(page), `<form method="post" action="`)
				d, err := b.fake.Callback(s.Authority, idpayfake.Paid)
				require.NoError(t, err)
				require.Equal(t, tt.fields, sortedKeys(d.Fields))
				for k := range d.Fields {
					require.Contains(t, string(page), `name="`+k+`"`)
				}
				cbReq, err = http.NewRequestWithContext(t.Context(), http.MethodPost, testCallback, strings.NewReader(d.Fields.Encode()))
				require.NoError(t, err)
				cbReq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			cb, err := b.client.ParseCallback(cbReq)
			require.NoError(t, err)
			require.Equal(t, ports.Callback{Authority: s.Authority, OrderID: "dep-1", Status: "10", Succeeded: true}, cb)
		})
	}
}

// TestCallbackRefused checks callbacks the client refuses beyond the conformance suite's.
func TestCallbackRefused(t *testing.T) {
	t.Parallel()
	b := setup(t, idpayfake.Config{}, nil)
	valid := url.Values{"status": {"10"}, "track_id": {"1"}, "id": {strings.Repeat("a", 32)}, "order_id": {"dep-1"}}
	with := func(k string, vs ...string) url.Values {
		out := url.Values{}
		for key, v := range valid {
			out[key] = v
		}
		if vs == nil {
			delete(out, k)
		} else {
			out[k] = vs
		}
		return out
	}
	post := func(ct string, fields url.Values) *http.Request {
		r, err := http.NewRequestWithContext(t.Context(), http.MethodPost, testCallback, strings.NewReader(fields.Encode()))
		require.NoError(t, err)
		r.Header.Set("Content-Type", ct)
		return r
	}
	const form = "application/x-www-form-urlencoded"
	tests := map[string]*http.Request{
		"NoOrderID":        post(form, with("order_id")),
		"LongOrderID":      post(form, with("order_id", strings.Repeat("x", 51))),
		"ConflictingOrder": post(form, with("order_id", "dep-1", "dep-2")),
		"NoStatus":         post(form, with("status")),
		"BadStatus":        post(form, with("status", "ok")),
		"JSONBody":         post("application/json", valid),
		"Put": func() *http.Request {
			r := post(form, valid)
			r.Method = http.MethodPut
			return r
		}(),
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := b.client.ParseCallback(r)
			require.ErrorIs(t, err, core.ErrInvalidInput)
		})
	}
	cb, err := b.client.ParseCallback(post(form, with("status", "7")))
	require.NoError(t, err)
	require.False(t, cb.Succeeded)
}
