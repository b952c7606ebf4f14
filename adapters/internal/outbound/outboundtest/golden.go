package outboundtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Recorder serves Next and writes down each exchange as the wire carried it: the request
// line, the request headers named in Headers and the body; then the answer's status, its
// Content-Type and its body, indented when it is JSON. Secret, wherever it shows in the
// request line or those headers (a key in the path or in a header), reads {API-KEY}. It is
// safe for concurrent use.
type Recorder struct {
	// Next answers the requests, e.g. a provider fake.
	Next http.Handler
	// Headers names the request headers to record, in order, as [http.CanonicalHeaderKey]
	// would spell them.
	Headers []string
	// Secret is replaced by {API-KEY} in what is recorded; empty replaces nothing.
	Secret string

	mu  sync.Mutex
	log []string
}

// ServeHTTP answers req with Next and records the exchange.
func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	r.Next.ServeHTTP(rec, req)

	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", req.Method, r.redact(req.URL.RequestURI()))
	for _, h := range r.Headers {
		fmt.Fprintf(&b, "%s: %s\n", h, r.redact(req.Header.Get(h)))
	}
	fmt.Fprintf(&b, "\n%s\n\n%d\n", body, rec.Code)
	fmt.Fprintf(&b, "Content-Type: %s\n\n", rec.Header().Get("Content-Type"))
	var pretty bytes.Buffer
	if json.Indent(&pretty, rec.Body.Bytes(), "", "  ") == nil {
		b.Write(pretty.Bytes())
	} else {
		b.Write(rec.Body.Bytes())
	}
	b.WriteString("\n")
	r.mu.Lock()
	r.log = append(r.log, b.String())
	r.mu.Unlock()

	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// Exchanges returns the exchanges recorded so far, in order.
func (r *Recorder) Exchanges() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.log...)
}

func (r *Recorder) redact(s string) string {
	if r.Secret == "" {
		return s
	}
	return strings.ReplaceAll(s, r.Secret, "{API-KEY}")
}

// Golden checks got against the golden file testdata/<name>.golden of the package under
// test. With update (a test's -update flag) it first rewrites the file with got, so that a
// deliberate change of the wire format is one reviewed diff.
func Golden(t testing.TB, name, got string, update bool) {
	t.Helper()
	dir, err := os.OpenRoot("testdata")
	require.NoError(t, err)
	defer func() { require.NoError(t, dir.Close()) }()
	file := name + ".golden"
	if update {
		require.NoError(t, dir.WriteFile(file, []byte(got), 0o600))
	}
	want, err := dir.ReadFile(file)
	require.NoError(t, err, "run go test -run '%s' -update to create testdata/%s", t.Name(), file)
	require.Equal(t, string(want), got)
}
