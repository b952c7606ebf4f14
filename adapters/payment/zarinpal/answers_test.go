package zarinpal_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/payment/zarinpal"
	"github.com/talabin/talabin/adapters/payment/zarinpal/zarinpalfake"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// TestOddSuccessAnswers checks that an answer which claims success but does not carry what
// success means (a usable authority, a ref_id, a known state), or comes with an odd HTTP
// status, reads as an unknown outcome, never as paid or as a refusal.
func TestOddSuccessAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string // request, verify or inquiry
		status int
		body   string
		want   error
		detail string
	}{
		{"RequestWithoutAuthority", "request", 200, `{"data":{"code":100,"message":"Success"},"errors":[]}`,
			ports.ErrPaymentOutcomeUnknown, "success without a valid authority"},
		{"RequestWithPathInAuthority", "request", 200, `{"data":{"code":100,"authority":"../../../evil.test/x"},"errors":[]}`,
			ports.ErrPaymentOutcomeUnknown, "success without a valid authority"},
		{"RequestSuccessWithHTTP202", "request", 202, `{"data":{"code":100,"authority":"A000000000000000000000000000000000001"},"errors":[]}`,
			ports.ErrPaymentOutcomeUnknown, "code 100 with HTTP status 202"},
		{"RequestUnknownCode", "request", 200, `{"data":{"code":7,"message":"?"},"errors":[]}`,
			ports.ErrPaymentOutcomeUnknown, "unreadable answer with HTTP status 200"},
		{"RequestDataNotAnObject", "request", 200, `{"data":"ok","errors":[]}`,
			ports.ErrPaymentOutcomeUnknown, "unreadable answer with HTTP status 200"},
		{"VerifyWithoutRefID", "verify", 200, `{"data":{"code":100,"message":"Paid"},"errors":[]}`,
			ports.ErrPaymentOutcomeUnknown, "code 100 without ref_id"},
		{"VerifyRefIDNotANumber", "verify", 200, `{"data":{"code":100,"ref_id":[201]},"errors":[]}`,
			ports.ErrPaymentOutcomeUnknown, "unreadable data"},
		{"InquiryUnknownStatus", "inquiry", 200, `{"data":{"code":100,"status":"LOST"},"errors":[]}`,
			ports.ErrPaymentOutcomeUnknown, `unknown status "LOST"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, zarinpalfake.Config{}, nil)
			req := ports.PaymentRequest{OrderID: "dep-1", Amount: 100_000, CallbackURL: testCallback}
			var authority string
			if tt.method != "request" {
				s, err := b.client.Request(t.Context(), req)
				require.NoError(t, err)
				_, err = b.fake.Settle(s.Authority, zarinpalfake.Paid)
				require.NoError(t, err)
				authority = s.Authority
			}
			b.fake.SetFault(zarinpalfake.Fault{HTTPStatus: tt.status, Body: tt.body})
			var err error
			switch tt.method {
			case "request":
				_, err = b.client.Request(t.Context(), req)
			case "verify":
				_, err = b.client.Verify(t.Context(), ports.VerifyRequest{Authority: authority, OrderID: "dep-1", Amount: 100_000})
			case "inquiry":
				_, err = b.client.Inquire(t.Context(), ports.InquiryRequest{Authority: authority, OrderID: "dep-1"})
			}
			require.ErrorIs(t, err, tt.want)
			require.ErrorContains(t, err, tt.detail)
		})
	}
}

// TestMalformedAuthorityNeverReachesTheGateway checks that an authority which is not A or S
// and 35 letters or digits is refused as invalid input, from a callback or a caller, before
// any call.
func TestMalformedAuthorityNeverReachesTheGateway(t *testing.T) {
	t.Parallel()
	b := setup(t, zarinpalfake.Config{}, nil)
	for _, authority := range []string{"", "A123", "B000000000000000000000000000000000001", "A00000000000000000000000000000000000/"} {
		cb := "https://talabin.test/cb?" + url.Values{"Authority": {authority}, "Status": {"OK"}}.Encode()
		r, err := http.NewRequestWithContext(t.Context(), http.MethodGet, cb, nil)
		require.NoError(t, err)
		_, err = b.client.ParseCallback(r)
		require.ErrorIs(t, err, core.ErrInvalidInput, "authority %q", authority)

		_, err = b.client.Verify(t.Context(), ports.VerifyRequest{Authority: authority, OrderID: "dep-1", Amount: 100_000})
		require.ErrorIs(t, err, core.ErrInvalidInput, "authority %q", authority)
		_, err = b.client.Inquire(t.Context(), ports.InquiryRequest{Authority: authority, OrderID: "dep-1"})
		require.ErrorIs(t, err, core.ErrInvalidInput, "authority %q", authority)
	}
	require.Zero(t, b.fake.Requests())
}

// TestAPIErrorMessage checks the message a refusal logs: provider, method, class, code and the
// gateway's own words.
func TestAPIErrorMessage(t *testing.T) {
	t.Parallel()
	b := setup(t, zarinpalfake.Config{}, nil)
	b.fake.SetFault(zarinpalfake.Fault{Code: -11})
	_, err := b.client.Request(t.Context(), ports.PaymentRequest{OrderID: "dep-1", Amount: 100_000, CallbackURL: testCallback})
	var apiErr *zarinpal.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "zarinpal: request: "+core.ErrGatewayUnavailable.Error()+": code -11: fault", apiErr.Error())
}
