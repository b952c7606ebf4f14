package config_test

import (
	"log/slog"
	"maps"
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

// production returns the smallest valid production environment plus overrides; an override
// with the value "<unset>" removes the variable.
func production(overrides map[string]string) map[string]string {
	environ := map[string]string{"SECRET_KEY": goodSecret, "ALLOWED_HOSTS": "api.talabin.ir"}
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
			name: "ProviderKeys",
			env: production(map[string]string{
				"KAVENEGAR_API_KEY": "kv", "SMS_SENDER": "10008663", "ZARINPAL_MERCHANT_ID": "zp", "IDPAY_API_KEY": "ip",
			}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "kv", cfg.KavenegarAPIKey)
				require.Equal(t, "10008663", cfg.SMSSender)
				require.Equal(t, "zp", cfg.ZarinpalMerchantID)
				require.Equal(t, "ip", cfg.IDPayAPIKey)
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
		{"AllowedHostsURL", production(map[string]string{"ALLOWED_HOSTS": "https://talabin.ir"}), `config: ALLOWED_HOSTS: must be a comma-separated list of host names, such as api.example.com,.example.com, got "https://talabin.ir"`},
		{"CORSOriginWithPath", production(map[string]string{"CORS_ALLOWED_ORIGINS": "https://talabin.ir/app"}), `config: CORS_ALLOWED_ORIGINS: must be a comma-separated list of origins, such as https://app.example.com, got "https://talabin.ir/app"`},
		{"CORSOriginNoScheme", production(map[string]string{"CORS_ALLOWED_ORIGINS": "talabin.ir"}), `config: CORS_ALLOWED_ORIGINS: must be a comma-separated list of origins, such as https://app.example.com, got "talabin.ir"`},
		{"HTTPAddrNoPort", production(map[string]string{"HTTP_ADDR": "8000"}), `config: HTTP_ADDR: must be host:port or :port, such as :8000 or 127.0.0.1:8000, got "8000"`},
		{"HTTPAddrBadPort", production(map[string]string{"HTTP_ADDR": ":99999"}), `config: HTTP_ADDR: must be host:port or :port, such as :8000 or 127.0.0.1:8000, got ":99999"`},
		{"LogLevelUnknown", production(map[string]string{"LOG_LEVEL": "verbose"}), `config: LOG_LEVEL: must be one of debug, info, warn, error, got "verbose"`},
		{"ShutdownTimeoutNotDuration", production(map[string]string{"SHUTDOWN_TIMEOUT": "20"}), `config: SHUTDOWN_TIMEOUT: must be a positive duration such as 20s or 1m30s, got "20"`},
		{"ShutdownTimeoutNegative", production(map[string]string{"SHUTDOWN_TIMEOUT": "-1s"}), `config: SHUTDOWN_TIMEOUT: must be a positive duration such as 20s or 1m30s, got "-1s"`},
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
		"SECRET_KEY":   "hunter2-is-my-secret",
		"DATABASE_URL": "mysql://app:hunter2@db/talabin",
		"REDIS_URL":    "ftp://:hunter2@cache",
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
