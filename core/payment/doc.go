// Package payment holds the rules of money entering and leaving the platform: deposits
// (online through a payment gateway, or by bank transfer with a receipt), users' bank accounts
// (Sheba and card) and withdrawals paid to them, with the amount limits and fees of each.
//
// Every entity here is a state machine: its methods refuse a transition its state does not
// allow with a [*core.InvalidStateError], and the service that drives it saves the new state
// in the same database transaction as the ledger journal the transition returns, so a state
// and its money move commit together or not at all.
package payment
