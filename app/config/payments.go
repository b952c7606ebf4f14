package config

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/payment"
)

// The blob stores [Config.BlobStore] may name.
const (
	BlobStoreLocal = "localfs"
	BlobStoreS3    = "s3"
)

// The gateways [Config.PaymentGateways] may list.
const (
	// GatewaySandbox is the development gateway (adapters/payment/sandbox): its page lets the
	// developer pay or refuse, and no money moves. Refused when Debug is false.
	GatewaySandbox = "sandbox"
	// GatewayZarinpal is ZarinPal (adapters/payment/zarinpal).
	GatewayZarinpal = "zarinpal"
	// GatewayIDPay is IDPay (adapters/payment/idpay).
	GatewayIDPay = "idpay"
)

// The bank-account ownership inquiries [Config.OwnershipInquiry] may name.
const (
	// InquiryFake approves every account without asking a bank; development only.
	InquiryFake = "fake"
	// InquiryNone asks no one: staff confirm each account.
	InquiryNone = "none"
)

// The DEBUG defaults of the payment settings.
const (
	devPublicAPIURL = "http://localhost:8000"
	devWebAppURL    = "http://localhost:3000"
	// devBankTransferSheba is a made-up Parsian Bank (054) account that passes the mod-97
	// check, so that bank-transfer deposits can be tried locally.
	devBankTransferSheba  = "IR820540102680020817909002"
	devBankTransferHolder = "Talabin (development)"
)

// The bounds of the payment settings.
const (
	gatewayKeyLength         = 36
	maxBankAccounts          = 100
	minDepositTTL            = time.Minute
	maxDepositTTL            = 24 * time.Hour
	minReconcileInterval     = 5 * time.Second
	maxReconcileInterval     = time.Hour
	minReconcileAfter        = 10 * time.Second
	maxReconcileAfter        = time.Hour
	levelCount               = payment.MaxKYCLevel + 1
	publicAPISuffixForbidden = "/api"
)

// Gateways returns the effective online gateways, the primary first: PAYMENT_GATEWAYS when
// set, else zarinpal when ZARINPAL_MERCHANT_ID is set and idpay when IDPAY_API_KEY is set,
// else sandbox in DEBUG. A Config from [Load] never returns an empty list.
func (c Config) Gateways() []string {
	if len(c.PaymentGateways) > 0 {
		return slices.Clone(c.PaymentGateways)
	}
	var out []string
	if c.ZarinpalMerchantID != "" {
		out = append(out, GatewayZarinpal)
	}
	if c.IDPayAPIKey != "" {
		out = append(out, GatewayIDPay)
	}
	if len(out) == 0 && c.Debug {
		out = []string{GatewaySandbox}
	}
	return out
}

// PublicAPI returns PUBLIC_API_URL, or http://localhost:8000 when it is empty in DEBUG.
func (c Config) PublicAPI() string {
	if c.PublicAPIURL == "" && c.Debug {
		return devPublicAPIURL
	}
	return c.PublicAPIURL
}

// WebApp returns WEB_APP_URL, or http://localhost:3000 when it is empty in DEBUG ([Load]
// stores that default already; this also serves a Config built by hand).
func (c Config) WebApp() string {
	if c.WebAppURL == "" && c.Debug {
		return devWebAppURL
	}
	return c.WebAppURL
}

// PaymentLimits returns the deposit, withdrawal and bank-account rules as [payment.Limits].
// A level whose cap list is short (only in a Config not made by [Load]) gets zero caps,
// which allow nothing.
func (c Config) PaymentLimits() payment.Limits {
	l := payment.Limits{
		DepositMin:      c.MinDepositAmount,
		DepositMax:      c.MaxDepositAmount,
		WithdrawalMin:   c.MinWithdrawalAmount,
		WithdrawalFee:   c.WithdrawalFee,
		MaxBankAccounts: c.MaxBankAccounts,
	}
	for level := range levelCount {
		l.DepositCaps[level] = payment.Caps{Daily: capAt(c.DepositLimitsDaily, level), Monthly: capAt(c.DepositLimits30d, level)}
		l.WithdrawalCaps[level] = payment.Caps{Daily: capAt(c.WithdrawalLimitsDaily, level), Monthly: capAt(c.WithdrawalLimits30d, level)}
	}
	return l
}

// TradeLimits returns the per-level trading caps (BUY_LIMITS_*, SELL_LIMITS_*).
func (c Config) TradeLimits() kyc.TradeLimits {
	var l kyc.TradeLimits
	for level := range levelCount {
		l.Buy[level] = payment.Caps{Daily: capAt(c.BuyLimitsDaily, level), Monthly: capAt(c.BuyLimits30d, level)}
		l.Sell[level] = payment.Caps{Daily: capAt(c.SellLimitsDaily, level), Monthly: capAt(c.SellLimits30d, level)}
	}
	return l
}

// capAt returns caps[level], or 0 (nothing allowed) when the list is short.
func capAt(caps []core.Rial, level int) core.Rial {
	if level < len(caps) {
		return caps[level]
	}
	return 0
}

// BankTransferEnabled reports whether bank-transfer deposits are offered: only with a
// destination account (BANK_TRANSFER_SHEBA, which DEBUG defaults).
func (c Config) BankTransferEnabled() bool { return c.BankTransferSheba != "" }

// BankTransferBank returns the bank name shown with the bank-transfer account:
// BANK_TRANSFER_BANK_NAME, else the name of the Sheba's bank ("" when neither is known).
func (c Config) BankTransferBank() string {
	if c.BankTransferBankName != "" {
		return c.BankTransferBankName
	}
	if s, err := iran.ParseSheba(c.BankTransferSheba); err == nil {
		return s.BankName()
	}
	return ""
}

// RequireWithdrawalKYC reports whether a withdrawal needs KYC: WITHDRAWAL_REQUIRE_KYC when
// set, else true unless DEBUG.
func (c Config) RequireWithdrawalKYC() bool {
	if c.WithdrawalRequireKYC != nil {
		return *c.WithdrawalRequireKYC
	}
	return !c.Debug
}

// Inquiry returns the bank-account ownership inquiry, [InquiryFake] or [InquiryNone]:
// OWNERSHIP_INQUIRY when set, else fake in DEBUG and none otherwise.
func (c Config) Inquiry() string {
	switch {
	case c.OwnershipInquiry != "":
		return c.OwnershipInquiry
	case c.Debug:
		return InquiryFake
	default:
		return InquiryNone
	}
}

// normalizePayments trims and lower-cases the payment lists and fills the DEBUG defaults
// that are stored rather than derived: the web client's URL and the bank-transfer account. A
// valid Sheba is stored in canonical form, with its bank's name when none is given; an
// invalid one is left for validatePayments to report.
func (c *Config) normalizePayments() {
	c.PaymentGateways = trimList(c.PaymentGateways)
	for i, g := range c.PaymentGateways {
		c.PaymentGateways[i] = strings.ToLower(g)
	}
	c.DepositReturnURLs = trimList(c.DepositReturnURLs)
	if c.BlobDir == "" {
		c.BlobDir = filepath.Join(filepath.Dir(c.SQLitePath), "blobs")
	}
	c.OwnershipInquiry = strings.ToLower(strings.TrimSpace(c.OwnershipInquiry))
	c.BankTransferSheba = strings.TrimSpace(c.BankTransferSheba)
	c.BankTransferBankName = strings.TrimSpace(c.BankTransferBankName)
	c.BankTransferHolder = strings.TrimSpace(c.BankTransferHolder)
	if c.Debug {
		if c.WebAppURL == "" {
			c.WebAppURL = devWebAppURL
		}
		if c.BankTransferSheba == "" {
			c.BankTransferSheba = devBankTransferSheba
		}
		if c.BankTransferHolder == "" {
			c.BankTransferHolder = devBankTransferHolder
		}
	}
	if s, err := iran.ParseSheba(c.BankTransferSheba); err == nil {
		c.BankTransferSheba = s.String()
		if c.BankTransferBankName == "" {
			c.BankTransferBankName = s.BankName()
		}
	}
}

// validatePayments checks the gateway, URL, limit, bank-transfer and inquiry settings, in
// field order. Dev-only switches (the sandbox gateway, IDPay's sandbox, the fake inquiry)
// are refused when Debug is false, because each would credit or approve without a bank.
func (c Config) validatePayments(environ map[string]string, bad func(name, rule string) error) error {
	listed := make(map[string]bool, len(c.PaymentGateways))
	for _, g := range c.PaymentGateways {
		if (g != GatewaySandbox && g != GatewayZarinpal && g != GatewayIDPay) || listed[g] {
			return bad("PAYMENT_GATEWAYS", rulePaymentGateways)
		}
		listed[g] = true
	}
	gateways := c.Gateways()
	if len(gateways) == 0 {
		return bad("PAYMENT_GATEWAYS", ruleGatewayRequired) // Gateways gives sandbox in DEBUG
	}
	if !c.Debug && slices.Contains(gateways, GatewaySandbox) {
		return bad("PAYMENT_GATEWAYS", ruleGatewaySandbox)
	}
	settings := []struct {
		name, value, gateway string // gateway: the value is a key required when it is listed
	}{
		{"ZARINPAL_MERCHANT_ID", c.ZarinpalMerchantID, GatewayZarinpal},
		{"ZARINPAL_BASE_URL", c.ZarinpalBaseURL, ""},
		{"ZARINPAL_STARTPAY_URL", c.ZarinpalStartPayURL, ""},
		{"IDPAY_API_KEY", c.IDPayAPIKey, GatewayIDPay},
		{"IDPAY_BASE_URL", c.IDPayBaseURL, ""},
	}
	for _, s := range settings {
		switch {
		case s.gateway != "" && slices.Contains(gateways, s.gateway) && !isGatewayKey(s.value):
			return bad(s.name, ruleGatewayKey+s.gateway)
		case s.gateway == "" && s.value != "" && !isHTTPURL(s.value):
			return bad(s.name, ruleBaseURL)
		}
	}
	if !c.Debug && c.IDPaySandbox {
		return bad("IDPAY_SANDBOX", ruleIDPaySandbox)
	}
	if err := c.validatePaymentURLs(bad); err != nil {
		return err
	}
	if err := c.validatePaymentLimits(environ, bad); err != nil {
		return err
	}
	durations := []struct {
		name     string
		value    time.Duration
		min, max time.Duration
		rule     string
	}{
		{"DEPOSIT_TTL", c.DepositTTL, minDepositTTL, maxDepositTTL, ruleDepositTTL},
		{"PAYMENT_RECONCILE_INTERVAL", c.PaymentReconcileInterval, minReconcileInterval, maxReconcileInterval, ruleReconcileInterval},
		{"PAYMENT_RECONCILE_AFTER", c.PaymentReconcileAfter, minReconcileAfter, maxReconcileAfter, ruleReconcileAfter},
	}
	for _, d := range durations {
		if d.value < d.min || d.value > d.max {
			return bad(d.name, d.rule)
		}
	}
	if c.BankTransferSheba != "" {
		if _, err := iran.ParseSheba(c.BankTransferSheba); err != nil {
			return bad("BANK_TRANSFER_SHEBA", ruleSheba)
		}
		if c.BankTransferBankName == "" {
			return bad("BANK_TRANSFER_BANK_NAME", ruleBankName)
		}
		if c.BankTransferHolder == "" {
			return bad("BANK_TRANSFER_HOLDER", ruleHolder)
		}
	}
	if strings.TrimSpace(c.BlobDir) == "" {
		return bad("BLOB_DIR", ruleBlobDir)
	}
	switch c.BlobStore {
	case BlobStoreLocal:
	case BlobStoreS3:
		if c.S3Endpoint != "" && !isHTTPURL(c.S3Endpoint) {
			return bad("S3_ENDPOINT", ruleS3Endpoint)
		}
		for name, v := range map[string]string{"S3_BUCKET": c.S3Bucket, "S3_ACCESS_KEY_ID": c.S3AccessKeyID, "S3_SECRET_ACCESS_KEY": c.S3SecretAccessKey} {
			if strings.TrimSpace(v) == "" {
				return &Error{Var: name, Rule: ruleS3Required}
			}
		}
	default:
		return bad("BLOB_STORE", ruleBlobStore)
	}
	switch c.OwnershipInquiry {
	case "", InquiryFake, InquiryNone:
	default:
		return bad("OWNERSHIP_INQUIRY", ruleInquiry)
	}
	if !c.Debug && c.Inquiry() == InquiryFake {
		return bad("OWNERSHIP_INQUIRY", ruleInquiryFake)
	}
	return nil
}

// validatePaymentURLs checks PUBLIC_API_URL, WEB_APP_URL and DEPOSIT_RETURN_URLS. The first
// two are joined with paths (/api/..., /payment/...), hence no trailing slash; gateways
// return real money to PUBLIC_API_URL, hence https in production.
func (c Config) validatePaymentURLs(bad func(name, rule string) error) error {
	switch {
	case c.PublicAPIURL == "" && !c.Debug:
		return bad("PUBLIC_API_URL", ruleRequiredProd)
	case c.PublicAPIURL != "" && !isBaseURL(c.PublicAPIURL, true):
		return bad("PUBLIC_API_URL", rulePublicAPIURL)
	case c.PublicAPIURL != "" && !c.Debug && !isURL(c.PublicAPIURL, "https"):
		return bad("PUBLIC_API_URL", rulePublicAPIHTTPS)
	case c.WebAppURL == "":
		return bad("WEB_APP_URL", ruleRequiredProd) // Load defaults it in DEBUG
	case !isBaseURL(c.WebAppURL, false):
		return bad("WEB_APP_URL", ruleWebAppURL)
	}
	for _, u := range c.DepositReturnURLs {
		if strings.Index(u, "://") <= 0 {
			return bad("DEPOSIT_RETURN_URLS", ruleReturnURLs)
		}
	}
	return nil
}

// validatePaymentLimits checks the amounts and caps that make up [Config.PaymentLimits],
// each under its own variable, then the whole with [payment.Limits.Validate].
func (c Config) validatePaymentLimits(environ map[string]string, bad func(name, rule string) error) error {
	if c.MaxDepositAmount <= 0 {
		return bad("MAX_DEPOSIT_AMOUNT", ruleMaxRials)
	}
	if c.MaxDepositAmount < c.MinDepositAmount {
		return &Error{
			Var:   "MAX_DEPOSIT_AMOUNT",
			Rule:  fmt.Sprintf("%s (%s)", ruleMaxDeposit, c.MinDepositAmount),
			Value: c.MaxDepositAmount.String(),
		}
	}
	if c.MaxBankAccounts < 1 || c.MaxBankAccounts > maxBankAccounts {
		return bad("MAX_BANK_ACCOUNTS", ruleBankAccounts)
	}
	caps := []struct {
		dailyName, monthlyName string
		daily, monthly         []core.Rial
	}{
		{"DEPOSIT_LIMITS_DAILY", "DEPOSIT_LIMITS_30D", c.DepositLimitsDaily, c.DepositLimits30d},
		{"WITHDRAWAL_LIMITS_DAILY", "WITHDRAWAL_LIMITS_30D", c.WithdrawalLimitsDaily, c.WithdrawalLimits30d},
		{"BUY_LIMITS_DAILY", "BUY_LIMITS_30D", c.BuyLimitsDaily, c.BuyLimits30d},
		{"SELL_LIMITS_DAILY", "SELL_LIMITS_30D", c.SellLimitsDaily, c.SellLimits30d},
	}
	for _, cp := range caps {
		if !isLevelCaps(cp.daily) {
			return bad(cp.dailyName, ruleLevelCaps)
		}
		if !isLevelCaps(cp.monthly) {
			return bad(cp.monthlyName, ruleLevelCaps)
		}
		for level := range levelCount {
			if cp.monthly[level] < cp.daily[level] {
				return bad(cp.monthlyName, ruleCapsMonthly+cp.dailyName)
			}
		}
	}
	// The checks above are at least as strict as Validate today; this keeps Load honest if
	// core/payment adds a rule, reported under the limits' first variable.
	if err := c.PaymentLimits().Validate(); err != nil {
		return &Error{Var: "MIN_DEPOSIT_AMOUNT", Rule: rulePaymentLimits + err.Error(), Value: environ["MIN_DEPOSIT_AMOUNT"]}
	}
	return nil
}

// parseRials parses a comma-separated list of amounts ([core.ParseRial] each, spaces around
// items allowed); an empty item is an error.
func parseRials(v string) ([]core.Rial, error) {
	var out []core.Rial
	for item := range strings.SplitSeq(v, ",") {
		r, err := core.ParseRial(strings.TrimSpace(item))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// isLevelCaps reports whether caps has one non-negative amount per KYC level, each not
// below the one before: more verification never lowers a cap.
func isLevelCaps(caps []core.Rial) bool {
	if len(caps) != levelCount {
		return false
	}
	for i, c := range caps {
		if c < 0 || i > 0 && c < caps[i-1] {
			return false
		}
	}
	return true
}

// isGatewayKey reports whether s is 36 letters, digits or dashes, the shape of a ZarinPal
// merchant id and an IDPay API key (their adapters refuse anything else).
func isGatewayKey(s string) bool {
	if len(s) != gatewayKeyLength {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

// isBaseURL reports whether s is an absolute http or https URL that paths can be appended
// to: no user info, query, fragment or trailing slash, and, when noAPI, no path ending in
// /api (the app adds /api itself).
func isBaseURL(s string, noAPI bool) bool {
	u, err := url.Parse(s)
	if err != nil || !isHTTPURL(s) || u.User != nil || strings.ContainsAny(s, "?#") || strings.HasSuffix(s, "/") {
		return false
	}
	return !noAPI || !strings.HasSuffix(strings.ToLower(u.Path), publicAPISuffixForbidden)
}
