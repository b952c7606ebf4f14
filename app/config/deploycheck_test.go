package config_test

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/config"
)

// hardened returns a production environment that passes the deployment check without a
// finding: production() plus PostgreSQL, Redis, a trusted proxy, the S3 blob store and a
// metrics listener.
func hardened(overrides map[string]string) map[string]string {
	environ := production(map[string]string{
		"DATABASE_URL":         "postgres://app@db:5432/talabin",
		"REDIS_URL":            "redis://cache:6379/0",
		"TRUSTED_PROXIES":      "10.0.0.0/8",
		"BLOB_STORE":           "s3",
		"S3_BUCKET":            "talabin-private",
		"S3_ACCESS_KEY_ID":     "AKIA",
		"S3_SECRET_ACCESS_KEY": "s3-secret",
		"CORS_ALLOWED_ORIGINS": "https://talabin.ir",
		"SECURE_SSL_REDIRECT":  "true",
		"METRICS_ADDR":         "10.0.0.5:9090",
	})
	for k, v := range overrides {
		environ[k] = v
	}
	return environ
}

// ids returns the IDs of findings of severity.
func ids(findings []config.Finding, severity string) []string {
	var out []string
	for _, f := range findings {
		if f.Severity == severity {
			out = append(out, f.ID)
		}
	}
	return out
}

func TestDeployCheckLoadedConfigs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		env          map[string]string
		wantErrors   []string
		wantWarnings []string
	}{
		{
			name: "Development",
			env:  map[string]string{"DEBUG": "true"},
			wantErrors: []string{
				"talabin.E001", // DEBUG
				"talabin.E002", // generated SECRET_KEY
				"talabin.E008", // no ALLOWED_HOSTS
				"talabin.E010", // no PUBLIC_API_URL
				"talabin.E011", // the web client's origin is http://localhost:3000
				"talabin.E012", // console SMS
				"talabin.E014", // sandbox gateway
				"talabin.E017", // fake inquiry
				"talabin.E020", // DEV_TREASURY_GRAMS default 1000
			},
			wantWarnings: []string{"talabin.W002", "talabin.W003", "talabin.W004", "talabin.W005", "talabin.W006", "talabin.W007"},
		},
		{
			name: "DevelopmentSwitches",
			env: map[string]string{
				"DEBUG": "true", "SECRET_KEY": "dev", "ALLOWED_HOSTS": "*", "COOKIE_SECURE": "false",
				"PUBLIC_API_URL": "http://localhost:8000", "CORS_ALLOWED_ORIGINS": "http://localhost:3000",
				"OTP_EXPOSE_CODE": "true", "IDPAY_API_KEY": goodIDPayKey, "IDPAY_SANDBOX": "true",
				"OWNERSHIP_INQUIRY": "fake", "RATE_LIMIT_SCALE": "1000", "DEV_TREASURY_GRAMS": "0",
				"METRICS_TOKEN": "short",
			},
			wantErrors: []string{
				"talabin.E001", "talabin.E003", "talabin.E009", "talabin.E010", "talabin.E011",
				"talabin.E012", "talabin.E016", "talabin.E017", "talabin.E018", "talabin.E019", "talabin.E021",
			},
			wantWarnings: []string{"talabin.W001", "talabin.W002", "talabin.W003", "talabin.W004", "talabin.W005", "talabin.W006"},
		},
		{
			name:         "MinimalProductionOnlyWarns",
			env:          production(nil),
			wantWarnings: []string{"talabin.W002", "talabin.W003", "talabin.W004", "talabin.W005", "talabin.W006", "talabin.W007"},
		},
		{
			name: "HardenedProduction",
			env:  hardened(nil),
		},
		{
			name:       "ProductionHTTPOrigin",
			env:        hardened(map[string]string{"CORS_ALLOWED_ORIGINS": "https://talabin.ir,http://talabin.ir"}),
			wantErrors: []string{"talabin.E011"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(tt.env)
			require.NoError(t, err)

			findings := cfg.DeployCheck()

			require.Equal(t, tt.wantErrors, ids(findings, config.SeverityError))
			require.Equal(t, tt.wantWarnings, ids(findings, config.SeverityWarning))
		})
	}
}

// TestDeployCheckRules breaks one setting of a hardened production config at a time,
// including values Load refuses, since the check also serves configs built by hand.
func TestDeployCheckRules(t *testing.T) {
	t.Parallel()
	base, err := config.Load(hardened(nil))
	require.NoError(t, err)
	tests := []struct {
		name   string
		mutate func(c *config.Config)
		want   []string
	}{
		{"Debug", func(c *config.Config) {
			c.Debug = true
			c.DevTreasuryGrams = "0"
			c.OwnershipInquiry = config.InquiryNone
		}, []string{"talabin.E001"}},
		{"SecretKeyEmpty", func(c *config.Config) { c.SecretKey = "" }, []string{"talabin.E002"}},
		{"SecretKeyShort", func(c *config.Config) { c.SecretKey = "k8Zq2vR7xN4mT1pW9sL6" }, []string{"talabin.E003"}},
		{"SecretKeyLowVariety", func(c *config.Config) { c.SecretKey = strings.Repeat("abab", 13) }, []string{"talabin.E004"}},
		{"SecretKeyPlaceholder", func(c *config.Config) { c.SecretKey = "django-insecure-" + goodSecret }, []string{"talabin.E005"}},
		{"FallbackRepeatsKey", func(c *config.Config) { c.SecretKeyFallbacks = []string{goodSecret} }, []string{"talabin.E006"}},
		{"FallbackWeak", func(c *config.Config) { c.SecretKeyFallbacks = []string{"old"} }, []string{"talabin.E007"}},
		{"NoAllowedHosts", func(c *config.Config) { c.AllowedHosts = nil }, []string{"talabin.E008"}},
		{"CookieNotSecure", func(c *config.Config) { c.CookieSecure = false }, []string{"talabin.E009"}},
		{"PublicAPIHTTP", func(c *config.Config) { c.PublicAPIURL = "http://api.talabin.ir" }, []string{"talabin.E010"}},
		{"CORSWildcard", func(c *config.Config) { c.CORSAllowedOrigins = []string{"*"} }, []string{"talabin.E011"}},
		{"SMSConsole", func(c *config.Config) { c.SMSProviders = []string{config.SMSConsole} }, []string{"talabin.E012"}},
		{"SMSNone", func(c *config.Config) { c.SMSProviders = nil }, []string{"talabin.E012"}},
		{"SMSKeyMissing", func(c *config.Config) { c.SMSProviders = []string{config.SMSKavenegar, config.SMSIPPanel} }, []string{"talabin.E013"}},
		{"GatewaySandbox", func(c *config.Config) { c.PaymentGateways = []string{config.GatewaySandbox} }, []string{"talabin.E014"}},
		{"GatewayNone", func(c *config.Config) { c.ZarinpalMerchantID = ""; c.PaymentGateways = nil }, []string{"talabin.E014"}},
		{"GatewayKeyMissing", func(c *config.Config) { c.PaymentGateways = []string{config.GatewayIDPay} }, []string{"talabin.E015"}},
		{"IDPaySandbox", func(c *config.Config) { c.IDPaySandbox = true }, []string{"talabin.E016"}},
		{"FakeInquiry", func(c *config.Config) { c.OwnershipInquiry = config.InquiryFake }, []string{"talabin.E017"}},
		{"OTPExposeCode", func(c *config.Config) { c.OTPExposeCode = true }, []string{"talabin.E018"}},
		{"RateLimitScale", func(c *config.Config) { c.RateLimitScale = 10 }, []string{"talabin.E019"}},
		{"DevTreasury", func(c *config.Config) { c.Debug = true; c.OwnershipInquiry = config.InquiryNone }, []string{"talabin.E001", "talabin.E020"}},
		{"DevTreasuryInertInProduction", func(c *config.Config) { c.DevTreasuryGrams = "5" }, nil},
		{"MetricsTokenShort", func(c *config.Config) { c.MetricsToken = "short" }, []string{"talabin.E021"}},
		{"AllowedHostsWildcard", func(c *config.Config) { c.AllowedHosts = []string{"*"} }, []string{"talabin.W001"}},
		{"SQLite", func(c *config.Config) { c.DatabaseURL = "" }, []string{"talabin.W002"}},
		{"NoRedis", func(c *config.Config) { c.RedisURL = "" }, []string{"talabin.W003"}},
		{"NoTrustedProxies", func(c *config.Config) { c.TrustedProxies = []netip.Prefix{} }, []string{"talabin.W004"}},
		{"LocalBlobs", func(c *config.Config) { c.BlobStore = config.BlobStoreLocal }, []string{"talabin.W005"}},
		{"NoSSLRedirect", func(c *config.Config) { c.SecureSSLRedirect = false }, []string{"talabin.W006"}},
		{"NoMetrics", func(c *config.Config) { c.MetricsAddr = "" }, []string{"talabin.W007"}},
		{"MetricsTokenOnly", func(c *config.Config) { c.MetricsAddr, c.MetricsToken = "", goodSecret[:40] }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := base
			tt.mutate(&cfg)

			findings := cfg.DeployCheck()

			var got []string
			for _, f := range findings {
				got = append(got, f.ID)
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestDeployCheckFindingsAreWellFormed(t *testing.T) {
	t.Parallel()
	const key, token = "d3vk3y", "s3cr3t"
	cfg, err := config.Load(map[string]string{"DEBUG": "true", "SECRET_KEY": key, "METRICS_TOKEN": token})
	require.NoError(t, err)
	id := regexp.MustCompile(`^talabin\.[EW]\d{3}$`)

	findings := cfg.DeployCheck()

	require.NotEmpty(t, findings)
	for _, f := range findings {
		require.Regexp(t, id, f.ID)
		require.Equal(t, f.Severity == config.SeverityError, strings.HasPrefix(f.ID, "talabin.E"), f.ID)
		require.Contains(t, []string{config.SeverityError, config.SeverityWarning}, f.Severity)
		require.True(t, strings.HasSuffix(f.Message, "."), f.Message)
		require.True(t, strings.HasSuffix(f.Fix, "."), f.Fix)
		require.NotContains(t, f.Message, key, "no secret value in a message")
		require.NotContains(t, f.Message, token, "no secret value in a message")
	}
}
