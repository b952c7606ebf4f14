package config

// MaxRateLimitScale is the largest RATE_LIMIT_SCALE: enough to lift the 600/min per-IP
// backstop beyond what one machine can send.
const MaxRateLimitScale = 100_000

// The rules of RATE_LIMIT_SCALE.
const (
	ruleRateLimitScale     = "must be a whole number from 1 to 100000"
	ruleRateLimitScaleProd = "must be 1 when DEBUG is false: it lifts the rate limits, for load tests only"
)

// validateRateLimitScale checks RATE_LIMIT_SCALE: within bounds, and 1 in production so that
// no deployment runs with its abuse limits lifted.
func (c Config) validateRateLimitScale(bad func(name, rule string) error) error {
	if c.RateLimitScale < 1 || c.RateLimitScale > MaxRateLimitScale {
		return bad("RATE_LIMIT_SCALE", ruleRateLimitScale)
	}
	if !c.Debug && c.RateLimitScale != 1 {
		return bad("RATE_LIMIT_SCALE", ruleRateLimitScaleProd)
	}
	return nil
}
