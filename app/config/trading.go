package config

import (
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/trading"
)

// validateTrading checks the price feed and trading settings.
func (c Config) validateTrading(environ map[string]string, bad func(name, rule string) error) error {
	if len(c.PriceFeeds) == 0 {
		return bad("PRICE_FEEDS", rulePriceFeeds)
	}
	listed := map[string]bool{}
	for _, f := range c.PriceFeeds {
		if (f != PriceFeedManual && f != PriceFeedHTTPJSON) || listed[f] {
			return bad("PRICE_FEEDS", rulePriceFeeds)
		}
		listed[f] = true
	}
	if c.PriceSeedBuy <= 0 {
		return bad("PRICE_SEED_BUY", rulePriceSeed)
	}
	if c.PriceSeedSell < c.PriceSeedBuy {
		return bad("PRICE_SEED_SELL", rulePriceSeed)
	}
	if listed[PriceFeedHTTPJSON] {
		if !isHTTPURL(c.PriceFeedURL) {
			return bad("PRICE_FEED_URL", ruleFeedURL)
		}
		if c.PriceFeedMidPath == "" && (c.PriceFeedBuyPath == "" || c.PriceFeedSellPath == "") {
			return bad("PRICE_FEED_BUY_PATH", rulePriceFeedPaths)
		}
	}
	if c.PriceFeedUnit != "rial" && c.PriceFeedUnit != "toman" {
		return bad("PRICE_FEED_UNIT", rulePriceFeedUnit)
	}
	if c.PriceRefreshInterval <= 0 {
		return bad("PRICE_REFRESH_INTERVAL", ruleDuration)
	}
	if c.PriceMaxAge <= 0 {
		return bad("PRICE_MAX_AGE", ruleDuration)
	}
	if c.PriceMaxJump <= 0 {
		return bad("PRICE_MAX_JUMP_PERCENT", ruleJump)
	}
	if c.QuoteTTL <= 0 || c.QuoteTTL > trading.MaxQuoteTTL {
		return bad("QUOTE_TTL", ruleQuoteTTL)
	}
	grams, err := core.ParseGrams(c.DevTreasuryGrams)
	if c.DevTreasuryGrams == "0" {
		grams, err = 0, nil
	}
	if err != nil {
		return bad("DEV_TREASURY_GRAMS", ruleDevTreasury)
	}
	if _, set := environ["DEV_TREASURY_GRAMS"]; !c.Debug && set && grams != 0 {
		return bad("DEV_TREASURY_GRAMS", ruleDevTreasuryProd)
	}
	return nil
}

// DevTreasury returns DEV_TREASURY_GRAMS in micrograms: the gold seeded into an empty
// treasury at start-up, only in DEBUG mode (zero otherwise).
func (c Config) DevTreasury() (core.Microgram, error) {
	if c.DevTreasuryGrams == "" || c.DevTreasuryGrams == "0" {
		return 0, nil
	}
	g, err := core.ParseGrams(c.DevTreasuryGrams)
	if err != nil {
		return 0, err
	}
	if !c.Debug {
		return 0, nil
	}
	return g, nil
}
