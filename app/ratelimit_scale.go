package app

import (
	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/ports"
)

// HTTPAuthLimits returns the identity layer's rate limits: API.md's defaults, multiplied by
// RATE_LIMIT_SCALE (which is 1 in production).
func HTTPAuthLimits(cfg config.Config) httpapi.AuthLimits {
	l := httpapi.DefaultAuthLimits()
	k := cfg.RateLimitScale
	for _, p := range []*ports.Limit{
		&l.Register, &l.Login, &l.SendOTP, &l.Refresh, &l.Logout, &l.PasswordReset, &l.ProfileUpdate,
		&l.GlobalIP, &l.GlobalUser,
	} {
		*p = ScaleLimit(*p, k)
	}
	return l
}

// HTTPTradingLimits returns the trading endpoints' rate limits: API.md's defaults,
// multiplied by RATE_LIMIT_SCALE (which is 1 in production).
func HTTPTradingLimits(cfg config.Config) httpapi.TradingLimits {
	l := httpapi.DefaultTradingLimits()
	l.Preview = ScaleLimit(l.Preview, cfg.RateLimitScale)
	l.Place = ScaleLimit(l.Place, cfg.RateLimitScale)
	return l
}

// ScaleLimit returns l allowing k times as many attempts per period and k times the burst,
// capped where [ports.Limit.Validate] would refuse it ([ports.MaxLimitRate], and an interval
// of at least [ports.MinLimitInterval]). A k below 2 returns l unchanged.
func ScaleLimit(l ports.Limit, k int) ports.Limit {
	if k < 2 {
		return l
	}
	most := int64(ports.MaxLimitRate)
	if byInterval := int64(l.Period / ports.MinLimitInterval); byInterval < most {
		most = byInterval
	}
	scale := func(n int) int {
		if n <= 0 {
			return n
		}
		if v := int64(n) * int64(k); v < most {
			return int(v)
		}
		return int(max(most, int64(n)))
	}
	l.Rate, l.Burst = scale(l.Rate), scale(l.Burst)
	return l
}
