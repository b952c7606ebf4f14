package app_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi/openapi"
)

// TestOpenAPIDocumentsEveryRoute walks the wired app's router, development gateway, docs and
// metrics included, and compares its routes with the operations of the OpenAPI document
// served at /api/schema/: a route the document lacks and an operation no route serves both
// fail, named. HEAD (served by every GET route) and OPTIONS (CORS preflights) are not
// operations of their own.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	l := startApp(t, map[string]string{"METRICS_TOKEN": "metrics-token-for-the-walk-0123456789"})
	doc, err := openapi.Load()
	require.NoError(t, err)

	mux, ok := l.handler.(chi.Routes)
	require.True(t, ok, "the app's handler is a chi router")
	var routes []openapi.Operation
	mounts := map[string]bool{} // prefixes of handlers mounted beside the API, e.g. "/sandbox/pay/"
	require.NoError(t, chi.Walk(mux, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
			mounts[prefix] = true
			return nil
		}
		if method != http.MethodHead && method != http.MethodOptions {
			routes = append(routes, openapi.Operation{Method: method, Path: pattern})
		}
		return nil
	}))
	documented := doc.Operations()
	underMount := func(path string) bool {
		for prefix := range mounts {
			if strings.HasPrefix(path, prefix) {
				return true
			}
		}
		return false
	}
	var missing, unrouted []string
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			missing = append(missing, r.Method+" "+r.Path)
		}
	}
	// A mounted handler answers every method on every path below it: the document describes
	// the paths it really serves, at least one.
	for prefix := range mounts {
		if !slices.ContainsFunc(documented, func(o openapi.Operation) bool { return strings.HasPrefix(o.Path, prefix) }) {
			missing = append(missing, "* "+prefix+"*")
		}
	}
	for _, o := range documented {
		if !slices.Contains(routes, o) && !underMount(o.Path) {
			unrouted = append(unrouted, o.Method+" "+o.Path)
		}
	}
	require.Empty(t, missing, "routes missing from the OpenAPI document:\n%s", strings.Join(missing, "\n"))
	require.Empty(t, unrouted, "documented operations no route serves:\n%s", strings.Join(unrouted, "\n"))
	require.Greater(t, len(routes), 50, "the walk found the routes")
}
