package sandbox

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/ports"
)

// Defaults and limits of [Config].
const (
	// DefaultPathPrefix is where the payment page is served when [Config.PathPrefix] is empty.
	DefaultPathPrefix = "/sandbox/pay/"
	// DefaultSessionTTL is how long a buyer has to pay or cancel when [Config.SessionTTL] is
	// zero; ZarinPal gives about as long.
	DefaultSessionTTL = 30 * time.Minute
	// SessionRetention is how long a session is kept after it was opened, whatever its
	// state: long enough for a reconciler to verify a paid one, short enough to bound memory.
	// After it the authority reads as unknown.
	SessionRetention = 24 * time.Hour
)

// prefixPattern is a path prefix of plain segments between slashes.
var prefixPattern = regexp.MustCompile(`^/([A-Za-z0-9._~-]+/)*$`)

// Config configures a [Gateway]. Only app fills it.
type Config struct {
	// BaseURL is the app's public base URL, e.g. "http://localhost:8000", that the buyer's
	// browser reaches the payment page under; a path is kept (an app behind a proxy under
	// /talabin). Required: an absolute http(s) URL without query or fragment.
	BaseURL string
	// PathPrefix is the path the app serves the [Gateway] handler under, starting and ending
	// with "/". Default [DefaultPathPrefix].
	PathPrefix string
	// Clock tells the time for session expiry. Default: the system clock.
	Clock ports.Clock
	// Rand is the source of authorities, form tokens and reference ids. Default
	// crypto/rand.Reader.
	Rand io.Reader
	// SessionTTL is how long a buyer has to pay or cancel; an unsettled session expires and
	// reads as not paid. Default [DefaultSessionTTL]; at most [SessionRetention].
	SessionTTL time.Duration
}

// Validate reports every problem with c, or nil.
func (c Config) Validate() error {
	var errs []error
	if err := outbound.ValidateBaseURL(c.BaseURL); err != nil {
		errs = append(errs, err)
	} else if u, _ := url.Parse(c.BaseURL); u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.User != nil {
		errs = append(errs, errors.New("base url must have no query, fragment or user info"))
	}
	if c.PathPrefix != "" && !prefixPattern.MatchString(c.PathPrefix) {
		errs = append(errs, errors.New(`path prefix must start and end with "/" and hold plain segments`))
	}
	if c.SessionTTL < 0 || c.SessionTTL > SessionRetention {
		errs = append(errs, fmt.Errorf("session ttl must be between 0 and %s", SessionRetention))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s: invalid config: %w", ProviderName, err)
	}
	return nil
}

// systemClock is the default [Config.Clock].
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (c Config) withDefaults() Config {
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.PathPrefix == "" {
		c.PathPrefix = DefaultPathPrefix
	}
	if c.Clock == nil {
		c.Clock = systemClock{}
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = DefaultSessionTTL
	}
	return c
}
