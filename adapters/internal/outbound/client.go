package outbound

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/go-resty/resty/v2"
)

// Defaults of [Options].
const (
	// DefaultBodyLimit is [Options.BodyLimit]'s default: 1 MiB, far above any API answer an
	// adapter reads.
	DefaultBodyLimit = 1 << 20
	// DefaultUserAgent is [Options.UserAgent]'s default.
	DefaultUserAgent = "talabin"
)

// Options configures [NewHTTPClient].
type Options struct {
	// Timeout bounds each phase of an exchange (dialling, the TLS handshake, waiting for the
	// answer's headers) and the exchange as a whole. It must be positive.
	Timeout time.Duration
	// Headers are sent with every request, e.g. Accept or the header that carries an API key.
	Headers map[string]string
	// BodyLimit caps an answer's body in bytes; reading a larger one fails. Default
	// [DefaultBodyLimit].
	BodyLimit int
	// UserAgent is sent as the User-Agent header. Default [DefaultUserAgent].
	UserAgent string
}

// NewHTTPClient returns a resty client with its own transport, never [http.DefaultClient]'s,
// whose every phase is bounded by opts.Timeout. It does not follow redirects (the redirect
// itself is the answer), retry (a call that may have reached the upstream is never repeated
// on the client's initiative), keep cookies or log: resty's messages may hold URLs, and so
// keys. It panics when opts.Timeout is not positive, which only a programming error can
// cause: adapters validate their configuration first.
func NewHTTPClient(opts Options) *resty.Client {
	if opts.Timeout <= 0 {
		panic(fmt.Sprintf("outbound: timeout must be positive, got %s", opts.Timeout))
	}
	if opts.BodyLimit == 0 {
		opts.BodyLimit = DefaultBodyLimit
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   opts.Timeout,
		ResponseHeaderTimeout: opts.Timeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          16,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
	}
	hc := &http.Client{
		Transport: transport,
		Timeout:   opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return resty.NewWithClient(hc).
		SetLogger(discardLogger{}).
		SetRetryCount(0).
		SetResponseBodyLimit(opts.BodyLimit).
		SetHeaders(opts.Headers).
		SetHeader("User-Agent", opts.UserAgent)
}

// discardLogger silences resty; an adapter reports what matters through its own errors and
// its injected [log/slog.Logger].
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

var _ resty.Logger = discardLogger{}

// ValidateBaseURL reports whether raw, an adapter's configured API root, is an absolute http
// or https URL.
func ValidateBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("base url must be an absolute http or https url")
	}
	return nil
}
