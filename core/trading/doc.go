// Package trading holds the rules of buying and selling gold against the house (API.md §3.9):
// the order amount limits ([OrderLimits]), the exact arithmetic that turns a request and a
// price into [Terms], single-use quotes that hold a previewed price ([Quote]), orders and
// their life cycle ([Order]), and the ledger journal an executed order posts.
//
// Like the rest of core it is pure: it never reads the clock or a random source of its own.
// Callers pass the time and a CSPRNG reader in, and stores persist what the entities' methods
// changed, through the Record and Rehydrate pairs.
package trading
