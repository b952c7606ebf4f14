package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/adapters/pricefeed/fallback"
	"github.com/talabin/talabin/adapters/pricefeed/httpjson"
	"github.com/talabin/talabin/adapters/pricefeed/manual"
	"github.com/talabin/talabin/app/config"
	tradingsvc "github.com/talabin/talabin/app/trading"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// quotePurgeInterval is how often expired quotes are deleted.
const quotePurgeInterval = time.Hour

// PriceFeeds is the feed chain PRICE_FEEDS selects and the manual feed in it, which also
// takes the prices staff set (nil when the chain has none).
type PriceFeeds struct {
	Chain  ports.PriceFeed
	Manual *manual.Feed
}

// NewPriceFeeds builds the feeds PRICE_FEEDS lists, in order: manual (seeded with
// PRICE_SEED_BUY/PRICE_SEED_SELL) and httpjson (PRICE_FEED_*), chained by fallback when
// there are several. The httpjson feed's breaker is watched by breakers (nil: none).
func NewPriceFeeds(cfg config.Config, clock ports.Clock, logger *slog.Logger, breakers *BreakerStates) (PriceFeeds, error) {
	var (
		feeds []ports.PriceFeed
		out   PriceFeeds
	)
	for _, name := range cfg.PriceFeeds {
		switch name {
		case config.PriceFeedManual:
			f, err := manual.New(pricing.Price{
				Buy: core.RialsPerGram(cfg.PriceSeedBuy), Sell: core.RialsPerGram(cfg.PriceSeedSell),
				Source: "seed", At: clock.Now(),
			})
			if err != nil {
				return PriceFeeds{}, fmt.Errorf("manual price feed: %w", err)
			}
			out.Manual = f
			feeds = append(feeds, f)
		case config.PriceFeedHTTPJSON:
			f, err := httpjson.New(httpjson.Config{
				URL:               cfg.PriceFeedURL,
				HeaderName:        cfg.PriceFeedHeaderName,
				HeaderValue:       cfg.PriceFeedHeaderValue,
				BuyPath:           cfg.PriceFeedBuyPath,
				SellPath:          cfg.PriceFeedSellPath,
				MidPath:           cfg.PriceFeedMidPath,
				SpreadBasisPoints: cfg.PriceFeedSpread,
				Unit:              httpjson.Unit(cfg.PriceFeedUnit),
				TimestampPath:     cfg.PriceFeedTimestampPath,
				Logger:            logger,
				Clock:             clock,
				Breaker:           httpjson.BreakerConfig{WatchFunc: breakers.WatchFunc()},
			})
			if err != nil {
				return PriceFeeds{}, fmt.Errorf("httpjson price feed: %w", err)
			}
			feeds = append(feeds, f)
		default:
			return PriceFeeds{}, fmt.Errorf("unknown price feed %q", name)
		}
	}
	switch len(feeds) {
	case 0:
		return PriceFeeds{}, errors.New("no price feed configured")
	case 1:
		out.Chain = feeds[0]
	default:
		chain, err := fallback.New(feeds...)
		if err != nil {
			return PriceFeeds{}, err
		}
		out.Chain = chain
	}
	return out, nil
}

// TradingConfig returns the trading service's configuration: fee, order limits, quote TTL,
// KYC gate and price guards from cfg. Prices from an automatic feed go stale after
// PRICE_MAX_AGE; with only the manual feed, prices staff set never do. Orders are counted
// into metrics.
func TradingConfig(cfg config.Config, feeds PriceFeeds, notifier ports.Notifier, metrics *tradingsvc.Metrics) tradingsvc.Config {
	guard := pricing.Guard{MaxJumpBasisPoints: cfg.PriceMaxJump}
	for _, f := range cfg.PriceFeeds {
		if f != config.PriceFeedManual {
			guard.MaxAge = cfg.PriceMaxAge
		}
	}
	tc := tradingsvc.Config{
		Guard:       guard,
		FeeRate:     cfg.TransactionFee,
		Limits:      trading.OrderLimits{Min: cfg.MinPurchaseAmount, Max: cfg.MaxPurchaseAmount},
		QuoteTTL:    cfg.QuoteTTL,
		RequireKYC:  cfg.RequireKYC(),
		TradeLimits: cfg.TradeLimits(),
		Metrics:     metrics,
	}
	if feeds.Manual != nil {
		tc.Manual = feeds.Manual
	}
	tc.Notifier = notifier
	return tc
}

// NewTradingService returns the prices and trading service, its memory copy of the price
// loaded and a first price fetched (so a seeded manual price is stored at once, on a platform
// that has none yet). A failed
// first fetch is logged, not fatal: trading answers 503 price_unavailable until a fetch
// works.
func NewTradingService(ctx context.Context, tc tradingsvc.Config, store ports.Store, feeds PriceFeeds, clock ports.Clock,
	logger *slog.Logger, _ DevTreasury,
) (*tradingsvc.Service, error) {
	svc, err := tradingsvc.NewService(tc, store, feeds.Chain, clock, logger)
	if err != nil {
		return nil, err
	}
	if err := svc.Reload(ctx); err != nil {
		return nil, fmt.Errorf("load price: %w", err)
	}
	// The manual feed offers the price accepted last, once there is one: the seed, observed
	// now, would look newer than a staff price set before this start and replace it.
	if current, err := svc.Current(ctx); err == nil && feeds.Manual != nil {
		if err := feeds.Manual.Set(current.Price); err != nil {
			return nil, fmt.Errorf("manual price feed: %w", err)
		}
	}
	if err := svc.Refresh(ctx); err != nil {
		logger.Warn("first price fetch failed; trading waits for the feed", "error", err)
	}
	return svc, nil
}

// TradingRouteOptions are the router options of the trading endpoints.
type TradingRouteOptions []httpapi.RouterOption

// TradingRoutes returns the router option that serves prices, trading, wallet and the
// staff's trading controls, rate-limited by [HTTPTradingLimits].
func TradingRoutes(cfg config.Config, svc *tradingsvc.Service) TradingRouteOptions {
	return TradingRouteOptions{httpapi.WithTrading(httpapi.TradingConfig{
		Prices: svc, Control: svc, Trading: svc, Wallets: svc,
		Limits:              HTTPTradingLimits(cfg),
		IdempotencyRequired: cfg.IdempotencyRequired,
	})}
}

// priceRefreshArgs is the periodic job that asks the feed chain for a price.
type priceRefreshArgs struct{}

func (priceRefreshArgs) Kind() string { return "price_refresh" }

// priceRefreshWorker runs [tradingsvc.Service.Refresh]; River's leader schedules it, so one
// instance of a cluster fetches per interval.
type priceRefreshWorker struct {
	river.WorkerDefaults[priceRefreshArgs]
	svc *tradingsvc.Service
}

func (w *priceRefreshWorker) Work(ctx context.Context, _ *river.Job[priceRefreshArgs]) error {
	return w.svc.Refresh(ctx)
}

// Timeout bounds one refresh well below the interval.
func (w *priceRefreshWorker) Timeout(*river.Job[priceRefreshArgs]) time.Duration {
	return 20 * time.Second
}

// quotePurgeArgs is the periodic job that deletes expired quotes.
type quotePurgeArgs struct{}

func (quotePurgeArgs) Kind() string { return "quote_purge" }

type quotePurgeWorker struct {
	river.WorkerDefaults[quotePurgeArgs]
	svc *tradingsvc.Service
}

func (w *quotePurgeWorker) Work(ctx context.Context, _ *river.Job[quotePurgeArgs]) error {
	_, err := w.svc.PurgeQuotes(ctx, 0)
	return err
}

// PeriodicJobs returns the jobs River's leader schedules: the price refresh every
// PRICE_REFRESH_INTERVAL, the hourly quote purge and the payment reconciler every
// PAYMENT_RECONCILE_INTERVAL. A refresh that fails is not retried (the next tick comes soon
// enough).
func PeriodicJobs(cfg config.Config) []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(cfg.PriceRefreshInterval),
			func() (river.JobArgs, *river.InsertOpts) {
				return priceRefreshArgs{}, &river.InsertOpts{MaxAttempts: 1}
			}, &river.PeriodicJobOpts{ID: "price_refresh"}),
		river.NewPeriodicJob(river.PeriodicInterval(quotePurgeInterval),
			func() (river.JobArgs, *river.InsertOpts) { return quotePurgeArgs{}, nil },
			&river.PeriodicJobOpts{ID: "quote_purge", RunOnStart: true}),
		paymentReconcileJob(cfg),
		kycInquiryRetryJob(),
	}
}

// PriceReload keeps this instance's memory copy of the price current: it reloads the newest
// stored price and trading state, which another instance's refresh or a staff action may have
// changed, when the notifier announces a change (with Redis: at once) and in any case every
// [tradingsvc.DefaultReloadInterval], which bounds the lag when a notice is lost or there is
// no notifier.
func PriceReload(svc *tradingsvc.Service, notifier ports.Notifier, logger *slog.Logger) Background {
	return ReloadLoop(svc, notifier, tradingsvc.PriceTopic, tradingsvc.DefaultReloadInterval, logger)
}

// Reloader reloads an in-memory copy of shared state.
type Reloader interface {
	Reload(ctx context.Context) error
}

// ReloadLoop returns a loop that calls r.Reload on every notice of topic and every interval.
func ReloadLoop(r Reloader, notifier ports.Notifier, topic string, interval time.Duration, logger *slog.Logger) Background {
	return func(ctx context.Context) {
		var notices <-chan struct{}
		if notifier != nil {
			ch, err := notifier.Subscribe(ctx, topic)
			if err != nil {
				logger.Warn("change notices unavailable; reloading on the interval only", "topic", topic, "error", err)
			}
			notices = ch
		}
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-notices:
				if !ok {
					notices = nil // the subscription ended; the ticker carries on
					continue
				}
			case <-t.C:
			}
			if err := r.Reload(ctx); err != nil && ctx.Err() == nil {
				logger.Warn("reload failed", "topic", topic, "error", err)
			}
		}
	}
}

// Backgrounds lists the loops every instance runs beside its HTTP server.
func Backgrounds(priceReload Background) []Background { return []Background{priceReload} }
