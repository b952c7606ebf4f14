package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// update rewrites the golden files under testdata/ instead of comparing with them:
// go test ./adapters/httpapi/ -run TestGolden -update
var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// goldenHeaders are the response headers a golden file records when present.
var goldenHeaders = []string{"Content-Type", "Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID"}

// requireGolden compares the status, the headers of goldenHeaders and the body (indented, key
// order and literals kept) of rec with testdata/golden/<name>.txt.
func requireGolden(t *testing.T, name string, rec *httptest.ResponseRecorder) {
	t.Helper()
	var got bytes.Buffer
	fmt.Fprintf(&got, "HTTP %d\n", rec.Code)
	for _, h := range goldenHeaders {
		if v := rec.Header().Get(h); v != "" {
			fmt.Fprintf(&got, "%s: %s\n", h, v)
		}
	}
	got.WriteString("\n")
	require.NoError(t, json.Indent(&got, bytes.TrimSpace(rec.Body.Bytes()), "", "  "), "body: %s", rec.Body.String())
	got.WriteString("\n")

	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o750))
		require.NoError(t, os.WriteFile(path, got.Bytes(), 0o600))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run the test with -update")
	require.Equal(t, string(want), got.String())
}
