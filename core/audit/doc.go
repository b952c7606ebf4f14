// Package audit makes the audit log tamper-evident (API.md §3.13 audit-log): every entry is
// chained to the one before it by a SHA-256 hash over both, so that changing, inserting or
// deleting a stored entry breaks the chain at that entry or the next one, and
// [Verifier] finds the first break.
//
// A chain shows that entries were changed behind the store's back only when the attacker
// cannot also recompute every hash after the change: an operator who keeps the head of the
// chain ([Verifier.Head]) somewhere else can tell a rewritten log from the one they saw.
package audit
