package trading

import (
	"context"
	"time"

	"github.com/talabin/talabin/app/idempotent"
	"github.com/talabin/talabin/ports"
)

// refuse marks err as a refusal made before any write ([idempotent.Refuse]).
func refuse(err error) error { return idempotent.Refuse(err) }

// runIdempotent runs fn in one transaction with call's claim and stored response; see
// [idempotent.Run].
func runIdempotent[T any](ctx context.Context, s *Service, call ports.IdempotentCall, fn func(ctx context.Context, tx ports.Tx, now time.Time) (T, bool, error)) (ports.Outcome[T], error) {
	return idempotent.Run(ctx, idempotent.Runner{Store: s.store, Now: s.now, Retention: s.cfg.IdempotencyRetention}, call, fn)
}
