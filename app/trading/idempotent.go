package trading

import (
	"context"
	"errors"
	"time"

	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/ports"
)

// mutation is the body of a use case that honours an Idempotency-Key. It runs inside the
// transaction, after the key was claimed, at now. It returns the use case's result, or an
// error: a refusal made before any write of fn is marked with [refuse] (the 4xx answers a
// replay should repeat); keep says the transaction must commit although err is set (a
// failed order that is kept). Any other error rolls everything back.
type mutation[T any] func(ctx context.Context, tx ports.Tx, now time.Time) (result T, keep bool, err error)

// refusal marks a use case's refusal that came before any write, so that committing it with
// its stored response commits nothing else.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }

func (r *refusal) Unwrap() error { return r.err }

// refuse marks err as a refusal made before any write; nil stays nil.
func refuse(err error) error {
	if err == nil {
		return nil
	}
	return &refusal{err: err}
}

// unrefuse returns the error a refusal marks and whether err was one.
func unrefuse(err error) (error, bool) {
	var r *refusal
	if errors.As(err, &r) {
		return r.err, true
	}
	return err, false
}

// keyed reports whether call asks for deduplication.
func keyed(call ports.IdempotentCall) bool { return call.Key != (idempotency.Key{}) }

// runIdempotent runs fn in one transaction with call's claim and stored response (API.md
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
func runIdempotent[T any](ctx context.Context, s *Service, call ports.IdempotentCall, fn mutation[T]) (ports.Outcome[T], error) {
	var (
		out     ports.Outcome[T]
		verdict error
	)
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		out, verdict = ports.Outcome[T]{}, nil
		now := s.now()
		if keyed(call) {
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
		err, refused := unrefuse(err)
		if err != nil && !keep && !refused {
			return err
		}
		stored := false
		if keyed(call) && call.Respond != nil {
			if resp, ok := call.Respond(result, err); ok {
				if cerr := tx.Idempotency().Complete(ctx, call.Key, call.Fingerprint, resp, now,
					now.Add(s.cfg.IdempotencyRetention)); cerr != nil {
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
