package config

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
)

// minSecretKeyLength and minSecretKeyDistinct are Django's own thresholds for a production
// SECRET_KEY (check security.W009), which the original deployment's keys already meet.
const (
	minSecretKeyLength   = 50
	minSecretKeyDistinct = 5
)

// minMetricsTokenLength is the shortest METRICS_TOKEN accepted in production: 32
// characters, e.g. 16 random bytes in hex or more.
const minMetricsTokenLength = 32

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
			reflect.TypeFor[[]netip.Prefix](): func(v string) (any, error) {
				return parsePrefixes(v)
			},
			reflect.TypeFor[[]core.Rial](): func(v string) (any, error) {
				return parseRials(v)
			},
		},
	}
	if err := env.ParseWithOptions(&cfg, opts); err != nil {
		return Config{}, parseError(err, environ)
	}
	cfg.SecretKeyFallbacks = trimList(cfg.SecretKeyFallbacks)
	cfg.AllowedHosts = trimList(cfg.AllowedHosts)
	cfg.CORSAllowedOrigins = trimList(cfg.CORSAllowedOrigins)
	cfg.SMSProviders = trimList(cfg.SMSProviders)
	cfg.PriceFeeds = trimList(cfg.PriceFeeds)
	for i, f := range cfg.PriceFeeds {
		cfg.PriceFeeds[i] = strings.ToLower(f)
	}
	for i, p := range cfg.SMSProviders {
		cfg.SMSProviders[i] = strings.ToLower(p)
	}
	if cfg.Debug && len(cfg.SMSProviders) == 0 {
		cfg.SMSProviders = []string{SMSConsole}
	}
	cfg.normalizePayments()
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
	if err := c.validateFallbacks(); err != nil {
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
	if !isRedisKeyPrefix(c.RedisKeyPrefix) {
		return bad("REDIS_KEY_PREFIX", ruleRedisKeyPrefix)
	}
	for _, o := range c.CORSAllowedOrigins {
		if !isOrigin(o) {
			return bad("CORS_ALLOWED_ORIGINS", ruleOrigins)
		}
	}
	if !c.Debug && !c.CookieSecure {
		return bad("COOKIE_SECURE", ruleCookieSecure)
	}
	if c.SecureSSLRedirect && len(c.TrustedProxies) == 0 {
		return bad("SECURE_SSL_REDIRECT", ruleSSLRedirect)
	}
	if !isListenAddr(c.HTTPAddr) {
		return bad("HTTP_ADDR", ruleHTTPAddr)
	}
	if err := c.validateHTTPServer(bad); err != nil {
		return err
	}
	if c.SentryDSN != "" && !isSentryDSN(c.SentryDSN) {
		return bad("SENTRY_DSN", ruleSentryDSN)
	}
	if c.ShutdownTimeout <= 0 {
		return bad("SHUTDOWN_TIMEOUT", ruleDuration)
	}
	if !c.Debug && c.MetricsToken != "" && len(c.MetricsToken) < minMetricsTokenLength {
		return bad("METRICS_TOKEN", ruleMetricsToken)
	}
	if c.MetricsAddr != "" && !isListenAddr(c.MetricsAddr) {
		return bad("METRICS_ADDR", ruleMetricsAddr)
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
	if err := c.validateSMS(bad); err != nil {
		return err
	}
	if c.OTPTTL <= 0 || c.OTPTTL > identity.MaxOTPTTL {
		return bad("OTP_TTL", ruleOTPTTL)
	}
	if !c.Debug && c.OTPExposeCode {
		return bad("OTP_EXPOSE_CODE", ruleOTPExposeCode)
	}
	if err := c.validateTrading(environ, bad); err != nil {
		return err
	}
	if err := c.validateRateLimitScale(bad); err != nil {
		return err
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
	return c.validatePayments(environ, bad)
}

// validateSecretKey applies the production rules to SECRET_KEY. In DEBUG mode any key, or
// none, is accepted.
func (c Config) validateSecretKey() error {
	if c.Debug {
		return nil
	}
	if c.SecretKey == "" {
		return &Error{Var: "SECRET_KEY", Rule: ruleKeyRequired, Value: c.SecretKey}
	}
	if rule := productionKeyRule(c.SecretKey); rule != "" {
		return &Error{Var: "SECRET_KEY", Rule: rule, Value: c.SecretKey}
	}
	return nil
}

// productionKeyRule returns the production rule that key breaks, or "" when it meets them
// all: long enough, varied enough, and not a placeholder.
func productionKeyRule(key string) string {
	distinct := make(map[rune]bool)
	for _, r := range key {
		distinct[r] = true
	}
	if len(key) < minSecretKeyLength || len(distinct) < minSecretKeyDistinct {
		return ruleKeyLength
	}
	lower := strings.ToLower(key)
	for _, p := range secretKeyPlaceholders {
		if strings.Contains(lower, p) {
			return ruleKeyPlaceholder
		}
	}
	return ""
}

// validateFallbacks checks SECRET_KEY_FALLBACKS: no entry repeats SECRET_KEY or another
// (each key's derived key ids must differ), and in production each is as strong as
// SECRET_KEY must be, because tokens made under a weak old key would otherwise stay valid.
func (c Config) validateFallbacks() error {
	bad := func(rule string) error {
		return &Error{Var: "SECRET_KEY_FALLBACKS", Rule: rule, Value: strings.Join(c.SecretKeyFallbacks, ",")}
	}
	seen := map[string]bool{c.SecretKey: true}
	for _, k := range c.SecretKeyFallbacks {
		if seen[k] {
			return bad(ruleFallbackRepeat)
		}
		seen[k] = true
		if !c.Debug && productionKeyRule(k) != "" {
			return bad(ruleFallbackKey)
		}
	}
	return nil
}

// validateSMS checks SMS_PROVIDERS, SMS_DAILY_BUDGET and the settings of each provider, in
// field order. A provider that is listed needs its required settings; base URLs are checked
// whenever set.
func (c Config) validateSMS(bad func(name, rule string) error) error {
	if len(c.SMSProviders) == 0 {
		return bad("SMS_PROVIDERS", ruleSMSRequired) // Load defaults it to console in DEBUG
	}
	listed := make(map[string]bool, len(c.SMSProviders))
	for _, p := range c.SMSProviders {
		switch {
		case p == SMSConsole && !c.Debug:
			return bad("SMS_PROVIDERS", ruleSMSConsole)
		case p == SMSConsole && len(c.SMSProviders) > 1:
			return bad("SMS_PROVIDERS", ruleSMSConsoleAlone)
		case p != SMSConsole && p != SMSKavenegar && p != SMSGhasedak && p != SMSIPPanel, listed[p]:
			return bad("SMS_PROVIDERS", ruleSMSProviders)
		}
		listed[p] = true
	}
	if c.SMSDailyBudget < 1 {
		return bad("SMS_DAILY_BUDGET", ruleSMSBudget)
	}
	settings := []struct {
		name, value, provider string
		check                 func(string) bool // nil: only required when provider is listed
		rule                  string
	}{
		{"KAVENEGAR_API_KEY", c.KavenegarAPIKey, SMSKavenegar, nil, ""},
		{"KAVENEGAR_OTP_TEMPLATE", c.KavenegarOTPTemplate, SMSKavenegar, nil, ""},
		{"KAVENEGAR_BASE_URL", c.KavenegarBaseURL, "", isHTTPURL, ruleBaseURL},
		{"GHASEDAK_API_KEY", c.GhasedakAPIKey, SMSGhasedak, nil, ""},
		{"GHASEDAK_LINE_NUMBER", c.GhasedakLineNumber, SMSGhasedak, nil, ""},
		{"GHASEDAK_OTP_TEMPLATE", c.GhasedakOTPTemplate, SMSGhasedak, nil, ""},
		{"GHASEDAK_OTP_PARAM", c.GhasedakOTPParam, SMSGhasedak, nil, ""},
		{"GHASEDAK_BASE_URL", c.GhasedakBaseURL, "", isHTTPURL, ruleBaseURL},
		{"IPPANEL_API_KEY", c.IPPanelAPIKey, SMSIPPanel, nil, ""},
		{"IPPANEL_SENDER", c.IPPanelSender, SMSIPPanel, isE164Line, ruleE164Line},
		{"IPPANEL_OTP_PATTERN", c.IPPanelOTPPattern, SMSIPPanel, nil, ""},
		{"IPPANEL_OTP_PARAM", c.IPPanelOTPParam, SMSIPPanel, nil, ""},
		{"IPPANEL_BASE_URL", c.IPPanelBaseURL, "", isHTTPURL, ruleBaseURL},
	}
	for _, s := range settings {
		blank := strings.TrimSpace(s.value) == ""
		if blank && listed[s.provider] {
			return bad(s.name, ruleProviderSetting+s.provider)
		}
		if !blank && s.check != nil && !s.check(s.value) {
			return bad(s.name, s.rule)
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

// validateHTTPServer checks the HTTP server's limits: positive timeouts, the header timeout
// not above the read timeout (which covers the headers too) and a header cap in range.
func (c Config) validateHTTPServer(bad func(name, rule string) error) error {
	timeouts := []struct {
		name  string
		value time.Duration
	}{
		{"HTTP_READ_HEADER_TIMEOUT", c.HTTPReadHeaderTimeout},
		{"HTTP_READ_TIMEOUT", c.HTTPReadTimeout},
		{"HTTP_WRITE_TIMEOUT", c.HTTPWriteTimeout},
		{"HTTP_IDLE_TIMEOUT", c.HTTPIdleTimeout},
	}
	for _, t := range timeouts {
		if t.value <= 0 {
			return bad(t.name, ruleDuration)
		}
	}
	if c.HTTPReadHeaderTimeout > c.HTTPReadTimeout {
		return bad("HTTP_READ_HEADER_TIMEOUT", ruleHeaderTimeout)
	}
	if c.HTTPMaxHeaderBytes < minHeaderBytes || c.HTTPMaxHeaderBytes > maxHeaderBytes {
		return bad("HTTP_MAX_HEADER_BYTES", ruleMaxHeaderBytes)
	}
	return nil
}

// minHeaderBytes and maxHeaderBytes bound HTTP_MAX_HEADER_BYTES: below 8 KiB a browser's
// cookies and a bearer token may not fit; above 1 MiB (net/http's default) is only memory
// for an attacker to fill.
const (
	minHeaderBytes = 8 << 10
	maxHeaderBytes = 1 << 20
)

// isRedisKeyPrefix reports whether s can start Redis keys and channel names: 1 to 64
// printable ASCII characters, no space.
func isRedisKeyPrefix(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := range len(s) {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// isHostPattern reports whether s is an ALLOWED_HOSTS entry, as Django reads them: "*", or a
// host name or IP address (IPv6 in brackets), a leading dot meaning the domain and its
// subdomains; no port, and only letters, digits, '.' and '-' (Django refuses any other
// character in a request's Host, so such a pattern could never match).
func isHostPattern(s string) bool {
	if s == "*" {
		return true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		a, err := netip.ParseAddr(s[1 : len(s)-1])
		return err == nil && a.Is6() && a.Zone() == ""
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "."), ".")
	return s != "" && strings.Trim(strings.ToLower(s), "abcdefghijklmnopqrstuvwxyz0123456789.-") == ""
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

// isSentryDSN reports whether s has the form of a Sentry DSN: an http or https URL with a
// host, the public key as user and a path (that ends in the project id).
func isSentryDSN(s string) bool {
	u, err := url.Parse(s)
	return err == nil && isURL(s, "http", "https") && u.User != nil && u.User.Username() != "" &&
		strings.Trim(u.Path, "/") != ""
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

// isHTTPURL reports whether s is an absolute http or https URL, as the SMS adapters require
// of a base URL.
func isHTTPURL(s string) bool { return isURL(s, "http", "https") }

// isE164Line reports whether s is "+" followed by at least three digits, as IPPanel requires
// of a line number.
func isE164Line(s string) bool {
	return len(s) >= 4 && s[0] == '+' && strings.TrimLeft(s[1:], "0123456789") == ""
}

// parsePrefixes parses a comma-separated list of IP addresses and CIDR prefixes, skipping
// empty items. A bare address becomes a one-address prefix (an IPv4-mapped IPv6 address
// becomes its IPv4 form, as Go reports peers), and a prefix drops its host bits.
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if strings.Contains(item, "/") {
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, err
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, err
		}
		if a.Zone() != "" {
			return nil, fmt.Errorf("address %q has a zone", item)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
