// Package audit makes the audit log tamper-evident (API.md §3.13 audit-log): the log is
// split into a few hash chains ([ChainFor]) and every entry is chained to the entry before
// it in its chain by a SHA-256 hash over both, so that changing, inserting or deleting a
// stored entry breaks its chain at that entry or the chain's next one, and [Verifier] finds
// the first break. Several chains let appenders of different chains commit without waiting
// for each other; one chain would serialize every audited transaction.
//
// A chain shows that entries were changed behind the store's back only when the attacker
// cannot also recompute every hash after the change: an operator who keeps the heads of the
// chains ([Verifier.Heads]) somewhere else can tell a rewritten log from the one they saw.
package audit
