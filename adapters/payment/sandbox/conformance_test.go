package sandbox_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/talabin/talabin/adapters/payment/sandbox"
	"github.com/talabin/talabin/ports/paymenttest"
)

// provider steers the gateway for the conformance suite. An in-process gateway cannot fail
// the ways a remote one does and has no breaker, so those cases are skipped.
type provider struct{ g *sandbox.Gateway }

func (p provider) Fail(f paymenttest.Failure) bool { return f == paymenttest.FailNothing }

func (p provider) Settle(authority string, paid bool) error {
	_, err := p.g.Settle(authority, paid)
	return err
}

func (p provider) Requests() int { return p.g.Requests() }

func (p provider) UnknownAuthority() string { return "SBX" + strings.Repeat("0", 32) }

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
		b := setup(t, nil)
		return paymenttest.Harness{Gateway: b.gateway, Provider: provider{b.gateway}, CallbackURL: testCallback}
	})
}
