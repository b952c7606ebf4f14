package config_test

import (
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/payment"
)

// Sheba numbers that pass the mod-97 check: Bank Melli (017) and a bank code not in the bank
// table (099).
const (
	melliSheba   = "IR800170000000000000000123"
	unknownSheba = "IR470990000000001234567890"
)

func TestPaymentDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		env    map[string]string
		expect func(t *testing.T, cfg config.Config)
	}{
		{
			name: "Production",
			env:  production(nil),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Empty(t, cfg.PaymentGateways, "the raw field stays unset")
				require.Equal(t, []string{config.GatewayZarinpal}, cfg.Gateways())
				require.Equal(t, "https://api.talabin.ir", cfg.PublicAPI())
				require.Equal(t, "https://talabin.ir", cfg.WebAppURL)
				require.False(t, cfg.IDPaySandbox)
				require.Empty(t, cfg.DepositReturnURLs)
				require.Equal(t, core.Rial(500_000_000), cfg.MaxDepositAmount)
				require.Equal(t, core.BasisPoints(50), cfg.WithdrawalFee)
				require.Equal(t, 10, cfg.MaxBankAccounts)
				require.Equal(t, 30*time.Minute, cfg.DepositTTL)
				require.Equal(t, time.Minute, cfg.PaymentReconcileInterval)
				require.Equal(t, 2*time.Minute, cfg.PaymentReconcileAfter)
				require.False(t, cfg.BankTransferEnabled(), "no account, no bank transfers")
				require.Empty(t, cfg.BankTransferSheba)
				require.Empty(t, cfg.BankTransferHolder)
				require.Equal(t, "data/blobs", cfg.BlobDir, "beside ./data/talabin.db")
				require.True(t, cfg.RequireWithdrawalKYC())
				require.Equal(t, config.InquiryNone, cfg.Inquiry())
				require.Equal(t, payment.DefaultLimits(), cfg.PaymentLimits())
			},
		},
		{
			name: "Debug",
			env:  map[string]string{"DEBUG": "true"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{config.GatewaySandbox}, cfg.Gateways())
				require.Empty(t, cfg.PublicAPIURL, "the raw field stays unset")
				require.Equal(t, "http://localhost:8000", cfg.PublicAPI())
				require.Equal(t, "http://localhost:3000", cfg.WebAppURL)
				require.True(t, cfg.BankTransferEnabled())
				s, err := iran.ParseSheba(cfg.BankTransferSheba)
				require.NoError(t, err, "the example account passes the mod-97 check")
				require.Equal(t, s.String(), cfg.BankTransferSheba)
				require.Equal(t, "بانک پارسیان", cfg.BankTransferBankName)
				require.Equal(t, "بانک پارسیان", cfg.BankTransferBank())
				require.Equal(t, "http://localhost:3000", cfg.WebApp())
				require.Equal(t, "Talabin (development)", cfg.BankTransferHolder)
				require.False(t, cfg.RequireWithdrawalKYC())
				require.Equal(t, config.InquiryFake, cfg.Inquiry())
				require.Equal(t, payment.DefaultLimits(), cfg.PaymentLimits())
			},
		},
		{
			name: "DebugKeysReplaceSandbox",
			env:  map[string]string{"DEBUG": "true", "IDPAY_API_KEY": goodIDPayKey},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{config.GatewayIDPay}, cfg.Gateways())
			},
		},
		{
			name: "BothKeysZarinpalFirst",
			env:  production(map[string]string{"IDPAY_API_KEY": goodIDPayKey}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{config.GatewayZarinpal, config.GatewayIDPay}, cfg.Gateways())
			},
		},
		{
			name: "IDPayKeyAlone",
			env:  production(map[string]string{"ZARINPAL_MERCHANT_ID": "<unset>", "IDPAY_API_KEY": goodIDPayKey}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{config.GatewayIDPay}, cfg.Gateways())
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

func TestPaymentValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		env    map[string]string
		expect func(t *testing.T, cfg config.Config)
	}{
		{
			name: "GatewaysListedInOrder",
			env:  production(map[string]string{"PAYMENT_GATEWAYS": " IDPay , zarinpal,", "IDPAY_API_KEY": goodIDPayKey}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{"idpay", "zarinpal"}, cfg.PaymentGateways)
				require.Equal(t, []string{"idpay", "zarinpal"}, cfg.Gateways())
			},
		},
		{
			name: "ListedGatewayNeedsOnlyItsKey",
			env:  production(map[string]string{"PAYMENT_GATEWAYS": "zarinpal", "IDPAY_API_KEY": "not-checked"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{"zarinpal"}, cfg.Gateways())
			},
		},
		{
			name: "DebugSandboxChained",
			env:  map[string]string{"DEBUG": "true", "PAYMENT_GATEWAYS": "sandbox,zarinpal", "ZARINPAL_MERCHANT_ID": goodMerchant, "IDPAY_SANDBOX": "true"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{"sandbox", "zarinpal"}, cfg.Gateways())
				require.True(t, cfg.IDPaySandbox)
			},
		},
		{
			name: "GatewayURLs",
			env: production(map[string]string{
				"ZARINPAL_BASE_URL": "http://127.0.0.1:9001/pg/v4/payment", "ZARINPAL_STARTPAY_URL": "https://sandbox.zarinpal.com/pg/StartPay/",
				"IDPAY_BASE_URL": "http://127.0.0.1:9002/v1.1",
			}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "http://127.0.0.1:9001/pg/v4/payment", cfg.ZarinpalBaseURL)
				require.Equal(t, "https://sandbox.zarinpal.com/pg/StartPay/", cfg.ZarinpalStartPayURL)
				require.Equal(t, "http://127.0.0.1:9002/v1.1", cfg.IDPayBaseURL)
			},
		},
		{
			name: "URLsWithPathPrefix",
			env:  production(map[string]string{"PUBLIC_API_URL": "https://talabin.ir/backend", "WEB_APP_URL": "https://talabin.ir/app"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "https://talabin.ir/backend", cfg.PublicAPI())
				require.Equal(t, "https://talabin.ir/app", cfg.WebAppURL)
			},
		},
		{
			name: "DebugAcceptsHTTPPublicAPI",
			env:  map[string]string{"DEBUG": "true", "PUBLIC_API_URL": "http://192.168.1.5:8000", "WEB_APP_URL": "http://192.168.1.5:3000"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "http://192.168.1.5:8000", cfg.PublicAPI())
				require.Equal(t, "http://192.168.1.5:3000", cfg.WebAppURL)
			},
		},
		{
			name: "ReturnURLsTrimmed",
			env:  production(map[string]string{"DEPOSIT_RETURN_URLS": " talabin://payment , https://talabin.ir/wallet,"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, []string{"talabin://payment", "https://talabin.ir/wallet"}, cfg.DepositReturnURLs)
			},
		},
		{
			name: "CustomLimits",
			env: production(map[string]string{
				"MIN_DEPOSIT_AMOUNT": "20000", "MAX_DEPOSIT_AMOUNT": "20000", "MIN_WITHDRAWAL_AMOUNT": "60000",
				"WITHDRAWAL_FEE_PERCENTAGE": "0", "MAX_BANK_ACCOUNTS": "100",
				"DEPOSIT_LIMITS_DAILY": "0, 0, 0", "DEPOSIT_LIMITS_30D": "0,1,1",
				"WITHDRAWAL_LIMITS_DAILY": "۱۰۰٬۰۰۰,200000,200000", "WITHDRAWAL_LIMITS_30D": "100000,300000,1000000000000000",
			}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, payment.Limits{
					DepositMin:      20_000,
					DepositMax:      20_000,
					WithdrawalMin:   60_000,
					WithdrawalFee:   0,
					MaxBankAccounts: 100,
					DepositCaps:     [3]payment.Caps{{Daily: 0, Monthly: 0}, {Daily: 0, Monthly: 1}, {Daily: 0, Monthly: 1}},
					WithdrawalCaps: [3]payment.Caps{
						{Daily: 100_000, Monthly: 100_000},
						{Daily: 200_000, Monthly: 300_000},
						{Daily: 200_000, Monthly: 1_000_000_000_000_000},
					},
				}, cfg.PaymentLimits())
			},
		},
		{
			name: "WithdrawalFeeAndOneBankAccount",
			env:  production(map[string]string{"WITHDRAWAL_FEE_PERCENTAGE": "1.25", "MAX_BANK_ACCOUNTS": "1"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, core.BasisPoints(125), cfg.PaymentLimits().WithdrawalFee)
				require.Equal(t, 1, cfg.PaymentLimits().MaxBankAccounts)
			},
		},
		{
			name: "DurationBoundsLow",
			env:  production(map[string]string{"DEPOSIT_TTL": "1m", "PAYMENT_RECONCILE_INTERVAL": "5s", "PAYMENT_RECONCILE_AFTER": "10s"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, time.Minute, cfg.DepositTTL)
				require.Equal(t, 5*time.Second, cfg.PaymentReconcileInterval)
				require.Equal(t, 10*time.Second, cfg.PaymentReconcileAfter)
			},
		},
		{
			name: "DurationBoundsHigh",
			env:  production(map[string]string{"DEPOSIT_TTL": "24h", "PAYMENT_RECONCILE_INTERVAL": "1h", "PAYMENT_RECONCILE_AFTER": "60m"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, 24*time.Hour, cfg.DepositTTL)
				require.Equal(t, time.Hour, cfg.PaymentReconcileInterval)
				require.Equal(t, time.Hour, cfg.PaymentReconcileAfter)
			},
		},
		{
			name: "ShebaNormalisedWithBankName",
			env:  production(map[string]string{"BANK_TRANSFER_SHEBA": " ir80-0170 0000 0000 0000 0001 ۲۳ ", "BANK_TRANSFER_HOLDER": " Talabin Co. "}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.True(t, cfg.BankTransferEnabled())
				require.Equal(t, melliSheba, cfg.BankTransferSheba)
				require.Equal(t, "بانک ملی ایران", cfg.BankTransferBankName)
				require.Equal(t, "Talabin Co.", cfg.BankTransferHolder)
			},
		},
		{
			name: "ShebaUnknownBankWithName",
			env:  production(map[string]string{"BANK_TRANSFER_SHEBA": unknownSheba, "BANK_TRANSFER_BANK_NAME": "بانک نمونه", "BANK_TRANSFER_HOLDER": "Talabin"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, unknownSheba, cfg.BankTransferSheba)
				require.Equal(t, "بانک نمونه", cfg.BankTransferBankName)
			},
		},
		{
			name: "DebugShebaKeepsGivenNames",
			env:  map[string]string{"DEBUG": "true", "BANK_TRANSFER_SHEBA": melliSheba, "BANK_TRANSFER_BANK_NAME": "Melli", "BANK_TRANSFER_HOLDER": "Dev Co."},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, melliSheba, cfg.BankTransferSheba)
				require.Equal(t, "Melli", cfg.BankTransferBankName)
				require.Equal(t, "Dev Co.", cfg.BankTransferHolder)
			},
		},
		{
			name: "BlobDir",
			env:  production(map[string]string{"BLOB_DIR": "/var/lib/talabin/blobs"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, "/var/lib/talabin/blobs", cfg.BlobDir)
			},
		},
		{
			name: "WithdrawalKYCOffInProduction",
			env:  production(map[string]string{"WITHDRAWAL_REQUIRE_KYC": "false"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.False(t, cfg.RequireWithdrawalKYC())
			},
		},
		{
			name: "WithdrawalKYCOnInDebug",
			env:  map[string]string{"DEBUG": "true", "WITHDRAWAL_REQUIRE_KYC": "true"},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.True(t, cfg.RequireWithdrawalKYC())
			},
		},
		{
			name: "InquiryNoneInDebug",
			env:  map[string]string{"DEBUG": "true", "OWNERSHIP_INQUIRY": " NONE "},
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, config.InquiryNone, cfg.Inquiry())
			},
		},
		{
			name: "InquiryNoneInProduction",
			env:  production(map[string]string{"OWNERSHIP_INQUIRY": "none"}),
			expect: func(t *testing.T, cfg config.Config) {
				t.Helper()
				require.Equal(t, config.InquiryNone, cfg.Inquiry())
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

func TestPaymentRejects(t *testing.T) {
	t.Parallel()
	const (
		gateways   = `config: PAYMENT_GATEWAYS: must be a comma-separated list of sandbox, zarinpal and idpay, each at most once, got `
		publicAPI  = `config: PUBLIC_API_URL: must be an absolute http or https URL without a trailing slash or /api, such as https://api.example.com, got `
		webApp     = `config: WEB_APP_URL: must be an absolute http or https URL without a trailing slash, such as https://app.example.com, got `
		returnURLs = `config: DEPOSIT_RETURN_URLS: must be a comma-separated list of URL prefixes with a scheme, such as https://app.example.com/wallet,talabin://payment, got `
		maxRials   = `config: MAX_DEPOSIT_AMOUNT: must be a positive whole number of rials, at most 1000000000000000, got `
		fee        = `config: WITHDRAWAL_FEE_PERCENTAGE: must be a percentage from 0 to 100 with at most two decimals, such as 0.5, got `
		accounts   = `config: MAX_BANK_ACCOUNTS: must be a whole number from 1 to 100, got `
		levelCaps  = `: must be three comma-separated whole numbers of rials for KYC levels 0, 1 and 2, each not below the one before, got `
		ttl        = `config: DEPOSIT_TTL: must be a duration from 1m to 24h, such as 30m, got `
		interval   = `config: PAYMENT_RECONCILE_INTERVAL: must be a duration from 5s to 1h, such as 1m, got `
		after      = `config: PAYMENT_RECONCILE_AFTER: must be a duration from 10s to 1h, such as 2m, got `
		sheba      = `config: BANK_TRANSFER_SHEBA: must be a Sheba number: IR followed by 24 digits that pass the mod-97 check, got `
	)
	tests := []struct {
		name    string
		env     map[string]string
		wantMsg string
	}{
		{"GatewayUnknown", production(map[string]string{"PAYMENT_GATEWAYS": "zarinpal,paypal"}), gateways + `"zarinpal,paypal"`},
		{"GatewayTwice", production(map[string]string{"PAYMENT_GATEWAYS": "zarinpal,ZarinPal"}), gateways + `"zarinpal,ZarinPal"`},
		{"NoGatewayInProduction", production(map[string]string{"ZARINPAL_MERCHANT_ID": "<unset>"}), `config: PAYMENT_GATEWAYS: must list zarinpal or idpay when DEBUG is false: set ZARINPAL_MERCHANT_ID or IDPAY_API_KEY, got ""`},
		{"GatewaysOnlyCommas", production(map[string]string{"ZARINPAL_MERCHANT_ID": "<unset>", "PAYMENT_GATEWAYS": " , "}), `config: PAYMENT_GATEWAYS: must list zarinpal or idpay when DEBUG is false: set ZARINPAL_MERCHANT_ID or IDPAY_API_KEY, got " , "`},
		{"SandboxInProduction", production(map[string]string{"PAYMENT_GATEWAYS": "zarinpal,sandbox"}), `config: PAYMENT_GATEWAYS: must not list sandbox when DEBUG is false: it is a development gateway that takes no money, got "zarinpal,sandbox"`},
		{"MerchantShort", production(map[string]string{"ZARINPAL_MERCHANT_ID": "zp"}), `config: ZARINPAL_MERCHANT_ID: must be 36 letters, digits or dashes when PAYMENT_GATEWAYS lists zarinpal`},
		{"MerchantBadCharacter", production(map[string]string{"ZARINPAL_MERCHANT_ID": "1a2b3c4d_5e6f-7a8b-9c0d-1e2f3a4b5c6d"}), `config: ZARINPAL_MERCHANT_ID: must be 36 letters, digits or dashes when PAYMENT_GATEWAYS lists zarinpal`},
		{"MerchantMissingWhenListed", production(map[string]string{"ZARINPAL_MERCHANT_ID": "<unset>", "IDPAY_API_KEY": goodIDPayKey, "PAYMENT_GATEWAYS": "idpay,zarinpal"}), `config: ZARINPAL_MERCHANT_ID: must be 36 letters, digits or dashes when PAYMENT_GATEWAYS lists zarinpal`},
		{"MerchantMissingInDebug", map[string]string{"DEBUG": "true", "PAYMENT_GATEWAYS": "zarinpal"}, `config: ZARINPAL_MERCHANT_ID: must be 36 letters, digits or dashes when PAYMENT_GATEWAYS lists zarinpal`},
		{"IDPayKeyShort", production(map[string]string{"IDPAY_API_KEY": "ip"}), `config: IDPAY_API_KEY: must be 36 letters, digits or dashes when PAYMENT_GATEWAYS lists idpay`},
		{"ZarinpalBaseURLNotHTTP", production(map[string]string{"ZARINPAL_BASE_URL": "ftp://fake"}), `config: ZARINPAL_BASE_URL: must be an absolute http or https URL, got "ftp://fake"`},
		{"ZarinpalStartPayRelative", production(map[string]string{"ZARINPAL_STARTPAY_URL": "/pg/StartPay/"}), `config: ZARINPAL_STARTPAY_URL: must be an absolute http or https URL, got "/pg/StartPay/"`},
		{"IDPayBaseURLNoHost", production(map[string]string{"IDPAY_BASE_URL": "https://"}), `config: IDPAY_BASE_URL: must be an absolute http or https URL, got "https://"`},
		{"IDPaySandboxInProduction", production(map[string]string{"IDPAY_SANDBOX": "true"}), `config: IDPAY_SANDBOX: must be false when DEBUG is false: IDPay simulates every payment under it, got "true"`},
		{"IDPaySandboxNotBool", production(map[string]string{"IDPAY_SANDBOX": "yes"}), `config: IDPAY_SANDBOX: must be true or false, got "yes"`},
		{"PublicAPIMissing", production(map[string]string{"PUBLIC_API_URL": "<unset>"}), `config: PUBLIC_API_URL: must be set when DEBUG is false, got ""`},
		{"PublicAPIHTTPInProduction", production(map[string]string{"PUBLIC_API_URL": "http://api.talabin.ir"}), `config: PUBLIC_API_URL: must be an https URL when DEBUG is false, got "http://api.talabin.ir"`},
		{"PublicAPITrailingSlash", production(map[string]string{"PUBLIC_API_URL": "https://api.talabin.ir/"}), publicAPI + `"https://api.talabin.ir/"`},
		{"PublicAPIWithAPI", production(map[string]string{"PUBLIC_API_URL": "https://talabin.ir/api"}), publicAPI + `"https://talabin.ir/api"`},
		{"PublicAPIWithUpperAPI", map[string]string{"DEBUG": "true", "PUBLIC_API_URL": "http://localhost:8000/API"}, publicAPI + `"http://localhost:8000/API"`},
		{"PublicAPIWithQuery", production(map[string]string{"PUBLIC_API_URL": "https://api.talabin.ir?x=1"}), publicAPI + `"https://api.talabin.ir?x=1"`},
		{"PublicAPIWithUser", production(map[string]string{"PUBLIC_API_URL": "https://u:p@api.talabin.ir"}), publicAPI + `"https://u:p@api.talabin.ir"`},
		{"PublicAPINoScheme", production(map[string]string{"PUBLIC_API_URL": "api.talabin.ir"}), publicAPI + `"api.talabin.ir"`},
		{"WebAppMissing", production(map[string]string{"WEB_APP_URL": "<unset>"}), `config: WEB_APP_URL: must be set when DEBUG is false, got ""`},
		{"WebAppTrailingSlash", production(map[string]string{"WEB_APP_URL": "https://talabin.ir/"}), webApp + `"https://talabin.ir/"`},
		{"WebAppNotHTTP", map[string]string{"DEBUG": "true", "WEB_APP_URL": "talabin://app"}, webApp + `"talabin://app"`},
		{"ReturnURLNoScheme", production(map[string]string{"DEPOSIT_RETURN_URLS": "talabin://payment,talabin.ir/wallet"}), returnURLs + `"talabin://payment,talabin.ir/wallet"`},
		{"ReturnURLEmptyScheme", production(map[string]string{"DEPOSIT_RETURN_URLS": "://payment"}), returnURLs + `"://payment"`},
		{"MaxDepositBelowMin", production(map[string]string{"MAX_DEPOSIT_AMOUNT": "5000"}), `config: MAX_DEPOSIT_AMOUNT: must not be less than MIN_DEPOSIT_AMOUNT (10000), got "5000"`},
		{"MaxDepositZero", production(map[string]string{"MAX_DEPOSIT_AMOUNT": "0"}), maxRials + `"0"`},
		{"MaxDepositTooLarge", production(map[string]string{"MAX_DEPOSIT_AMOUNT": "1000000000000001"}), maxRials + `"1000000000000001"`},
		{"WithdrawalFeeThreeDecimals", production(map[string]string{"WITHDRAWAL_FEE_PERCENTAGE": "0.125"}), fee + `"0.125"`},
		{"WithdrawalFeeAboveHundred", production(map[string]string{"WITHDRAWAL_FEE_PERCENTAGE": "100.01"}), fee + `"100.01"`},
		{"BankAccountsZero", production(map[string]string{"MAX_BANK_ACCOUNTS": "0"}), accounts + `"0"`},
		{"BankAccountsTooMany", production(map[string]string{"MAX_BANK_ACCOUNTS": "101"}), accounts + `"101"`},
		{"BankAccountsNotNumber", production(map[string]string{"MAX_BANK_ACCOUNTS": "ten"}), accounts + `"ten"`},
		{"DepositCapsTwoLevels", production(map[string]string{"DEPOSIT_LIMITS_DAILY": "1,2"}), "config: DEPOSIT_LIMITS_DAILY" + levelCaps + `"1,2"`},
		{"DepositCapsFourLevels", production(map[string]string{"DEPOSIT_LIMITS_30D": "1,2,3,4"}), "config: DEPOSIT_LIMITS_30D" + levelCaps + `"1,2,3,4"`},
		{"DepositCapsDecreasing", production(map[string]string{"DEPOSIT_LIMITS_DAILY": "3,2,1"}), "config: DEPOSIT_LIMITS_DAILY" + levelCaps + `"3,2,1"`},
		{"DepositCapsTrailingComma", production(map[string]string{"DEPOSIT_LIMITS_DAILY": "1,2,3,"}), "config: DEPOSIT_LIMITS_DAILY" + levelCaps + `"1,2,3,"`},
		{"WithdrawalCapsNegative", production(map[string]string{"WITHDRAWAL_LIMITS_DAILY": "-1,2,3"}), "config: WITHDRAWAL_LIMITS_DAILY" + levelCaps + `"-1,2,3"`},
		{"WithdrawalCapsNotNumbers", production(map[string]string{"WITHDRAWAL_LIMITS_30D": "a,b,c"}), "config: WITHDRAWAL_LIMITS_30D" + levelCaps + `"a,b,c"`},
		{"DepositMonthBelowDay", production(map[string]string{"DEPOSIT_LIMITS_30D": "5000000000,5000000000,5000000000"}), `config: DEPOSIT_LIMITS_30D: must not be below the same level's cap in DEPOSIT_LIMITS_DAILY, got "5000000000,5000000000,5000000000"`},
		{"WithdrawalMonthBelowDay", production(map[string]string{"WITHDRAWAL_LIMITS_DAILY": "0,0,300000000000"}), `config: WITHDRAWAL_LIMITS_30D: must not be below the same level's cap in WITHDRAWAL_LIMITS_DAILY, got ""`},
		{"DepositTTLTooShort", production(map[string]string{"DEPOSIT_TTL": "59s"}), ttl + `"59s"`},
		{"DepositTTLTooLong", production(map[string]string{"DEPOSIT_TTL": "24h1s"}), ttl + `"24h1s"`},
		{"DepositTTLNoUnit", production(map[string]string{"DEPOSIT_TTL": "30"}), ttl + `"30"`},
		{"ReconcileIntervalTooShort", production(map[string]string{"PAYMENT_RECONCILE_INTERVAL": "4s"}), interval + `"4s"`},
		{"ReconcileIntervalTooLong", production(map[string]string{"PAYMENT_RECONCILE_INTERVAL": "2h"}), interval + `"2h"`},
		{"ReconcileAfterTooShort", production(map[string]string{"PAYMENT_RECONCILE_AFTER": "9s"}), after + `"9s"`},
		{"ReconcileAfterTooLong", production(map[string]string{"PAYMENT_RECONCILE_AFTER": "61m"}), after + `"61m"`},
		{"ShebaWrongCheckDigits", production(map[string]string{"BANK_TRANSFER_SHEBA": "IR810170000000000000000123", "BANK_TRANSFER_HOLDER": "T"}), sheba + `"IR810170000000000000000123"`},
		{"ShebaTooShort", map[string]string{"DEBUG": "true", "BANK_TRANSFER_SHEBA": "IR8001700000"}, sheba + `"IR8001700000"`},
		{"ShebaUnknownBankWithoutName", production(map[string]string{"BANK_TRANSFER_SHEBA": unknownSheba, "BANK_TRANSFER_HOLDER": "T"}), `config: BANK_TRANSFER_BANK_NAME: must be set when the bank code of BANK_TRANSFER_SHEBA is not a known bank, got ""`},
		{"ShebaWithoutHolder", production(map[string]string{"BANK_TRANSFER_SHEBA": melliSheba, "BANK_TRANSFER_HOLDER": " "}), `config: BANK_TRANSFER_HOLDER: must be set when BANK_TRANSFER_SHEBA is set, got " "`},
		{"BlobDirBlank", production(map[string]string{"BLOB_DIR": "  "}), `config: BLOB_DIR: must name a folder, got "  "`},
		{"WithdrawalKYCNotBool", production(map[string]string{"WITHDRAWAL_REQUIRE_KYC": "maybe"}), `config: WITHDRAWAL_REQUIRE_KYC: must be true or false, got "maybe"`},
		{"InquiryUnknown", production(map[string]string{"OWNERSHIP_INQUIRY": "shahkar"}), `config: OWNERSHIP_INQUIRY: must be fake or none, got "shahkar"`},
		{"InquiryFakeInProduction", production(map[string]string{"OWNERSHIP_INQUIRY": "Fake"}), `config: OWNERSHIP_INQUIRY: must be none when DEBUG is false: fake approves every bank account without asking a bank, got "Fake"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Load(tt.env)

			var cerr *config.Error
			require.ErrorAs(t, err, &cerr)
			require.Equal(t, tt.wantMsg, err.Error())
			require.Equal(t, config.Config{}, cfg)
		})
	}
}

// TestAccessorsOnHandBuiltConfig covers the derived values of a Config not made by Load:
// the accessors fill what Load would have stored.
func TestAccessorsOnHandBuiltConfig(t *testing.T) {
	t.Parallel()
	debug := config.Config{Debug: true, BankTransferSheba: melliSheba}
	require.Equal(t, "http://localhost:3000", debug.WebApp())
	require.Equal(t, "بانک ملی ایران", debug.BankTransferBank())

	prod := config.Config{WebAppURL: "https://talabin.ir", BankTransferSheba: unknownSheba}
	require.Equal(t, "https://talabin.ir", prod.WebApp())
	require.Empty(t, prod.BankTransferBank(), "an unknown bank code has no name")
	require.Empty(t, config.Config{}.WebApp(), "no default outside DEBUG")
}

// TestPaymentLimitsShortCaps covers a Config not made by Load: a level without a cap gets
// zero, which allows nothing, rather than a panic.
func TestPaymentLimitsShortCaps(t *testing.T) {
	t.Parallel()
	cfg := config.Config{DepositLimitsDaily: []core.Rial{7}}

	l := cfg.PaymentLimits()

	require.Equal(t, payment.Caps{Daily: 7, Monthly: 0}, l.DepositCaps[0])
	require.Equal(t, payment.Caps{}, l.DepositCaps[2])
	require.Equal(t, payment.Caps{}, l.WithdrawalCaps[1])
}

func TestGatewaysReturnsACopy(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(production(map[string]string{"PAYMENT_GATEWAYS": "zarinpal"}))
	require.NoError(t, err)

	cfg.Gateways()[0] = "changed"

	require.Equal(t, []string{"zarinpal"}, cfg.PaymentGateways)
}

func TestTradeLimitsDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(map[string]string{"DEBUG": "true"})
	require.NoError(t, err)
	require.Equal(t, kyc.DefaultTradeLimits(), cfg.TradeLimits())

	_, err = config.Load(map[string]string{"DEBUG": "true", "BUY_LIMITS_30D": "1,2,3"})
	require.ErrorContains(t, err, "BUY_LIMITS_30D")
}

func TestBlobStoreS3(t *testing.T) {
	t.Parallel()
	s3 := map[string]string{
		"DEBUG": "true", "BLOB_STORE": "s3", "S3_ENDPOINT": "https://s3.ir-thr-at1.arvanstorage.ir",
		"S3_BUCKET": "talabin-private", "S3_ACCESS_KEY_ID": "AKIA", "S3_SECRET_ACCESS_KEY": "hunter2-s3", "S3_PATH_STYLE": "true",
	}
	cfg, err := config.Load(s3)
	require.NoError(t, err)
	require.Equal(t, config.BlobStoreS3, cfg.BlobStore)
	require.True(t, cfg.S3PathStyle)

	for name, edit := range map[string]func(map[string]string){
		"S3_BUCKET":            func(e map[string]string) { delete(e, "S3_BUCKET") },
		"S3_SECRET_ACCESS_KEY": func(e map[string]string) { delete(e, "S3_SECRET_ACCESS_KEY") },
		"S3_ENDPOINT":          func(e map[string]string) { e["S3_ENDPOINT"] = "s3.example" },
		"BLOB_STORE":           func(e map[string]string) { e["BLOB_STORE"] = "ftp" },
	} {
		environ := maps.Clone(s3)
		edit(environ)
		_, err := config.Load(environ)
		require.ErrorContains(t, err, name, name)
		require.NotContains(t, err.Error(), "hunter2", "secrets never printed")
	}
}
