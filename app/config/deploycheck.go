package config

import (
	"fmt"
	"slices"
	"strings"
)

// The severities of a [Finding].
const (
	// SeverityError marks a setting that is unsafe in production: `talabin check --deploy`
	// exits 1 and `talabin serve` refuses to start with DEBUG=false.
	SeverityError = "error"
	// SeverityWarning marks a setting that is safe but limits the deployment, such as state
	// kept on one machine.
	SeverityWarning = "warning"
)

// Finding is one result of [Config.DeployCheck]: a setting that would be unsafe (error) or
// limiting (warning) in production.
type Finding struct {
	// ID is stable across releases (talabin.E001, talabin.W001, ...), so that scripts and
	// runbooks may name it.
	ID string
	// Severity is [SeverityError] or [SeverityWarning].
	Severity string
	// Message says what is wrong, naming the variable; it never holds a secret's value.
	Message string
	// Fix is one sentence saying what to change.
	Fix string
}

// deployRule is one item of the deployment check; problem returns the finding's message, or
// "" when c passes.
type deployRule struct {
	id, severity, fix string
	problem           func(c Config) string
}

// DeployCheck reports, in rule order, every setting of c that would be unsafe or limiting in
// production, whatever c.Debug says: a development config may be checked for deploy
// readiness. It is the audit of Django's `manage.py check --deploy` mapped to this app. Many
// of its errors are also refused by [Load] when DEBUG is false; the rules reuse Load's
// helpers and thresholds rather than restating them.
func (c Config) DeployCheck() []Finding {
	var out []Finding
	for _, r := range deployRules {
		if msg := r.problem(c); msg != "" {
			out = append(out, Finding{ID: r.id, Severity: r.severity, Message: msg, Fix: r.fix})
		}
	}
	return out
}

// deployRules are the checks of [Config.DeployCheck]. IDs are never reused: a retired rule
// leaves a gap.
var deployRules = []deployRule{
	{
		id: "talabin.E001", severity: SeverityError,
		fix: "Set DEBUG=false.",
		problem: func(c Config) string {
			return when(c.Debug, "DEBUG is true: development defaults and switches are allowed.")
		},
	},
	{
		id: "talabin.E002", severity: SeverityError,
		fix: "Set SECRET_KEY to a random value of at least 50 characters, e.g. from `openssl rand -base64 48`.",
		problem: func(c Config) string {
			return when(c.SecretKey == "" || c.SecretKeyGenerated,
				"SECRET_KEY is not set: tokens are signed with a random per-process key.")
		},
	},
	{
		id: "talabin.E003", severity: SeverityError,
		fix: "Set SECRET_KEY to a random value of at least 50 characters, e.g. from `openssl rand -base64 48`.",
		problem: func(c Config) string {
			return when(setKey(c) && len(c.SecretKey) < minSecretKeyLength,
				fmt.Sprintf("SECRET_KEY is shorter than %d characters.", minSecretKeyLength))
		},
	},
	{
		id: "talabin.E004", severity: SeverityError,
		fix: "Set SECRET_KEY to a random value of at least 50 characters, e.g. from `openssl rand -base64 48`.",
		problem: func(c Config) string {
			// productionKeyRule lumps length and variety together; E003 reports length.
			weak := setKey(c) && len(c.SecretKey) >= minSecretKeyLength && productionKeyRule(c.SecretKey) == ruleKeyLength
			return when(weak, fmt.Sprintf("SECRET_KEY has fewer than %d distinct characters.", minSecretKeyDistinct))
		},
	},
	{
		id: "talabin.E005", severity: SeverityError,
		fix: "Replace SECRET_KEY with a freshly generated random value.",
		problem: func(c Config) string {
			return when(setKey(c) && productionKeyRule(c.SecretKey) == ruleKeyPlaceholder,
				"SECRET_KEY contains a placeholder from a template or tutorial.")
		},
	},
	{
		id: "talabin.E006", severity: SeverityError,
		fix: "Remove SECRET_KEY and duplicates from SECRET_KEY_FALLBACKS.",
		problem: func(c Config) string {
			seen := map[string]bool{c.SecretKey: true}
			for _, k := range c.SecretKeyFallbacks {
				if seen[k] {
					return "SECRET_KEY_FALLBACKS repeats SECRET_KEY or another entry."
				}
				seen[k] = true
			}
			return ""
		},
	},
	{
		id: "talabin.E007", severity: SeverityError,
		fix: "Drop weak keys from SECRET_KEY_FALLBACKS once JWT_REFRESH_TOKEN_LIFETIME has passed since the rotation.",
		problem: func(c Config) string {
			weak := slices.ContainsFunc(c.SecretKeyFallbacks, func(k string) bool { return productionKeyRule(k) != "" })
			return when(weak, "SECRET_KEY_FALLBACKS holds a key that is short, low in variety or a placeholder: tokens made under it stay valid.")
		},
	},
	{
		id: "talabin.E008", severity: SeverityError,
		fix: "Set ALLOWED_HOSTS to the API's host names, e.g. api.example.com.",
		problem: func(c Config) string {
			return when(len(c.AllowedHosts) == 0, "ALLOWED_HOSTS is empty.")
		},
	},
	{
		id: "talabin.E009", severity: SeverityError,
		fix: "Set COOKIE_SECURE=true.",
		problem: func(c Config) string {
			return when(!c.CookieSecure, "COOKIE_SECURE is false: auth cookies may travel over plain HTTP.")
		},
	},
	{
		id: "talabin.E010", severity: SeverityError,
		fix: "Set PUBLIC_API_URL to the API's https origin, e.g. https://api.example.com.",
		problem: func(c Config) string {
			switch {
			case c.PublicAPIURL == "":
				return "PUBLIC_API_URL is not set: gateways would return buyers to http://localhost:8000."
			case !isURL(c.PublicAPIURL, "https"):
				return "PUBLIC_API_URL is not an https URL: gateway returns would travel in clear text."
			}
			return ""
		},
	},
	{
		id: "talabin.E011", severity: SeverityError,
		fix: "List only exact https origins in CORS_ALLOWED_ORIGINS (or set WEB_APP_URL to the web client's https URL), e.g. https://app.example.com.",
		problem: func(c Config) string {
			var bad []string
			for _, o := range c.Origins() {
				if strings.Contains(o, "*") || !isURL(o, "https") {
					bad = append(bad, o)
				}
			}
			return when(len(bad) > 0, fmt.Sprintf("Cross-origin access (CORS_ALLOWED_ORIGINS, else WEB_APP_URL's origin) is allowed to %s: a wildcard or http:// origin can make credentialed requests.", strings.Join(bad, ", ")))
		},
	},
	{
		id: "talabin.E012", severity: SeverityError,
		fix: "Set SMS_PROVIDERS to kavenegar, ghasedak or ippanel with their keys.",
		problem: func(c Config) string {
			switch {
			case len(c.SMSProviders) == 0:
				return "SMS_PROVIDERS is empty: no one-time code can be sent."
			case slices.Contains(c.SMSProviders, SMSConsole):
				return "SMS_PROVIDERS lists console: one-time codes are logged instead of sent."
			}
			return ""
		},
	},
	{
		id: "talabin.E013", severity: SeverityError,
		fix: "Set the missing settings of each provider SMS_PROVIDERS lists.",
		problem: func(c Config) string {
			required := []struct{ provider, name, value string }{
				{SMSKavenegar, "KAVENEGAR_API_KEY", c.KavenegarAPIKey},
				{SMSGhasedak, "GHASEDAK_API_KEY", c.GhasedakAPIKey},
				{SMSGhasedak, "GHASEDAK_LINE_NUMBER", c.GhasedakLineNumber},
				{SMSIPPanel, "IPPANEL_API_KEY", c.IPPanelAPIKey},
				{SMSIPPanel, "IPPANEL_SENDER", c.IPPanelSender},
				{SMSIPPanel, "IPPANEL_OTP_PATTERN", c.IPPanelOTPPattern},
			}
			var missing []string
			for _, r := range required {
				if slices.Contains(c.SMSProviders, r.provider) && strings.TrimSpace(r.value) == "" {
					missing = append(missing, r.name)
				}
			}
			return when(len(missing) > 0, "SMS_PROVIDERS lists a provider whose settings are empty: "+strings.Join(missing, ", ")+".")
		},
	},
	{
		id: "talabin.E014", severity: SeverityError,
		fix: "Set PAYMENT_GATEWAYS to zarinpal or idpay with ZARINPAL_MERCHANT_ID or IDPAY_API_KEY.",
		problem: func(c Config) string {
			gateways := c.Gateways()
			switch {
			case len(gateways) == 0:
				return "PAYMENT_GATEWAYS is empty: no online deposit can be taken."
			case slices.Contains(gateways, GatewaySandbox):
				return "PAYMENT_GATEWAYS includes sandbox: deposits are credited without taking money."
			}
			return ""
		},
	},
	{
		id: "talabin.E015", severity: SeverityError,
		fix: "Set the 36-character key of each gateway PAYMENT_GATEWAYS lists.",
		problem: func(c Config) string {
			keys := []struct{ gateway, name, value string }{
				{GatewayZarinpal, "ZARINPAL_MERCHANT_ID", c.ZarinpalMerchantID},
				{GatewayIDPay, "IDPAY_API_KEY", c.IDPayAPIKey},
			}
			var bad []string
			for _, k := range keys {
				if slices.Contains(c.Gateways(), k.gateway) && !isGatewayKey(k.value) {
					bad = append(bad, k.name)
				}
			}
			return when(len(bad) > 0, "PAYMENT_GATEWAYS lists a gateway whose key is missing or malformed: "+strings.Join(bad, ", ")+".")
		},
	},
	{
		id: "talabin.E016", severity: SeverityError,
		fix: "Set IDPAY_SANDBOX=false.",
		problem: func(c Config) string {
			return when(c.IDPaySandbox, "IDPAY_SANDBOX is true: IDPay simulates every payment and real balances are credited.")
		},
	},
	{
		id: "talabin.E017", severity: SeverityError,
		fix: "Set OWNERSHIP_INQUIRY=none, so that staff confirm each bank account.",
		problem: func(c Config) string {
			return when(c.Inquiry() == InquiryFake, "OWNERSHIP_INQUIRY is fake: every bank account is approved without asking a bank.")
		},
	},
	{
		id: "talabin.E018", severity: SeverityError,
		fix: "Set OTP_EXPOSE_CODE=false.",
		problem: func(c Config) string {
			return when(c.OTPExposeCode, "OTP_EXPOSE_CODE is true: one-time codes are shown to API clients.")
		},
	},
	{
		id: "talabin.E019", severity: SeverityError,
		fix: "Set RATE_LIMIT_SCALE=1.",
		problem: func(c Config) string {
			return when(c.RateLimitScale != 1, fmt.Sprintf("RATE_LIMIT_SCALE is %d: every rate limit is lifted, as for a load test.", c.RateLimitScale))
		},
	},
	{
		id: "talabin.E020", severity: SeverityError,
		fix: "Set DEV_TREASURY_GRAMS=0 and record the metal bought with `talabin treasury in --grams N --reference INVOICE --reason ...`.",
		problem: func(c Config) string {
			// DevTreasury is zero when Debug is false, where Load refuses an explicit value.
			g, err := c.DevTreasury()
			return when(err == nil && g > 0, "DEV_TREASURY_GRAMS is above 0: gold enters the treasury at start-up with no metal behind it.")
		},
	},
	{
		id: "talabin.E021", severity: SeverityError,
		fix: "Set METRICS_TOKEN to a random value of at least 32 characters, e.g. from `openssl rand -hex 32`, or leave it empty.",
		problem: func(c Config) string {
			short := c.MetricsToken != "" && len(c.MetricsToken) < minMetricsTokenLength
			return when(short, fmt.Sprintf("METRICS_TOKEN is shorter than %d characters.", minMetricsTokenLength))
		},
	},
	{
		id: "talabin.W001", severity: SeverityWarning,
		fix: "Set ALLOWED_HOSTS to the API's host names, e.g. api.example.com.",
		problem: func(c Config) string {
			return when(slices.Contains(c.AllowedHosts, "*"), `ALLOWED_HOSTS contains "*": any Host header is accepted.`)
		},
	},
	{
		id: "talabin.W002", severity: SeverityWarning,
		fix: "Set DATABASE_URL (or DB_HOST) to a PostgreSQL server to run more than one instance.",
		problem: func(c Config) string {
			return when(c.DatabaseEngine() == DatabaseSQLite, "The store is SQLite (no DATABASE_URL or DB_HOST): one machine, one writer.")
		},
	},
	{
		id: "talabin.W003", severity: SeverityWarning,
		fix: "Set REDIS_URL (or REDIS_HOST) so that instances share rate limits.",
		problem: func(c Config) string {
			return when(c.RedisDSN() == "", "REDIS_URL is not set: rate limits are counted per instance.")
		},
	},
	{
		id: "talabin.W004", severity: SeverityWarning,
		fix: "Set TRUSTED_PROXIES to the reverse proxy's address when one sits in front of the app.",
		problem: func(c Config) string {
			return when(len(c.TrustedProxies) == 0, "TRUSTED_PROXIES is empty: client IP addresses come from the socket, which behind a proxy is the proxy's.")
		},
	},
	{
		id: "talabin.W005", severity: SeverityWarning,
		fix: "Set BLOB_STORE=s3 with the S3_* settings to run more than one instance.",
		problem: func(c Config) string {
			return when(c.BlobStore == BlobStoreLocal, "BLOB_STORE is localfs: KYC documents and receipts live on one machine's disk.")
		},
	},
	{
		// Django's security.W008. A warning, not an error: the proxy may redirect instead.
		id: "talabin.W006", severity: SeverityWarning,
		fix: "Set SECURE_SSL_REDIRECT=true (it needs TRUSTED_PROXIES), unless the reverse proxy already redirects http:// to https://.",
		problem: func(c Config) string {
			return when(!c.SecureSSLRedirect, "SECURE_SSL_REDIRECT is false: requests that reach the app over plain HTTP are served instead of sent to https://.")
		},
	},
	{
		id: "talabin.W007", severity: SeverityWarning,
		fix: "Set METRICS_ADDR to a private address for Prometheus (e.g. 10.0.0.5:9090), or METRICS_TOKEN to a random value of at least 32 characters.",
		problem: func(c Config) string {
			return when(c.MetricsAddr == "" && c.MetricsToken == "", "Neither METRICS_ADDR nor METRICS_TOKEN is set: /metrics is off and nothing can scrape the app.")
		},
	},
}

// when returns msg when bad, else "".
func when(bad bool, msg string) string {
	if bad {
		return msg
	}
	return ""
}

// setKey reports whether c has a SECRET_KEY of its own, not one Load generated.
func setKey(c Config) bool { return c.SecretKey != "" && !c.SecretKeyGenerated }
