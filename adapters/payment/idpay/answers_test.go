package idpay_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/payment/idpay"
	"github.com/talabin/talabin/adapters/payment/idpay/idpayfake"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// TestOddAnswers checks that answers which are JSON but not what the call promises read as
// an unknown outcome after a 2xx (the gateway may have acted) and as the gateway being
// unavailable otherwise; none reads as success.
func TestOddAnswers(t *testing.T) {
	t.Parallel()
	id := strings.Repeat("a", 32)
	tests := []struct {
		name   string
		method string // payment, verify or inquiry
		status int
		body   string
		want   error
		detail string
	}{
		{"PaymentIDNotHex", "payment", 201, `{"id":"../evil","link":"https://idpay.ir/p/ws/x"}`,
			ports.ErrPaymentOutcomeUnknown, "success without a valid id and link"},
		{"PaymentLinkNotHTTP", "payment", 201, `{"id":"` + id + `","link":"javascript:alert(1)"}`,
			ports.ErrPaymentOutcomeUnknown, "success without a valid id and link"},
		{"PaymentLinkWithoutHost", "payment", 201, `{"id":"` + id + `","link":"https:///p/ws/x"}`,
			ports.ErrPaymentOutcomeUnknown, "success without a valid id and link"},
		{"ErrorCodeNotANumber", "payment", 406, `{"error_code":"abc","error_message":"?"}`,
			core.ErrGatewayUnavailable, "HTTP status 406 without an api answer"},
		{"ErrorCodeZeroAfter200", "payment", 200, `{"error_code":0,"error_message":"?"}`,
			ports.ErrPaymentOutcomeUnknown, "unreadable answer with HTTP status 200"},
		{"VerifyStatusAnArray", "verify", 200, `{"status":[100],"track_id":"1"}`,
			ports.ErrPaymentOutcomeUnknown, "unreadable record"},
		{"InquiryStatusAnObject", "inquiry", 200, `{"status":{"code":100}}`,
			ports.ErrPaymentOutcomeUnknown, "unreadable record"},
		{"InquiryUnknownStatus", "inquiry", 200, `{"status":42}`,
			ports.ErrPaymentOutcomeUnknown, `status "42"`},
		{"InquiryOtherID", "inquiry", 200, `{"status":100,"id":"` + strings.Repeat("b", 32) + `"}`,
			ports.ErrPaymentMismatch, `id "` + strings.Repeat("b", 32) + `", ours`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, idpayfake.Config{}, nil)
			var s ports.PaymentSession
			if tt.method != "payment" {
				s = paid(t, b)
			}
			b.fake.SetFault(idpayfake.Fault{HTTPStatus: tt.status, Body: tt.body})
			var err error
			switch tt.method {
			case "payment":
				_, err = b.client.Request(t.Context(), request("dep-1"))
			case "verify":
				_, err = b.client.Verify(t.Context(), ports.VerifyRequest{Authority: s.Authority, OrderID: "dep-1", Amount: amount})
			case "inquiry":
				_, err = b.client.Inquire(t.Context(), ports.InquiryRequest{Authority: s.Authority, OrderID: "dep-1"})
			}
			require.ErrorIs(t, err, tt.want)
			require.ErrorContains(t, err, tt.detail)
		})
	}
}

// TestLongCallbackRefusedBeforeCall checks IDPay's 2048-character limit on callback: a longer
// one is invalid input and never reaches the gateway.
func TestLongCallbackRefusedBeforeCall(t *testing.T) {
	t.Parallel()
	b := setup(t, idpayfake.Config{}, nil)
	req := request("dep-1")
	req.CallbackURL = testCallback + "&pad=" + strings.Repeat("x", 2048)
	_, err := b.client.Request(t.Context(), req)
	require.ErrorIs(t, err, core.ErrInvalidInput)
	require.ErrorContains(t, err, "callback longer than 2048")
	require.Zero(t, b.fake.Requests())
}

// TestAPIErrorMessage checks the message a refusal logs: provider, method, class, code, HTTP
// status and the gateway's own words.
func TestAPIErrorMessage(t *testing.T) {
	t.Parallel()
	b := setup(t, idpayfake.Config{}, nil)
	b.fake.SetFault(idpayfake.Fault{HTTPStatus: 403, Body: `{"error_code":11,"error_message":"user blocked"}`})
	_, err := b.client.Request(t.Context(), request("dep-1"))
	var apiErr *idpay.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "idpay: payment: "+core.ErrGatewayUnavailable.Error()+": error_code 11 (HTTP 403): user blocked", apiErr.Error())
}
