package trading

import (
	"crypto/rand"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/talabin/talabin/ports"
)

// Service implements [ports.Prices], [ports.TradingControl], [ports.Trading] and
// [ports.Wallets] over a [ports.Store], a [ports.PriceFeed] and a [ports.Clock]. It is safe
// for concurrent use. Build it with [NewService], then call [Service.Reload] before serving.
type Service struct {
	cfg    Config
	store  ports.Store
	feed   ports.PriceFeed
	clock  ports.Clock
	logger *slog.Logger

	// snap is what this instance believes is active: the newest accepted price and the
	// trading state. Readers never lock; writers replace it whole.
	snap atomic.Pointer[snapshot]
}

var (
	_ ports.Prices         = (*Service)(nil)
	_ ports.TradingControl = (*Service)(nil)
	_ ports.Trading        = (*Service)(nil)
	_ ports.Wallets        = (*Service)(nil)
)

// NewService returns the service configured by cfg (zero fields take their defaults, see
// [Config]). Operational events (feed failures, jumps, staff actions) go to logger; nil
// discards. It fails when cfg is invalid or a dependency is nil. The service starts with no
// price: call [Service.Reload] to load the store's.
func NewService(cfg Config, store ports.Store, feed ports.PriceFeed, clock ports.Clock, logger *slog.Logger) (*Service, error) {
	if store == nil || feed == nil || clock == nil {
		return nil, errors.New("trading: store, price feed and clock are required")
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{cfg: cfg, store: store, feed: feed, clock: clock, logger: logger}
	s.snap.Store(&snapshot{})
	return s, nil
}

// now reads the clock.
func (s *Service) now() time.Time { return s.clock.Now() }
