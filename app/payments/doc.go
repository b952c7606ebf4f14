// Package payments implements [ports.Payments] and [ports.PaymentsStaff]: deposits through a
// payment gateway or by bank transfer, users' bank accounts and withdrawals to them.
//
// Exactly-once crediting rests on three locks in order: a deposit moves from pending to
// unknown before its gateway verify (so the user can no longer cancel it and a crash leaves it
// for the reconciler), the credit runs in one transaction that re-reads the deposit under a
// row lock and credits only a deposit not yet verified, and the store refuses a second
// deposit journal with the same reference. No gateway call ever runs inside a database
// transaction.
package payments
