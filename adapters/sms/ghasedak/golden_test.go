package ghasedak_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/sms/ghasedak"
	"github.com/talabin/talabin/adapters/sms/ghasedak/ghasedakfake"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the fake's exchanges")

// recorder serves next and writes down each exchange as the wire carried it, with the
// ApiKey header's value replaced by {API-KEY}.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	log  []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	r.next.ServeHTTP(rec, req)

	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", req.Method, req.URL.RequestURI())
	for _, h := range []string{"Accept", "Apikey", "Content-Type"} {
		fmt.Fprintf(&b, "%s: %s\n", h, strings.Replace(req.Header.Get(h), testKey, "{API-KEY}", 1))
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

func TestWireGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		send func(t *testing.T, c *ghasedak.Client) error
	}{
		{"send_otp", func(t *testing.T, c *ghasedak.Client) error {
			_, err := c.SendOTP(t.Context(), to, code, "login")
			return err
		}},
		{"send_text", func(t *testing.T, c *ghasedak.Client) error {
			_, err := c.SendText(t.Context(), to, "خرید ۱ گرم طلا انجام شد")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := ghasedakfake.New(ghasedakfake.Config{
				APIKey:         testKey,
				Templates:      map[string][]string{testTemplate: {"Code"}},
				FirstMessageID: 4000000001,
				Now:            func() time.Time { return time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC) },
			})
			rec := &recorder{next: fake}
			srv := httptest.NewServer(rec)
			t.Cleanup(srv.Close)
			client, err := ghasedak.New(ghasedak.Config{
				BaseURL: srv.URL + "/rest/api/v1/WebService", APIKey: testKey, LineNumber: testLine,
				OTPTemplate: testTemplate, Timeout: time.Second,
			})
			require.NoError(t, err)
			require.NoError(t, tt.send(t, client))
			require.Len(t, rec.log, 1)
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(rec.log[0]), 0o600))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -run TestWireGolden -update to create it")
			require.Equal(t, string(want), rec.log[0])
		})
	}
}
