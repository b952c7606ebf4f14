package config_test

import (
	"log/slog"
	"maps"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/core"
)

// goodSecret is a production-grade key for tests: 64 characters, many distinct.
const goodSecret = "k8Zq2vR7xN4mT1pW9sL6cY3bH0dF5gJ2aE8uQ7rV4nM1zX6tK9wP3yB0hG5jD2fS"

// oldSecret is a production-grade earlier key for the rotation tests.
const oldSecret = "Zr4Yw9Tq2Lm7Xc1Vb8Nk3Hs6Jd0Fg5Pa2Qe7Wu4Io9Ty1Rx6Cv3Bn8Mz0Kl5Gh2D"

// goodMerchant and goodIDPayKey have the 36-character shape of a ZarinPal merchant id and an
// IDPay API key.
const (
	goodMerchant = "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
	goodIDPayKey = "6d5c4b3a-2f1e-0d9c-8b7a-6f5e4d3c2b1a"
)

// production returns the smallest valid production environment plus overrides; an override
// with the value "<unset>" removes the variable.
func production(overrides map[string]string) map[string]string {
	environ := map[string]string{
		"SECRET_KEY":           goodSecret,
		"ALLOWED_HOSTS":        "api.talabin.ir",
		"SMS_PROVIDERS":        "kavenegar",
		"KAVENEGAR_API_KEY":    "kv-key",
		"ZARINPAL_MERCHANT_ID": goodMerchant,
		"PUBLIC_API_URL":       "https://api.talabin.ir",
		"WEB_APP_URL":          "https://talabin.ir",
	}
	for k, v := range overrides {
		if v == "<unset>" {
			delete(environ, k)
			continue
		}
		environ[k] = v
	}
	return environ
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(production(nil))
	require.NoError(t, err)

	require.Equal(t, goodSecret, cfg.SecretKey)
	require.False(t, cfg.SecretKeyGenerated)
	require.False(t, cfg.Debug)
	require.Equal(t, []string{"api.talabin.ir"}, cfg.AllowedHosts)
	require.Empty(t, cfg.CORSAllowedOrigins)
	require.Equal(t, ":8000", cfg.HTTPAddr)
	require.Equal(t, slog.LevelInfo, cfg.LogLevel)
	require.Equal(t, 20*time.Second, cfg.ShutdownTimeout)
	require.Equal(t, config.DatabaseSQLite, cfg.DatabaseEngine())
	require.Equal(t, "./data/talabin.db", cfg.SQLitePath)
	require.Empty(t, cfg.PostgresDSN())
	require.Equal(t, 5432, cfg.DBPort)
	require.Equal(t, time.Hour, cfg.AccessTokenLifetime())
	require.Equal(t, 7*24*time.Hour, cfg.RefreshTokenLifetime())
	require.Empty(t, cfg.RedisDSN())
	require.Equal(t, 6379, cfg.RedisPort)
	require.Equal(t, core.BasisPoints(50), cfg.TransactionFee)
	require.Equal(t, core.Rial(100_000), cfg.MinPurchaseAmount)
	require.Equal(t, core.Rial(1_000_000_000), cfg.MaxPurchaseAmount)
	require.Equal(t, core.Rial(10_000), cfg.MinDepositAmount)
	require.Equal(t, core.Rial(50_000), cfg.MinWithdrawalAmount)
	require.Empty(t, cfg.SecretKeyFallbacks)
	require.Empty(t, cfg.TrustedProxies)
	require.True(t, cfg.CookieSecure)
	require.Equal(t, []string{config.SMSKavenegar}, cfg.SMSProviders)
	require.Equal(t, 10_000, cfg.SMSDailyBudget)
	require.Equal(t, "talabin-otp", cfg.KavenegarOTPTemplate)
	require.Empty(t, cfg.KavenegarBaseURL)
	require.Equal(t, "talabin-otp", cfg.GhasedakOTPTemplate)
	require.Equal(t, "Code", cfg.GhasedakOTPParam)
	require.Equal(t, "code", cfg.IPPanelOTPParam)
	require.Equal(t, 5*time.Minute, cfg.OTPTTL)
	require.False(t, cfg.OTPExposeCode)
	require.False(t, cfg.OTPSignup)
	require.Empty(t, cfg.MetricsToken, "metrics are off by default")
}

func TestLoadValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		env    map[string]string
		expect func(t *testing.T, cfg config.Config)
	}{
		{
			name: "DebugGeneratesSecretKey",
			env:  map[string]string{"DEBUG": "true"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.True(t, cfg.Debug)
				require.True(t, cfg.SecretKeyGenerated)
				require.GreaterOrEqual(t, len(cfg.SecretKey), 50)
				other, err := config.Load(map[string]string{"DEBUG": "true"})
				require.NoError(t, err)
				require.NotEqual(t, cfg.SecretKey, other.SecretKey, "each load draws a new key")
			},
		},
		{
			name: "SentryAndSecurityLog",
			env:  production(map[string]string{"SENTRY_DSN": "https://key@o1.ingest.sentry.io/123", "SECURITY_LOG": "/var/log/talabin/security.log"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "https://key@o1.ingest.sentry.io/123", cfg.SentryDSN)
				require.Equal(t, "/var/log/talabin/security.log", cfg.SecurityLog)
			},
		},
		{
			name: "DebugDefaultsToConsoleSMS",
			env:  map[string]string{"DEBUG": "true"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{config.SMSConsole}, cfg.SMSProviders)
			},
		},
		{
			name: "DebugAllowsDevelopmentSwitches",
			env:  map[string]string{"DEBUG": "true", "SMS_PROVIDERS": "console", "OTP_EXPOSE_CODE": "true", "COOKIE_SECURE": "false"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{config.SMSConsole}, cfg.SMSProviders)
				require.True(t, cfg.OTPExposeCode)
				require.False(t, cfg.CookieSecure)
			},
		},
		{
			name: "DebugAcceptsShortKeyAndNoHosts",
			env:  map[string]string{"DEBUG": "True", "SECRET_KEY": "dev"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "dev", cfg.SecretKey)
				require.False(t, cfg.SecretKeyGenerated)
				require.Empty(t, cfg.AllowedHosts)
			},
		},
		{
			name: "EmptyValueTakesDefault",
			env:  production(map[string]string{"DEBUG": "", "HTTP_ADDR": "", "MIN_PURCHASE_AMOUNT": ""}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.False(t, cfg.Debug)
				require.Equal(t, ":8000", cfg.HTTPAddr)
				require.Equal(t, core.Rial(100_000), cfg.MinPurchaseAmount)
			},
		},
		{
			name: "ListsAreTrimmed",
			env: production(map[string]string{
				"ALLOWED_HOSTS":        " api.talabin.ir , .talabin.ir,,",
				"CORS_ALLOWED_ORIGINS": "https://talabin.ir, http://localhost:3000",
			}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{"api.talabin.ir", ".talabin.ir"}, cfg.AllowedHosts)
				require.Equal(t, []string{"https://talabin.ir", "http://localhost:3000"}, cfg.CORSAllowedOrigins)
			},
		},
		{
			name: "DatabaseURLSelectsPostgres",
			env:  production(map[string]string{"DATABASE_URL": "postgres://u:p@db:5432/talabin?sslmode=disable", "DB_HOST": "ignored"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, config.DatabasePostgres, cfg.DatabaseEngine())
				require.Equal(t, "postgres://u:p@db:5432/talabin?sslmode=disable", cfg.PostgresDSN())
			},
		},
		{
			name: "DBPartsSelectPostgres",
			env: production(map[string]string{
				"DB_HOST": "db.internal", "DB_PORT": "6432", "DB_NAME": "talabin", "DB_USER": "app", "DB_PASSWORD": "p@ss/word",
			}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, config.DatabasePostgres, cfg.DatabaseEngine())
				require.Equal(t, "postgres://app:p%40ss%2Fword@db.internal:6432/talabin", cfg.PostgresDSN())
			},
		},
		{
			name: "DBPartsWithoutPassword",
			env:  production(map[string]string{"DB_HOST": "127.0.0.1", "DB_NAME": "talabin", "DB_USER": "postgres"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "postgres://postgres@127.0.0.1:5432/talabin", cfg.PostgresDSN())
			},
		},
		{
			name: "RedisURLWins",
			env:  production(map[string]string{"REDIS_URL": "rediss://:pw@cache:6380/2", "REDIS_HOST": "ignored"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "rediss://:pw@cache:6380/2", cfg.RedisDSN())
			},
		},
		{
			name: "RedisParts",
			env:  production(map[string]string{"REDIS_HOST": "cache", "REDIS_PASSWORD": "pw", "REDIS_DB": "3"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "redis://:pw@cache:6379/3", cfg.RedisDSN())
			},
		},
		{
			name: "NumbersAndDurations",
			env: production(map[string]string{
				"TRANSACTION_FEE_PERCENTAGE": "1.25", "MIN_PURCHASE_AMOUNT": "۲۰۰٬۰۰۰", "MAX_PURCHASE_AMOUNT": "200000",
				"JWT_ACCESS_TOKEN_LIFETIME": "15", "JWT_REFRESH_TOKEN_LIFETIME": "30",
				"SHUTDOWN_TIMEOUT": "1m30s", "LOG_LEVEL": "debug", "HTTP_ADDR": "127.0.0.1:0",
			}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, core.BasisPoints(125), cfg.TransactionFee)
				require.Equal(t, core.Rial(200_000), cfg.MinPurchaseAmount)
				require.Equal(t, core.Rial(200_000), cfg.MaxPurchaseAmount)
				require.Equal(t, 15*time.Minute, cfg.AccessTokenLifetime())
				require.Equal(t, 30*24*time.Hour, cfg.RefreshTokenLifetime())
				require.Equal(t, 90*time.Second, cfg.ShutdownTimeout)
				require.Equal(t, slog.LevelDebug, cfg.LogLevel)
				require.Equal(t, "127.0.0.1:0", cfg.HTTPAddr)
			},
		},
		{
			name: "SMSFailoverChain",
			env: production(map[string]string{
				"SMS_PROVIDERS":        " IPPanel , kavenegar,ghasedak,",
				"SMS_DAILY_BUDGET":     "500",
				"KAVENEGAR_BASE_URL":   "http://127.0.0.1:9001",
				"GHASEDAK_API_KEY":     "gh-key",
				"GHASEDAK_LINE_NUMBER": "30005006",
				"GHASEDAK_OTP_PARAM":   "otp",
				"IPPANEL_API_KEY":      "ip-key",
				"IPPANEL_SENDER":       "+983000505",
				"IPPANEL_OTP_PATTERN":  "pat123",
			}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{"ippanel", "kavenegar", "ghasedak"}, cfg.SMSProviders)
				require.Equal(t, 500, cfg.SMSDailyBudget)
				require.Equal(t, "http://127.0.0.1:9001", cfg.KavenegarBaseURL)
				require.Equal(t, "gh-key", cfg.GhasedakAPIKey)
				require.Equal(t, "30005006", cfg.GhasedakLineNumber)
				require.Equal(t, "otp", cfg.GhasedakOTPParam)
				require.Equal(t, "ip-key", cfg.IPPanelAPIKey)
				require.Equal(t, "+983000505", cfg.IPPanelSender)
				require.Equal(t, "pat123", cfg.IPPanelOTPPattern)
			},
		},
		{
			name: "TradingDefaults",
			env:  production(map[string]string{}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{"manual"}, cfg.PriceFeeds)
				require.Equal(t, core.Rial(99_000_000), cfg.PriceSeedBuy)
				require.Equal(t, core.Rial(100_000_000), cfg.PriceSeedSell)
				require.Equal(t, 30*time.Second, cfg.PriceRefreshInterval)
				require.Equal(t, 120*time.Second, cfg.PriceMaxAge)
				require.Equal(t, core.BasisPoints(1000), cfg.PriceMaxJump)
				require.Equal(t, 30*time.Second, cfg.QuoteTTL)
				require.True(t, cfg.RequireKYC(), "KYC is on by default in production")
				g, err := cfg.DevTreasury()
				require.NoError(t, err)
				require.Zero(t, g, "no dev treasury in production")
			},
		},
		{
			name: "TradingDebugDefaults",
			env:  map[string]string{"DEBUG": "true"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.False(t, cfg.RequireKYC(), "KYC is off by default in DEBUG")
				g, err := cfg.DevTreasury()
				require.NoError(t, err)
				require.Equal(t, core.Microgram(1000_000_000), g)
			},
		},
		{
			name: "TradingHTTPJSONFeed",
			env: production(map[string]string{
				"PRICE_FEEDS": "HTTPJSON, manual", "PRICE_FEED_URL": "https://feed.example/gold",
				"PRICE_FEED_MID_PATH": "data.mid", "PRICE_FEED_SPREAD_PERCENT": "1.5", "PRICE_FEED_UNIT": "toman",
				"TRADING_REQUIRE_KYC": "false",
			}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{"httpjson", "manual"}, cfg.PriceFeeds)
				require.Equal(t, core.BasisPoints(150), cfg.PriceFeedSpread)
				require.False(t, cfg.RequireKYC())
			},
		},
		{
			name: "OTPSettings",
			env:  production(map[string]string{"OTP_TTL": "10m", "OTP_SIGNUP": "true", "OTP_EXPOSE_CODE": "false"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, 10*time.Minute, cfg.OTPTTL)
				require.True(t, cfg.OTPSignup)
				require.False(t, cfg.OTPExposeCode)
			},
		},
		{
			name: "TrustedProxies",
			env:  production(map[string]string{"TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32, ::1, ::ffff:198.51.100.1, 172.16.5.4/12,"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []netip.Prefix{
					netip.MustParsePrefix("10.0.0.0/8"),
					netip.MustParsePrefix("192.0.2.7/32"),
					netip.MustParsePrefix("2001:db8::/32"),
					netip.MustParsePrefix("::1/128"),
					netip.MustParsePrefix("198.51.100.1/32"),
					netip.MustParsePrefix("172.16.0.0/12"),
				}, cfg.TrustedProxies)
			},
		},
		{
			name: "SecretKeyFallbacks",
			env:  production(map[string]string{"SECRET_KEY_FALLBACKS": " " + oldSecret + " , " + strings.ToLower(oldSecret)}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{oldSecret, strings.ToLower(oldSecret)}, cfg.SecretKeyFallbacks)
			},
		},
		{
			name: "DebugAcceptsWeakFallback",
			env:  map[string]string{"DEBUG": "true", "SECRET_KEY": "dev", "SECRET_KEY_FALLBACKS": "older-dev"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{"older-dev"}, cfg.SecretKeyFallbacks)
			},
		},
		{
			name: "MetricsToken",
			env:  production(map[string]string{"METRICS_TOKEN": strings.Repeat("m", 32)}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, strings.Repeat("m", 32), cfg.MetricsToken)
			},
		},
		{
			name: "MetricsAddr",
			env:  production(map[string]string{"METRICS_ADDR": "127.0.0.1:9090"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "127.0.0.1:9090", cfg.MetricsAddr)
			},
		},
		{
			name: "DebugAcceptsShortMetricsToken",
			env:  map[string]string{"DEBUG": "true", "METRICS_TOKEN": "dev"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "dev", cfg.MetricsToken)
			},
		},
		{
			name: "ProviderKeys",
			env: production(map[string]string{
				"KAVENEGAR_API_KEY": "kv", "SMS_SENDER": "10008663", "ZARINPAL_MERCHANT_ID": goodMerchant, "IDPAY_API_KEY": goodIDPayKey,
			}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "kv", cfg.KavenegarAPIKey)
				require.Equal(t, "10008663", cfg.SMSSender)
				require.Equal(t, goodMerchant, cfg.ZarinpalMerchantID)
				require.Equal(t, goodIDPayKey, cfg.IDPayAPIKey)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(tt.env)
			require.NoError(t, err)
			tt.expect(t, cfg)
		})
	}
}

func TestLoadRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		wantMsg string
	}{
		{"DebugNotBool", production(map[string]string{"DEBUG": "maybe"}), `config: DEBUG: must be true or false, got "maybe"`},
		{"SecretKeyMissing", production(map[string]string{"SECRET_KEY": "<unset>"}), `config: SECRET_KEY: must be set when DEBUG is false`},
		{"SecretKeyShort", production(map[string]string{"SECRET_KEY": "short-but-secret"}), `config: SECRET_KEY: must be at least 50 characters with at least 5 distinct ones when DEBUG is false`},
		{"SecretKeyFewDistinct", production(map[string]string{"SECRET_KEY": strings.Repeat("ab", 30)}), `config: SECRET_KEY: must be at least 50 characters with at least 5 distinct ones when DEBUG is false`},
		{"SecretKeyPlaceholder", production(map[string]string{"SECRET_KEY": "django-insecure-" + goodSecret}), `config: SECRET_KEY: must not be a placeholder value when DEBUG is false; generate a random key`},
		{"SecretKeyChangeMe", production(map[string]string{"SECRET_KEY": goodSecret + "-CHANGE-ME"}), `config: SECRET_KEY: must not be a placeholder value when DEBUG is false; generate a random key`},
		{"AllowedHostsMissing", production(map[string]string{"ALLOWED_HOSTS": "<unset>"}), `config: ALLOWED_HOSTS: must list at least one host name when DEBUG is false, got ""`},
		{"AllowedHostsOnlyCommas", production(map[string]string{"ALLOWED_HOSTS": " , "}), `config: ALLOWED_HOSTS: must list at least one host name when DEBUG is false, got " , "`},
		{"RedisKeyPrefixLong", production(map[string]string{"REDIS_KEY_PREFIX": strings.Repeat("p", 65)}), `config: REDIS_KEY_PREFIX: must be 1 to 64 printable ASCII characters without spaces, such as talabin:, got "` + strings.Repeat("p", 65) + `"`},
		{"RedisKeyPrefixSpace", production(map[string]string{"REDIS_KEY_PREFIX": "stag ing:"}), `config: REDIS_KEY_PREFIX: must be 1 to 64 printable ASCII characters without spaces, such as talabin:, got "stag ing:"`},
		{"AllowedHostsURL", production(map[string]string{"ALLOWED_HOSTS": "https://talabin.ir"}), `config: ALLOWED_HOSTS: must be a comma-separated list of host names, such as api.example.com,.example.com, got "https://talabin.ir"`},
		{"CORSOriginWithPath", production(map[string]string{"CORS_ALLOWED_ORIGINS": "https://talabin.ir/app"}), `config: CORS_ALLOWED_ORIGINS: must be a comma-separated list of origins, such as https://app.example.com, got "https://talabin.ir/app"`},
		{"CORSOriginNoScheme", production(map[string]string{"CORS_ALLOWED_ORIGINS": "talabin.ir"}), `config: CORS_ALLOWED_ORIGINS: must be a comma-separated list of origins, such as https://app.example.com, got "talabin.ir"`},
		{"HTTPAddrNoPort", production(map[string]string{"HTTP_ADDR": "8000"}), `config: HTTP_ADDR: must be host:port or :port, such as :8000 or 127.0.0.1:8000, got "8000"`},
		{"HTTPAddrBadPort", production(map[string]string{"HTTP_ADDR": ":99999"}), `config: HTTP_ADDR: must be host:port or :port, such as :8000 or 127.0.0.1:8000, got ":99999"`},
		{"LogLevelUnknown", production(map[string]string{"LOG_LEVEL": "verbose"}), `config: LOG_LEVEL: must be one of debug, info, warn, error, got "verbose"`},
		{"SentryDSNNoProject", production(map[string]string{"SENTRY_DSN": "https://key@sentry.example"}), `config: SENTRY_DSN: must be a Sentry DSN such as https://key@o1.ingest.sentry.io/123`},
		{"SentryDSNNoKey", production(map[string]string{"SENTRY_DSN": "https://sentry.example/1"}), `config: SENTRY_DSN: must be a Sentry DSN such as https://key@o1.ingest.sentry.io/123`},
		{"SentryDSNNotHTTP", production(map[string]string{"SENTRY_DSN": "udp://key@sentry.example/1"}), `config: SENTRY_DSN: must be a Sentry DSN such as https://key@o1.ingest.sentry.io/123`},
		{"ShutdownTimeoutNotDuration", production(map[string]string{"SHUTDOWN_TIMEOUT": "20"}), `config: SHUTDOWN_TIMEOUT: must be a positive duration such as 20s or 1m30s, got "20"`},
		{"ShutdownTimeoutNegative", production(map[string]string{"SHUTDOWN_TIMEOUT": "-1s"}), `config: SHUTDOWN_TIMEOUT: must be a positive duration such as 20s or 1m30s, got "-1s"`},
		{"MetricsTokenShort", production(map[string]string{"METRICS_TOKEN": strings.Repeat("m", 31)}), `config: METRICS_TOKEN: must be at least 32 characters when DEBUG is false`},
		{"MetricsAddrNoPort", production(map[string]string{"METRICS_ADDR": "9090"}), `config: METRICS_ADDR: must be host:port or :port, such as 127.0.0.1:9090, got "9090"`},
		{"DatabaseURLWrongScheme", production(map[string]string{"DATABASE_URL": "mysql://u:secret@db/talabin"}), `config: DATABASE_URL: must be a postgres:// or postgresql:// URL with a host`},
		{"DBNameMissing", production(map[string]string{"DB_HOST": "db", "DB_USER": "app"}), `config: DB_NAME: must be set when DB_HOST is set and DATABASE_URL is not, got ""`},
		{"DBUserMissing", production(map[string]string{"DB_HOST": "db", "DB_NAME": "talabin"}), `config: DB_USER: must be set when DB_HOST is set and DATABASE_URL is not, got ""`},
		{"DBPortNotNumber", production(map[string]string{"DB_PORT": "pg"}), `config: DB_PORT: must be a port number from 1 to 65535, got "pg"`},
		{"DBPortOutOfRange", production(map[string]string{"DB_PORT": "70000"}), `config: DB_PORT: must be a port number from 1 to 65535, got "70000"`},
		{"AccessLifetimeZero", production(map[string]string{"JWT_ACCESS_TOKEN_LIFETIME": "0"}), `config: JWT_ACCESS_TOKEN_LIFETIME: must be a positive whole number of minutes, got "0"`},
		{"AccessLifetimeDuration", production(map[string]string{"JWT_ACCESS_TOKEN_LIFETIME": "60m"}), `config: JWT_ACCESS_TOKEN_LIFETIME: must be a positive whole number of minutes, got "60m"`},
		{"RefreshLifetimeNegative", production(map[string]string{"JWT_REFRESH_TOKEN_LIFETIME": "-7"}), `config: JWT_REFRESH_TOKEN_LIFETIME: must be a positive whole number of days, got "-7"`},
		{"RedisURLWrongScheme", production(map[string]string{"REDIS_URL": "http://cache:6379"}), `config: REDIS_URL: must be a redis:// or rediss:// URL with a host`},
		{"RedisPortZero", production(map[string]string{"REDIS_PORT": "0"}), `config: REDIS_PORT: must be a port number from 1 to 65535, got "0"`},
		{"RedisDBNegative", production(map[string]string{"REDIS_DB": "-1"}), `config: REDIS_DB: must be a database number from 0 upwards, got "-1"`},
		{"FeeThreeDecimals", production(map[string]string{"TRANSACTION_FEE_PERCENTAGE": "0.125"}), `config: TRANSACTION_FEE_PERCENTAGE: must be a percentage from 0 to 100 with at most two decimals, such as 0.5, got "0.125"`},
		{"FeeAboveHundred", production(map[string]string{"TRANSACTION_FEE_PERCENTAGE": "101"}), `config: TRANSACTION_FEE_PERCENTAGE: must be a percentage from 0 to 100 with at most two decimals, such as 0.5, got "101"`},
		{"FeeWithPercentSign", production(map[string]string{"TRANSACTION_FEE_PERCENTAGE": "0.5%"}), `config: TRANSACTION_FEE_PERCENTAGE: must be a percentage from 0 to 100 with at most two decimals, such as 0.5, got "0.5%"`},
		{"MinPurchaseNotNumber", production(map[string]string{"MIN_PURCHASE_AMOUNT": "abc"}), `config: MIN_PURCHASE_AMOUNT: must be a positive whole number of rials, got "abc"`},
		{"MinPurchaseZero", production(map[string]string{"MIN_PURCHASE_AMOUNT": "0"}), `config: MIN_PURCHASE_AMOUNT: must be a positive whole number of rials, got "0"`},
		{"MaxPurchaseFraction", production(map[string]string{"MAX_PURCHASE_AMOUNT": "1000.5"}), `config: MAX_PURCHASE_AMOUNT: must be a positive whole number of rials, got "1000.5"`},
		{"MaxBelowMin", production(map[string]string{"MAX_PURCHASE_AMOUNT": "50000"}), `config: MAX_PURCHASE_AMOUNT: must not be less than MIN_PURCHASE_AMOUNT (100000), got "50000"`},
		{"MinDepositNegative", production(map[string]string{"MIN_DEPOSIT_AMOUNT": "-10000"}), `config: MIN_DEPOSIT_AMOUNT: must be a positive whole number of rials, got "-10000"`},
		{"MinWithdrawalZero", production(map[string]string{"MIN_WITHDRAWAL_AMOUNT": "0"}), `config: MIN_WITHDRAWAL_AMOUNT: must be a positive whole number of rials, got "0"`},
		{"FallbackWeak", production(map[string]string{"SECRET_KEY_FALLBACKS": oldSecret + ",short"}), `config: SECRET_KEY_FALLBACKS: must list keys of at least 50 characters with at least 5 distinct ones, none a placeholder, when DEBUG is false`},
		{"FallbackPlaceholder", production(map[string]string{"SECRET_KEY_FALLBACKS": "django-insecure-" + oldSecret}), `config: SECRET_KEY_FALLBACKS: must list keys of at least 50 characters with at least 5 distinct ones, none a placeholder, when DEBUG is false`},
		{"FallbackRepeatsSecretKey", production(map[string]string{"SECRET_KEY_FALLBACKS": goodSecret}), `config: SECRET_KEY_FALLBACKS: must not repeat SECRET_KEY or another entry`},
		{"FallbackRepeatsEntry", production(map[string]string{"SECRET_KEY_FALLBACKS": oldSecret + "," + oldSecret}), `config: SECRET_KEY_FALLBACKS: must not repeat SECRET_KEY or another entry`},
		{"FallbackRepeatsInDebug", map[string]string{"DEBUG": "true", "SECRET_KEY": "dev", "SECRET_KEY_FALLBACKS": "dev"}, `config: SECRET_KEY_FALLBACKS: must not repeat SECRET_KEY or another entry`},
		{"TrustedProxyHostName", production(map[string]string{"TRUSTED_PROXIES": "10.0.0.1,proxy.internal"}), `config: TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDR prefixes, such as 10.0.0.0/8,192.0.2.7, got "10.0.0.1,proxy.internal"`},
		{"TrustedProxyBadPrefix", production(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/33"}), `config: TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDR prefixes, such as 10.0.0.0/8,192.0.2.7, got "10.0.0.0/33"`},
		{"TrustedProxyZone", production(map[string]string{"TRUSTED_PROXIES": "fe80::1%eth0"}), `config: TRUSTED_PROXIES: must be a comma-separated list of IP addresses or CIDR prefixes, such as 10.0.0.0/8,192.0.2.7, got "fe80::1%eth0"`},
		{"CookieInsecureInProduction", production(map[string]string{"COOKIE_SECURE": "false"}), `config: COOKIE_SECURE: must be true when DEBUG is false: auth cookies travel over HTTPS only, got "false"`},
		{"CookieSecureNotBool", production(map[string]string{"COOKIE_SECURE": "yes"}), `config: COOKIE_SECURE: must be true or false, got "yes"`},
		{"SMSProvidersMissing", production(map[string]string{"SMS_PROVIDERS": "<unset>"}), `config: SMS_PROVIDERS: must list at least one of kavenegar, ghasedak, ippanel when DEBUG is false, got ""`},
		{"SMSProvidersOnlyCommas", production(map[string]string{"SMS_PROVIDERS": " ,"}), `config: SMS_PROVIDERS: must list at least one of kavenegar, ghasedak, ippanel when DEBUG is false, got " ,"`},
		{"SMSConsoleInProduction", production(map[string]string{"SMS_PROVIDERS": "console"}), `config: SMS_PROVIDERS: must not list console when DEBUG is false: it logs OTP codes instead of sending them, got "console"`},
		{"SMSConsoleChained", map[string]string{"DEBUG": "true", "SMS_PROVIDERS": "kavenegar,console", "KAVENEGAR_API_KEY": "k"}, `config: SMS_PROVIDERS: must list console alone: it cannot be chained with real providers, got "kavenegar,console"`},
		{"SMSProviderUnknown", production(map[string]string{"SMS_PROVIDERS": "kavenegar,twilio"}), `config: SMS_PROVIDERS: must be a comma-separated list of kavenegar, ghasedak and ippanel, each at most once, or console alone, got "kavenegar,twilio"`},
		{"SMSProviderTwice", production(map[string]string{"SMS_PROVIDERS": "kavenegar,Kavenegar"}), `config: SMS_PROVIDERS: must be a comma-separated list of kavenegar, ghasedak and ippanel, each at most once, or console alone, got "kavenegar,Kavenegar"`},
		{"SMSBudgetZero", production(map[string]string{"SMS_DAILY_BUDGET": "0"}), `config: SMS_DAILY_BUDGET: must be a whole number of messages from 1 upwards, got "0"`},
		{"SMSBudgetNotNumber", production(map[string]string{"SMS_DAILY_BUDGET": "lots"}), `config: SMS_DAILY_BUDGET: must be a whole number of messages from 1 upwards, got "lots"`},
		{"KavenegarKeyMissing", production(map[string]string{"KAVENEGAR_API_KEY": "<unset>"}), `config: KAVENEGAR_API_KEY: must be set when SMS_PROVIDERS lists kavenegar`},
		{"KavenegarKeyMissingInDebug", map[string]string{"DEBUG": "true", "SMS_PROVIDERS": "kavenegar"}, `config: KAVENEGAR_API_KEY: must be set when SMS_PROVIDERS lists kavenegar`},
		{"KavenegarTemplateBlank", production(map[string]string{"KAVENEGAR_OTP_TEMPLATE": "  "}), `config: KAVENEGAR_OTP_TEMPLATE: must be set when SMS_PROVIDERS lists kavenegar, got "  "`},
		{"KavenegarBaseURLNotHTTP", production(map[string]string{"KAVENEGAR_BASE_URL": "ftp://fake"}), `config: KAVENEGAR_BASE_URL: must be an absolute http or https URL, got "ftp://fake"`},
		{"GhasedakKeyMissing", production(map[string]string{"SMS_PROVIDERS": "kavenegar,ghasedak", "GHASEDAK_LINE_NUMBER": "3000"}), `config: GHASEDAK_API_KEY: must be set when SMS_PROVIDERS lists ghasedak`},
		{"GhasedakLineMissing", production(map[string]string{"SMS_PROVIDERS": "ghasedak", "GHASEDAK_API_KEY": "g"}), `config: GHASEDAK_LINE_NUMBER: must be set when SMS_PROVIDERS lists ghasedak, got ""`},
		{"GhasedakBaseURLRelative", production(map[string]string{"GHASEDAK_BASE_URL": "/rest/api"}), `config: GHASEDAK_BASE_URL: must be an absolute http or https URL, got "/rest/api"`},
		{"IPPanelKeyMissing", production(map[string]string{"SMS_PROVIDERS": "ippanel", "IPPANEL_SENDER": "+983000505", "IPPANEL_OTP_PATTERN": "p"}), `config: IPPANEL_API_KEY: must be set when SMS_PROVIDERS lists ippanel`},
		{"IPPanelSenderMissing", production(map[string]string{"SMS_PROVIDERS": "ippanel", "IPPANEL_API_KEY": "i", "IPPANEL_OTP_PATTERN": "p"}), `config: IPPANEL_SENDER: must be set when SMS_PROVIDERS lists ippanel, got ""`},
		{"IPPanelSenderNotE164", production(map[string]string{"IPPANEL_SENDER": "3000505"}), `config: IPPANEL_SENDER: must be a line number in E.164 form, such as +983000505, got "3000505"`},
		{"IPPanelPatternMissing", production(map[string]string{"SMS_PROVIDERS": "ippanel", "IPPANEL_API_KEY": "i", "IPPANEL_SENDER": "+983000505"}), `config: IPPANEL_OTP_PATTERN: must be set when SMS_PROVIDERS lists ippanel, got ""`},
		{"IPPanelBaseURLNoHost", production(map[string]string{"IPPANEL_BASE_URL": "https://"}), `config: IPPANEL_BASE_URL: must be an absolute http or https URL, got "https://"`},
		{"OTPTTLZero", production(map[string]string{"OTP_TTL": "0s"}), `config: OTP_TTL: must be a duration above 0 and at most 10m, such as 5m, got "0s"`},
		{"OTPTTLTooLong", production(map[string]string{"OTP_TTL": "10m1s"}), `config: OTP_TTL: must be a duration above 0 and at most 10m, such as 5m, got "10m1s"`},
		{"OTPTTLMinutesNumber", production(map[string]string{"OTP_TTL": "5"}), `config: OTP_TTL: must be a duration above 0 and at most 10m, such as 5m, got "5"`},
		{"OTPExposeCodeInProduction", production(map[string]string{"OTP_EXPOSE_CODE": "true"}), `config: OTP_EXPOSE_CODE: must be false when DEBUG is false: it shows OTP codes to API clients, got "true"`},
		{"OTPSignupNotBool", production(map[string]string{"OTP_SIGNUP": "on"}), `config: OTP_SIGNUP: must be true or false, got "on"`},
		{"PriceFeedsUnknown", production(map[string]string{"PRICE_FEEDS": "manual,tgju"}), `config: PRICE_FEEDS: must be a comma-separated list of manual and httpjson, each at most once, got "manual,tgju"`},
		{"PriceFeedsRepeated", production(map[string]string{"PRICE_FEEDS": "manual,manual"}), `config: PRICE_FEEDS: must be a comma-separated list of manual and httpjson, each at most once, got "manual,manual"`},
		{"PriceSeedSellBelowBuy", production(map[string]string{"PRICE_SEED_BUY": "100", "PRICE_SEED_SELL": "99"}), `config: PRICE_SEED_SELL: must be a positive whole number of rials per gram, PRICE_SEED_SELL not below PRICE_SEED_BUY, got "99"`},
		{"PriceSeedNotNumber", production(map[string]string{"PRICE_SEED_BUY": "abc"}), `config: PRICE_SEED_BUY: must be a positive whole number of rials per gram, PRICE_SEED_SELL not below PRICE_SEED_BUY, got "abc"`},
		{"PriceFeedURLMissing", production(map[string]string{"PRICE_FEEDS": "httpjson", "PRICE_FEED_MID_PATH": "p"}), `config: PRICE_FEED_URL: must be an absolute http or https URL when PRICE_FEEDS lists httpjson, got ""`},
		{"PriceFeedPathsMissing", production(map[string]string{"PRICE_FEEDS": "httpjson", "PRICE_FEED_URL": "https://feed.example/gold", "PRICE_FEED_BUY_PATH": "b"}), `config: PRICE_FEED_BUY_PATH: must give PRICE_FEED_BUY_PATH and PRICE_FEED_SELL_PATH, or PRICE_FEED_MID_PATH, when PRICE_FEEDS lists httpjson, got "b"`},
		{"PriceFeedUnit", production(map[string]string{"PRICE_FEED_UNIT": "dollar"}), `config: PRICE_FEED_UNIT: must be rial or toman, got "dollar"`},
		{"PriceRefreshZero", production(map[string]string{"PRICE_REFRESH_INTERVAL": "0s"}), `config: PRICE_REFRESH_INTERVAL: must be a positive duration such as 20s or 1m30s, got "0s"`},
		{"PriceMaxJumpZero", production(map[string]string{"PRICE_MAX_JUMP_PERCENT": "0"}), `config: PRICE_MAX_JUMP_PERCENT: must be a percentage above 0 and at most 100, such as 10, got "0"`},
		{"QuoteTTLTooLong", production(map[string]string{"QUOTE_TTL": "11m"}), `config: QUOTE_TTL: must be a duration above 0 and at most 10m, such as 30s, got "11m"`},
		{"TradingRequireKYCNotBool", production(map[string]string{"TRADING_REQUIRE_KYC": "maybe"}), `config: TRADING_REQUIRE_KYC: must be true or false, got "maybe"`},
		{"DevTreasuryInProduction", production(map[string]string{"DEV_TREASURY_GRAMS": "5"}), "config: DEV_TREASURY_GRAMS: must be 0 when DEBUG is false: metal enters the treasury through `talabin treasury in`, got \"5\""},
		{"DevTreasuryNotGrams", production(map[string]string{"DEV_TREASURY_GRAMS": "1.0000001"}), `config: DEV_TREASURY_GRAMS: must be a number of grams with at most 6 decimals (0 for none), got "1.0000001"`},
		{"FirstBadVariableWins", production(map[string]string{"DB_PORT": "x", "MIN_DEPOSIT_AMOUNT": "y"}), `config: DB_PORT: must be a port number from 1 to 65535, got "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(tt.env)

			var cerr *config.Error
			require.ErrorAs(t, err, &cerr)
			require.Equal(t, tt.wantMsg, err.Error())
			require.NotContains(t, err.Error(), "\n", "the message is one line")
			require.Equal(t, config.Config{}, cfg)
		})
	}
}

func TestLoadNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	secrets := map[string]string{
		"SECRET_KEY":           "hunter2-is-my-secret",
		"SECRET_KEY_FALLBACKS": "hunter2-was-my-secret",
		"DATABASE_URL":         "mysql://app:hunter2@db/talabin",
		"REDIS_URL":            "ftp://:hunter2@cache",
		"METRICS_TOKEN":        "hunter2",
		"SENTRY_DSN":           "ftp://hunter2@sentry.example/1",
		"ZARINPAL_MERCHANT_ID": "hunter2",
		"IDPAY_API_KEY":        "hunter2",
	}
	for name, value := range secrets {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := config.Load(production(map[string]string{name: value}))
			require.ErrorContains(t, err, "config: "+name+": ")
			require.NotContains(t, err.Error(), "hunter2")
		})
	}
}

// TestEveryTypedVariableHasParseRule guards the one-line messages: a variable whose field is
// not a string or a list can fail parsing, and must then name its rule rather than env's text.
func TestEveryTypedVariableHasParseRule(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeFor[config.Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		name := f.Tag.Get("env")
		if name == "" || name == "-" || f.Type.Kind() == reflect.String || f.Type.Kind() == reflect.Slice {
			continue
		}
		environ := production(map[string]string{name: "\x00not-a-value"})
		_, err := config.Load(environ)
		var cerr *config.Error
		require.ErrorAs(t, err, &cerr, "variable %s", name)
		require.Equal(t, name, cerr.Var)
		require.NotContains(t, cerr.Rule, "cannot be parsed", "variable %s has no entry in parseRules", name)
	}
}

func TestLoadDoesNotModifyEnviron(t *testing.T) {
	t.Parallel()
	environ := production(map[string]string{"ALLOWED_HOSTS": " a.ir , b.ir"})
	before := maps.Clone(environ)

	_, err := config.Load(environ)

	require.NoError(t, err)
	require.Equal(t, before, environ)
}
