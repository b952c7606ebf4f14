package sandbox_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/payment/sandbox"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

const (
	testBase     = "http://localhost:8000"
	testCallback = "http://localhost:8000/payments/sandbox/callback?sig=abc"
	testAmount   = core.Rial(1_250_000)
)

// clock is a clock the test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type bundle struct {
	gateway *sandbox.Gateway
	clock   *clock
}

func setup(t *testing.T, edit func(*sandbox.Config)) *bundle {
	t.Helper()
	c := &clock{now: time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)}
	cfg := sandbox.Config{BaseURL: testBase, Clock: c}
	if edit != nil {
		edit(&cfg)
	}
	g, err := sandbox.New(cfg)
	require.NoError(t, err)
	return &bundle{gateway: g, clock: c}
}

func (b *bundle) open(t *testing.T, orderID string) ports.PaymentSession {
	t.Helper()
	s, err := b.gateway.Request(t.Context(), ports.PaymentRequest{
		OrderID: orderID, Amount: testAmount, CallbackURL: testCallback, Description: "واریز <b>طلابین</b>",
	})
	require.NoError(t, err)
	return s
}

// serve sends one request to the gateway's handler.
func (b *bundle) serve(t *testing.T, method, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	var r *http.Request
	if form != nil {
		r = httptest.NewRequestWithContext(t.Context(), method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequestWithContext(t.Context(), method, path, nil)
	}
	w := httptest.NewRecorder()
	b.gateway.ServeHTTP(w, r)
	return w
}

var tokenPattern = regexp.MustCompile(`name="token" value="([0-9a-f]+)"`)

// token reads the anti-forgery token from the session's page.
func (b *bundle) token(t *testing.T, s ports.PaymentSession) string {
	t.Helper()
	w := b.serve(t, http.MethodGet, pagePath(s), nil)
	require.Equal(t, http.StatusOK, w.Code)
	m := tokenPattern.FindStringSubmatch(w.Body.String())
	require.Len(t, m, 2, "the page must carry a token")
	return m[1]
}

func (b *bundle) state(t *testing.T, s ports.PaymentSession, orderID string) ports.PaymentState {
	t.Helper()
	got, err := b.gateway.Inquire(t.Context(), ports.InquiryRequest{Authority: s.Authority, OrderID: orderID})
	require.NoError(t, err)
	return got.State
}

func pagePath(s ports.PaymentSession) string { return sandbox.DefaultPathPrefix + s.Authority }

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     sandbox.Config
		wantErr bool
	}{
		{"Valid", sandbox.Config{BaseURL: testBase}, false},
		{"PathBehindProxy", sandbox.Config{BaseURL: "https://dev.talabin.test/app/", PathPrefix: "/dev/pay/"}, false},
		{"NoBaseURL", sandbox.Config{}, true},
		{"RelativeBaseURL", sandbox.Config{BaseURL: "localhost:8000"}, true},
		{"BaseURLWithQuery", sandbox.Config{BaseURL: testBase + "?x=1"}, true},
		{"PrefixWithoutTrailingSlash", sandbox.Config{BaseURL: testBase, PathPrefix: "/sandbox/pay"}, true},
		{"PrefixWithQuote", sandbox.Config{BaseURL: testBase, PathPrefix: "/a'b/"}, true},
		{"NegativeTTL", sandbox.Config{BaseURL: testBase, SessionTTL: -time.Second}, true},
		{"TTLBeyondRetention", sandbox.Config{BaseURL: testBase, SessionTTL: sandbox.SessionRetention + time.Second}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := sandbox.New(tt.cfg)
			if tt.wantErr {
				require.ErrorContains(t, err, "sandbox: invalid config")
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestRequestRedirectsToOwnPage(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *sandbox.Config) { c.BaseURL = "https://dev.talabin.test/app/"; c.PathPrefix = "/dev/pay/" })
	s := b.open(t, "dep-1")
	require.Regexp(t, `^SBX[0-9a-f]{32}$`, s.Authority)
	require.Equal(t, "https://dev.talabin.test/app/dev/pay/"+s.Authority, s.RedirectURL)
	require.Equal(t, "sandbox", b.gateway.Name())
}

func TestRequestRefusesCallback(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"UserInfo":      "http://user:pw@localhost:8000/cb",
		"OwnAuthority":  "http://localhost:8000/cb?Authority=x",
		"OwnStatus":     "http://localhost:8000/cb?sig=1&Status=OK",
		"BadQuery":      "http://localhost:8000/cb?sig=%zz",
		"PolicyBreaker": "http://local;host/cb",
	}
	for name, callback := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			_, err := b.gateway.Request(t.Context(), ports.PaymentRequest{OrderID: "dep-1", Amount: testAmount, CallbackURL: callback})
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.Zero(t, b.gateway.Requests())
		})
	}
}

func TestRequestRandomFailure(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *sandbox.Config) { c.Rand = strings.NewReader("too short") })
	_, err := b.gateway.Request(t.Context(), ports.PaymentRequest{OrderID: "dep-1", Amount: testAmount, CallbackURL: testCallback})
	require.ErrorIs(t, err, core.ErrGatewayUnavailable)
}

func TestPageRenders(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.open(t, "dep-1")
	w := b.serve(t, http.MethodGet, pagePath(s), nil)
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	require.Equal(t, "DENY", w.Header().Get("X-Frame-Options"))
	csp := w.Header().Get("Content-Security-Policy")
	require.Contains(t, csp, "default-src 'none'")
	require.Contains(t, csp, "form-action 'self' http://localhost:8000;")
	body := w.Body.String()
	require.Contains(t, body, "1,250,000")
	require.Contains(t, body, "dep-1")
	require.Contains(t, body, "واریز &lt;b&gt;طلابین&lt;/b&gt;", "the description is escaped")
	require.NotContains(t, body, "<b>")
	require.Contains(t, body, `action="`+s.Authority+`/pay"`)
	require.Contains(t, body, `action="`+s.Authority+`/cancel"`)
	require.Len(t, tokenPattern.FindAllString(body, -1), 2)

	head := b.serve(t, http.MethodHead, pagePath(s), nil)
	require.Equal(t, http.StatusOK, head.Code)
}

func TestSettleRedirectsToCallback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		action    string
		status    string
		succeeded bool
		state     ports.PaymentState
		verified  ports.PaymentStatus
	}{
		{"Pay", "pay", "OK", true, ports.PaymentAwaitingVerify, ports.PaymentPaid},
		{"Cancel", "cancel", "NOK", false, ports.PaymentFailed, ports.PaymentNotPaid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			s := b.open(t, "dep-1")
			w := b.serve(t, http.MethodPost, pagePath(s)+"/"+tt.action, url.Values{"token": {b.token(t, s)}})
			require.Equal(t, http.StatusSeeOther, w.Code)
			loc := w.Header().Get("Location")
			require.Equal(t, testCallback+"&Authority="+s.Authority+"&Status="+tt.status, loc)
			require.Equal(t, tt.state, b.state(t, s, "dep-1"))

			r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, loc, nil)
			cb, err := b.gateway.ParseCallback(r)
			require.NoError(t, err)
			require.Equal(t, ports.Callback{Authority: s.Authority, Status: tt.status, Succeeded: tt.succeeded}, cb)
			require.Equal(t, "abc", r.URL.Query().Get("sig"))

			v, err := b.gateway.Verify(t.Context(), ports.VerifyRequest{Authority: s.Authority, OrderID: "dep-1", Amount: testAmount})
			require.NoError(t, err)
			require.Equal(t, tt.verified, v.Status)
		})
	}
}

func TestSettleWithoutQuery(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s, err := b.gateway.Request(t.Context(), ports.PaymentRequest{OrderID: "dep-1", Amount: testAmount, CallbackURL: "https://talabin.test/cb"})
	require.NoError(t, err)
	to, err := b.gateway.Settle(s.Authority, true)
	require.NoError(t, err)
	require.Equal(t, "https://talabin.test/cb?Authority="+s.Authority+"&Status=OK", to)
}

func TestForgedPostRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		form func(token string) url.Values
		code int
	}{
		{"NoToken", func(string) url.Values { return url.Values{} }, http.StatusForbidden},
		{"WrongToken", func(tok string) url.Values { return url.Values{"token": {strings.Repeat("0", len(tok))}} }, http.StatusForbidden},
		{"TokenTwice", func(tok string) url.Values { return url.Values{"token": {tok, tok}} }, http.StatusForbidden},
		{"OtherSessionsToken", nil, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			s := b.open(t, "dep-1")
			form := url.Values{"token": {b.token(t, b.open(t, "dep-2"))}}
			if tt.form != nil {
				form = tt.form(b.token(t, s))
			}
			w := b.serve(t, http.MethodPost, pagePath(s)+"/pay", form)
			require.Equal(t, tt.code, w.Code)
			require.Empty(t, w.Header().Get("Location"))
			require.Equal(t, ports.PaymentPending, b.state(t, s, "dep-1"))
		})
	}
	t.Run("NotAForm", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		s := b.open(t, "dep-1")
		r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, pagePath(s)+"/pay",
			strings.NewReader(`{"token":"`+b.token(t, s)+`"}`))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		b.gateway.ServeHTTP(w, r)
		require.Equal(t, http.StatusBadRequest, w.Code)
		require.Equal(t, ports.PaymentPending, b.state(t, s, "dep-1"))
	})
	t.Run("OversizedForm", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		s := b.open(t, "dep-1")
		form := url.Values{"token": {b.token(t, s)}, "pad": {strings.Repeat("x", 4096)}}
		w := b.serve(t, http.MethodPost, pagePath(s)+"/pay", form)
		require.Equal(t, http.StatusBadRequest, w.Code)
		require.Equal(t, ports.PaymentPending, b.state(t, s, "dep-1"))
	})
}

func TestSettleTwice(t *testing.T) {
	t.Parallel()
	for _, second := range []string{"pay", "cancel"} {
		t.Run(second, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			s := b.open(t, "dep-1")
			form := url.Values{"token": {b.token(t, s)}}
			require.Equal(t, http.StatusSeeOther, b.serve(t, http.MethodPost, pagePath(s)+"/pay", form).Code)

			w := b.serve(t, http.MethodPost, pagePath(s)+"/"+second, form)
			require.Equal(t, http.StatusConflict, w.Code)
			require.Contains(t, w.Body.String(), "already settled")
			require.Empty(t, w.Header().Get("Location"))
			require.Equal(t, ports.PaymentAwaitingVerify, b.state(t, s, "dep-1"))

			page := b.serve(t, http.MethodGet, pagePath(s), nil)
			require.Equal(t, http.StatusOK, page.Code)
			require.Contains(t, page.Body.String(), "already settled: paid")
			require.NotContains(t, page.Body.String(), "<form")

			_, err := b.gateway.Settle(s.Authority, false)
			require.ErrorIs(t, err, core.ErrInvalidState)
		})
	}
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *sandbox.Config) { c.SessionTTL = 10 * time.Minute })
	s := b.open(t, "dep-1")
	token := b.token(t, s)
	paid := b.open(t, "dep-2")
	_, err := b.gateway.Settle(paid.Authority, true)
	require.NoError(t, err)

	b.clock.Advance(10 * time.Minute)
	require.Equal(t, http.StatusNotFound, b.serve(t, http.MethodGet, pagePath(s), nil).Code)
	require.Equal(t, http.StatusNotFound, b.serve(t, http.MethodPost, pagePath(s)+"/pay", url.Values{"token": {token}}).Code)
	_, err = b.gateway.Settle(s.Authority, true)
	require.ErrorIs(t, err, core.ErrNotFound)
	require.Equal(t, ports.PaymentFailed, b.state(t, s, "dep-1"))
	v, err := b.gateway.Verify(t.Context(), ports.VerifyRequest{Authority: s.Authority, OrderID: "dep-1", Amount: testAmount})
	require.NoError(t, err)
	require.Equal(t, ports.PaymentNotPaid, v.Status)

	// A session paid in time is still verified after the time to pay.
	v, err = b.gateway.Verify(t.Context(), ports.VerifyRequest{Authority: paid.Authority, OrderID: "dep-2", Amount: testAmount})
	require.NoError(t, err)
	require.Equal(t, ports.PaymentPaid, v.Status)

	// After the retention, opening a new session forgets both.
	b.clock.Advance(sandbox.SessionRetention)
	b.open(t, "dep-3")
	for _, old := range []ports.PaymentSession{s, paid} {
		_, err = b.gateway.Inquire(t.Context(), ports.InquiryRequest{Authority: old.Authority, OrderID: "dep-1"})
		require.ErrorIs(t, err, core.ErrNotFound)
	}
}

func TestSessionCap(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	req := ports.PaymentRequest{OrderID: "dep-1", Amount: testAmount, CallbackURL: testCallback}
	var err error
	for err == nil {
		_, err = b.gateway.Request(t.Context(), req)
	}
	require.ErrorIs(t, err, core.ErrGatewayUnavailable)
	require.Equal(t, 10_001, b.gateway.Requests())

	b.clock.Advance(sandbox.SessionRetention)
	_, err = b.gateway.Request(t.Context(), req)
	require.NoError(t, err, "old sessions make room")
}

func TestPageNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.open(t, "dep-1")
	unknown := "SBX" + strings.Repeat("a", 32)
	tests := map[string]struct{ method, path string }{
		"UnknownAuthority":    {http.MethodGet, sandbox.DefaultPathPrefix + unknown},
		"UnknownAuthorityPay": {http.MethodPost, sandbox.DefaultPathPrefix + unknown + "/pay"},
		"Malformed":           {http.MethodGet, sandbox.DefaultPathPrefix + "SBX'"},
		"TrailingSlash":       {http.MethodGet, pagePath(s) + "/"},
		"UnknownAction":       {http.MethodPost, pagePath(s) + "/refund"},
		"OtherPrefix":         {http.MethodGet, "/elsewhere/" + s.Authority},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := b.serve(t, tt.method, tt.path, url.Values{})
			require.Equal(t, http.StatusNotFound, w.Code)
			require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
			require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
			require.Contains(t, w.Body.String(), "does not exist")
		})
	}
}

func TestPageMethodNotAllowed(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.open(t, "dep-1")
	w := b.serve(t, http.MethodPost, pagePath(s), url.Values{})
	require.Equal(t, http.StatusMethodNotAllowed, w.Code)
	require.Equal(t, "GET, HEAD", w.Header().Get("Allow"))
	w = b.serve(t, http.MethodGet, pagePath(s)+"/pay", nil)
	require.Equal(t, http.StatusMethodNotAllowed, w.Code)
	require.Equal(t, "POST", w.Header().Get("Allow"))
	require.Equal(t, ports.PaymentPending, b.state(t, s, "dep-1"))
}

func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.open(t, "dep-1")
	_, err := b.gateway.Settle(s.Authority, true)
	require.NoError(t, err)

	const n = 10
	results := make([]ports.Verification, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = b.gateway.Verify(t.Context(), ports.VerifyRequest{Authority: s.Authority, OrderID: "dep-1", Amount: testAmount})
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	counts := map[ports.PaymentStatus]int{}
	refs := map[string]bool{}
	for _, v := range results {
		counts[v.Status]++
		refs[v.RefID] = true
		require.Equal(t, testAmount, v.Amount)
		require.Equal(t, sandbox.CardPANMasked, v.CardPANMasked)
	}
	require.Equal(t, map[ports.PaymentStatus]int{ports.PaymentPaid: 1, ports.PaymentAlreadyVerified: n - 1}, counts)
	require.Len(t, refs, 1, "every answer carries the same reference")
	require.Regexp(t, `^[1-9][0-9]{11}$`, results[0].RefID)
}

func TestVerifyMismatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		paid    bool
		orderID string
		amount  core.Rial
	}{
		{"PaidOtherOrder", true, "dep-2", testAmount},
		{"PaidOtherAmount", true, "dep-1", testAmount + 10},
		{"OpenOtherAmount", false, "dep-1", testAmount - 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			s := b.open(t, "dep-1")
			if tt.paid {
				_, err := b.gateway.Settle(s.Authority, true)
				require.NoError(t, err)
			}
			_, err := b.gateway.Verify(t.Context(), ports.VerifyRequest{Authority: s.Authority, OrderID: tt.orderID, Amount: tt.amount})
			require.ErrorIs(t, err, ports.ErrPaymentMismatch)
			// The refused verify captured nothing.
			want := ports.PaymentPending
			if tt.paid {
				want = ports.PaymentAwaitingVerify
			}
			require.Equal(t, want, b.state(t, s, "dep-1"))
		})
	}
	t.Run("InquireOtherOrder", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		s := b.open(t, "dep-1")
		_, err := b.gateway.Inquire(t.Context(), ports.InquiryRequest{Authority: s.Authority, OrderID: "dep-2"})
		require.ErrorIs(t, err, ports.ErrPaymentMismatch)
	})
}

func TestSettleRefusesMalformedAuthority(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	_, err := b.gateway.Settle("A"+strings.Repeat("0", 35), true)
	require.ErrorIs(t, err, core.ErrInvalidInput)
	_, err = b.gateway.Settle("SBX"+strings.Repeat("0", 32), true)
	require.ErrorIs(t, err, core.ErrNotFound)
}

func TestParseCallbackPost(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.open(t, "dep-1")
	tests := []struct {
		name    string
		method  string
		body    string
		ctype   string
		wantErr bool
	}{
		{"Form", http.MethodPost, "Authority=" + s.Authority + "&Status=NOK", "application/x-www-form-urlencoded", false},
		{"JSON", http.MethodPost, `{"Authority":"` + s.Authority + `"}`, "application/json", true},
		{"OtherStatus", http.MethodPost, "Authority=" + s.Authority + "&Status=10", "application/x-www-form-urlencoded", true},
		{"NoStatus", http.MethodPost, "Authority=" + s.Authority, "application/x-www-form-urlencoded", true},
		{"Put", http.MethodPut, "Authority=" + s.Authority + "&Status=OK", "application/x-www-form-urlencoded", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequestWithContext(t.Context(), tt.method, testCallback, strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.ctype)
			cb, err := b.gateway.ParseCallback(r)
			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, ports.Callback{Authority: s.Authority, Status: "NOK"}, cb)
		})
	}
}
