package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// setupDocs returns a router with the docs of [httpapi.WithDocs] in debug mode or not, whose
// accounts know tokenGood (a customer) and tokenStaff (an admin).
func setupDocs(t *testing.T, debug bool) http.Handler {
	t.Helper()
	accounts := newFakeAccounts()
	authenticate := accounts.AuthenticateFunc
	accounts.AuthenticateFunc = func(ctx context.Context, token string) (ports.Principal, error) {
		if token == tokenStaff {
			return ports.Principal{UserID: staffUserID, SessionID: "ses_staff", Role: identity.RoleAdmin}, nil
		}
		return authenticate(ctx, token)
	}
	h, err := httpapi.NewRouter(slog.New(slog.DiscardHandler), mustReadiness(t), testAuthConfig(accounts, newCountingLimiter()),
		httpapi.MetricsEndpoint{}, httpapi.WithDocs(debug))
	require.NoError(t, err)
	return h
}

// pageReference matches the src and href attributes of the docs page.
var pageReference = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

// TestDocsPageLoadsFromTheBinaryOnly fetches the docs page as a browser would, then every
// script, stylesheet and icon it references: each answers 200 with its content type from
// the router itself, and nothing in the page points at another origin or runs inline.
func TestDocsPageLoadsFromTheBinaryOnly(t *testing.T) {
	t.Parallel()
	h := setupDocs(t, true)
	page := send(t, h, http.MethodGet, "/api/docs/", "")
	require.Equal(t, http.StatusOK, page.Code, page.Body.String())
	require.Equal(t, "text/html; charset=utf-8", page.Header().Get("Content-Type"))
	body := page.Body.String()
	require.NotRegexp(t, `(?i)https?:`, body, "the page references another origin")
	require.NotRegexp(t, `(?i)<script(?:\s[^>]*)?>[^<]+</script>`, body, "inline script")
	require.NotContains(t, body, "style=", "inline style attribute")
	csp := page.Header().Get("Content-Security-Policy")
	require.Contains(t, csp, "default-src 'self'")
	require.Contains(t, csp, "frame-ancestors 'none'")
	require.NotContains(t, csp, "script-src", "scripts stay on default-src 'self'")

	wantTypes := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png"}
	refs := pageReference.FindAllStringSubmatch(body, -1)
	require.Len(t, refs, 6, "stylesheet, two icons, Swagger UI's two scripts and the init script: %s", body)
	for _, ref := range refs {
		target := ref[1]
		require.True(t, strings.HasPrefix(target, "/api/docs/"), "%s is not served with the docs", target)
		ext := target[strings.LastIndexByte(target, '.'):]
		rec := send(t, h, http.MethodGet, target, "")
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", target, rec.Body.String())
		require.Equal(t, wantTypes[ext], rec.Header().Get("Content-Type"), target)
		require.Empty(t, rec.Header().Get("Content-Encoding"), "%s: the client did not ask for gzip", target)
		require.Greater(t, rec.Body.Len(), 100, target)
		require.Equal(t, csp, rec.Header().Get("Content-Security-Policy"), target)
	}
	require.Contains(t, send(t, h, http.MethodGet, "/api/docs/swagger-ui-bundle.js", "").Body.String(), "SwaggerUIBundle")
	init := send(t, h, http.MethodGet, "/api/docs/init.js", "").Body.String()
	require.Contains(t, init, `url: "/api/schema/"`, "the UI shows this server's document")
	require.Contains(t, init, "validatorUrl: null", "the UI sends the document to no online validator")
}

// TestDocsAssetGzipped answers a client that accepts gzip with the compressed file, which
// decompresses to the plain one.
func TestDocsAssetGzipped(t *testing.T) {
	t.Parallel()
	h := setupDocs(t, true)
	plain := send(t, h, http.MethodGet, "/api/docs/swagger-ui.css", "")
	zipped := send(t, h, http.MethodGet, "/api/docs/swagger-ui.css", "", withHeader("Accept-Encoding", "br, gzip"))
	require.Equal(t, http.StatusOK, zipped.Code)
	require.Equal(t, "gzip", zipped.Header().Get("Content-Encoding"))
	require.Contains(t, zipped.Header().Values("Vary"), "Accept-Encoding")
	zr, err := gzip.NewReader(zipped.Body)
	require.NoError(t, err)
	unzipped, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.Equal(t, plain.Body.Bytes(), unzipped)

	refused := send(t, h, http.MethodGet, "/api/docs/swagger-ui.css", "", withHeader("Accept-Encoding", "gzip;q=0"))
	require.Empty(t, refused.Header().Get("Content-Encoding"))
}

// TestDocsUnknownAsset is the 404 envelope.
func TestDocsUnknownAsset(t *testing.T) {
	t.Parallel()
	requireError(t, send(t, setupDocs(t, true), http.MethodGet, "/api/docs/oauth2-redirect.html", ""), http.StatusNotFound, "not_found")
}

// TestSchemaFormats serves the OpenAPI 3.1 document as JSON by default and as YAML on
// request, and refuses another format.
func TestSchemaFormats(t *testing.T) {
	t.Parallel()
	h := setupDocs(t, true)
	js := send(t, h, http.MethodGet, "/api/schema/", "")
	require.Equal(t, http.StatusOK, js.Code)
	require.Equal(t, "application/json; charset=utf-8", js.Header().Get("Content-Type"))
	var doc struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(js.Body.Bytes(), &doc))
	require.Equal(t, "3.1.0", doc.OpenAPI)
	require.Contains(t, doc.Paths, "/api/schema/")
	require.Contains(t, doc.Paths, "/api/auth/login/")

	for _, format := range []string{"yaml", "YAML"} {
		yml := send(t, h, http.MethodGet, "/api/schema/?format="+format, "")
		require.Equal(t, http.StatusOK, yml.Code)
		require.Equal(t, "application/yaml; charset=utf-8", yml.Header().Get("Content-Type"))
		require.True(t, bytes.HasPrefix(yml.Body.Bytes(), []byte("openapi: 3.1.0\n")), yml.Body.String()[:40])
	}
	require.Equal(t, js.Body.Bytes(), send(t, h, http.MethodGet, "/api/schema/?format=json", "").Body.Bytes())

	e := requireError(t, send(t, h, http.MethodGet, "/api/schema/?format=xml", "", inEnglish()), http.StatusBadRequest, "validation_error")
	require.Equal(t, map[string]any{"format": []any{"The format must be json or yaml."}}, e["details"])
}

// TestDocsAccess shows who reaches the schema, the page and its files: everyone in debug
// mode; otherwise staff only, 401 without credentials and 403 for a customer, as JSON.
func TestDocsAccess(t *testing.T) {
	t.Parallel()
	paths := []string{"/api/schema/", "/api/schema/?format=yaml", "/api/docs/", "/api/docs/init.js", "/api/docs/swagger-ui-bundle.js"}
	tests := []struct {
		name  string
		debug bool
		opts  []requestOption
		code  string // "" for 200
	}{
		{name: "DebugAnonymous", debug: true},
		{name: "DebugCustomer", debug: true, opts: []requestOption{withBearer(tokenGood)}},
		{name: "ProductionAnonymous", code: "not_authenticated"},
		{name: "ProductionCustomer", opts: []requestOption{withBearer(tokenGood)}, code: "permission_denied"},
		{name: "ProductionCustomerCookie", opts: []requestOption{withCookie("access_token", tokenGood)}, code: "permission_denied"},
		{name: "ProductionStaff", opts: []requestOption{withBearer(tokenStaff)}},
		{name: "ProductionStaffCookie", opts: []requestOption{withCookie("access_token", tokenStaff)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := setupDocs(t, tt.debug)
			for _, p := range paths {
				rec := send(t, h, http.MethodGet, p, "", tt.opts...)
				switch tt.code {
				case "":
					require.Equal(t, http.StatusOK, rec.Code, "%s: %s", p, rec.Body.String())
					if !tt.debug {
						require.Equal(t, "no-store", rec.Header().Get("Cache-Control"), p)
					}
				case "not_authenticated":
					requireError(t, rec, http.StatusUnauthorized, tt.code)
				default:
					requireError(t, rec, http.StatusForbidden, tt.code)
				}
			}
		})
	}
}
