package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/talabin/talabin/adapters/blob/localfs"
	"github.com/talabin/talabin/adapters/blob/s3"
	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/adapters/payment/idpay"
	"github.com/talabin/talabin/adapters/payment/sandbox"
	"github.com/talabin/talabin/adapters/payment/zarinpal"
	"github.com/talabin/talabin/adapters/payout/manual"
	"github.com/talabin/talabin/app/backoffice"
	"github.com/talabin/talabin/app/config"
	kycsvc "github.com/talabin/talabin/app/kyc"
	paymentsvc "github.com/talabin/talabin/app/payments"
	"github.com/talabin/talabin/app/privacy"
	"github.com/talabin/talabin/ports"
)

// PaymentGateways are the gateways PAYMENT_GATEWAYS lists, by name, the first being the
// primary; Sandbox is the development gateway when listed (its page is served by the app).
type PaymentGateways struct {
	ByName  map[string]ports.PaymentGateway
	Primary string
	Sandbox *sandbox.Gateway
}

// NewPaymentGateways builds the gateways cfg lists: sandbox (DEBUG only; config refuses it
// otherwise), zarinpal (ZARINPAL_*) and idpay (IDPAY_*), their breakers watched by breakers
// (nil: none), their breaker changes and merchant-level refusals logged to logger.
func NewPaymentGateways(cfg config.Config, clock ports.Clock, breakers *BreakerStates, logger *slog.Logger) (PaymentGateways, error) {
	out := PaymentGateways{ByName: map[string]ports.PaymentGateway{}}
	for _, name := range cfg.Gateways() {
		var (
			gw  ports.PaymentGateway
			err error
		)
		switch name {
		case "sandbox":
			out.Sandbox, err = sandbox.New(sandbox.Config{BaseURL: cfg.PublicAPI(), Clock: clock})
			gw = out.Sandbox
		case "zarinpal":
			zc := zarinpal.Config{
				BaseURL: cfg.ZarinpalBaseURL, StartPayURL: cfg.ZarinpalStartPayURL, MerchantID: cfg.ZarinpalMerchantID,
				Logger: logger,
			}
			zc.Breaker.WatchFunc = breakers.WatchFunc()
			gw, err = zarinpal.New(zc)
		case "idpay":
			ic := idpay.Config{BaseURL: cfg.IDPayBaseURL, APIKey: cfg.IDPayAPIKey, Sandbox: cfg.IDPaySandbox, Logger: logger}
			ic.Breaker.WatchFunc = breakers.WatchFunc()
			gw, err = idpay.New(ic)
		default:
			err = errors.New("unknown gateway")
		}
		if err != nil {
			return PaymentGateways{}, fmt.Errorf("payment gateway %s: %w", name, err)
		}
		out.ByName[name] = gw
		if out.Primary == "" {
			out.Primary = name
		}
	}
	return out, nil
}

// NewBlobStore opens the private file store BLOB_STORE selects for receipts and identity
// documents: a folder (BLOB_DIR) or an S3-compatible bucket (S3_*), checked at start-up.
func NewBlobStore(ctx context.Context, cfg config.Config) (ports.BlobStore, func(), error) {
	if cfg.BlobStore == config.BlobStoreS3 {
		s, err := s3.New(ctx, s3.Config{
			Endpoint: cfg.S3Endpoint, Region: cfg.S3Region, Bucket: cfg.S3Bucket, AccessKeyID: cfg.S3AccessKeyID,
			SecretAccessKey: cfg.S3SecretAccessKey, PathStyle: cfg.S3PathStyle, Prefix: cfg.S3Prefix,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("s3 blob store: %w", err)
		}
		return s, func() {}, nil
	}
	s, err := localfs.New(cfg.BlobDir)
	if err != nil {
		return nil, nil, err
	}
	return s, func() { _ = s.Close() }, nil
}

// PaymentsConfig returns the payments service's configuration from cfg: gateways, limits,
// URLs, the bank-transfer destination, the ownership inquiry OWNERSHIP_INQUIRY selects and
// the manual payout. accts redeems the step-up codes; deposits and withdrawals are counted
// into metrics.
func PaymentsConfig(cfg config.Config, keys Keys, gateways PaymentGateways, blobs ports.BlobStore, accts ports.Accounts,
	inquiries Inquiries, metrics *paymentsvc.Metrics,
) (paymentsvc.Config, error) {
	stepUp, ok := accts.(paymentsvc.StepUp)
	if !ok {
		return paymentsvc.Config{}, errors.New("the accounts service cannot redeem step-up codes")
	}
	pc := paymentsvc.Config{
		Limits:         cfg.PaymentLimits(),
		Gateways:       gateways.ByName,
		Primary:        gateways.Primary,
		CallbackKey:    keys.DepositCallback,
		PublicAPIURL:   cfg.PublicAPI(),
		WebAppURL:      cfg.WebApp(),
		ReturnURLs:     cfg.DepositReturnURLs,
		DepositTTL:     cfg.DepositTTL,
		ReconcileAfter: cfg.PaymentReconcileAfter,
		Blobs:          blobs,
		Payout:         manual.New(),
		StepUp:         stepUp,
		RequireKYC:     cfg.RequireWithdrawalKYC(),
		Inquiry:        inquiries.Sheba,
		Metrics:        metrics,
	}
	if cfg.BankTransferEnabled() {
		pc.Destination = ports.TransferDestination{
			BankName: cfg.BankTransferBank(), Sheba: cfg.BankTransferSheba, HolderName: cfg.BankTransferHolder,
		}
	}
	return pc, nil
}

// NewPaymentsService returns the deposits, bank accounts and withdrawals service.
func NewPaymentsService(pc paymentsvc.Config, store ports.Store, clock ports.Clock, logger *slog.Logger) (*paymentsvc.Service, error) {
	return paymentsvc.NewService(pc, store, clock, logger)
}

// RouterOptions returns the endpoints beyond identity: prices, trading and wallet
// ([TradingRoutes]), payments, identity verification, the API docs (public with DEBUG,
// else staff only), the index at / naming build's version, and in development the sandbox
// gateway's page.
func RouterOptions(cfg config.Config, build BuildInfo, trading TradingRouteOptions, payments *paymentsvc.Service,
	pc paymentsvc.Config, gateways PaymentGateways, kyc *kycsvc.Service, staff *backoffice.Service, priv *privacy.Service,
) []httpapi.RouterOption {
	opts := append([]httpapi.RouterOption(nil), trading...)
	opts = append(opts, httpapi.WithPayments(httpapi.PaymentsConfig{
		Payments: payments, Staff: payments, TransferDestination: pc.Destination,
		IdempotencyRequired: cfg.IdempotencyRequired,
	}))
	opts = append(opts, httpapi.WithKYC(httpapi.KYCConfig{KYC: kyc}),
		httpapi.WithStaffUsers(httpapi.StaffUsersConfig{Users: staff, IdempotencyRequired: cfg.IdempotencyRequired}),
		httpapi.WithPrivacy(httpapi.PrivacyConfig{Privacy: priv, IdempotencyRequired: cfg.IdempotencyRequired}),
		httpapi.WithDocs(cfg.Debug), httpapi.WithIndex(build.Version))
	if gateways.Sandbox != nil {
		opts = append(opts, httpapi.WithHandler(sandbox.DefaultPathPrefix, gateways.Sandbox))
	}
	return opts
}

// paymentReconcileArgs is the periodic job that resolves unfinished online deposits.
type paymentReconcileArgs struct{}

func (paymentReconcileArgs) Kind() string { return "payment_reconcile" }

// paymentReconcileWorker runs [paymentsvc.Service.Reconcile]; River's leader schedules it.
type paymentReconcileWorker struct {
	river.WorkerDefaults[paymentReconcileArgs]
	svc *paymentsvc.Service
}

func (w *paymentReconcileWorker) Work(ctx context.Context, _ *river.Job[paymentReconcileArgs]) error {
	_, err := w.svc.Reconcile(ctx)
	return err
}

// Timeout bounds one reconciliation: a batch of gateway calls, each with its own timeout.
func (w *paymentReconcileWorker) Timeout(*river.Job[paymentReconcileArgs]) time.Duration {
	return 5 * time.Minute
}

// paymentReconcileJob schedules the reconciler every PAYMENT_RECONCILE_INTERVAL; a failed
// round is not retried (the next one comes soon enough).
func paymentReconcileJob(cfg config.Config) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(cfg.PaymentReconcileInterval),
		func() (river.JobArgs, *river.InsertOpts) {
			return paymentReconcileArgs{}, &river.InsertOpts{MaxAttempts: 1}
		}, &river.PeriodicJobOpts{ID: "payment_reconcile"})
}

// CheckPayments runs [paymentsvc.Check] on store for what was created at or after since,
// asking every configured gateway but the sandbox, whose sessions live in the serving
// process's memory; skipped names the gateways not asked.
func CheckPayments(ctx context.Context, cfg config.Config, store ports.Store, clock ports.Clock, since time.Time) (found []paymentsvc.Discrepancy, skipped []string, err error) {
	gateways, err := NewPaymentGateways(cfg, clock, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, nil, err
	}
	if gateways.Sandbox != nil {
		delete(gateways.ByName, gateways.Sandbox.Name())
		skipped = append(skipped, gateways.Sandbox.Name())
	}
	found, err = paymentsvc.Check(ctx, store, gateways.ByName, since)
	return found, skipped, err
}
