package httpapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/talabin/talabin/ports"
)

// Headers of a rate-limited response (API.md §1.7).
const (
	HeaderRateLimitLimit     = "RateLimit-Limit"
	HeaderRateLimitRemaining = "RateLimit-Remaining"
	HeaderRateLimitReset     = "RateLimit-Reset"
)

// KeyFunc names the counter a request is counted on under a rate limit, e.g. its client IP.
// An empty key means the limit does not apply to the request (a per-user limit on an
// anonymous request).
type KeyFunc func(r *http.Request) string

// unknownClientKey counts the requests whose client address is unknown (a Unix socket peer)
// together, so that they are still limited.
const unknownClientKey = "unknown"

// KeyByIP counts requests per client IP ([ClientIP]).
func KeyByIP(r *http.Request) string {
	if ip := ClientIP(r.Context()); ip != "" {
		return ip
	}
	return unknownClientKey
}

// KeyByUser counts requests per authenticated user ([PrincipalOf]); anonymous requests are
// not counted.
func KeyByUser(r *http.Request) string {
	if p, ok := PrincipalOf(r.Context()); ok {
		return p.UserID.String()
	}
	return ""
}

// RateLimit returns middleware that counts every request (whatever its outcome) under limit
// on the counter key names. An allowed request proceeds with RateLimit-Limit,
// RateLimit-Remaining and RateLimit-Reset (seconds, rounded up) set, unless an outer limit
// already announced fewer remaining attempts. A denied one answers 429 rate_limit_exceeded
// with Retry-After and details.retry_after, and the handler does not run. When the limiter
// is unavailable the request proceeds and a warning goes to logger (fail open: an outage of
// Redis must not take the API down); any other limiter error is a 500.
func RateLimit(limiter ports.RateLimiter, limit ports.Limit, key KeyFunc, logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			k := key(r)
			if k == "" {
				next.ServeHTTP(w, r)
				return nil
			}
			d, err := limiter.Allow(r.Context(), k, limit)
			switch {
			case errors.Is(err, ports.ErrLimiterUnavailable):
				logger.WarnContext(r.Context(), "rate limiter unavailable, request let through",
					"limit", limit.Name, "request_id", RequestID(r.Context()), "error", err)
				next.ServeHTTP(w, r)
				return nil
			case err != nil:
				return fmt.Errorf("rate limit %s: %w", limit.Name, err)
			}
			setRateLimitHeaders(w.Header(), d)
			if !d.Allowed {
				return &rateLimitDenial{limit: limit.Name, err: d.Err()}
			}
			next.ServeHTTP(w, r)
			return nil
		})
	}
}

// rateLimitDenial is a request refused by [RateLimit]: it matches [core.ErrRateLimited] and
// carries the [*core.RateLimitedError] of the decision, and tells the security log that this
// layer, not a service, refused the request.
type rateLimitDenial struct {
	limit string
	err   error
}

func (e *rateLimitDenial) Error() string { return "rate limit " + e.limit + ": " + e.err.Error() }

func (e *rateLimitDenial) Unwrap() error { return e.err }

// setRateLimitHeaders announces d, keeping an earlier announcement (an outer limit) that
// leaves fewer attempts, so the client sees the limit it will hit first.
func setRateLimitHeaders(h http.Header, d ports.Decision) {
	if prev := h.Get(HeaderRateLimitRemaining); prev != "" && d.Allowed {
		if n, err := strconv.Atoi(prev); err == nil && n <= d.Remaining {
			return
		}
	}
	h.Set(HeaderRateLimitLimit, strconv.Itoa(d.Limit))
	h.Set(HeaderRateLimitRemaining, strconv.Itoa(d.Remaining))
	h.Set(HeaderRateLimitReset, strconv.FormatInt(ceilSeconds(d.ResetAfter), 10))
}

// ceilSeconds returns d in whole seconds, rounded up.
func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}
