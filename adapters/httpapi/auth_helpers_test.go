package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/adapters/httpapi/openapi/openapitest"
)

// Fixture values of [testAuthConfig].
const (
	appOrigin   = "https://app.talabin.test"
	evilOrigin  = "https://evil.example"
	clientAddr  = "203.0.113.7"
	proxyAddr   = "10.0.0.5"
	defaultPeer = clientAddr + ":51000"
)

// testCSRFKey is the CSRF key of [testAuthConfig].
var testCSRFKey = []byte("0123456789abcdef0123456789abcdef")

// testAuthConfig returns a valid configuration over accounts and limiter: default limits,
// proxies in 10.0.0.0/8 trusted, appOrigin allowed, Secure cookies.
func testAuthConfig(accounts *fakeAccounts, limiter *countingLimiter) httpapi.AuthConfig {
	return httpapi.AuthConfig{
		Accounts:       accounts,
		Limiter:        limiter,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		AllowedOrigins: []string{appOrigin},
		CSRFKey:        testCSRFKey,
		CookieSecure:   true,
	}
}

// authBundle is the API router over a fake accounts service and a counting limiter, with
// its access log and security log.
type authBundle struct {
	handler  http.Handler
	accounts *fakeAccounts
	limiter  *countingLimiter
	logs     *syncBuffer
	security *syncBuffer
}

// setupAuth returns the router of NewRouter over fresh fakes; configure changes the
// configuration first.
func setupAuth(t *testing.T, configure ...func(*httpapi.AuthConfig)) authBundle {
	t.Helper()
	b := authBundle{accounts: newFakeAccounts(), limiter: newCountingLimiter(), logs: &syncBuffer{}, security: &syncBuffer{}}
	cfg := testAuthConfig(b.accounts, b.limiter)
	cfg.SecurityLogger = slog.New(slog.NewJSONHandler(b.security, nil))
	for _, c := range configure {
		c(&cfg)
	}
	logger := slog.New(slog.NewJSONHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := httpapi.NewRouter(logger, mustReadiness(t), cfg, httpapi.MetricsEndpoint{})
	require.NoError(t, err)
	b.handler = h
	return b
}

// requestOption changes a request before it is sent.
type requestOption func(r *http.Request)

// withHeader sets a request header.
func withHeader(name, value string) requestOption {
	return func(r *http.Request) { r.Header.Set(name, value) }
}

// withBearer sends token as a bearer access token.
func withBearer(token string) requestOption {
	return withHeader("Authorization", "Bearer "+token)
}

// withCookie sends a cookie.
func withCookie(name, value string) requestOption {
	return func(r *http.Request) {
		r.AddCookie(&http.Cookie{Name: name, Value: value}) //nolint:gosec // G124: a request cookie carries no attributes
	}
}

// withOrigin sends an Origin header.
func withOrigin(origin string) requestOption { return withHeader("Origin", origin) }

// fromPeer sets the connection's remote address.
func fromPeer(addr string) requestOption {
	return func(r *http.Request) { r.RemoteAddr = addr }
}

// withContentType replaces the JSON Content-Type.
func withContentType(ct string) requestOption { return withHeader("Content-Type", ct) }

// inEnglish asks for English messages.
func inEnglish() requestOption { return withHeader("Accept-Language", "en") }

// send serves one request through h: body as JSON (none when empty), from defaultPeer, then
// opts in order, and checks the answer against the OpenAPI document unless h serves test
// routes.
func send(t *testing.T, h http.Handler, method, path, body string, opts ...requestOption) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, stringsReader(body))
	req.RemoteAddr = defaultPeer
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "talabin-test")
	for _, o := range opts {
		o(req)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if _, test := h.(testRouter); !test {
		openapitest.CheckRecorder(t, req, rec)
	}
	return rec
}

// send is [send] through the bundle's router.
func (b authBundle) send(t *testing.T, method, path, body string, opts ...requestOption) *httptest.ResponseRecorder {
	t.Helper()
	return send(t, b.handler, method, path, body, opts...)
}

// dataOf returns the data object of a success envelope, checking the envelope.
func dataOf(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	body := decodeBody(t, rec)
	require.Equal(t, true, body["success"], "body: %s", rec.Body.String())
	data, ok := body["data"].(map[string]any)
	require.True(t, ok, "data is not an object: %s", rec.Body.String())
	return data
}

// messageOf returns the message of a success envelope.
func messageOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	msg, _ := decodeBody(t, rec)["message"].(string)
	return msg
}

// requireError checks that rec is an error envelope with status and code, and returns its
// error object.
func requireError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) map[string]any {
	t.Helper()
	require.Equal(t, status, rec.Code, "body: %s", rec.Body.String())
	e := errorOf(t, rec)
	require.Equal(t, code, e["code"])
	if status == http.StatusUnauthorized {
		require.Equal(t, "Bearer", rec.Header().Get("WWW-Authenticate"))
	}
	return e
}

// cookiesOf returns the cookies rec sets, by name.
func cookiesOf(rec *httptest.ResponseRecorder) map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, c := range rec.Result().Cookies() { //nolint:bodyclose // a recorder's body needs no closing
		out[c.Name] = c
	}
	return out
}

// securityEvents returns the security log lines, parsed.
func (b authBundle) securityEvents(t *testing.T) []map[string]any {
	t.Helper()
	return apiBundle{logs: b.security}.logLines(t)
}

// requireSecurityEvent checks that exactly one security event was logged, named event, and
// returns it.
func (b authBundle) requireSecurityEvent(t *testing.T, event string) map[string]any {
	t.Helper()
	events := b.securityEvents(t)
	require.Len(t, events, 1, "security log: %s", b.security.String())
	require.Equal(t, event, events[0]["event"])
	require.NotEmpty(t, events[0]["request_id"])
	require.NotEmpty(t, events[0]["ip"])
	return events[0]
}
