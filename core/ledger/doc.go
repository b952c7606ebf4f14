// Package ledger is Talabin's double-entry ledger model: assets, accounts, postings, journals
// and holds, and the pure rules that keep them honest. Every business event that moves money
// or gold is one [Journal] whose postings sum to zero per asset; journals are append-only and
// corrections are new journals. Storage lives behind ports.LedgerRepository; this package only
// decides what a valid movement is.
//
// Sign convention: a posting's amount is the change of the account's balance. Positive adds to
// the account, negative takes from it. Only external accounts (money and metal entering or
// leaving the platform, including each gateway's clearing account) may go negative.
package ledger
