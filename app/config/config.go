// Package config reads Talabin's configuration from the environment into one validated
// [Config]. It is part of the composition root: only the app reads the environment, and it
// hands plain values to the adapters it builds.
//
// The variable names are those of the original deployment's .env (SECRET_KEY, DEBUG, DB_*,
// JWT_*, REDIS_*, ...), so an existing file carries over; README.md lists each with its
// default and rule.
package config

import (
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/talabin/talabin/core"
)

// Config is the whole configuration of the bundled app. [Load] fills it from the environment
// and validates it; a Config that Load returned without error satisfies every rule below.
type Config struct {
	// SecretKey signs tokens and cookies (SECRET_KEY). Required when Debug is false: at least
	// 50 characters, at least 5 distinct ones, and not a known placeholder. In DEBUG mode an
	// empty value is replaced by a random per-process key and SecretKeyGenerated is set.
	SecretKey string `env:"SECRET_KEY"`
	// Debug turns on development mode (DEBUG, default false). Production rules apply when false.
	Debug bool `env:"DEBUG" envDefault:"false"`
	// AllowedHosts are the host names the API answers to (ALLOWED_HOSTS, comma-separated).
	// Required when Debug is false.
	AllowedHosts []string `env:"ALLOWED_HOSTS"`
	// CORSAllowedOrigins are the exact browser origins allowed cross-origin access
	// (CORS_ALLOWED_ORIGINS, comma-separated, e.g. https://app.example.com).
	CORSAllowedOrigins []string `env:"CORS_ALLOWED_ORIGINS"`
	// HTTPAddr is the address the HTTP server listens on (HTTP_ADDR, default ":8000").
	HTTPAddr string `env:"HTTP_ADDR" envDefault:":8000"`
	// LogLevel is the lowest level logged (LOG_LEVEL: debug, info, warn or error; default info).
	LogLevel slog.Level `env:"LOG_LEVEL" envDefault:"info"`
	// ShutdownTimeout bounds the graceful shutdown that drains in-flight requests
	// (SHUTDOWN_TIMEOUT, a Go duration, default 20s).
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"20s"`

	// DatabaseURL selects the PostgreSQL store (DATABASE_URL, postgres:// or postgresql://).
	// It wins over the DB_* parts.
	DatabaseURL string `env:"DATABASE_URL"`
	// DBName, DBUser, DBPassword, DBHost and DBPort describe the PostgreSQL server piecewise
	// (DB_NAME, DB_USER, DB_PASSWORD, DB_HOST, DB_PORT default 5432); they are used when
	// DB_HOST is set and DATABASE_URL is not, and then DB_NAME and DB_USER are required.
	DBName     string `env:"DB_NAME"`
	DBUser     string `env:"DB_USER"`
	DBPassword string `env:"DB_PASSWORD"`
	DBHost     string `env:"DB_HOST"`
	DBPort     int    `env:"DB_PORT" envDefault:"5432"`
	// SQLitePath is the file of the embedded SQLite store, used when neither DATABASE_URL nor
	// DB_HOST is set (SQLITE_PATH, default ./data/talabin.db).
	SQLitePath string `env:"SQLITE_PATH" envDefault:"./data/talabin.db"`

	// JWTAccessTokenMinutes is the access token lifetime in minutes
	// (JWT_ACCESS_TOKEN_LIFETIME, default 60).
	JWTAccessTokenMinutes int `env:"JWT_ACCESS_TOKEN_LIFETIME" envDefault:"60"`
	// JWTRefreshTokenDays is the refresh token lifetime in days
	// (JWT_REFRESH_TOKEN_LIFETIME, default 7).
	JWTRefreshTokenDays int `env:"JWT_REFRESH_TOKEN_LIFETIME" envDefault:"7"`

	// RedisURL selects Redis for shared state such as rate limits (REDIS_URL, redis:// or
	// rediss://). It wins over the REDIS_* parts. With neither, state stays in memory.
	RedisURL string `env:"REDIS_URL"`
	// RedisHost, RedisPort, RedisPassword and RedisDB describe Redis piecewise (REDIS_HOST,
	// REDIS_PORT default 6379, REDIS_PASSWORD, REDIS_DB default 0); used when REDIS_HOST is set
	// and REDIS_URL is not.
	RedisHost     string `env:"REDIS_HOST"`
	RedisPort     int    `env:"REDIS_PORT" envDefault:"6379"`
	RedisPassword string `env:"REDIS_PASSWORD"`
	RedisDB       int    `env:"REDIS_DB" envDefault:"0"`

	// KavenegarAPIKey is the Kavenegar SMS API key (KAVENEGAR_API_KEY).
	KavenegarAPIKey string `env:"KAVENEGAR_API_KEY"`
	// SMSSender is the SMS sender line number (SMS_SENDER).
	SMSSender string `env:"SMS_SENDER"`

	// TransactionFee is the trading fee rate (TRANSACTION_FEE_PERCENTAGE, a percentage from 0
	// to 100 with at most two decimals, default "0.5", parsed by [core.ParseFeePercent]).
	TransactionFee core.BasisPoints `env:"TRANSACTION_FEE_PERCENTAGE" envDefault:"0.5"`
	// MinPurchaseAmount and MaxPurchaseAmount bound one order's amount (MIN_PURCHASE_AMOUNT,
	// default 100000; MAX_PURCHASE_AMOUNT, default 1000000000); the minimum may not exceed the
	// maximum.
	MinPurchaseAmount core.Rial `env:"MIN_PURCHASE_AMOUNT" envDefault:"100000"`
	MaxPurchaseAmount core.Rial `env:"MAX_PURCHASE_AMOUNT" envDefault:"1000000000"`
	// MinDepositAmount is the smallest deposit (MIN_DEPOSIT_AMOUNT, default 10000).
	MinDepositAmount core.Rial `env:"MIN_DEPOSIT_AMOUNT" envDefault:"10000"`
	// MinWithdrawalAmount is the smallest withdrawal (MIN_WITHDRAWAL_AMOUNT, default 50000).
	MinWithdrawalAmount core.Rial `env:"MIN_WITHDRAWAL_AMOUNT" envDefault:"50000"`

	// ZarinpalMerchantID is the ZarinPal merchant id (ZARINPAL_MERCHANT_ID).
	ZarinpalMerchantID string `env:"ZARINPAL_MERCHANT_ID"`
	// IDPayAPIKey is the IDPay API key (IDPAY_API_KEY).
	IDPayAPIKey string `env:"IDPAY_API_KEY"`

	// SecretKeyGenerated reports that SECRET_KEY was empty in DEBUG mode and Load generated a
	// random key; tokens signed with it do not survive a restart. The app logs a warning.
	SecretKeyGenerated bool `env:"-"`
}

// DatabaseEngine names the store implementation a [Config] selects.
type DatabaseEngine string

// The database engines.
const (
	// DatabaseSQLite is the embedded store, a file at [Config.SQLitePath].
	DatabaseSQLite DatabaseEngine = "sqlite"
	// DatabasePostgres is PostgreSQL at [Config.PostgresDSN].
	DatabasePostgres DatabaseEngine = "postgres"
)

// DatabaseEngine returns [DatabasePostgres] when DATABASE_URL or DB_HOST is set, and
// [DatabaseSQLite] otherwise.
func (c Config) DatabaseEngine() DatabaseEngine {
	if c.DatabaseURL != "" || c.DBHost != "" {
		return DatabasePostgres
	}
	return DatabaseSQLite
}

// PostgresDSN returns the PostgreSQL connection URL: DATABASE_URL when set, else one built
// from the DB_* parts when DB_HOST is set, else "" (the SQLite store is selected).
func (c Config) PostgresDSN() string {
	switch {
	case c.DatabaseURL != "":
		return c.DatabaseURL
	case c.DBHost != "":
		u := url.URL{
			Scheme: "postgres",
			User:   url.UserPassword(c.DBUser, c.DBPassword),
			Host:   net.JoinHostPort(c.DBHost, strconv.Itoa(c.DBPort)),
			Path:   "/" + c.DBName,
		}
		if c.DBPassword == "" {
			u.User = url.User(c.DBUser)
		}
		return u.String()
	default:
		return ""
	}
}

// RedisDSN returns the Redis connection URL: REDIS_URL when set, else one built from the
// REDIS_* parts when REDIS_HOST is set, else "" (shared state stays in memory).
func (c Config) RedisDSN() string {
	switch {
	case c.RedisURL != "":
		return c.RedisURL
	case c.RedisHost != "":
		u := url.URL{
			Scheme: "redis",
			Host:   net.JoinHostPort(c.RedisHost, strconv.Itoa(c.RedisPort)),
			Path:   "/" + strconv.Itoa(c.RedisDB),
		}
		if c.RedisPassword != "" {
			u.User = url.UserPassword("", c.RedisPassword)
		}
		return u.String()
	default:
		return ""
	}
}

// AccessTokenLifetime returns JWT_ACCESS_TOKEN_LIFETIME as a duration.
func (c Config) AccessTokenLifetime() time.Duration {
	return time.Duration(c.JWTAccessTokenMinutes) * time.Minute
}

// RefreshTokenLifetime returns JWT_REFRESH_TOKEN_LIFETIME as a duration.
func (c Config) RefreshTokenLifetime() time.Duration {
	return time.Duration(c.JWTRefreshTokenDays) * 24 * time.Hour
}
