// Package paymenttest is the conformance suite of [ports.PaymentGateway]. Every gateway
// adapter runs it from its own TestConformance against a fake gateway:
//
//	func TestConformance(t *testing.T) {
//		t.Parallel()
//		paymenttest.Run(t, func(t *testing.T) paymenttest.Harness {
//			fake := startFake(t)
//			return paymenttest.Harness{Gateway: newClient(t, fake.URL), Provider: provider{fake}, BreakerThreshold: 3}
//		})
//	}
//
// The suite checks the port's contract, not a vendor: the payment lifecycle (request, pay or
// cancel, verify, verify again, inquire), that a verify with another amount is refused as
// [ports.ErrPaymentMismatch], how each way of failing reads ([core.ErrInvalidInput],
// [core.ErrNotFound], [core.ErrGatewayUnavailable] or [ports.ErrPaymentOutcomeUnknown]),
// that a verify which timed out was still processed and a later verify resolves it, that the
// breaker opens and fails fast, that a caller's cancellation does not count against the
// gateway, that nothing is retried on the adapter's initiative, and that callbacks parse and
// hostile ones are refused.
package paymenttest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// Failure is a way the gateway behind a harness can fail.
type Failure int

// The failures a [Provider] can be asked to reproduce, with what the suite expects.
const (
	// FailNothing heals the gateway.
	FailNothing Failure = iota
	// FailServerError makes the gateway answer HTTP 5xx with an HTML body without acting.
	// Expect [core.ErrGatewayUnavailable].
	FailServerError
	// FailMalformedResponse makes the gateway act, then answer HTTP 200 with a body that is
	// not its envelope. Expect [ports.ErrPaymentOutcomeUnknown].
	FailMalformedResponse
	// FailAuth makes the gateway refuse our merchant account. Expect
	// [core.ErrGatewayUnavailable].
	FailAuth
	// FailRateLimited makes the gateway throttle us. Expect [core.ErrGatewayUnavailable].
	FailRateLimited
	// FailSlow makes the gateway act, then answer only after the adapter's timeout. Expect
	// [ports.ErrPaymentOutcomeUnknown] and no second request.
	FailSlow
	// FailLatency makes the gateway answer late but well within the adapter's timeout.
	// Expect success.
	FailLatency
)

// String names the failure, for subtest names.
func (f Failure) String() string {
	switch f {
	case FailNothing:
		return "Nothing"
	case FailServerError:
		return "ServerError"
	case FailMalformedResponse:
		return "MalformedResponse"
	case FailAuth:
		return "Auth"
	case FailRateLimited:
		return "RateLimited"
	case FailSlow:
		return "Slow"
	case FailLatency:
		return "Latency"
	default:
		return fmt.Sprintf("Failure(%d)", int(f))
	}
}

// Provider is the fake gateway behind a harness: the suite steers and inspects it.
type Provider interface {
	// Fail makes every following API request fail the way f says, until Fail(FailNothing).
	// It reports false when the fake cannot fail that way; those cases are skipped.
	Fail(f Failure) bool
	// Settle plays the buyer on the gateway's page: pays the session (paid) or cancels it.
	Settle(authority string, paid bool) error
	// Requests returns how many API requests reached the fake (Settle is not one).
	Requests() int
	// UnknownAuthority returns a well-formed authority the fake never issued.
	UnknownAuthority() string
	// Callback returns the callback the gateway sends the buyer back with for the session:
	// the HTTP method and its query (GET) or form (POST) fields.
	Callback(authority, orderID string, paid bool) (method string, fields url.Values)
}

// Harness is one gateway adapter under test and the fake behind it. The adapter's timeout
// must be short (200 ms is plenty against a local fake) and its breaker must stay open for
// longer than the test runs.
type Harness struct {
	// Gateway is the adapter under test.
	Gateway ports.PaymentGateway
	// Provider steers and inspects the fake behind Gateway.
	Provider Provider
	// BreakerThreshold is the number of consecutive failures after which Gateway fails fast;
	// 0 skips the breaker cases.
	BreakerThreshold int
	// CallbackURL is a callback URL the fake accepts.
	CallbackURL string
}

// NewHarnessFunc returns a fresh harness owned by t; it registers its own cleanup.
type NewHarnessFunc func(t *testing.T) Harness

// Run runs every conformance case against harnesses made by newHarness.
func Run(t *testing.T, newHarness NewHarnessFunc) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newHarness)
		})
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, newHarness NewHarnessFunc)
}

func cases() []testCase {
	return []testCase{
		{"RequestRedirects", testRequestRedirects},
		{"PayThenVerify", testPayThenVerify},
		{"VerifyTwice", testVerifyTwice},
		{"Canceled", testCanceled},
		{"NeverPaid", testNeverPaid},
		{"AmountMismatch", testAmountMismatch},
		{"UnknownAuthority", testUnknownAuthority},
		{"InquireLifecycle", testInquireLifecycle},
		{"InvalidArguments", testInvalidArguments},
		{"CanceledBeforeSend", testCanceledBeforeSend},
		{"Failures", testFailures},
		{"SlowVerifyIsResolvedLater", testSlowVerifyResolved},
		{"RefusalsDoNotOpenBreaker", testRefusalsDoNotOpenBreaker},
		{"BreakerOpensAndFailsFast", testBreakerOpens},
		{"CallerGivingUpDoesNotOpenBreaker", testCallerGivingUp},
		{"CallbackValid", testCallbackValid},
		{"CallbackHostile", testCallbackHostile},
	}
}

// The amounts and the order used by the cases.
const (
	amount      = core.Rial(1_250_000)
	otherAmount = core.Rial(1_260_000)
	cancelAfter = 30 * time.Millisecond
)

var buyer = func() iran.Mobile {
	m, err := iran.ParseMobile("09121234567")
	if err != nil {
		panic(err)
	}
	return m
}()

func request(h Harness, orderID string) ports.PaymentRequest {
	return ports.PaymentRequest{
		OrderID: orderID, Amount: amount, CallbackURL: h.CallbackURL,
		Description: "واریز به کیف پول طلابین", Mobile: buyer, Email: "buyer@example.com",
	}
}

// open requests a session and returns it.
func open(t *testing.T, h Harness, orderID string) ports.PaymentSession {
	t.Helper()
	s, err := h.Gateway.Request(t.Context(), request(h, orderID))
	require.NoError(t, err)
	return s
}

// paid opens a session and pays it.
func paid(t *testing.T, h Harness, orderID string) ports.PaymentSession {
	t.Helper()
	s := open(t, h, orderID)
	require.NoError(t, h.Provider.Settle(s.Authority, true))
	return s
}

func verify(ctx context.Context, h Harness, s ports.PaymentSession, orderID string, a core.Rial) (ports.Verification, error) {
	return h.Gateway.Verify(ctx, ports.VerifyRequest{Authority: s.Authority, OrderID: orderID, Amount: a})
}

func testRequestRedirects(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	require.NotEmpty(t, h.Gateway.Name())
	s := open(t, h, "dep-1")
	require.NotEmpty(t, s.Authority)
	u, err := url.Parse(s.RedirectURL)
	require.NoError(t, err)
	require.Contains(t, []string{"http", "https"}, u.Scheme)
	require.NotEmpty(t, u.Host)
	require.Contains(t, s.RedirectURL, s.Authority)
	require.Equal(t, 1, h.Provider.Requests())

	s2 := open(t, h, "dep-2")
	require.NotEqual(t, s.Authority, s2.Authority, "each request opens a new session")
}

func testPayThenVerify(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	s := paid(t, h, "dep-1")
	v, err := verify(t.Context(), h, s, "dep-1", amount)
	require.NoError(t, err)
	require.Equal(t, ports.PaymentPaid, v.Status)
	require.NotEmpty(t, v.RefID)
	require.NotEmpty(t, v.CardPANMasked)
	require.Equal(t, amount, v.Amount)
	require.Equal(t, 2, h.Provider.Requests())
}

func testVerifyTwice(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	s := paid(t, h, "dep-1")
	first, err := verify(t.Context(), h, s, "dep-1", amount)
	require.NoError(t, err)
	require.Equal(t, ports.PaymentPaid, first.Status)
	second, err := verify(t.Context(), h, s, "dep-1", amount)
	require.NoError(t, err)
	require.Equal(t, ports.PaymentAlreadyVerified, second.Status)
	require.Equal(t, amount, second.Amount)
	if second.RefID != "" {
		require.Equal(t, first.RefID, second.RefID)
	}
}

func testCanceled(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	s := open(t, h, "dep-1")
	require.NoError(t, h.Provider.Settle(s.Authority, false))
	v, err := verify(t.Context(), h, s, "dep-1", amount)
	require.NoError(t, err)
	require.Equal(t, ports.PaymentNotPaid, v.Status)
	require.Empty(t, v.RefID)
}

func testNeverPaid(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	s := open(t, h, "dep-1")
	v, err := verify(t.Context(), h, s, "dep-1", amount)
	require.NoError(t, err)
	require.Equal(t, ports.PaymentNotPaid, v.Status)
}

// testAmountMismatch verifies a paid session with another amount than the one paid: the
// tamper is refused and never reads as paid.
func testAmountMismatch(t *testing.T, newHarness NewHarnessFunc) {
	for _, a := range []core.Rial{otherAmount, amount - 10_000} {
		t.Run(a.String(), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			s := paid(t, h, "dep-1")
			v, err := verify(t.Context(), h, s, "dep-1", a)
			require.ErrorIs(t, err, ports.ErrPaymentMismatch)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.NotErrorIs(t, err, core.ErrGatewayUnavailable)
			require.NotErrorIs(t, err, ports.ErrPaymentOutcomeUnknown)
			require.Zero(t, v)
		})
	}
}

func testUnknownAuthority(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	unknown := ports.PaymentSession{Authority: h.Provider.UnknownAuthority()}
	_, err := verify(t.Context(), h, unknown, "dep-1", amount)
	require.ErrorIs(t, err, core.ErrNotFound)
	require.NotErrorIs(t, err, core.ErrGatewayUnavailable)
	_, err = h.Gateway.Inquire(t.Context(), ports.InquiryRequest{Authority: unknown.Authority, OrderID: "dep-1"})
	require.ErrorIs(t, err, core.ErrNotFound)
}

func testInquireLifecycle(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	inquire := func(s ports.PaymentSession, orderID string) ports.PaymentState {
		t.Helper()
		got, err := h.Gateway.Inquire(t.Context(), ports.InquiryRequest{Authority: s.Authority, OrderID: orderID})
		require.NoError(t, err)
		if got.Amount != 0 {
			require.Equal(t, amount, got.Amount)
		}
		return got.State
	}
	s := open(t, h, "dep-1")
	require.Equal(t, ports.PaymentPending, inquire(s, "dep-1"))
	require.NoError(t, h.Provider.Settle(s.Authority, true))
	require.Equal(t, ports.PaymentAwaitingVerify, inquire(s, "dep-1"))
	_, err := verify(t.Context(), h, s, "dep-1", amount)
	require.NoError(t, err)
	require.Equal(t, ports.PaymentVerified, inquire(s, "dep-1"))

	c := open(t, h, "dep-2")
	require.NoError(t, h.Provider.Settle(c.Authority, false))
	require.Equal(t, ports.PaymentFailed, inquire(c, "dep-2"))
}

// testInvalidArguments checks that bad arguments are refused before any request.
func testInvalidArguments(t *testing.T, newHarness NewHarnessFunc) {
	tests := []struct {
		name string
		call func(ctx context.Context, h Harness) error
	}{
		{"RequestZeroAmount", func(ctx context.Context, h Harness) error {
			r := request(h, "dep-1")
			r.Amount = 0
			_, err := h.Gateway.Request(ctx, r)
			return err
		}},
		{"RequestNegativeAmount", func(ctx context.Context, h Harness) error {
			r := request(h, "dep-1")
			r.Amount = -amount
			_, err := h.Gateway.Request(ctx, r)
			return err
		}},
		{"RequestEmptyOrder", func(ctx context.Context, h Harness) error {
			_, err := h.Gateway.Request(ctx, request(h, ""))
			return err
		}},
		{"RequestLongOrder", func(ctx context.Context, h Harness) error {
			_, err := h.Gateway.Request(ctx, request(h, strings.Repeat("x", 51)))
			return err
		}},
		{"RequestRelativeCallback", func(ctx context.Context, h Harness) error {
			r := request(h, "dep-1")
			r.CallbackURL = "/payments/callback"
			_, err := h.Gateway.Request(ctx, r)
			return err
		}},
		{"RequestFTPCallback", func(ctx context.Context, h Harness) error {
			r := request(h, "dep-1")
			r.CallbackURL = "ftp://talabin.ir/cb"
			_, err := h.Gateway.Request(ctx, r)
			return err
		}},
		{"VerifyEmptyAuthority", func(ctx context.Context, h Harness) error {
			_, err := verify(ctx, h, ports.PaymentSession{}, "dep-1", amount)
			return err
		}},
		{"VerifyZeroAmount", func(ctx context.Context, h Harness) error {
			_, err := verify(ctx, h, ports.PaymentSession{Authority: h.Provider.UnknownAuthority()}, "dep-1", 0)
			return err
		}},
		{"InquireEmptyAuthority", func(ctx context.Context, h Harness) error {
			_, err := h.Gateway.Inquire(ctx, ports.InquiryRequest{OrderID: "dep-1"})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			err := tt.call(t.Context(), h)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.NotErrorIs(t, err, core.ErrGatewayUnavailable)
			require.Zero(t, h.Provider.Requests())
		})
	}
}

func testCanceledBeforeSend(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := h.Gateway.Request(ctx, request(h, "dep-1"))
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, ports.ErrPaymentOutcomeUnknown)
	_, err = verify(ctx, h, ports.PaymentSession{Authority: h.Provider.UnknownAuthority()}, "dep-1", amount)
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, ports.ErrPaymentOutcomeUnknown)
	require.Zero(t, h.Provider.Requests())
}

type expectation int

const (
	expectSuccess expectation = iota
	expectUnavailable
	expectUnknown
)

func expectationOf(f Failure) expectation {
	switch f {
	case FailMalformedResponse, FailSlow:
		return expectUnknown
	case FailLatency, FailNothing:
		return expectSuccess
	default:
		return expectUnavailable
	}
}

func requireExpected(t *testing.T, want expectation, err error) {
	t.Helper()
	switch want {
	case expectSuccess:
		require.NoError(t, err)
	case expectUnavailable:
		require.ErrorIs(t, err, core.ErrGatewayUnavailable)
		require.NotErrorIs(t, err, core.ErrInvalidInput)
		require.NotErrorIs(t, err, ports.ErrPaymentOutcomeUnknown)
	case expectUnknown:
		require.ErrorIs(t, err, ports.ErrPaymentOutcomeUnknown)
		require.NotErrorIs(t, err, core.ErrGatewayUnavailable)
		require.NotErrorIs(t, err, core.ErrInvalidInput)
	}
}

var failures = []Failure{FailServerError, FailMalformedResponse, FailAuth, FailRateLimited, FailSlow, FailLatency}

// testFailures checks how each failure reads for Request, Verify and Inquire, and that each
// call made exactly one request.
func testFailures(t *testing.T, newHarness NewHarnessFunc) {
	calls := []struct {
		name string
		call func(t *testing.T, h Harness, s ports.PaymentSession) error
	}{
		{"Request", func(t *testing.T, h Harness, _ ports.PaymentSession) error {
			_, err := h.Gateway.Request(t.Context(), request(h, "dep-2"))
			return err
		}},
		{"Verify", func(t *testing.T, h Harness, s ports.PaymentSession) error {
			v, err := verify(t.Context(), h, s, "dep-1", amount)
			if err == nil {
				require.Equal(t, ports.PaymentPaid, v.Status)
			}
			return err
		}},
		{"Inquire", func(t *testing.T, h Harness, s ports.PaymentSession) error {
			_, err := h.Gateway.Inquire(t.Context(), ports.InquiryRequest{Authority: s.Authority, OrderID: "dep-1"})
			return err
		}},
	}
	for _, f := range failures {
		for _, c := range calls {
			t.Run(f.String()+c.name, func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				s := paid(t, h, "dep-1")
				if !h.Provider.Fail(f) {
					t.Skipf("the gateway cannot fail with %s", f)
				}
				before := h.Provider.Requests()
				err := c.call(t, h, s)
				requireExpected(t, expectationOf(f), err)
				require.Equal(t, before+1, h.Provider.Requests(), "the adapter must not retry on its own")
			})
		}
	}
}

// testSlowVerifyResolved checks ARCHITECTURE.md §4: a verify that timed out leaves the
// outcome unknown, yet the gateway did capture the payment, and a later verify (the
// reconciler's) reads it as already verified.
func testSlowVerifyResolved(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	s := paid(t, h, "dep-1")
	if !h.Provider.Fail(FailSlow) {
		t.Skip("the gateway cannot answer slowly")
	}
	_, err := verify(t.Context(), h, s, "dep-1", amount)
	requireExpected(t, expectUnknown, err)
	require.True(t, h.Provider.Fail(FailNothing))
	v, err := verify(t.Context(), h, s, "dep-1", amount)
	require.NoError(t, err)
	require.Equal(t, ports.PaymentAlreadyVerified, v.Status)
}

// testRefusalsDoNotOpenBreaker checks that refusals of our request (a tampered amount, an
// unknown authority) show the gateway works and do not open the breaker.
func testRefusalsDoNotOpenBreaker(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	if h.BreakerThreshold == 0 {
		t.Skip("the adapter has no breaker")
	}
	s := paid(t, h, "dep-1")
	unknown := ports.PaymentSession{Authority: h.Provider.UnknownAuthority()}
	for range h.BreakerThreshold + 1 {
		_, err := verify(t.Context(), h, unknown, "dep-1", amount)
		require.ErrorIs(t, err, core.ErrNotFound)
	}
	v, err := verify(t.Context(), h, s, "dep-1", amount)
	require.NoError(t, err)
	require.Equal(t, ports.PaymentPaid, v.Status)
}

// testBreakerOpens checks that BreakerThreshold consecutive failures open the breaker, after
// which every call fails fast with core.ErrGatewayUnavailable without a request.
func testBreakerOpens(t *testing.T, newHarness NewHarnessFunc) {
	for _, f := range []Failure{FailServerError, FailAuth, FailRateLimited, FailSlow} {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if h.BreakerThreshold == 0 {
				t.Skip("the adapter has no breaker")
			}
			s := paid(t, h, "dep-1")
			if !h.Provider.Fail(f) {
				t.Skipf("the gateway cannot fail with %s", f)
			}
			for range h.BreakerThreshold {
				_, err := h.Gateway.Request(t.Context(), request(h, "dep-2"))
				requireExpected(t, expectationOf(f), err)
			}
			before := h.Provider.Requests()
			require.True(t, h.Provider.Fail(FailNothing))
			_, err := h.Gateway.Request(t.Context(), request(h, "dep-3"))
			requireExpected(t, expectUnavailable, err)
			_, err = verify(t.Context(), h, s, "dep-1", amount)
			requireExpected(t, expectUnavailable, err)
			_, err = h.Gateway.Inquire(t.Context(), ports.InquiryRequest{Authority: s.Authority, OrderID: "dep-1"})
			requireExpected(t, expectUnavailable, err)
			require.Equal(t, before, h.Provider.Requests(), "an open breaker must not call the gateway")
		})
	}
}

// testCallerGivingUp checks that a caller who cancels, or whose deadline passes, while the
// gateway is slow gets the context's error, and that this does not open the breaker.
func testCallerGivingUp(t *testing.T, newHarness NewHarnessFunc) {
	tests := []struct {
		name   string
		ctx    func(parent context.Context) (context.Context, context.CancelFunc)
		target error
	}{
		{"Cancel", func(parent context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(parent)
			stop := time.AfterFunc(cancelAfter, cancel)
			return ctx, func() { stop.Stop(); cancel() }
		}, context.Canceled},
		{"Deadline", func(parent context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(parent, cancelAfter)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if h.BreakerThreshold == 0 {
				t.Skip("the adapter has no breaker")
			}
			if !h.Provider.Fail(FailSlow) {
				t.Skip("the gateway cannot answer slowly")
			}
			for range h.BreakerThreshold + 1 {
				ctx, cancel := tt.ctx(t.Context())
				_, err := h.Gateway.Request(ctx, request(h, "dep-1"))
				cancel()
				require.ErrorIs(t, err, tt.target)
				require.NotErrorIs(t, err, core.ErrGatewayUnavailable)
			}
			require.True(t, h.Provider.Fail(FailNothing))
			_, err := h.Gateway.Request(t.Context(), request(h, "dep-2"))
			require.NoError(t, err, "a caller giving up must not open the breaker")
		})
	}
}

// callbackRequest builds the request the buyer's browser sends with fields.
func callbackRequest(t *testing.T, h Harness, method string, fields url.Values) *http.Request {
	t.Helper()
	if method == http.MethodGet {
		u, err := url.Parse(h.CallbackURL)
		require.NoError(t, err)
		q := u.Query()
		for k, vs := range fields {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
		return httptest.NewRequestWithContext(t.Context(), method, u.String(), nil)
	}
	r := httptest.NewRequestWithContext(t.Context(), method, h.CallbackURL, strings.NewReader(fields.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func testCallbackValid(t *testing.T, newHarness NewHarnessFunc) {
	for _, ok := range []bool{true, false} {
		t.Run(fmt.Sprint("Paid", ok), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			s := open(t, h, "dep-1")
			require.NoError(t, h.Provider.Settle(s.Authority, ok))
			method, fields := h.Provider.Callback(s.Authority, "dep-1", ok)
			cb, err := h.Gateway.ParseCallback(callbackRequest(t, h, method, fields))
			require.NoError(t, err)
			require.Equal(t, s.Authority, cb.Authority)
			if cb.OrderID != "" {
				require.Equal(t, "dep-1", cb.OrderID)
			}
			require.Equal(t, ok, cb.Succeeded)
			require.NotEmpty(t, cb.Status)
			require.Equal(t, 1, h.Provider.Requests(), "parsing a callback must not call the gateway")
		})
	}
}

// testCallbackHostile mutates a valid callback's authority field: removed, empty, injected,
// overlong, duplicated with another value; and sends an oversized body.
func testCallbackHostile(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	s := open(t, h, "dep-1")
	method, valid := h.Provider.Callback(s.Authority, "dep-1", true)
	var field string
	for k, vs := range valid {
		if len(vs) == 1 && vs[0] == s.Authority {
			field = k
		}
	}
	require.NotEmpty(t, field, "the callback must carry the authority")
	with := func(vs ...string) url.Values {
		out := url.Values{}
		for k, v := range valid {
			out[k] = append([]string(nil), v...)
		}
		if vs == nil {
			delete(out, field)
		} else {
			out[field] = vs
		}
		return out
	}
	tests := map[string]url.Values{
		"Missing":    with(),
		"Empty":      with(""),
		"Injected":   with(s.Authority[:len(s.Authority)-1] + "'"),
		"Script":     with("<script>alert(1)</script>"),
		"Overlong":   with(s.Authority + strings.Repeat("0", 4096)),
		"Truncated":  with(s.Authority[:len(s.Authority)-1]),
		"Conflicted": with(s.Authority, h.Provider.UnknownAuthority()),
		"NewLine":    with(s.Authority + "\n"),
	}
	for name, fields := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := h.Gateway.ParseCallback(callbackRequest(t, h, method, fields))
			require.ErrorIs(t, err, core.ErrInvalidInput)
		})
	}
	t.Run("OversizedBody", func(t *testing.T) {
		body := valid.Encode() + "&pad=" + strings.Repeat("x", 2<<20)
		r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, h.CallbackURL, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		_, err := h.Gateway.ParseCallback(r)
		require.ErrorIs(t, err, core.ErrInvalidInput)
	})
	t.Run("BadEscape", func(t *testing.T) {
		r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, h.CallbackURL, nil)
		r.URL.RawQuery = field + "=%zz"
		_, err := h.Gateway.ParseCallback(r)
		require.ErrorIs(t, err, core.ErrInvalidInput)
	})
	require.Equal(t, 1, h.Provider.Requests())
}
