package httpapi_test

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
)

// siteHost is the host the site tests serve.
const siteHost = "api.talabin.test"

// wantSecurityHeaders are the headers of API.md §1.1 every response carries.
var wantSecurityHeaders = map[string]string{
	"Strict-Transport-Security":  "max-age=31536000; includeSubDomains",
	"Content-Security-Policy":    "default-src 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options":     "nosniff",
	"X-Frame-Options":            "DENY",
	"Referrer-Policy":            "same-origin",
	"Cross-Origin-Opener-Policy": "same-origin",
}

// requireSecurityHeaders checks every header of wantSecurityHeaders and the request id.
func requireSecurityHeaders(t *testing.T, h http.Header, what string) {
	t.Helper()
	for name, want := range wantSecurityHeaders {
		require.Equal(t, want, h.Get(name), "%s: %s", what, name)
	}
	require.NotEmpty(t, h.Get(httpapi.HeaderRequestID), "%s: X-Request-ID", what)
}

// onHost sets the request's Host header.
func onHost(host string) requestOption {
	return func(r *http.Request) { r.Host = host }
}

// overTLS marks the request as received over a TLS connection.
func overTLS() requestOption {
	return func(r *http.Request) { r.TLS = &tls.ConnectionState{} }
}

// pageCSP is the policy of the page that sets its own.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'"

// siteRoutes adds, beside the API, a page with its own Content-Security-Policy, a handler
// that panics, and a public route that echoes the client IP.
func siteRoutes() []httpapi.RouterOption {
	page := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<p>page</p>"))
	})
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	ip := func(a *httpapi.Auth) (func(rt httpapi.Routes), error) {
		return func(rt httpapi.Routes) {
			a.Public(rt).Get("/ip/", func(w http.ResponseWriter, r *http.Request) error {
				httpapi.WriteData(w, r, http.StatusOK, map[string]string{"ip": httpapi.ClientIP(r.Context())})
				return nil
			})
			a.Public(rt).Get("/list/", func(w http.ResponseWriter, r *http.Request) error {
				httpapi.WriteList(w, r, httpapi.Page{Number: 1, Size: 1}, 2, []int{1})
				return nil
			})
		}, nil
	}
	return []httpapi.RouterOption{httpapi.WithHandler("/page/", page), httpapi.WithHandler("/boom/", boom), ip}
}

// setupSite returns the router of NewSiteRouter for site over fresh fakes, with
// [siteRoutes]; configure changes the auth configuration first.
func setupSite(t *testing.T, site httpapi.SiteConfig, configure ...func(*httpapi.AuthConfig)) http.Handler {
	t.Helper()
	cfg := testAuthConfig(newFakeAccounts(), newCountingLimiter())
	for _, c := range configure {
		c(&cfg)
	}
	h, err := httpapi.NewSiteRouter(discardLogger(), mustReadiness(t), cfg, httpapi.MetricsEndpoint{}, site, siteRoutes()...)
	require.NoError(t, err)
	return testRouter{h} // siteRoutes are test routes, outside the OpenAPI document
}

// TestSecurityHeadersOnEveryResponse sends one request of each kind of answer through a
// site router with every check on, and finds the security headers on each, and the JSON
// content type on every envelope.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	h := setupSite(t, httpapi.SiteConfig{AllowedHosts: []string{siteHost}, HTTPSRedirect: true})
	tls := []requestOption{onHost(siteHost), overTLS()}
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		opts       []requestOption
		wantStatus int
		wantCode   string // "" when the answer is not an error envelope
		wantJSON   bool
	}{
		{name: "Liveness", method: http.MethodGet, path: "/healthz", wantStatus: http.StatusOK, wantJSON: true},
		{name: "Readiness", method: http.MethodGet, path: "/readyz/", wantStatus: http.StatusOK, wantJSON: true},
		{name: "Success", method: http.MethodGet, path: "/ip/", wantStatus: http.StatusOK, wantJSON: true},
		{name: "Unauthenticated", method: http.MethodGet, path: "/api/auth/me/", wantStatus: http.StatusUnauthorized, wantCode: "not_authenticated", wantJSON: true},
		{name: "MalformedJSON", method: http.MethodPost, path: "/api/auth/login/", body: "{", wantStatus: http.StatusBadRequest, wantCode: "invalid_json", wantJSON: true},
		{name: "UnknownPath", method: http.MethodGet, path: "/api/nowhere/", wantStatus: http.StatusNotFound, wantCode: "not_found", wantJSON: true},
		{name: "WrongMethod", method: http.MethodDelete, path: "/api/auth/login/", wantStatus: http.StatusMethodNotAllowed, wantCode: "method_not_allowed", wantJSON: true},
		{name: "BodyTooLarge", method: http.MethodPost, path: "/api/auth/login/", body: `{"password":"` + strings.Repeat("x", int(httpapi.DefaultBodyLimit)) + `"}`, wantStatus: http.StatusRequestEntityTooLarge, wantCode: "payload_too_large", wantJSON: true},
		{name: "WrongContentType", method: http.MethodPost, path: "/api/auth/login/", body: "phone", opts: []requestOption{withContentType("text/plain")}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "unsupported_media_type", wantJSON: true},
		{name: "Panic", method: http.MethodGet, path: "/boom/", wantStatus: http.StatusInternalServerError, wantCode: "internal_error", wantJSON: true},
		{name: "UnknownHost", method: http.MethodGet, path: "/ip/", opts: []requestOption{onHost("evil.example")}, wantStatus: http.StatusBadRequest, wantCode: "validation_error", wantJSON: true},
		{name: "PlainHTTPWrite", method: http.MethodPost, path: "/api/auth/login/", opts: []requestOption{onHost(siteHost), func(r *http.Request) { r.TLS = nil }}, wantStatus: http.StatusBadRequest, wantCode: "validation_error", wantJSON: true},
		{name: "PlainHTTPRedirect", method: http.MethodGet, path: "/ip/", opts: []requestOption{onHost(siteHost), func(r *http.Request) { r.TLS = nil }}, wantStatus: http.StatusMovedPermanently},
		{name: "Preflight", method: http.MethodOptions, path: "/api/auth/login/", opts: []requestOption{withOrigin(appOrigin), withHeader("Access-Control-Request-Method", "POST")}, wantStatus: http.StatusNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := send(t, h, tt.method, tt.path, tt.body, append(append([]requestOption{}, tls...), tt.opts...)...)

			require.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			requireSecurityHeaders(t, rec.Header(), tt.name)
			if tt.wantJSON {
				require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			}
			if tt.wantCode != "" {
				requireError(t, rec, tt.wantStatus, tt.wantCode)
			}
		})
	}
}

func TestPageReplacesContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	h := setupSite(t, httpapi.SiteConfig{})

	rec := send(t, h, http.MethodGet, "/page/", "")

	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, pageCSP, rec.Header().Get("Content-Security-Policy"), "the page's own policy wins")
	require.Equal(t, "DENY", rec.Header().Get("X-Frame-Options"), "the other headers stay")
	require.Equal(t, "same-origin", rec.Header().Get("Cross-Origin-Opener-Policy"))
}

func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	h := setupSite(t, httpapi.SiteConfig{})
	const allHeaders = "accept,accept-language,authorization,content-type,idempotency-key,x-auth-mode,x-csrftoken,x-request-id"
	tests := []struct {
		name        string
		origin      string
		method      string
		headers     string
		wantAllowed bool
	}{
		{name: "AllowedOrigin", origin: appOrigin, method: http.MethodPost, headers: allHeaders, wantAllowed: true},
		{name: "AllowedOriginOtherCase", origin: strings.ToUpper(appOrigin[:5]) + appOrigin[5:], method: http.MethodDelete, wantAllowed: true},
		{name: "EveryAllowedMethod", origin: appOrigin, method: http.MethodPatch, headers: "content-type", wantAllowed: true},
		{name: "PUT", origin: appOrigin, method: http.MethodPut, wantAllowed: true},
		{name: "OtherOrigin", origin: evilOrigin, method: http.MethodPost, headers: "content-type"},
		{name: "OriginWithPath", origin: appOrigin + "/login", method: http.MethodPost},
		{name: "SubdomainOfAllowedOrigin", origin: "https://x.app.talabin.test", method: http.MethodPost},
		{name: "PlainHTTPOfAllowedOrigin", origin: "http://app.talabin.test", method: http.MethodPost},
		{name: "MethodNotListed", origin: appOrigin, method: "TRACE"},
		{name: "HeaderNotListed", origin: appOrigin, method: http.MethodPost, headers: "content-type,x-evil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := []requestOption{withOrigin(tt.origin), withHeader("Access-Control-Request-Method", tt.method)}
			if tt.headers != "" {
				opts = append(opts, withHeader("Access-Control-Request-Headers", tt.headers))
			}

			rec := send(t, h, http.MethodOptions, "/api/auth/login/", "", opts...)

			require.Equal(t, http.StatusNoContent, rec.Code, "answered before routing, whatever the origin")
			require.Empty(t, rec.Body.String())
			require.Contains(t, rec.Header().Values("Vary"), "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
			requireSecurityHeaders(t, rec.Header(), tt.name)
			hd := rec.Header()
			if !tt.wantAllowed {
				for _, name := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age"} {
					require.Empty(t, hd.Get(name), name)
				}
				return
			}
			require.Equal(t, tt.origin, hd.Get("Access-Control-Allow-Origin"), "the origin itself, never *")
			require.Equal(t, "true", hd.Get("Access-Control-Allow-Credentials"))
			require.Equal(t, tt.method, hd.Get("Access-Control-Allow-Methods"))
			require.Equal(t, tt.headers, hd.Get("Access-Control-Allow-Headers"))
			require.Equal(t, "600", hd.Get("Access-Control-Max-Age"))
		})
	}
}

func TestCORSActualRequest(t *testing.T) {
	t.Parallel()
	h := setupSite(t, httpapi.SiteConfig{})
	wantExposed := []string{"Retry-After", "X-Request-Id", "Idempotency-Replayed", "Ratelimit-Limit", "Ratelimit-Remaining", "Ratelimit-Reset"}
	tests := []struct {
		name        string
		method      string
		path        string
		origin      string
		wantStatus  int
		wantAllowed bool
	}{
		{name: "AllowedOrigin", method: http.MethodGet, path: "/ip/", origin: appOrigin, wantStatus: http.StatusOK, wantAllowed: true},
		{name: "AllowedOriginError", method: http.MethodGet, path: "/api/auth/me/", origin: appOrigin, wantStatus: http.StatusUnauthorized, wantAllowed: true},
		{name: "AllowedOriginHEAD", method: http.MethodHead, path: "/ip/", origin: appOrigin, wantStatus: http.StatusOK, wantAllowed: true},
		{name: "OtherOrigin", method: http.MethodGet, path: "/ip/", origin: evilOrigin, wantStatus: http.StatusOK},
		{name: "NoOrigin", method: http.MethodGet, path: "/ip/", wantStatus: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []requestOption
			if tt.origin != "" {
				opts = append(opts, withOrigin(tt.origin))
			}

			rec := send(t, h, tt.method, tt.path, "", opts...)

			require.Equal(t, tt.wantStatus, rec.Code)
			require.Contains(t, rec.Header().Values("Vary"), "Origin", "caches keep answers per origin")
			hd := rec.Header()
			if !tt.wantAllowed {
				require.Empty(t, hd.Get("Access-Control-Allow-Origin"))
				require.Empty(t, hd.Get("Access-Control-Allow-Credentials"), "credentials only for allowlisted origins")
				require.Empty(t, hd.Get("Access-Control-Expose-Headers"))
				return
			}
			require.Equal(t, tt.origin, hd.Get("Access-Control-Allow-Origin"))
			require.Equal(t, "true", hd.Get("Access-Control-Allow-Credentials"))
			require.Equal(t, strings.Join(wantExposed, ", "), hd.Get("Access-Control-Expose-Headers"))
		})
	}
}

// TestCORSEmptyAllowlistAllowsNone guards against the CORS library's own default, which
// allows every origin when none is listed.
func TestCORSEmptyAllowlistAllowsNone(t *testing.T) {
	t.Parallel()
	h := setupSite(t, httpapi.SiteConfig{}, func(c *httpapi.AuthConfig) { c.AllowedOrigins = nil })

	preflight := send(t, h, http.MethodOptions, "/api/auth/login/", "", withOrigin(evilOrigin), withHeader("Access-Control-Request-Method", "POST"))
	actual := send(t, h, http.MethodGet, "/ip/", "", withOrigin(evilOrigin))

	for _, rec := range []*httptest.ResponseRecorder{preflight, actual} {
		require.Empty(t, rec.Header().Get("Access-Control-Allow-Origin"))
		require.Empty(t, rec.Header().Get("Access-Control-Allow-Credentials"))
	}
}

func TestAllowedHosts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		patterns []string
		host     string
		allowed  bool
	}{
		{"Exact", []string{"api.talabin.ir"}, "api.talabin.ir", true},
		{"ExactWithPort", []string{"api.talabin.ir"}, "api.talabin.ir:8443", true},
		{"ExactOtherCase", []string{"API.talabin.ir"}, "api.TALABIN.ir", true},
		{"ExactTrailingDot", []string{"api.talabin.ir"}, "api.talabin.ir.:443", true},
		{"ExactIsNotSubdomain", []string{"talabin.ir"}, "api.talabin.ir", false},
		{"Unknown", []string{"api.talabin.ir"}, "evil.example", false},
		{"UnknownWithAllowedPrefix", []string{"api.talabin.ir"}, "api.talabin.ir.evil.example", false},
		{"DomainItself", []string{".talabin.ir"}, "talabin.ir", true},
		{"DomainSubdomain", []string{".talabin.ir"}, "api.talabin.ir:8000", true},
		{"DomainDeepSubdomain", []string{".talabin.ir"}, "a.b.talabin.ir", true},
		{"DomainLookalike", []string{".talabin.ir"}, "eviltalabin.ir", false},
		{"Any", []string{"*"}, "whatever.example:1234", true},
		{"AnyStillNeedsAHost", []string{"*"}, "", false},
		{"AnyRefusesMalformed", []string{"*"}, "bad_host.example", false},
		{"Empty", []string{"api.talabin.ir"}, "", false},
		{"PortNotNumeric", []string{"api.talabin.ir"}, "api.talabin.ir:https", false},
		{"PortEmpty", []string{"api.talabin.ir"}, "api.talabin.ir:", false},
		{"IPv4", []string{"192.0.2.7"}, "192.0.2.7:8000", true},
		{"IPv6", []string{"[::1]"}, "[::1]:8000", true},
		{"IPv6OtherSpelling", []string{"[::1]"}, "[0:0:0:0:0:0:0:1]", true},
		{"IPv6Unbracketed", []string{"[::1]"}, "::1", false},
		{"DebugLocalhost", []string{".localhost", "127.0.0.1", "[::1]"}, "localhost:8000", true},
		{"DebugLocalhostSubdomain", []string{".localhost", "127.0.0.1", "[::1]"}, "app.localhost", true},
		{"DebugLoopback", []string{".localhost", "127.0.0.1", "[::1]"}, "127.0.0.1:8000", true},
		{"DebugOtherAddress", []string{".localhost", "127.0.0.1", "[::1]"}, "10.0.0.7:8000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setupSite(t, httpapi.SiteConfig{AllowedHosts: tt.patterns})

			rec := send(t, h, http.MethodGet, "/ip/", "", onHost(tt.host), inEnglish())

			if tt.allowed {
				require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
				return
			}
			e := requireError(t, rec, http.StatusBadRequest, "validation_error")
			require.Equal(t, map[string]any{"host": []any{"This server does not serve the host name the request was sent to (the Host header)."}}, e["details"])
			require.Equal(t, "This server does not serve the host name the request was sent to (the Host header).", e["message"])
			requireSecurityHeaders(t, rec.Header(), tt.name)
		})
	}
}

// TestProbesSkipSiteChecks calls the probes as a load balancer does, by address and over
// plain HTTP: they answer, while the same request for an API path is refused.
func TestProbesSkipSiteChecks(t *testing.T) {
	t.Parallel()
	h := setupSite(t, httpapi.SiteConfig{AllowedHosts: []string{siteHost}, HTTPSRedirect: true})
	for _, path := range []string{"/healthz", "/healthz/", "/readyz", "//readyz/"} {
		rec := send(t, h, http.MethodGet, path, "", onHost("10.1.2.3:8000"))
		require.Equal(t, http.StatusOK, rec.Code, path)
		requireSecurityHeaders(t, rec.Header(), path)
	}
	rec := send(t, h, http.MethodGet, "/ip/", "", onHost("10.1.2.3:8000"))
	requireError(t, rec, http.StatusBadRequest, "validation_error")
}

func TestSiteRejectsMalformedAllowedHosts(t *testing.T) {
	t.Parallel()
	for _, pattern := range []string{"api.talabin.ir:8000", "*.talabin.ir", "https://talabin.ir", ".", ".[::1]", "bad_host"} {
		_, err := httpapi.NewSiteRouter(discardLogger(), mustReadiness(t), testAuthConfig(newFakeAccounts(), newCountingLimiter()),
			httpapi.MetricsEndpoint{}, httpapi.SiteConfig{AllowedHosts: []string{pattern}})
		require.ErrorContains(t, err, "allowed host", pattern)
	}
}

func TestHTTPSRedirect(t *testing.T) {
	t.Parallel()
	h := setupSite(t, httpapi.SiteConfig{AllowedHosts: []string{siteHost}, HTTPSRedirect: true})
	const trustedPeer = proxyAddr + ":40000"
	tests := []struct {
		name         string
		method       string
		path         string
		opts         []requestOption
		wantStatus   int
		wantLocation string
		wantRefused  bool // 400 for plain HTTP, not the handler's answer
	}{
		{name: "GETRedirected", method: http.MethodGet, path: "/ip/?a=1&b=%2F", wantStatus: http.StatusMovedPermanently, wantLocation: "https://" + siteHost + "/ip/?a=1&b=%2F"},
		{name: "GETKeepsPort", method: http.MethodGet, path: "/api//prices/", opts: []requestOption{onHost(siteHost + ":8080")}, wantStatus: http.StatusMovedPermanently, wantLocation: "https://" + siteHost + ":8080/api//prices/"},
		{name: "HEADRedirected", method: http.MethodHead, path: "/ip/", wantStatus: http.StatusMovedPermanently, wantLocation: "https://" + siteHost + "/ip/"},
		{name: "POSTRefused", method: http.MethodPost, path: "/api/auth/login/", wantStatus: http.StatusBadRequest, wantRefused: true},
		{name: "DELETERefused", method: http.MethodDelete, path: "/api/auth/sessions/1/", wantStatus: http.StatusBadRequest, wantRefused: true},
		{name: "TLSConnection", method: http.MethodGet, path: "/ip/", opts: []requestOption{overTLS()}, wantStatus: http.StatusOK},
		{name: "TrustedProxyHTTPS", method: http.MethodGet, path: "/ip/", opts: []requestOption{fromPeer(trustedPeer), withHeader("X-Forwarded-Proto", "https")}, wantStatus: http.StatusOK},
		{name: "TrustedProxyHTTPSWrite", method: http.MethodPost, path: "/api/auth/login/", opts: []requestOption{fromPeer(trustedPeer), withHeader("X-Forwarded-Proto", "HTTPS")}, wantStatus: http.StatusBadRequest},
		{name: "TrustedProxyFirstValueCounts", method: http.MethodGet, path: "/ip/", opts: []requestOption{fromPeer(trustedPeer), withHeader("X-Forwarded-Proto", "https, http")}, wantStatus: http.StatusOK},
		{name: "TrustedProxyHTTP", method: http.MethodGet, path: "/ip/", opts: []requestOption{fromPeer(trustedPeer), withHeader("X-Forwarded-Proto", "http")}, wantStatus: http.StatusMovedPermanently, wantLocation: "https://" + siteHost + "/ip/"},
		{name: "TrustedProxyNoHeader", method: http.MethodGet, path: "/ip/", opts: []requestOption{fromPeer(trustedPeer)}, wantStatus: http.StatusMovedPermanently, wantLocation: "https://" + siteHost + "/ip/"},
		{name: "UntrustedPeerSpoofsHTTPS", method: http.MethodGet, path: "/ip/", opts: []requestOption{withHeader("X-Forwarded-Proto", "https")}, wantStatus: http.StatusMovedPermanently, wantLocation: "https://" + siteHost + "/ip/"},
		{name: "ProbeOverHTTP", method: http.MethodGet, path: "/readyz", wantStatus: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := send(t, h, tt.method, tt.path, "{}", append([]requestOption{onHost(siteHost), inEnglish()}, tt.opts...)...)

			require.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			require.Equal(t, tt.wantLocation, rec.Header().Get("Location"))
			requireSecurityHeaders(t, rec.Header(), tt.name)
			if tt.wantStatus == http.StatusBadRequest {
				e := requireError(t, rec, http.StatusBadRequest, "validation_error")
				refused := e["message"] == "This service is only available over HTTPS; send the request to its https:// address."
				require.Equal(t, tt.wantRefused, refused, "message: %s", e["message"])
				if tt.wantRefused {
					require.Equal(t, map[string]any{"non_field_errors": []any{e["message"]}}, e["details"])
				}
			}
		})
	}
}

func TestWithoutHTTPSRedirectPlainHTTPIsServed(t *testing.T) {
	t.Parallel()
	h := setupSite(t, httpapi.SiteConfig{AllowedHosts: []string{siteHost}})

	rec := send(t, h, http.MethodGet, "/ip/", "", onHost(siteHost))

	require.Equal(t, http.StatusOK, rec.Code)
	require.Empty(t, rec.Header().Get("Location"))
}

// TestPaginationLinksFollowTrustedProxyScheme shows list links on https:// when a trusted
// proxy terminated TLS, and on http:// when anyone else claims it did.
func TestPaginationLinksFollowTrustedProxyScheme(t *testing.T) {
	t.Parallel()
	h := setupSite(t, httpapi.SiteConfig{AllowedHosts: []string{siteHost}})
	tests := []struct {
		name     string
		peer     string
		wantNext string
	}{
		{"TrustedProxy", proxyAddr + ":40000", "https://" + siteHost + "/list/?page=2&page_size=1"},
		{"UntrustedPeer", "198.51.100.20:40000", "http://" + siteHost + "/list/?page=2&page_size=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			rec := send(t, h, http.MethodGet, "/list/?page_size=1", "",
				onHost(siteHost), fromPeer(tt.peer), withHeader("X-Forwarded-Proto", "https"))

			require.Equal(t, http.StatusOK, rec.Code)
			var body struct {
				Pagination struct {
					Next string `json:"next"`
				} `json:"pagination"`
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			require.Equal(t, tt.wantNext, body.Pagination.Next)
		})
	}
}

// TestClientIPFromTrustedProxiesOnly shows X-Forwarded-For believed from a trusted proxy
// and ignored from anyone else, through a site router.
func TestClientIPFromTrustedProxiesOnly(t *testing.T) {
	t.Parallel()
	h := setupSite(t, httpapi.SiteConfig{AllowedHosts: []string{siteHost}})
	tests := []struct {
		name   string
		peer   string
		xff    string
		wantIP string
	}{
		{"TrustedProxy", proxyAddr + ":40000", clientAddr, clientAddr},
		{"TrustedProxyChain", proxyAddr + ":40000", "198.51.100.9, " + clientAddr + ", 10.0.0.6", clientAddr},
		{"UntrustedPeer", "198.51.100.20:40000", clientAddr, "198.51.100.20"},
		{"NoHeader", proxyAddr + ":40000", "", proxyAddr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := []requestOption{onHost(siteHost), fromPeer(tt.peer)}
			if tt.xff != "" {
				opts = append(opts, withHeader("X-Forwarded-For", tt.xff))
			}

			rec := send(t, h, http.MethodGet, "/ip/", "", opts...)

			require.Equal(t, http.StatusOK, rec.Code)
			require.Equal(t, tt.wantIP, dataOf(t, rec)["ip"])
		})
	}
}
