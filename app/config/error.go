package config

import "fmt"

// Error is a configuration variable whose value breaks its rule. Its message is one line that
// names the variable and the rule, e.g.
//
//	config: MIN_PURCHASE_AMOUNT: must be a positive whole number of rials, got "abc"
//
// The value is left out of the message for secrets (keys, passwords, URLs that may hold one).
type Error struct {
	// Var is the environment variable's name.
	Var string
	// Rule says what the value must be.
	Rule string
	// Value is the offending value as given; it may be a secret, so print Error() instead.
	Value string
}

// Error returns the one-line message.
func (e *Error) Error() string {
	if secretVars[e.Var] {
		return fmt.Sprintf("config: %s: %s", e.Var, e.Rule)
	}
	return fmt.Sprintf("config: %s: %s, got %q", e.Var, e.Rule, e.Value)
}

// secretVars are the variables whose values never appear in an error message.
var secretVars = map[string]bool{
	"SECRET_KEY":           true,
	"SECRET_KEY_FALLBACKS": true,
	"METRICS_TOKEN":        true,
	"SENTRY_DSN":           true,
	"DATABASE_URL":         true,
	"DB_PASSWORD":          true,
	"REDIS_URL":            true,
	"REDIS_PASSWORD":       true,
	"KAVENEGAR_API_KEY":    true,
	"GHASEDAK_API_KEY":     true,
	"IPPANEL_API_KEY":      true,
	"ZARINPAL_MERCHANT_ID": true,
	"IDPAY_API_KEY":        true,
}

// The rules, worded to follow the variable's name in an [Error].
const (
	ruleBool           = "must be true or false"
	ruleRials          = "must be a positive whole number of rials"
	ruleFee            = "must be a percentage from 0 to 100 with at most two decimals, such as 0.5"
	rulePort           = "must be a port number from 1 to 65535"
	ruleRedisDB        = "must be a database number from 0 upwards"
	ruleMinutes        = "must be a positive whole number of minutes"
	ruleDays           = "must be a positive whole number of days"
	ruleDuration       = "must be a positive duration such as 20s or 1m30s"
	ruleLogLevel       = "must be one of debug, info, warn, error"
	ruleSentryDSN      = "must be a Sentry DSN such as https://key@o1.ingest.sentry.io/123"
	ruleHTTPAddr       = "must be host:port or :port, such as :8000 or 127.0.0.1:8000"
	ruleSSLRedirect    = "must be false when TRUSTED_PROXIES is empty: the app serves plain HTTP and learns of HTTPS only from a trusted proxy's X-Forwarded-Proto, so it would redirect every request"
	ruleHeaderTimeout  = "must be a positive duration such as 5s, not above HTTP_READ_TIMEOUT"
	ruleMaxHeaderBytes = "must be a whole number of bytes from 8192 to 1048576"
	ruleHosts          = "must be a comma-separated list of host names, such as api.example.com,.example.com"
	ruleHostsRequired  = "must list at least one host name when DEBUG is false"
	ruleOrigins        = "must be a comma-separated list of origins, such as https://app.example.com"
	rulePostgresURL    = "must be a postgres:// or postgresql:// URL with a host"
	ruleRedisURL       = "must be a redis:// or rediss:// URL with a host"
	ruleDBPartRequired = "must be set when DB_HOST is set and DATABASE_URL is not"
	ruleKeyRequired    = "must be set when DEBUG is false"
	ruleKeyLength      = "must be at least 50 characters with at least 5 distinct ones when DEBUG is false"
	ruleKeyPlaceholder = "must not be a placeholder value when DEBUG is false; generate a random key"
	ruleMaxPurchase    = "must not be less than MIN_PURCHASE_AMOUNT"

	ruleFallbackKey     = "must list keys of at least 50 characters with at least 5 distinct ones, none a placeholder, when DEBUG is false"
	ruleFallbackRepeat  = "must not repeat SECRET_KEY or another entry"
	ruleTrustedProxies  = "must be a comma-separated list of IP addresses or CIDR prefixes, such as 10.0.0.0/8,192.0.2.7"
	ruleCookieSecure    = "must be true when DEBUG is false: auth cookies travel over HTTPS only"
	ruleSMSProviders    = "must be a comma-separated list of kavenegar, ghasedak and ippanel, each at most once, or console alone"
	ruleSMSRequired     = "must list at least one of kavenegar, ghasedak, ippanel when DEBUG is false"
	ruleSMSConsole      = "must not list console when DEBUG is false: it logs OTP codes instead of sending them"
	ruleSMSConsoleAlone = "must list console alone: it cannot be chained with real providers"
	ruleSMSBudget       = "must be a whole number of messages from 1 upwards"
	ruleProviderSetting = "must be set when SMS_PROVIDERS lists "
	ruleBaseURL         = "must be an absolute http or https URL"
	ruleE164Line        = "must be a line number in E.164 form, such as +983000505"
	ruleOTPTTL          = "must be a duration above 0 and at most 10m, such as 5m"
	ruleOTPExposeCode   = "must be false when DEBUG is false: it shows OTP codes to API clients"
	ruleMetricsToken    = "must be at least 32 characters when DEBUG is false"
	ruleMetricsAddr     = "must be host:port or :port, such as 127.0.0.1:9090"
	rulePriceFeeds      = "must be a comma-separated list of manual and httpjson, each at most once"
	rulePriceSeed       = "must be a positive whole number of rials per gram, PRICE_SEED_SELL not below PRICE_SEED_BUY"
	rulePriceFeedPaths  = "must give PRICE_FEED_BUY_PATH and PRICE_FEED_SELL_PATH, or PRICE_FEED_MID_PATH, when PRICE_FEEDS lists httpjson"
	rulePriceFeedUnit   = "must be rial or toman"
	ruleFeedURL         = "must be an absolute http or https URL when PRICE_FEEDS lists httpjson"
	ruleQuoteTTL        = "must be a duration above 0 and at most 10m, such as 30s"
	ruleJump            = "must be a percentage above 0 and at most 100, such as 10"
	ruleDevTreasury     = "must be a number of grams with at most 6 decimals (0 for none)"
	ruleDevTreasuryProd = "must be 0 when DEBUG is false: metal enters the treasury through `talabin treasury in`"

	rulePaymentGateways   = "must be a comma-separated list of sandbox, zarinpal and idpay, each at most once"
	ruleGatewayRequired   = "must list zarinpal or idpay when DEBUG is false: set ZARINPAL_MERCHANT_ID or IDPAY_API_KEY"
	ruleGatewaySandbox    = "must not list sandbox when DEBUG is false: it is a development gateway that takes no money"
	ruleGatewayKey        = "must be 36 letters, digits or dashes when PAYMENT_GATEWAYS lists "
	ruleIDPaySandbox      = "must be false when DEBUG is false: IDPay simulates every payment under it"
	rulePublicAPIURL      = "must be an absolute http or https URL without a trailing slash or /api, such as https://api.example.com"
	rulePublicAPIHTTPS    = "must be an https URL when DEBUG is false"
	ruleWebAppURL         = "must be an absolute http or https URL without a trailing slash, such as https://app.example.com"
	ruleRequiredProd      = "must be set when DEBUG is false"
	ruleReturnURLs        = "must be a comma-separated list of URL prefixes with a scheme, such as https://app.example.com/wallet,talabin://payment"
	ruleMaxRials          = "must be a positive whole number of rials, at most 1000000000000000"
	ruleMaxDeposit        = "must not be less than MIN_DEPOSIT_AMOUNT"
	ruleBankAccounts      = "must be a whole number from 1 to 100"
	ruleLevelCaps         = "must be three comma-separated whole numbers of rials for KYC levels 0, 1 and 2, each not below the one before"
	ruleCapsMonthly       = "must not be below the same level's cap in "
	ruleDepositTTL        = "must be a duration from 1m to 24h, such as 30m"
	ruleReconcileInterval = "must be a duration from 5s to 1h, such as 1m"
	ruleReconcileAfter    = "must be a duration from 10s to 1h, such as 2m"
	ruleSheba             = "must be a Sheba number: IR followed by 24 digits that pass the mod-97 check"
	ruleBankName          = "must be set when the bank code of BANK_TRANSFER_SHEBA is not a known bank"
	ruleHolder            = "must be set when BANK_TRANSFER_SHEBA is set"
	ruleBlobDir           = "must name a folder"
	ruleBlobStore         = "must be localfs or s3"
	ruleS3Endpoint        = "must be an absolute http or https URL"
	ruleS3Required        = "must be set when BLOB_STORE is s3"
	ruleInquiry           = "must be fake or none"
	ruleInquiryFake       = "must be none when DEBUG is false: fake approves every bank account without asking a bank"
	rulePaymentLimits     = "must make valid payment limits: "
	ruleRedisKeyPrefix    = "must be 1 to 64 printable ASCII characters without spaces, such as talabin:"
)

// parseRules gives the rule reported when a variable cannot be parsed into its field's type.
// Every variable whose field is not a plain string has an entry (a test checks this).
var parseRules = map[string]string{
	"DEBUG":                      ruleBool,
	"TRUSTED_PROXIES":            ruleTrustedProxies,
	"COOKIE_SECURE":              ruleBool,
	"SECURE_SSL_REDIRECT":        ruleBool,
	"HTTP_READ_HEADER_TIMEOUT":   ruleHeaderTimeout,
	"HTTP_READ_TIMEOUT":          ruleDuration,
	"HTTP_WRITE_TIMEOUT":         ruleDuration,
	"HTTP_IDLE_TIMEOUT":          ruleDuration,
	"HTTP_MAX_HEADER_BYTES":      ruleMaxHeaderBytes,
	"ALLOWED_HOSTS":              ruleHosts,
	"CORS_ALLOWED_ORIGINS":       ruleOrigins,
	"LOG_LEVEL":                  ruleLogLevel,
	"SHUTDOWN_TIMEOUT":           ruleDuration,
	"DB_PORT":                    rulePort,
	"JWT_ACCESS_TOKEN_LIFETIME":  ruleMinutes,
	"JWT_REFRESH_TOKEN_LIFETIME": ruleDays,
	"REDIS_PORT":                 rulePort,
	"REDIS_DB":                   ruleRedisDB,
	"TRANSACTION_FEE_PERCENTAGE": ruleFee,
	"MIN_PURCHASE_AMOUNT":        ruleRials,
	"MAX_PURCHASE_AMOUNT":        ruleRials,
	"MIN_DEPOSIT_AMOUNT":         ruleRials,
	"MIN_WITHDRAWAL_AMOUNT":      ruleRials,
	"SMS_DAILY_BUDGET":           ruleSMSBudget,
	"OTP_TTL":                    ruleOTPTTL,
	"OTP_EXPOSE_CODE":            ruleBool,
	"OTP_SIGNUP":                 ruleBool,
	"PRICE_FEEDS":                rulePriceFeeds,
	"PRICE_SEED_BUY":             rulePriceSeed,
	"PRICE_SEED_SELL":            rulePriceSeed,
	"PRICE_FEED_SPREAD_PERCENT":  ruleFee,
	"PRICE_REFRESH_INTERVAL":     ruleDuration,
	"PRICE_MAX_AGE":              ruleDuration,
	"PRICE_MAX_JUMP_PERCENT":     ruleJump,
	"QUOTE_TTL":                  ruleQuoteTTL,
	"TRADING_REQUIRE_KYC":        ruleBool,
	"IDEMPOTENCY_REQUIRED":       ruleBool,
	"RATE_LIMIT_SCALE":           ruleRateLimitScale,
	"IDPAY_SANDBOX":              ruleBool,
	"S3_PATH_STYLE":              ruleBool,
	"MAX_DEPOSIT_AMOUNT":         ruleMaxRials,
	"WITHDRAWAL_FEE_PERCENTAGE":  ruleFee,
	"MAX_BANK_ACCOUNTS":          ruleBankAccounts,
	"DEPOSIT_LIMITS_DAILY":       ruleLevelCaps,
	"DEPOSIT_LIMITS_30D":         ruleLevelCaps,
	"WITHDRAWAL_LIMITS_DAILY":    ruleLevelCaps,
	"WITHDRAWAL_LIMITS_30D":      ruleLevelCaps,
	"BUY_LIMITS_DAILY":           ruleLevelCaps,
	"BUY_LIMITS_30D":             ruleLevelCaps,
	"SELL_LIMITS_DAILY":          ruleLevelCaps,
	"SELL_LIMITS_30D":            ruleLevelCaps,
	"DEPOSIT_TTL":                ruleDepositTTL,
	"PAYMENT_RECONCILE_INTERVAL": ruleReconcileInterval,
	"PAYMENT_RECONCILE_AFTER":    ruleReconcileAfter,
	"WITHDRAWAL_REQUIRE_KYC":     ruleBool,
}
