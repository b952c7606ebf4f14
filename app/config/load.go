package config

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/caarlos0/env/v11"

	"github.com/talabin/talabin/core"
)

// minSecretKeyLength and minSecretKeyDistinct are Django's own thresholds for a production
// SECRET_KEY (check security.W009), which the original deployment's keys already meet.
const (
	minSecretKeyLength   = 50
	minSecretKeyDistinct = 5
)

// secretKeyPlaceholders are fragments of example keys from templates and tutorials; a key
// containing one (case-insensitively) is refused in production.
var secretKeyPlaceholders = []string{
	"django-insecure",
	"change-me", "changeme", "change_me",
	"your-secret-key", "your_secret_key", "yoursecretkey",
	"replace-me", "replace_me", "placeholder", "example", "xxxxxxxx",
}

// Load reads the configuration from environ (variable name to value, as from
// env.ToMap(os.Environ()) or a test's map) and validates it. A variable that is unset or empty
// takes its default. On failure it returns an *[Error] for the first offending variable in the
// order of [Config]'s fields.
func Load(environ map[string]string) (Config, error) {
	var cfg Config
	opts := env.Options{
		Environment: environ,
		FuncMap: map[reflect.Type]env.ParserFunc{
			reflect.TypeFor[core.Rial](): func(v string) (any, error) {
				r, err := core.ParseRial(v)
				if err != nil {
					return nil, err
				}
				return r, nil
			},
			reflect.TypeFor[core.BasisPoints](): func(v string) (any, error) {
				b, err := core.ParseFeePercent(v)
				if err != nil {
					return nil, err
				}
				return b, nil
			},
		},
	}
	if err := env.ParseWithOptions(&cfg, opts); err != nil {
		return Config{}, parseError(err, environ)
	}
	cfg.AllowedHosts = trimList(cfg.AllowedHosts)
	cfg.CORSAllowedOrigins = trimList(cfg.CORSAllowedOrigins)
	if err := cfg.validate(environ); err != nil {
		return Config{}, err
	}
	if cfg.SecretKey == "" {
		// Only reachable with DEBUG=true: validate requires the key otherwise. Two 128-bit
		// texts give 52 characters, enough to pass the production length rule too.
		cfg.SecretKey = rand.Text() + rand.Text()
		cfg.SecretKeyGenerated = true
	}
	return cfg, nil
}

// parseError turns the first error of env's aggregate into an *[Error] naming the variable.
func parseError(err error, environ map[string]string) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) || len(agg.Errors) == 0 {
		return fmt.Errorf("config: %w", err)
	}
	first := agg.Errors[0]
	var pe env.ParseError
	if !errors.As(first, &pe) {
		return fmt.Errorf("config: %w", first)
	}
	field, ok := reflect.TypeFor[Config]().FieldByName(pe.Name)
	if !ok {
		return fmt.Errorf("config: %w", first)
	}
	name := field.Tag.Get("env")
	rule, ok := parseRules[name]
	if !ok {
		rule = "has a value that cannot be parsed: " + pe.Err.Error()
	}
	return &Error{Var: name, Rule: rule, Value: environ[name]}
}

// validate checks the rules that parsing alone does not, in field order.
func (c Config) validate(environ map[string]string) error {
	bad := func(name, rule string) error {
		return &Error{Var: name, Rule: rule, Value: environ[name]}
	}
	if err := c.validateSecretKey(); err != nil {
		return err
	}
	if !c.Debug && len(c.AllowedHosts) == 0 {
		return bad("ALLOWED_HOSTS", ruleHostsRequired)
	}
	for _, h := range c.AllowedHosts {
		if !isHostPattern(h) {
			return bad("ALLOWED_HOSTS", ruleHosts)
		}
	}
	for _, o := range c.CORSAllowedOrigins {
		if !isOrigin(o) {
			return bad("CORS_ALLOWED_ORIGINS", ruleOrigins)
		}
	}
	if !isListenAddr(c.HTTPAddr) {
		return bad("HTTP_ADDR", ruleHTTPAddr)
	}
	if c.ShutdownTimeout <= 0 {
		return bad("SHUTDOWN_TIMEOUT", ruleDuration)
	}
	if c.DatabaseURL != "" && !isURL(c.DatabaseURL, "postgres", "postgresql") {
		return bad("DATABASE_URL", rulePostgresURL)
	}
	if c.DatabaseURL == "" && c.DBHost != "" {
		if c.DBName == "" {
			return bad("DB_NAME", ruleDBPartRequired)
		}
		if c.DBUser == "" {
			return bad("DB_USER", ruleDBPartRequired)
		}
	}
	if !isPort(c.DBPort) {
		return bad("DB_PORT", rulePort)
	}
	if c.JWTAccessTokenMinutes <= 0 {
		return bad("JWT_ACCESS_TOKEN_LIFETIME", ruleMinutes)
	}
	if c.JWTRefreshTokenDays <= 0 {
		return bad("JWT_REFRESH_TOKEN_LIFETIME", ruleDays)
	}
	if c.RedisURL != "" && !isURL(c.RedisURL, "redis", "rediss") {
		return bad("REDIS_URL", ruleRedisURL)
	}
	if !isPort(c.RedisPort) {
		return bad("REDIS_PORT", rulePort)
	}
	if c.RedisDB < 0 {
		return bad("REDIS_DB", ruleRedisDB)
	}
	amounts := []struct {
		name  string
		value core.Rial
	}{
		{"MIN_PURCHASE_AMOUNT", c.MinPurchaseAmount},
		{"MAX_PURCHASE_AMOUNT", c.MaxPurchaseAmount},
		{"MIN_DEPOSIT_AMOUNT", c.MinDepositAmount},
		{"MIN_WITHDRAWAL_AMOUNT", c.MinWithdrawalAmount},
	}
	for _, a := range amounts {
		if a.value <= 0 {
			return bad(a.name, ruleRials)
		}
	}
	if c.MaxPurchaseAmount < c.MinPurchaseAmount {
		return &Error{
			Var:   "MAX_PURCHASE_AMOUNT",
			Rule:  fmt.Sprintf("%s (%s)", ruleMaxPurchase, c.MinPurchaseAmount),
			Value: c.MaxPurchaseAmount.String(),
		}
	}
	return nil
}

// validateSecretKey applies the production rules to SECRET_KEY. In DEBUG mode any key, or
// none, is accepted.
func (c Config) validateSecretKey() error {
	if c.Debug {
		return nil
	}
	bad := func(rule string) error { return &Error{Var: "SECRET_KEY", Rule: rule, Value: c.SecretKey} }
	if c.SecretKey == "" {
		return bad(ruleKeyRequired)
	}
	distinct := make(map[rune]bool)
	for _, r := range c.SecretKey {
		distinct[r] = true
	}
	if len(c.SecretKey) < minSecretKeyLength || len(distinct) < minSecretKeyDistinct {
		return bad(ruleKeyLength)
	}
	lower := strings.ToLower(c.SecretKey)
	for _, p := range secretKeyPlaceholders {
		if strings.Contains(lower, p) {
			return bad(ruleKeyPlaceholder)
		}
	}
	return nil
}

// trimList trims spaces around each comma-separated item and drops empty ones, so
// "a, b," is [a b].
func trimList(items []string) []string {
	out := items[:0]
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// isHostPattern reports whether s looks like an ALLOWED_HOSTS entry: a host name, an IP
// address (IPv6 in brackets), a leading-dot domain pattern or "*".
func isHostPattern(s string) bool {
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune(".-_*[]:", r)
		if !ok {
			return false
		}
	}
	return true
}

// isOrigin reports whether s is a bare http(s) origin: scheme and host, no path, query or
// user info.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.User == nil && (u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == ""
}

// isURL reports whether s parses as a URL with one of schemes and a host.
func isURL(s string, schemes ...string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	for _, sc := range schemes {
		if u.Scheme == sc {
			return true
		}
	}
	return false
}

// isListenAddr reports whether s is host:port or :port with a port from 0 to 65535.
func isListenAddr(s string) bool {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}

func isPort(n int) bool { return n >= 1 && n <= 65535 }
