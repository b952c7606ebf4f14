// Package idempotent runs the money-moving use cases of the app services in one
// transaction with their Idempotency-Key claim and stored response (API.md §1.6), so that
// effects and the response a replay returns commit together or not at all.
package idempotent

import (
	"context"
	"errors"
	"time"

	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/ports"
)

// Mutation is the body of a use case that honours an Idempotency-Key. It runs inside the
// transaction, after the key was claimed, at now. It returns the use case's result, or an
// error: a refusal made before any write of fn is marked with [Refuse] (the 4xx answers a
// replay should repeat); keep says the transaction must commit although err is set (a
// failed order that is kept). Any other error rolls everything back.
type Mutation[T any] func(ctx context.Context, tx ports.Tx, now time.Time) (result T, keep bool, err error)

// refusal marks a use case's refusal that came before any write, so that committing it with
// its stored response commits nothing else.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }

func (r *refusal) Unwrap() error { return r.err }

// Refuse marks err as a refusal made before any write; nil stays nil.
func Refuse(err error) error {
	if err == nil {
		return nil
	}
	return &refusal{err: err}
}

// Unrefuse returns the error a refusal marks and whether err was one.
func Unrefuse(err error) (error, bool) {
	var r *refusal
	if errors.As(err, &r) {
		return r.err, true
	}
	return err, false
}

// Keyed reports whether call asks for deduplication.
func Keyed(call ports.IdempotentCall) bool { return call.Key != (idempotency.Key{}) }

// Runner is where [Run] runs: the store, the clock and how long responses are kept.
type Runner struct {
	Store     ports.Store
	Now       func() time.Time
	Retention time.Duration
}

// Run runs fn in one transaction with call's claim and stored response (API.md
// §1.6):
//   - a completed earlier request with the same key and fingerprint is replayed: fn does
//     not run and the outcome carries the stored response;
//   - fn's success commits, with the response call.Respond renders for it;
//   - fn's refusal commits with the response Respond renders for it when Respond stores it
//     (the 4xx answers but 401, 403 and 429); a kept failure commits with its response;
//     anything else rolls back, claim included, so that a retry runs again.
//
// A call without a key runs fn without deduplication. The refusal or failure is returned
// after the commit; store errors and the claim's own refusals
// ([core.ErrIdempotencyKeyReused], [core.ErrIdempotencyInProgress]) are returned as they are.
func Run[T any](ctx context.Context, r Runner, call ports.IdempotentCall, fn Mutation[T]) (ports.Outcome[T], error) {
	var (
		out     ports.Outcome[T]
		verdict error
	)
	err := r.Store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		out, verdict = ports.Outcome[T]{}, nil
		now := r.Now()
		if Keyed(call) {
			stored, err := tx.Idempotency().Claim(ctx, call.Key, call.Fingerprint, now)
			if err != nil {
				return err
			}
			if stored != nil {
				out.Replayed = stored
				return nil
			}
		}
		result, keep, err := fn(ctx, tx, now)
		err, refused := Unrefuse(err)
		if err != nil && !keep && !refused {
			return err
		}
		stored := false
		if Keyed(call) && call.Respond != nil {
			if resp, ok := call.Respond(result, err); ok {
				if cerr := tx.Idempotency().Complete(ctx, call.Key, call.Fingerprint, resp, now,
					now.Add(r.Retention)); cerr != nil {
					return cerr
				}
				stored = true
			}
		}
		switch {
		case err == nil:
			out.Result = result
			return nil
		case keep || stored:
			verdict = err
			return nil
		default:
			return err // a refusal nobody stores: nothing to keep
		}
	})
	if err != nil {
		return ports.Outcome[T]{}, err
	}
	return out, verdict
}
