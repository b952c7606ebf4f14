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
	"net/netip"
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
	// SecretKeyFallbacks are earlier SECRET_KEY values, newest first (SECRET_KEY_FALLBACKS,
	// comma-separated, so a key may not contain a comma). They only verify: tokens, codes and
	// sealed values made under one stay valid after a rotation, and nothing new is made with
	// them. Keep a retired key here at least as long as the refresh token lifetime, then drop
	// it. When Debug is false each follows SECRET_KEY's rules; none may repeat SECRET_KEY or
	// another entry.
	SecretKeyFallbacks []string `env:"SECRET_KEY_FALLBACKS"`
	// Debug turns on development mode (DEBUG, default false). Production rules apply when false.
	Debug bool `env:"DEBUG" envDefault:"false"`
	// AllowedHosts are the host names the API answers to (ALLOWED_HOSTS, comma-separated, with
	// Django's patterns: api.example.com exactly, .example.com for the domain and its
	// subdomains, * for any; no port). Required when Debug is false; in DEBUG an empty list
	// means localhost and its subdomains, 127.0.0.1 and [::1]. Read it through Hosts.
	AllowedHosts []string `env:"ALLOWED_HOSTS"`
	// CORSAllowedOrigins are the exact browser origins allowed cross-origin access
	// (CORS_ALLOWED_ORIGINS, comma-separated, e.g. https://app.example.com). Empty means the
	// origin of WEB_APP_URL (http://localhost:3000 in DEBUG), the web client the API serves.
	// Read it through Origins.
	CORSAllowedOrigins []string `env:"CORS_ALLOWED_ORIGINS"`
	// TrustedProxies are the reverse proxies whose X-Forwarded-For the app believes when it
	// finds a client's IP address for rate limits and logs (TRUSTED_PROXIES, comma-separated
	// IP addresses or CIDR prefixes; a bare address is a /32 or /128). Empty: the connection's
	// peer is the client.
	TrustedProxies []netip.Prefix `env:"TRUSTED_PROXIES"`
	// CookieSecure sets the Secure attribute of the cookies of cookie mode (COOKIE_SECURE,
	// default true). It may be false only when Debug is true, for a browser on
	// http://localhost.
	CookieSecure bool `env:"COOKIE_SECURE" envDefault:"true"`
	// SecureSSLRedirect sends plain-HTTP requests to https:// (SECURE_SSL_REDIRECT, default
	// false): GET and HEAD are redirected with 301, other methods refused with 400; /healthz
	// and /readyz are exempt. The app itself serves plain HTTP, so it learns that a request
	// was HTTPS only from a trusted proxy's X-Forwarded-Proto: true needs TRUSTED_PROXIES.
	SecureSSLRedirect bool `env:"SECURE_SSL_REDIRECT" envDefault:"false"`
	// HTTPAddr is the address the HTTP server listens on (HTTP_ADDR, default ":8000").
	HTTPAddr string `env:"HTTP_ADDR" envDefault:":8000"`
	// HTTPReadHeaderTimeout bounds the reading of a request's headers, against slow-header
	// clients (HTTP_READ_HEADER_TIMEOUT, a Go duration, default 5s, not above
	// HTTP_READ_TIMEOUT). HTTPReadTimeout bounds the reading of a whole request, body included
	// (HTTP_READ_TIMEOUT, default 15s). HTTPWriteTimeout bounds one response, from the end of
	// the request's headers (HTTP_WRITE_TIMEOUT, default 30s). HTTPIdleTimeout is how long a
	// kept-alive connection waits for its next request (HTTP_IDLE_TIMEOUT, default 120s).
	HTTPReadHeaderTimeout time.Duration `env:"HTTP_READ_HEADER_TIMEOUT" envDefault:"5s"`
	HTTPReadTimeout       time.Duration `env:"HTTP_READ_TIMEOUT" envDefault:"15s"`
	HTTPWriteTimeout      time.Duration `env:"HTTP_WRITE_TIMEOUT" envDefault:"30s"`
	HTTPIdleTimeout       time.Duration `env:"HTTP_IDLE_TIMEOUT" envDefault:"120s"`
	// HTTPMaxHeaderBytes caps the size of a request's headers, request line included
	// (HTTP_MAX_HEADER_BYTES, default 65536, from 8192 to 1048576); larger requests are
	// answered 431 by the server.
	HTTPMaxHeaderBytes int `env:"HTTP_MAX_HEADER_BYTES" envDefault:"65536"`
	// LogLevel is the lowest level logged (LOG_LEVEL: debug, info, warn or error; default info).
	LogLevel slog.Level `env:"LOG_LEVEL" envDefault:"info"`
	// SecurityLog is where the security log goes (SECURITY_LOG): empty (the default) writes it
	// with the app log, each line marked "log":"security"; stdout and stderr name those
	// streams; anything else is a file path, created with mode 0600 and appended to. The app
	// log then carries everything else.
	SecurityLog string `env:"SECURITY_LOG"`
	// SentryDSN turns on error reporting to Sentry (SENTRY_DSN, the project's DSN: an http or
	// https URL with the key as user and the project id as path). Error-level log lines and
	// recovered panics are sent, with their request id and without phone numbers, codes,
	// tokens or request data. Empty: nothing is set up.
	SentryDSN string `env:"SENTRY_DSN"`
	// SentryEnvironment is the environment Sentry files the events under
	// (SENTRY_ENVIRONMENT; default production, or development when Debug is true).
	SentryEnvironment string `env:"SENTRY_ENVIRONMENT"`
	// ShutdownTimeout bounds the graceful shutdown that drains in-flight requests
	// (SHUTDOWN_TIMEOUT, a Go duration, default 20s).
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"20s"`
	// MetricsToken is the bearer token a Prometheus scraper presents to GET /metrics
	// (METRICS_TOKEN). Empty turns /metrics off (it answers 404); when Debug is false a set
	// token must be at least 32 characters.
	MetricsToken string `env:"METRICS_TOKEN"`
	// MetricsAddr is the address of a second listener that serves only GET /metrics, to
	// anyone who reaches it and without a token (METRICS_ADDR, host:port such as
	// 127.0.0.1:9090). Bind it to a private interface. Empty: no second listener.
	MetricsAddr string `env:"METRICS_ADDR"`

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
	// RedisKeyPrefix is put before every Redis key and channel the app uses (REDIS_KEY_PREFIX,
	// default "talabin:"; at most 64 printable ASCII characters without spaces), so that
	// deployments sharing one Redis, such as staging and production, share no rate limits and
	// hear no price notices of each other.
	RedisKeyPrefix string `env:"REDIS_KEY_PREFIX" envDefault:"talabin:"`

	// SMSProviders is the ordered failover chain of SMS providers (SMS_PROVIDERS,
	// comma-separated names from kavenegar, ghasedak, ippanel, or console alone): a message goes
	// to the first, and to the next only when a provider is unavailable. Default console when
	// Debug is true; required when Debug is false, where console (which logs codes instead of
	// sending them) is refused. Each provider listed needs its own settings below.
	SMSProviders []string `env:"SMS_PROVIDERS"`
	// SMSDailyBudget caps the SMS messages the app sends in one day across every number
	// (SMS_DAILY_BUDGET, default 10000, at least 1), so that abuse cannot run up the
	// provider's bill.
	SMSDailyBudget int `env:"SMS_DAILY_BUDGET" envDefault:"10000"`

	// KavenegarAPIKey is the Kavenegar SMS API key (KAVENEGAR_API_KEY); required when
	// SMSProviders lists kavenegar.
	KavenegarAPIKey string `env:"KAVENEGAR_API_KEY"`
	// SMSSender is the Kavenegar line number texts are sent from (SMS_SENDER); empty sends
	// from the account's default line. OTPs go through a template, where Kavenegar picks the
	// line.
	SMSSender string `env:"SMS_SENDER"`
	// KavenegarOTPTemplate is the approved verify/lookup template that carries the code as
	// %token (KAVENEGAR_OTP_TEMPLATE, default "talabin-otp").
	KavenegarOTPTemplate string `env:"KAVENEGAR_OTP_TEMPLATE" envDefault:"talabin-otp"`
	// KavenegarBaseURL overrides Kavenegar's API root (KAVENEGAR_BASE_URL, an http or https
	// URL, for a fake in tests); empty means the real one.
	KavenegarBaseURL string `env:"KAVENEGAR_BASE_URL"`

	// GhasedakAPIKey is the Ghasedak API key (GHASEDAK_API_KEY); required when SMSProviders
	// lists ghasedak.
	GhasedakAPIKey string `env:"GHASEDAK_API_KEY"`
	// GhasedakLineNumber is the Ghasedak line texts are sent from (GHASEDAK_LINE_NUMBER);
	// required when SMSProviders lists ghasedak.
	GhasedakLineNumber string `env:"GHASEDAK_LINE_NUMBER"`
	// GhasedakOTPTemplate is the panel's OTP template (GHASEDAK_OTP_TEMPLATE, default
	// "talabin-otp").
	GhasedakOTPTemplate string `env:"GHASEDAK_OTP_TEMPLATE" envDefault:"talabin-otp"`
	// GhasedakOTPParam is the template input that carries the code (GHASEDAK_OTP_PARAM,
	// default "Code").
	GhasedakOTPParam string `env:"GHASEDAK_OTP_PARAM" envDefault:"Code"`
	// GhasedakBaseURL overrides Ghasedak's web service root (GHASEDAK_BASE_URL, an http or
	// https URL, for a fake in tests); empty means the real one.
	GhasedakBaseURL string `env:"GHASEDAK_BASE_URL"`

	// IPPanelAPIKey is the IPPanel access key (IPPANEL_API_KEY); required when SMSProviders
	// lists ippanel.
	IPPanelAPIKey string `env:"IPPANEL_API_KEY"`
	// IPPanelSender is the IPPanel line messages are sent from, in E.164 form such as
	// +983000505 (IPPANEL_SENDER); required when SMSProviders lists ippanel.
	IPPanelSender string `env:"IPPANEL_SENDER"`
	// IPPanelOTPPattern is the code IPPanel gave the approved OTP pattern
	// (IPPANEL_OTP_PATTERN); required when SMSProviders lists ippanel.
	IPPanelOTPPattern string `env:"IPPANEL_OTP_PATTERN"`
	// IPPanelOTPParam is the pattern placeholder that carries the code (IPPANEL_OTP_PARAM,
	// default "code").
	IPPanelOTPParam string `env:"IPPANEL_OTP_PARAM" envDefault:"code"`
	// IPPanelBaseURL overrides IPPanel's API root (IPPANEL_BASE_URL, an http or https URL, for
	// a fake in tests); empty means the real one.
	IPPanelBaseURL string `env:"IPPANEL_BASE_URL"`

	// OTPTTL is how long a one-time code stays valid (OTP_TTL, a Go duration, default 5m,
	// above zero and at most 10m).
	OTPTTL time.Duration `env:"OTP_TTL" envDefault:"5m"`
	// OTPExposeCode is a development switch that shows OTP codes to the API client, so that
	// local clients and end-to-end tests can sign in without an SMS (OTP_EXPOSE_CODE, default
	// false). It is refused when Debug is false.
	OTPExposeCode bool `env:"OTP_EXPOSE_CODE" envDefault:"false"`
	// OTPSignup lets send-otp and verify-otp create the account of an unknown phone number,
	// the OTP-only sign-up of API.md §3.1 (OTP_SIGNUP, default false).
	OTPSignup bool `env:"OTP_SIGNUP" envDefault:"false"`
	// TermsVersion names the terms of service and privacy policy a registration accepts; each
	// registration records it with the time and address as the user's consent (TERMS_VERSION,
	// default "2026-12"). Change it when the terms change.
	TermsVersion string `env:"TERMS_VERSION" envDefault:"2026-12"`

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

	// PriceFeeds is the price feed chain, tried in order (PRICE_FEEDS, comma-separated from
	// manual and httpjson, each at most once; default manual). manual serves the price staff
	// set last, seeded with PRICE_SEED_BUY/PRICE_SEED_SELL while the history is empty.
	PriceFeeds []string `env:"PRICE_FEEDS" envDefault:"manual"`
	// PriceSeedBuy and PriceSeedSell seed the manual feed on a platform with no price yet
	// (PRICE_SEED_BUY, default 99000000; PRICE_SEED_SELL, default 100000000 rials per gram;
	// sell ≥ buy).
	PriceSeedBuy  core.Rial `env:"PRICE_SEED_BUY" envDefault:"99000000"`
	PriceSeedSell core.Rial `env:"PRICE_SEED_SELL" envDefault:"100000000"`
	// PriceFeedURL and the PRICE_FEED_* settings below configure the httpjson feed: the URL
	// it GETs, an optional auth header, the JSON paths of the buy and sell prices (or of a
	// mid price plus PRICE_FEED_SPREAD_PERCENT), the unit (rial or toman) and an optional
	// timestamp path. Required when PRICE_FEEDS lists httpjson.
	PriceFeedURL           string           `env:"PRICE_FEED_URL"`
	PriceFeedHeaderName    string           `env:"PRICE_FEED_HEADER_NAME"`
	PriceFeedHeaderValue   string           `env:"PRICE_FEED_HEADER_VALUE"`
	PriceFeedBuyPath       string           `env:"PRICE_FEED_BUY_PATH"`
	PriceFeedSellPath      string           `env:"PRICE_FEED_SELL_PATH"`
	PriceFeedMidPath       string           `env:"PRICE_FEED_MID_PATH"`
	PriceFeedSpread        core.BasisPoints `env:"PRICE_FEED_SPREAD_PERCENT" envDefault:"0"`
	PriceFeedUnit          string           `env:"PRICE_FEED_UNIT" envDefault:"rial"`
	PriceFeedTimestampPath string           `env:"PRICE_FEED_TIMESTAMP_PATH"`
	// PriceRefreshInterval is how often the feed chain is asked for a new price
	// (PRICE_REFRESH_INTERVAL, default 30s).
	PriceRefreshInterval time.Duration `env:"PRICE_REFRESH_INTERVAL" envDefault:"30s"`
	// PriceMaxAge is how old a feed's price may be before trading stops with 503
	// price_unavailable (PRICE_MAX_AGE, default 120s). With PRICE_FEEDS=manual alone a
	// price staff set never goes stale; behind an automatic feed it ages like the feed's.
	PriceMaxAge time.Duration `env:"PRICE_MAX_AGE" envDefault:"120s"`
	// PriceMaxJump is the largest move of either price between two ticks that is accepted
	// without a staff confirmation (PRICE_MAX_JUMP_PERCENT, default 10).
	PriceMaxJump core.BasisPoints `env:"PRICE_MAX_JUMP_PERCENT" envDefault:"10"`
	// QuoteTTL is how long a preview's quote holds its price (QUOTE_TTL, default 30s, at
	// most 10m).
	QuoteTTL time.Duration `env:"QUOTE_TTL" envDefault:"30s"`
	// TradingRequireKYC makes placing an order need KYC level 1 (TRADING_REQUIRE_KYC;
	// default true when DEBUG is false, false in DEBUG). Read it through RequireKYC.
	TradingRequireKYC *bool `env:"TRADING_REQUIRE_KYC"`
	// IdempotencyRequired makes Idempotency-Key mandatory on money-moving POSTs
	// (IDEMPOTENCY_REQUIRED, default false: the web client never sends it).
	IdempotencyRequired bool `env:"IDEMPOTENCY_REQUIRED" envDefault:"false"`
	// DevTreasuryGrams is gold (grams, up to 6 decimals) recorded as entering the house
	// treasury at start-up when the treasury holds none, so that `make run` can sell gold
	// (DEV_TREASURY_GRAMS, default 1000; DEBUG only: in production metal enters through
	// `talabin treasury in`).
	DevTreasuryGrams string `env:"DEV_TREASURY_GRAMS" envDefault:"1000"`

	// RateLimitScale multiplies every HTTP rate limit's rate and burst (RATE_LIMIT_SCALE, a
	// whole number from 1 to 100000, default 1). Above 1 it is refused when Debug is false:
	// it exists so that a load test on one machine, whose users all share 127.0.0.1, is not
	// throttled by the per-IP and per-user limits meant for real clients.
	RateLimitScale int `env:"RATE_LIMIT_SCALE" envDefault:"1"`

	// PaymentGateways are the online deposit gateways (PAYMENT_GATEWAYS, comma-separated from
	// sandbox, zarinpal and idpay, each at most once; the first is the primary, used when a
	// deposit names none). Unset: zarinpal when ZARINPAL_MERCHANT_ID is set, then idpay when
	// IDPAY_API_KEY is set, else sandbox in DEBUG. When Debug is false sandbox is refused and
	// at least one gateway is required. Read the effective list through Gateways.
	PaymentGateways []string `env:"PAYMENT_GATEWAYS"`
	// ZarinpalMerchantID is the ZarinPal merchant id (ZARINPAL_MERCHANT_ID, 36 letters, digits
	// or dashes); required when zarinpal is a gateway.
	ZarinpalMerchantID string `env:"ZARINPAL_MERCHANT_ID"`
	// ZarinpalBaseURL and ZarinpalStartPayURL override ZarinPal's API root and payment page
	// prefix (ZARINPAL_BASE_URL, ZARINPAL_STARTPAY_URL: absolute http or https URLs, for a fake
	// in tests or ZarinPal's sandbox); empty means the real ones.
	ZarinpalBaseURL     string `env:"ZARINPAL_BASE_URL"`
	ZarinpalStartPayURL string `env:"ZARINPAL_STARTPAY_URL"`
	// IDPayAPIKey is the IDPay API key (IDPAY_API_KEY, 36 letters, digits or dashes); required
	// when idpay is a gateway.
	IDPayAPIKey string `env:"IDPAY_API_KEY"`
	// IDPayBaseURL overrides IDPay's API root (IDPAY_BASE_URL, an absolute http or https URL,
	// for a fake in tests); empty means the real one.
	IDPayBaseURL string `env:"IDPAY_BASE_URL"`
	// IDPaySandbox makes IDPay simulate every payment (IDPAY_SANDBOX, default false). It is
	// refused when Debug is false: a simulated payment would credit real balances.
	IDPaySandbox bool `env:"IDPAY_SANDBOX" envDefault:"false"`
	// PublicAPIURL is the API's public origin, to which gateways return the browser
	// (PUBLIC_API_URL: an absolute URL with no trailing slash and no /api, such as
	// https://api.example.com). Required, and https, when Debug is false; in DEBUG it defaults
	// to http://localhost:8000. Read it through PublicAPI.
	PublicAPIURL string `env:"PUBLIC_API_URL"`
	// WebAppURL is the web client's origin, whose /payment/success and /payment/failure pages
	// a finished deposit redirects to (WEB_APP_URL: an absolute http or https URL with no
	// trailing slash). Required when Debug is false; Load sets http://localhost:3000 in DEBUG.
	WebAppURL string `env:"WEB_APP_URL"`
	// DepositReturnURLs are the prefixes a deposit's return_url may start with, e.g. an app
	// deep link (DEPOSIT_RETURN_URLS, comma-separated, each with a scheme such as
	// talabin://payment). Empty: only the web client's pages are used.
	DepositReturnURLs []string `env:"DEPOSIT_RETURN_URLS"`
	// MaxDepositAmount is the largest deposit (MAX_DEPOSIT_AMOUNT, default 500000000, not
	// less than MIN_DEPOSIT_AMOUNT).
	MaxDepositAmount core.Rial `env:"MAX_DEPOSIT_AMOUNT" envDefault:"500000000"`
	// WithdrawalFee is charged on top of a withdrawal, rounded up (WITHDRAWAL_FEE_PERCENTAGE, a
	// percentage from 0 to 100 with at most two decimals, default "0.5", parsed by
	// [core.ParseFeePercent]).
	WithdrawalFee core.BasisPoints `env:"WITHDRAWAL_FEE_PERCENTAGE" envDefault:"0.5"`
	// MaxBankAccounts is how many active bank accounts one user may register
	// (MAX_BANK_ACCOUNTS, default 10, from 1 to 100).
	MaxBankAccounts int `env:"MAX_BANK_ACCOUNTS" envDefault:"10"`
	// DepositLimitsDaily, DepositLimits30d, WithdrawalLimitsDaily and WithdrawalLimits30d cap
	// what one user moves over a rolling day and 30 days, for KYC levels 0, 1 and 2
	// (DEPOSIT_LIMITS_DAILY, DEPOSIT_LIMITS_30D, WITHDRAWAL_LIMITS_DAILY,
	// WITHDRAWAL_LIMITS_30D: three comma-separated whole numbers of rials, each not below the
	// one before; a level's 30-day cap is not below its daily cap). Read them through
	// PaymentLimits.
	DepositLimitsDaily    []core.Rial `env:"DEPOSIT_LIMITS_DAILY" envDefault:"1000000000,5000000000,50000000000"`
	DepositLimits30d      []core.Rial `env:"DEPOSIT_LIMITS_30D" envDefault:"5000000000,50000000000,500000000000"`
	WithdrawalLimitsDaily []core.Rial `env:"WITHDRAWAL_LIMITS_DAILY" envDefault:"500000000,2000000000,20000000000"`
	WithdrawalLimits30d   []core.Rial `env:"WITHDRAWAL_LIMITS_30D" envDefault:"2000000000,20000000000,200000000000"`
	// BuyLimitsDaily, BuyLimits30d, SellLimitsDaily and SellLimits30d cap the rials one user
	// trades per side (orders' amounts before fees) over a rolling day and 30 days, for KYC
	// levels 0, 1 and 2, in the format of DEPOSIT_LIMITS_DAILY (BUY_LIMITS_DAILY,
	// BUY_LIMITS_30D, SELL_LIMITS_DAILY, SELL_LIMITS_30D). Read them through TradeLimits.
	BuyLimitsDaily  []core.Rial `env:"BUY_LIMITS_DAILY" envDefault:"500000000,5000000000,50000000000"`
	BuyLimits30d    []core.Rial `env:"BUY_LIMITS_30D" envDefault:"2000000000,50000000000,500000000000"`
	SellLimitsDaily []core.Rial `env:"SELL_LIMITS_DAILY" envDefault:"500000000,5000000000,50000000000"`
	SellLimits30d   []core.Rial `env:"SELL_LIMITS_30D" envDefault:"2000000000,50000000000,500000000000"`
	// DepositTTL is how long an unpaid online deposit waits before it expires as failed
	// (DEPOSIT_TTL, default 30m, from 1m to 24h).
	DepositTTL time.Duration `env:"DEPOSIT_TTL" envDefault:"30m"`
	// PaymentReconcileInterval is how often pending online deposits are re-verified with their
	// gateway (PAYMENT_RECONCILE_INTERVAL, default 1m, from 5s to 1h).
	PaymentReconcileInterval time.Duration `env:"PAYMENT_RECONCILE_INTERVAL" envDefault:"1m"`
	// PaymentReconcileAfter is how old a pending deposit must be before the reconciler asks
	// its gateway, so that it does not race the browser's own return (PAYMENT_RECONCILE_AFTER,
	// default 2m, from 10s to 1h).
	PaymentReconcileAfter time.Duration `env:"PAYMENT_RECONCILE_AFTER" envDefault:"2m"`
	// BankTransferSheba is the platform's account that bank-transfer deposits are paid into
	// (BANK_TRANSFER_SHEBA, a Sheba number; Load stores it as IR plus 24 digits). Empty turns
	// bank-transfer deposits off, except in DEBUG, where Load sets an example account. Read
	// BankTransferEnabled.
	BankTransferSheba string `env:"BANK_TRANSFER_SHEBA"`
	// BankTransferBankName is that account's bank as shown to users (BANK_TRANSFER_BANK_NAME);
	// when empty Load derives it from the Sheba's bank code, and it is required for a code
	// not in the bank table.
	BankTransferBankName string `env:"BANK_TRANSFER_BANK_NAME"`
	// BankTransferHolder is that account's holder as shown to users (BANK_TRANSFER_HOLDER);
	// required with BANK_TRANSFER_SHEBA, "Talabin (development)" by default in DEBUG.
	BankTransferHolder string `env:"BANK_TRANSFER_HOLDER"`
	// BlobDir is the folder of the local blob store that keeps KYC documents and deposit
	// receipts (BLOB_DIR; default: a blobs folder beside SQLITE_PATH, ./data/blobs).
	BlobDir string `env:"BLOB_DIR"`
	// BlobStore selects the blob store (BLOB_STORE): "localfs" (default, BLOB_DIR) or "s3"
	// (any S3-compatible service, S3_*).
	BlobStore string `env:"BLOB_STORE" envDefault:"localfs"`
	// S3Endpoint, S3Region, S3Bucket, S3AccessKeyID, S3SecretAccessKey, S3PathStyle and
	// S3Prefix configure the S3 blob store (S3_ENDPOINT, an absolute http(s) URL, empty for
	// AWS; S3_REGION, default us-east-1; S3_BUCKET and the two keys, required with
	// BLOB_STORE=s3; S3_PATH_STYLE for MinIO-style addressing; S3_PREFIX, an optional folder
	// inside the bucket). The bucket must not be public: files go out only through the
	// authorized endpoints.
	S3Endpoint        string `env:"S3_ENDPOINT"`
	S3Region          string `env:"S3_REGION" envDefault:"us-east-1"`
	S3Bucket          string `env:"S3_BUCKET"`
	S3AccessKeyID     string `env:"S3_ACCESS_KEY_ID"`
	S3SecretAccessKey string `env:"S3_SECRET_ACCESS_KEY"`
	S3PathStyle       bool   `env:"S3_PATH_STYLE"`
	S3Prefix          string `env:"S3_PREFIX"`
	// WithdrawalRequireKYC makes a withdrawal need KYC level 1 (WITHDRAWAL_REQUIRE_KYC;
	// default true when DEBUG is false, false in DEBUG). Read it through RequireWithdrawalKYC.
	WithdrawalRequireKYC *bool `env:"WITHDRAWAL_REQUIRE_KYC"`
	// OwnershipInquiry selects how a bank account's ownership is checked (OWNERSHIP_INQUIRY:
	// fake, which approves every account and is refused when Debug is false, or none, where
	// staff confirm accounts; default fake in DEBUG, none otherwise). Read it through Inquiry.
	OwnershipInquiry string `env:"OWNERSHIP_INQUIRY"`

	// SecretKeyGenerated reports that SECRET_KEY was empty in DEBUG mode and Load generated a
	// random key; tokens signed with it do not survive a restart. The app logs a warning.
	SecretKeyGenerated bool `env:"-"`
}

// The SMS providers [Config.SMSProviders] may name.
const (
	// SMSConsole logs messages instead of sending them; development only.
	SMSConsole = "console"
	// SMSKavenegar is Kavenegar (adapters/sms/kavenegar).
	SMSKavenegar = "kavenegar"
	// SMSGhasedak is Ghasedak (adapters/sms/ghasedak).
	SMSGhasedak = "ghasedak"
	// SMSIPPanel is IPPanel (adapters/sms/ippanel).
	SMSIPPanel = "ippanel"
)

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

// The price feeds PRICE_FEEDS may list.
const (
	PriceFeedManual   = "manual"
	PriceFeedHTTPJSON = "httpjson"
)

// debugHosts are the hosts served in DEBUG when ALLOWED_HOSTS is empty, as Django does.
var debugHosts = []string{".localhost", "127.0.0.1", "[::1]"}

// Hosts returns the host patterns the API answers to: ALLOWED_HOSTS, or in DEBUG when it is
// empty, localhost (and its subdomains), 127.0.0.1 and [::1].
func (c Config) Hosts() []string {
	if len(c.AllowedHosts) == 0 && c.Debug {
		return append([]string(nil), debugHosts...)
	}
	return c.AllowedHosts
}

// Origins returns the browser origins allowed cross-origin access and cookie-mode writes:
// CORS_ALLOWED_ORIGINS, or when it is empty the origin (scheme and host) of [Config.WebApp],
// so that the web client works without listing itself twice; nil when neither is set.
func (c Config) Origins() []string {
	if len(c.CORSAllowedOrigins) > 0 {
		return c.CORSAllowedOrigins
	}
	u, err := url.Parse(c.WebApp())
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil
	}
	return []string{u.Scheme + "://" + u.Host}
}

// RequireKYC reports whether trading needs KYC: TRADING_REQUIRE_KYC when set, else true
// unless DEBUG.
func (c Config) RequireKYC() bool {
	if c.TradingRequireKYC != nil {
		return *c.TradingRequireKYC
	}
	return !c.Debug
}
