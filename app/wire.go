//go:build wireinject

package app

import (
	"context"

	"github.com/google/wire"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/config"
	tradingsvc "github.com/talabin/talabin/app/trading"
	"github.com/talabin/talabin/ports"
)

// loggerSet provides the JSON logger.
var loggerSet = wire.NewSet(NewLogger)

// httpSet provides the readiness checks, the router with its site checks and the HTTP server.
var httpSet = wire.NewSet(
	NewRedisPing, ReadinessChecks, NewReadiness,
	NewAuthConfig, NewSiteConfig, httpapi.NewSiteRouter, NewHTTPServer,
)

// metricsSet provides the Prometheus registry, the counters and collectors registered on
// it, and what serves it: the API router's /metrics endpoint and the METRICS_ADDR listener.
var metricsSet = wire.NewSet(
	NewMetricsRegistry, NewAccountsMetrics, NewTradingMetrics, NewPaymentsMetrics, NewHTTPMetrics, NewBreakerStates,
	NewMetricsHandler, NewMetricsEndpoint, NewMetricsServer,
)

// storeSet provides the store the configuration selects, migrated.
var storeSet = wire.NewSet(OpenDatabase, MigratedStore)

// providerSet provides the outbound adapters the configuration selects: SMS, rate limits and
// change notices.
var providerSet = wire.NewSet(NewSMSSender, NewRateLimiter, NewNotifier)

// accountsSet provides the identity use cases, their keys and their SMS worker.
var accountsSet = wire.NewSet(
	NewClock, DeriveKeys, NewSecurityLogger, NewAccessTokens, NewPasswordHasher, AccountsConfig, NewAccounts,
)

// tradingSet provides the price feeds, the prices and trading service (also as the prices
// readiness watches), its routes and the loop that keeps its price current.
var tradingSet = wire.NewSet(
	NewPriceFeeds, TradingConfig, SeedDevTreasury, NewTradingService, wire.Bind(new(ports.Prices), new(*tradingsvc.Service)),
	TradingRoutes, PriceReload, Backgrounds,
)

// paymentsSet provides the payment gateways, the blob store, the payments service and the
// router options of everything beyond identity.
var paymentsSet = wire.NewSet(
	NewPaymentGateways, NewBlobStore, PaymentsConfig, NewPaymentsService, RouterOptions,
)

// kycSet provides the identity inquiries, the identity verification service, the staff's
// user administration and the personal-data service.
var kycSet = wire.NewSet(NewInquiries, NewKYCService, NewBackoffice, NewPrivacy)

// jobsSet provides the background workers, the periodic jobs and the runner that works them.
var jobsSet = wire.NewSet(NewWorkers, PeriodicJobs, NewJobRunner)

// appSet provides the App itself.
var appSet = wire.NewSet(NewApp)

// InitializeApp builds the App from its configuration: config → logger → store, SMS and
// rate limiter → accounts service → router → server, and the job workers. The cleanup closes
// what it opened.
func InitializeApp(ctx context.Context, cfg config.Config, out LogOutput, build BuildInfo) (*App, func(), error) {
	wire.Build(loggerSet, storeSet, providerSet, metricsSet, accountsSet, tradingSet, paymentsSet, kycSet, jobsSet, httpSet, appSet)
	return nil, nil, nil
}
