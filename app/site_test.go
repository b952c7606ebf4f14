package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app"
)

// wantSecurityHeaders are the headers of API.md §1.1 on every response. Pages that serve
// their own HTML (the sandbox gateway, the docs UI) may set stricter values of their own.
var wantSecurityHeaders = map[string]string{
	"Strict-Transport-Security":  "max-age=31536000; includeSubDomains",
	"Content-Security-Policy":    "default-src 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options":     "nosniff",
	"X-Frame-Options":            "DENY",
	"Referrer-Policy":            "same-origin",
	"Cross-Origin-Opener-Policy": "same-origin",
}

// ownPagePrefixes are the paths answered outside the JSON envelope (API.md §1.1 exceptions).
var ownPagePrefixes = []string{"/sandbox/", "/metrics", "/api/docs", "/api/schema"}

// siteResponse is the status and headers of one answer.
type siteResponse struct {
	status int
	header http.Header
}

// sendRaw sends one request to the app with contentType, body and the headers given as
// name, value pairs ("Host" sets the request's Host), and never follows a redirect.
func (l liveApp) sendRaw(t *testing.T, method, path, contentType, body string, headers ...string) siteResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, l.base+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return siteResponse{status: resp.StatusCode, header: resp.Header}
}

// requireSiteHeaders checks the security headers of an answer to path and, for an answer
// of the API, its JSON content type.
func requireSiteHeaders(t *testing.T, r siteResponse, what, path string) {
	t.Helper()
	ownPage := false
	for _, p := range ownPagePrefixes {
		ownPage = ownPage || strings.HasPrefix(path, p)
	}
	for name, want := range wantSecurityHeaders {
		if ownPage {
			require.NotEmpty(t, r.header.Get(name), "%s: %s", what, name)
			continue
		}
		require.Equal(t, want, r.header.Get(name), "%s: %s", what, name)
	}
	require.NotEmpty(t, r.header.Get("X-Request-ID"), what)
	if !ownPage && r.status != http.StatusNoContent && (r.status < 300 || r.status >= 400) {
		require.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"), what)
	}
}

// allRoutes walks the app's router and returns every route of the API's methods (HEAD is
// served by GET; a mount also lists CONNECT and TRACE) with its path parameters filled in
// and a mount's wildcard dropped.
func allRoutes(t *testing.T, h http.Handler) []route {
	t.Helper()
	mux, ok := h.(chi.Routes)
	require.True(t, ok, "the app's handler is a chi router")
	var out []route
	require.NoError(t, chi.Walk(mux, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method != http.MethodHead && method != http.MethodConnect && method != http.MethodTrace {
			path := strings.TrimSuffix(pathParam.ReplaceAllString(pattern, "1"), "*")
			out = append(out, route{method, path})
		}
		return nil
	}))
	return out
}

// TestEveryRouteCarriesSecurityHeaders calls every route of the wired app without
// credentials, and the router's own answers (404, 405, 413, 415), and finds the security
// headers on each and the JSON content type on each answer of the API.
func TestEveryRouteCarriesSecurityHeaders(t *testing.T) {
	t.Parallel()
	l := startApp(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.talabin.test"})
	routes := allRoutes(t, l.handler)
	require.Greater(t, len(routes), 50, "the walk found the API")

	for _, rt := range routes {
		body := ""
		if rt.method != http.MethodGet {
			body = "{}"
		}
		r := l.sendRaw(t, rt.method, rt.pattern, "application/json", body)
		requireSiteHeaders(t, r, rt.method+" "+rt.pattern, rt.pattern)
	}

	router := []struct {
		name, method, path, contentType, body string
		wantStatus                            int
	}{
		{"UnknownPath", http.MethodGet, "/api/nowhere/", "application/json", "", http.StatusNotFound},
		{"WrongMethod", http.MethodDelete, "/api/auth/login/", "application/json", "", http.StatusMethodNotAllowed},
		{"BodyTooLarge", http.MethodPost, "/api/auth/login/", "application/json", `{"password":"` + strings.Repeat("x", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
		{"WrongContentType", http.MethodPost, "/api/auth/login/", "text/plain", "phone", http.StatusUnsupportedMediaType},
		{"UnknownHost", http.MethodGet, "/api/auth/csrf/", "application/json", "", http.StatusBadRequest},
	}
	for _, tt := range router {
		var headers []string
		if tt.name == "UnknownHost" {
			headers = []string{"Host", "evil.example"}
		}
		r := l.sendRaw(t, tt.method, tt.path, tt.contentType, tt.body, headers...)
		require.Equal(t, tt.wantStatus, r.status, tt.name)
		requireSiteHeaders(t, r, tt.name, tt.path)
	}
}

// TestWiredSiteChecks runs the site checks of the wired app in DEBUG with ALLOWED_HOSTS
// unset: localhost and the loopback addresses are served, other hosts refused (the probes
// excepted), and the CORS allowlist is CORS_ALLOWED_ORIGINS.
func TestWiredSiteChecks(t *testing.T) {
	t.Parallel()
	const origin = "https://app.talabin.test"
	l := startApp(t, map[string]string{"CORS_ALLOWED_ORIGINS": origin})
	_, port, err := net.SplitHostPort(strings.TrimPrefix(l.base, "http://"))
	require.NoError(t, err)

	t.Run("DebugDefaultHosts", func(t *testing.T) {
		for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "app.localhost", "[::1]:" + port} {
			r := l.sendRaw(t, http.MethodGet, "/api/auth/csrf/", "application/json", "", "Host", host)
			require.Equal(t, http.StatusOK, r.status, host)
		}
		for _, host := range []string{"evil.example", "api.talabin.ir", "10.0.0.7:" + port} {
			r := l.sendRaw(t, http.MethodGet, "/api/auth/csrf/", "application/json", "", "Host", host)
			require.Equal(t, http.StatusBadRequest, r.status, host)
			probe := l.sendRaw(t, http.MethodGet, "/healthz", "application/json", "", "Host", host)
			require.Equal(t, http.StatusOK, probe.status, "probes answer on any host: %s", host)
		}
	})
	t.Run("CORS", func(t *testing.T) {
		preflight := []string{"Origin", origin, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"}
		r := l.sendRaw(t, http.MethodOptions, "/api/auth/login/", "", "", preflight...)
		require.Equal(t, http.StatusNoContent, r.status)
		require.Equal(t, origin, r.header.Get("Access-Control-Allow-Origin"))
		require.Equal(t, "true", r.header.Get("Access-Control-Allow-Credentials"))
		require.Equal(t, "600", r.header.Get("Access-Control-Max-Age"))
		requireSiteHeaders(t, r, "preflight", "/api/auth/login/")

		preflight[1] = "https://evil.example"
		r = l.sendRaw(t, http.MethodOptions, "/api/auth/login/", "", "", preflight...)
		require.Empty(t, r.header.Get("Access-Control-Allow-Origin"))
		require.Empty(t, r.header.Get("Access-Control-Allow-Credentials"))

		r = l.sendRaw(t, http.MethodGet, "/api/auth/csrf/", "application/json", "", "Origin", origin)
		require.Equal(t, origin, r.header.Get("Access-Control-Allow-Origin"))
		require.Contains(t, r.header.Get("Access-Control-Expose-Headers"), "X-Request-Id")
	})
}

// TestWebClientOriginByDefault starts the app in DEBUG with neither CORS_ALLOWED_ORIGINS
// nor WEB_APP_URL: the web client's development origin, http://localhost:3000, passes the
// preflight, as the unmodified client needs; another origin does not.
func TestWebClientOriginByDefault(t *testing.T) {
	t.Parallel()
	l := startApp(t, map[string]string{})
	for origin, allowed := range map[string]bool{"http://localhost:3000": true, "http://localhost:3001": false} {
		r := l.sendRaw(t, http.MethodOptions, "/api/auth/login/", "", "",
			"Origin", origin, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
		require.Equal(t, http.StatusNoContent, r.status, origin)
		if allowed {
			require.Equal(t, origin, r.header.Get("Access-Control-Allow-Origin"))
		} else {
			require.Empty(t, r.header.Get("Access-Control-Allow-Origin"), origin)
		}
	}
}

func TestNewHTTPServerReadsLimits(t *testing.T) {
	t.Parallel()
	cfg := loadConfig(t, map[string]string{
		"HTTP_READ_HEADER_TIMEOUT": "3s",
		"HTTP_READ_TIMEOUT":        "40s",
		"HTTP_WRITE_TIMEOUT":       "50s",
		"HTTP_IDLE_TIMEOUT":        "70s",
		"HTTP_MAX_HEADER_BYTES":    "32768",
	})

	srv := app.NewHTTPServer(cfg, http.NotFoundHandler(), slog.New(slog.DiscardHandler))

	require.Equal(t, 3*time.Second, srv.ReadHeaderTimeout)
	require.Equal(t, 40*time.Second, srv.ReadTimeout)
	require.Equal(t, 50*time.Second, srv.WriteTimeout)
	require.Equal(t, 70*time.Second, srv.IdleTimeout)
	require.Equal(t, 32768, srv.MaxHeaderBytes)
}

// serveLimited runs NewHTTPServer with environ's limits on a loopback listener until the
// test ends and returns its address.
func serveLimited(t *testing.T, environ map[string]string) string {
	t.Helper()
	cfg := loadConfig(t, environ)
	srv := app.NewHTTPServer(cfg, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "served")
	}), slog.New(slog.DiscardHandler))
	ln := listen(t)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		require.NoError(t, srv.Shutdown(context.Background()))
		require.ErrorIs(t, receive(t, served, "Serve to return"), http.ErrServerClosed)
	})
	return ln.Addr().String()
}

// TestSlowHeadersAreCutOff sends half a request and never the rest: the server closes the
// connection once HTTP_READ_HEADER_TIMEOUT has passed, without an answer. Without the
// timeout the read below would hit its own, far later, deadline instead.
func TestSlowHeadersAreCutOff(t *testing.T) {
	t.Parallel()
	addr := serveLimited(t, map[string]string{"HTTP_READ_HEADER_TIMEOUT": "100ms"})
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	_, err = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(waitLimit)))

	got, err := io.ReadAll(conn)

	require.NoError(t, err, "the server closed the connection before the test's deadline")
	require.Empty(t, got, "no answer to a request that never finished")
}

func TestOversizedHeadersAreRefused(t *testing.T) {
	t.Parallel()
	addr := serveLimited(t, map[string]string{"HTTP_MAX_HEADER_BYTES": "8192"})
	// net/http allows 4 KiB of slack beyond MaxHeaderBytes.
	for _, tt := range []struct {
		size int
		want int
	}{{size: 2 << 10, want: http.StatusOK}, {size: 16 << 10, want: http.StatusRequestHeaderFieldsTooLarge}} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/", nil)
		require.NoError(t, err)
		req.Header.Set("X-Padding", strings.Repeat("a", tt.size))
		resp, err := (&http.Client{Timeout: waitLimit}).Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, tt.want, resp.StatusCode, "header of %d bytes", tt.size)
	}
}
