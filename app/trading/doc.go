// Package trading holds the price and trading use cases of API.md §3.5, §3.8–§3.10 and the
// staff controls of §3.13 behind [ports.Prices], [ports.TradingControl], [ports.Trading] and
// [ports.Wallets]. The rules live in core/pricing, core/trading and core/ledger; [Service]
// drives them through the store, the price feed and the clock.
//
// Prices. The active price is held in memory (one atomic snapshot of the newest accepted
// price and the trading state), so the price endpoint never reads the store.
// [Service.Refresh] asks the feed for a price, checks it against the jump guard and stores
// it; the composition root calls it on a schedule (every [DefaultRefreshInterval], once per
// cluster). [Service.Reload] reads the newest price and the trading state from the store into
// memory; every instance calls it at start-up and on a short schedule, so prices accepted
// by another instance show within that interval.
//
// Guards. A price older than [Config.Guard]'s MaxAge is stale: it is still shown, flagged,
// but preview and place answer [core.ErrPriceUnavailable] (503 price_unavailable) until a
// fresh one arrives. A feed price that moves either side by more than the jump limit is not
// accepted: it waits in [ports.TradingState].PendingJump and halts trading (503
// trading_halted, the halt recorded as the system's, with a zero ChangedBy) until staff
// resume with the jump confirmed, set a price themselves, or the feed comes back within the
// limit of the active price (the glitch passed), which ends the system's halt. A halt staff
// ordered is only ended by staff.
//
// Quotes. A preview stores a firm quote for [Config.QuoteTTL]; an order naming it, or the
// same user's matching order without a quote_id (the implicit quote), trades at its price
// even when the active price has moved or turned stale since. [Service.PurgeQuotes] deletes
// long-expired quotes.
//
// Orders. [Service.Place] runs in one store transaction: the Idempotency-Key claim, the
// gates (phone verified, the optional KYC level, trading open), the quote (named, implicit
// or a fresh price), the order and its number, the ledger journal, the audit event and the
// stored response. A short balance keeps the order as failed and commits it with its 400
// answer; a house that cannot deliver (the treasury cap) rolls everything back with 503
// inventory_unavailable, as do all other 5xx outcomes, so a retry runs again.
package trading
