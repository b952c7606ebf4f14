package payments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/upload"
	"github.com/talabin/talabin/ports"
)

// RequiredKYCLevel is the verification level withdrawals and bank-account verification need
// when [Config.RequireKYC] is on (API.md §3.2).
const RequiredKYCLevel = 1

// Defaults of [Config].
const (
	// DefaultDepositTTL is how long an unpaid online deposit waits for its buyer (API.md §3.6).
	DefaultDepositTTL = 30 * time.Minute
	// DefaultReconcileAfter is how long a pending or unknown online deposit sits untouched
	// before the reconciler asks its gateway.
	DefaultReconcileAfter = 2 * time.Minute
)

// StepUp redeems a fresh one-time code of a purpose inside the caller's transaction
// (app/accounts' Service implements it). The attempt is saved in tx, so tx must commit even
// when the code is wrong.
type StepUp interface {
	RedeemStepUp(ctx context.Context, tx ports.Tx, user core.UserID, purpose identity.Purpose, code string) error
}

// Config configures [NewService].
type Config struct {
	// Limits are the amounts, fee and caps; zero means [payment.DefaultLimits].
	Limits payment.Limits
	// Gateways are the configured payment gateways by name; Primary names the default.
	Gateways map[string]ports.PaymentGateway
	Primary  string
	// CallbackKey signs the callback URLs handed to gateways (the `sig` parameter).
	CallbackKey []byte
	// PublicAPIURL is the app's public base URL (PUBLIC_API_URL), without the /api suffix:
	// callbacks go to PublicAPIURL + /api/wallet/deposits/{id}/callback/.
	PublicAPIURL string
	// WebAppURL is the web client's base URL (WEB_APP_URL): its /payment/success and
	// /payment/failure pages receive the buyer after the gateway.
	WebAppURL string
	// ReturnURLs are the allowed prefixes of a deposit's return_url (app deep links).
	ReturnURLs []string
	// DepositTTL is how long an unpaid online deposit lives; zero means [DefaultDepositTTL].
	DepositTTL time.Duration
	// ReconcileAfter is the reconciler's patience; zero means [DefaultReconcileAfter].
	ReconcileAfter time.Duration
	// Destination is where bank-transfer deposits are sent; without a Sheba, bank transfers
	// are switched off ([core.ErrFeatureDisabled]).
	Destination ports.TransferDestination
	// Blobs keeps receipts; Receipts is what a receipt may be (zero: jpg, png or pdf ≤ 5 MB).
	Blobs    ports.BlobStore
	Receipts upload.Policy
	// Inquiry confirms Sheba ownership (nil: none is configured, staff confirm accounts, and
	// users' verify requests answer [core.ErrInquiryUnavailable]); Payout pays completed
	// withdrawals out.
	Inquiry ports.OwnershipInquiry
	Payout  ports.Payout
	// StepUp redeems the OTPs that confirm withdrawals and new bank accounts.
	StepUp StepUp
	// RequireKYC makes withdrawals and bank-account verification need [RequiredKYCLevel].
	RequireKYC bool
	// IdempotencyRetention is how long a stored response answers replays; zero means
	// [idempotency.Retention].
	IdempotencyRetention time.Duration
	// Rand draws deposit and withdrawal numbers and blob keys; nil means crypto/rand.Reader.
	Rand io.Reader
	// Metrics, when set, counts the deposits and withdrawals moved (see [NewMetrics]).
	Metrics *Metrics
}

func (c Config) withDefaults() Config {
	if c.Limits == (payment.Limits{}) {
		c.Limits = payment.DefaultLimits()
	}
	if c.DepositTTL == 0 {
		c.DepositTTL = DefaultDepositTTL
	}
	if c.ReconcileAfter == 0 {
		c.ReconcileAfter = DefaultReconcileAfter
	}
	if len(c.Receipts.Allowed) == 0 {
		c.Receipts.Allowed = upload.Documents
	}
	if c.IdempotencyRetention == 0 {
		c.IdempotencyRetention = idempotency.Retention
	}
	return c
}

func (c Config) validate() error {
	var errs []error
	if err := c.Limits.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(c.Gateways) == 0 || c.Gateways[c.Primary] == nil {
		errs = append(errs, errors.New("at least one gateway, and the primary one, are required"))
	}
	for name, g := range c.Gateways {
		if g == nil || g.Name() != name {
			errs = append(errs, fmt.Errorf("gateway %q is nil or named otherwise", name))
		}
	}
	if len(c.CallbackKey) < 32 {
		errs = append(errs, errors.New("callback key must be at least 32 bytes"))
	}
	for name, raw := range map[string]string{"public API URL": c.PublicAPIURL, "web app URL": c.WebAppURL} {
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q must be an absolute http(s) URL", name, raw))
		}
	}
	for _, p := range c.ReturnURLs {
		if !strings.Contains(p, "://") {
			errs = append(errs, fmt.Errorf("return URL prefix %q needs a scheme", p))
		}
	}
	if c.Blobs == nil || c.Payout == nil || c.StepUp == nil {
		errs = append(errs, errors.New("blob store, payout and step-up are required"))
	}
	if c.DepositTTL < 0 || c.ReconcileAfter < 0 || c.IdempotencyRetention < 0 {
		errs = append(errs, errors.New("durations must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("payments: config: %w", err)
	}
	return nil
}
