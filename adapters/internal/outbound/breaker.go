package outbound

import (
	"errors"
	"log/slog"
	"time"

	"github.com/sony/gobreaker/v2"
)

// Defaults of [BreakerConfig].
const (
	// DefaultBreakerFailures is [BreakerConfig.ConsecutiveFailures]'s default.
	DefaultBreakerFailures = 5
	// DefaultBreakerOpenTimeout is [BreakerConfig.OpenTimeout]'s default.
	DefaultBreakerOpenTimeout = 30 * time.Second
)

// BreakerConfig configures an upstream's circuit breaker. Zero fields take the defaults.
type BreakerConfig struct {
	// ConsecutiveFailures is how many failures in a row open the breaker. Default
	// [DefaultBreakerFailures].
	ConsecutiveFailures uint32
	// OpenTimeout is how long the breaker stays open before it lets one trial call through.
	// Default [DefaultBreakerOpenTimeout]; must not be negative.
	OpenTimeout time.Duration
	// WatchFunc, when set, is called once by [NewBreaker] with the breaker's name and a
	// function that reads its state, so that the app can export every upstream's state
	// (e.g. as a gauge read at scrape time) without the adapter knowing of metrics. Reading
	// the state moves an open breaker whose OpenTimeout has passed to half-open, as a call
	// would.
	WatchFunc func(name string, state func() gobreaker.State)
}

// Validate reports what is wrong with c, or nil. Zero fields are valid: [NewBreaker] fills
// them with their defaults.
func (c BreakerConfig) Validate() error {
	if c.OpenTimeout < 0 {
		return errors.New("breaker open timeout must not be negative")
	}
	return nil
}

// withDefaults returns c with its zero fields filled in.
func (c BreakerConfig) withDefaults() BreakerConfig {
	if c.ConsecutiveFailures == 0 {
		c.ConsecutiveFailures = DefaultBreakerFailures
	}
	if c.OpenTimeout == 0 {
		c.OpenTimeout = DefaultBreakerOpenTimeout
	}
	return c
}

// NewBreaker returns the circuit breaker of one upstream, named name in its errors and logs.
// cfg.ConsecutiveFailures failures in a row open it; after cfg.OpenTimeout it lets one trial
// call through, which closes it again on success. isSuccessful tells which errors show that
// the upstream works (nil: only a nil error does), e.g. its refusal of a request's content.
// Errors marked with [CallerGone] count neither way: a caller who gave up says nothing about
// the upstream. Every state change is logged to logger at Warn level (nil: discarded), and
// cfg.WatchFunc, when set, is given the breaker's state.
func NewBreaker[T any](name string, cfg BreakerConfig, logger *slog.Logger, isSuccessful func(error) bool) *gobreaker.CircuitBreaker[T] {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cb := gobreaker.NewCircuitBreaker[T](gobreaker.Settings{
		Name:        name,
		MaxRequests: 1,
		Timeout:     cfg.OpenTimeout,
		ReadyToTrip: func(counts gobreaker.Counts) bool {
			return counts.ConsecutiveFailures >= cfg.ConsecutiveFailures
		},
		OnStateChange: func(name string, from, to gobreaker.State) {
			logger.Warn("breaker state changed", "provider", name, "from", from.String(), "to", to.String())
		},
		IsSuccessful: isSuccessful,
		IsExcluded:   IsCallerGone,
	})
	if cfg.WatchFunc != nil {
		cfg.WatchFunc(name, cb.State)
	}
	return cb
}

// CallerGone marks err as caused by the caller's own context ending, so that a breaker from
// [NewBreaker] ignores it. The mark is transparent: the result's text and chain are err's.
// CallerGone(nil) is nil.
func CallerGone(err error) error {
	if err == nil {
		return nil
	}
	return &callerGoneError{err: err}
}

// IsCallerGone reports whether err, or an error in its chain, was marked with [CallerGone].
func IsCallerGone(err error) bool {
	var gone *callerGoneError
	return errors.As(err, &gone)
}

// callerGoneError is the mark of [CallerGone].
type callerGoneError struct{ err error }

func (e *callerGoneError) Error() string { return e.err.Error() }
func (e *callerGoneError) Unwrap() error { return e.err }
