package outbound_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound"
)

// counter is a server that counts its requests and answers with answer.
type counter struct {
	srv   *httptest.Server
	calls atomic.Int32
}

func newCounter(t *testing.T, answer http.HandlerFunc) *counter {
	t.Helper()
	c := &counter{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.calls.Add(1)
		answer(w, r)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func TestNewHTTPClientSendsHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		opts          outbound.Options
		wantUserAgent string
	}{
		{"DefaultUserAgent", outbound.Options{Timeout: time.Second}, outbound.DefaultUserAgent},
		{"OwnUserAgentAndHeaders", outbound.Options{
			Timeout:   time.Second,
			Headers:   map[string]string{"Accept": "application/json", "ApiKey": "k1"},
			UserAgent: "talabin-sms",
		}, "talabin-sms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got http.Header
			srv := newCounter(t, func(_ http.ResponseWriter, r *http.Request) { got = r.Header.Clone() })
			resp, err := outbound.NewHTTPClient(tt.opts).R().SetContext(t.Context()).Get(srv.srv.URL)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode())
			require.Equal(t, tt.wantUserAgent, got.Get("User-Agent"))
			for k, v := range tt.opts.Headers {
				require.Equal(t, v, got.Get(k))
			}
		})
	}
}

// TestNewHTTPClientMakesOneRequest checks that the client neither follows a redirect nor
// retries a failure, and keeps no cookie between requests.
func TestNewHTTPClientMakesOneRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		wantStatus int
	}{
		{"TemporaryRedirect", http.StatusTemporaryRedirect, http.StatusTemporaryRedirect},
		{"PermanentRedirect", http.StatusPermanentRedirect, http.StatusPermanentRedirect},
		{"Found", http.StatusFound, http.StatusFound},
		{"ServiceUnavailable", http.StatusServiceUnavailable, http.StatusServiceUnavailable},
		{"TooManyRequests", http.StatusTooManyRequests, http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			target := newCounter(t, func(http.ResponseWriter, *http.Request) {})
			var cookies []string
			srv := newCounter(t, func(w http.ResponseWriter, r *http.Request) {
				cookies = append(cookies, r.Header.Get("Cookie"))
				// Not Secure: over plain HTTP a kept Secure cookie would go unsent and unseen.
				http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1"}) //nolint:gosec // G124: see above
				w.Header().Set("Location", target.srv.URL)
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(tt.status)
			})
			client := outbound.NewHTTPClient(outbound.Options{Timeout: time.Second})
			for range 2 {
				resp, err := client.R().SetContext(t.Context()).Post(srv.srv.URL)
				require.NoError(t, err)
				require.Equal(t, tt.wantStatus, resp.StatusCode())
			}
			require.Equal(t, int32(2), srv.calls.Load())
			require.Zero(t, target.calls.Load())
			require.Equal(t, []string{"", ""}, cookies)
		})
	}
}

func TestNewHTTPClientBoundsAnswers(t *testing.T) {
	t.Parallel()
	t.Run("BodyLimit", func(t *testing.T) {
		t.Parallel()
		srv := newCounter(t, func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(strings.Repeat("x", 101)))
		})
		_, err := outbound.NewHTTPClient(outbound.Options{Timeout: time.Second, BodyLimit: 100}).
			R().SetContext(t.Context()).Get(srv.srv.URL)
		require.Error(t, err)
		resp, err := outbound.NewHTTPClient(outbound.Options{Timeout: time.Second, BodyLimit: 101}).
			R().SetContext(t.Context()).Get(srv.srv.URL)
		require.NoError(t, err)
		require.Len(t, resp.Body(), 101)
	})

	t.Run("Timeout", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		srv := newCounter(t, func(http.ResponseWriter, *http.Request) { <-release })
		t.Cleanup(func() { close(release) })
		start := time.Now()
		_, err := outbound.NewHTTPClient(outbound.Options{Timeout: 50 * time.Millisecond}).
			R().SetContext(t.Context()).Get(srv.srv.URL)
		require.Error(t, err)
		require.Less(t, time.Since(start), 2*time.Second)
		require.Equal(t, int32(1), srv.calls.Load())
	})

	t.Run("TimeoutRequired", func(t *testing.T) {
		t.Parallel()
		require.PanicsWithValue(t, "outbound: timeout must be positive, got 0s", func() {
			outbound.NewHTTPClient(outbound.Options{})
		})
	})
}

func TestValidateBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		raw     string
		wantErr bool
	}{
		{"HTTPS", "https://api.kavenegar.com", false},
		{"HTTPWithPath", "http://127.0.0.1:8080/rest/api/v1/WebService/", false},
		{"Empty", "", true},
		{"NoScheme", "api.kavenegar.com", true},
		{"PathOnly", "/rest", true},
		{"FTP", "ftp://api.kavenegar.com", true},
		{"NoHost", "https://", true},
		{"Unparsable", "https://a b\x7f", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := outbound.ValidateBaseURL(tt.raw)
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, "base url must be an absolute http or https url")
		})
	}
}
