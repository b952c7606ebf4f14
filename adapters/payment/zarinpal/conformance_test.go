package zarinpal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/payment/zarinpal"
	"github.com/talabin/talabin/adapters/payment/zarinpal/zarinpalfake"
	"github.com/talabin/talabin/ports/paymenttest"
)

const (
	testMerchant = "1344b5d4-0048-11e8-94db-005056a205be"
	testCallback = "https://talabin.test/payments/zarinpal/callback?deposit=7"
	testTimeout  = 200 * time.Millisecond
)

// bundle is one client and the fake behind it.
type bundle struct {
	fake   *zarinpalfake.Fake
	url    string
	client *zarinpal.Client
}

func setup(t *testing.T, fakeCfg zarinpalfake.Config, edit func(*zarinpal.Config)) *bundle {
	t.Helper()
	if fakeCfg.Merchants == nil {
		fakeCfg.Merchants = []string{testMerchant}
	}
	if fakeCfg.CallbackHosts == nil {
		fakeCfg.CallbackHosts = []string{"talabin.test"}
	}
	fake := zarinpalfake.New(fakeCfg)
	srv := outboundtest.Serve(t, fake)
	cfg := zarinpal.Config{
		BaseURL:     srv.URL + "/pg/v4/payment",
		StartPayURL: srv.URL + "/pg/StartPay",
		MerchantID:  testMerchant,
		Timeout:     testTimeout,
		Breaker:     outbound.BreakerConfig{ConsecutiveFailures: 3, OpenTimeout: time.Minute},
	}
	if edit != nil {
		edit(&cfg)
	}
	client, err := zarinpal.New(cfg)
	require.NoError(t, err)
	return &bundle{fake: fake, url: srv.URL, client: client}
}

// provider steers the fake for the conformance suite.
type provider struct{ fake *zarinpalfake.Fake }

func (p provider) Fail(f paymenttest.Failure) bool {
	switch f {
	case paymenttest.FailNothing:
		p.fake.SetFault(zarinpalfake.Fault{})
	case paymenttest.FailServerError:
		p.fake.SetFault(zarinpalfake.Fault{HTTPStatus: 502, Body: "<html><body>502 Bad Gateway</body></html>"})
	case paymenttest.FailMalformedResponse:
		p.fake.SetFault(zarinpalfake.Fault{HTTPStatus: 200, Body: `{"data":{"code":100,"ref_`})
	case paymenttest.FailAuth:
		p.fake.SetFault(zarinpalfake.Fault{Code: -10})
	case paymenttest.FailRateLimited:
		p.fake.SetFault(zarinpalfake.Fault{Code: -12, ErrorsAsArray: true})
	case paymenttest.FailSlow:
		p.fake.SetFault(zarinpalfake.Fault{Delay: 10 * time.Second})
	case paymenttest.FailLatency:
		p.fake.SetFault(zarinpalfake.Fault{Delay: 20 * time.Millisecond})
	default:
		return false
	}
	return true
}

func (p provider) Settle(authority string, paid bool) error {
	r := zarinpalfake.Canceled
	if paid {
		r = zarinpalfake.Paid
	}
	_, err := p.fake.Settle(authority, r)
	return err
}

func (p provider) Requests() int { return p.fake.Requests() }

func (p provider) UnknownAuthority() string { return "A" + strings.Repeat("9", 35) }

func (p provider) Callback(authority, _ string, paid bool) (string, url.Values) {
	status := "NOK"
	if paid {
		status = "OK"
	}
	return http.MethodGet, url.Values{"Authority": {authority}, "Status": {status}}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	paymenttest.Run(t, func(t *testing.T) paymenttest.Harness {
		b := setup(t, zarinpalfake.Config{}, nil)
		return paymenttest.Harness{Gateway: b.client, Provider: provider{b.fake}, BreakerThreshold: 3, CallbackURL: testCallback}
	})
}
