package kyc

import "github.com/talabin/talabin/core/payment"

// TradeLimits are the per-level caps on the rials one user trades in one direction (buying
// or selling gold, by the order's amount before fees) over a rolling day and 30 days,
// indexed by level 0..[MaxLevel] and checked with [payment.CheckCaps].
type TradeLimits struct {
	Buy, Sell [MaxLevel + 1]payment.Caps
}

// DefaultTradeLimits grow with verification: level 0 may try the platform, level 2 trades
// freely.
func DefaultTradeLimits() TradeLimits {
	caps := [MaxLevel + 1]payment.Caps{
		{Daily: 500_000_000, Monthly: 2_000_000_000},
		{Daily: 5_000_000_000, Monthly: 50_000_000_000},
		{Daily: 50_000_000_000, Monthly: 500_000_000_000},
	}
	return TradeLimits{Buy: caps, Sell: caps}
}
