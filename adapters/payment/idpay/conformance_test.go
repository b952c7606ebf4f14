package idpay_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/payment/idpay"
	"github.com/talabin/talabin/adapters/payment/idpay/idpayfake"
	"github.com/talabin/talabin/ports/paymenttest"
)

const (
	testKey      = "6a7f99eb-7c20-4412-a972-6dfb7cd253a4"
	testCallback = "https://talabin.test/payments/idpay/callback?deposit=7"
	testTimeout  = 200 * time.Millisecond
)

// bundle is one client and the fake behind it.
type bundle struct {
	fake   *idpayfake.Fake
	url    string
	client *idpay.Client
}

func setup(t *testing.T, fakeCfg idpayfake.Config, edit func(*idpay.Config)) *bundle {
	t.Helper()
	if fakeCfg.APIKeys == nil {
		fakeCfg.APIKeys = []string{testKey}
	}
	if fakeCfg.CallbackHosts == nil {
		fakeCfg.CallbackHosts = []string{"talabin.test"}
	}
	fake := idpayfake.New(fakeCfg)
	srv := outboundtest.Serve(t, fake)
	cfg := idpay.Config{
		BaseURL: srv.URL + "/v1.1",
		APIKey:  testKey,
		Timeout: testTimeout,
		Breaker: outbound.BreakerConfig{ConsecutiveFailures: 3, OpenTimeout: time.Minute},
	}
	if edit != nil {
		edit(&cfg)
	}
	client, err := idpay.New(cfg)
	require.NoError(t, err)
	return &bundle{fake: fake, url: srv.URL, client: client}
}

// provider steers the fake for the conformance suite.
type provider struct{ fake *idpayfake.Fake }

func (p provider) Fail(f paymenttest.Failure) bool {
	switch f {
	case paymenttest.FailNothing:
		p.fake.SetFault(idpayfake.Fault{})
	case paymenttest.FailServerError:
		p.fake.SetFault(idpayfake.Fault{HTTPStatus: 502, Body: "<html><body>502 Bad Gateway</body></html>"})
	case paymenttest.FailMalformedResponse:
		p.fake.SetFault(idpayfake.Fault{HTTPStatus: 200, Body: `{"status":100,"track_`})
	case paymenttest.FailAuth:
		p.fake.SetFault(idpayfake.Fault{Code: 12})
	case paymenttest.FailRateLimited:
		// IDPay documents no throttling code; a proxy's 429 page is how it would read.
		p.fake.SetFault(idpayfake.Fault{HTTPStatus: 429, Body: "<html><body>429 Too Many Requests</body></html>"})
	case paymenttest.FailSlow:
		p.fake.SetFault(idpayfake.Fault{Delay: 10 * time.Second})
	case paymenttest.FailLatency:
		p.fake.SetFault(idpayfake.Fault{Delay: 20 * time.Millisecond})
	default:
		return false
	}
	return true
}

func (p provider) Settle(authority string, paid bool) error {
	r := idpayfake.Canceled
	if paid {
		r = idpayfake.Paid
	}
	_, err := p.fake.Settle(authority, r)
	return err
}

func (p provider) Requests() int { return p.fake.Requests() }

func (p provider) UnknownAuthority() string { return strings.Repeat("f", 32) }

func (p provider) Callback(authority, _ string, paid bool) (string, url.Values) {
	r := idpayfake.Canceled
	if paid {
		r = idpayfake.Paid
	}
	d, err := p.fake.Callback(authority, r)
	if err != nil {
		panic(err)
	}
	return d.Method, d.Fields
}

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method+"Callback", func(t *testing.T) {
			t.Parallel()
			paymenttest.Run(t, func(t *testing.T) paymenttest.Harness {
				b := setup(t, idpayfake.Config{CallbackMethod: method}, nil)
				return paymenttest.Harness{Gateway: b.client, Provider: provider{b.fake}, BreakerThreshold: 3, CallbackURL: testCallback}
			})
		})
	}
}
