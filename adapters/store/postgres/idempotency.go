package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/ports"
)

var _ ports.IdempotencyRepository = idempotencyRepository{}

// idempotencyRepository keeps idempotency records in one transaction.
type idempotencyRepository struct{ tx *tx }

// Claim takes the key's transaction-scoped advisory lock without waiting, so that two
// transactions never run the same request at once: when another transaction holds it, Claim
// returns [core.ErrIdempotencyInProgress]. Holding the lock, it reads the record in a new
// statement, whose READ COMMITTED snapshot is taken after the lock was granted and therefore
// sees the record of any transaction that held the lock before and committed. A record that
// has not expired at now answers with its response when the fingerprint matches and with
// [core.ErrIdempotencyKeyReused] when it does not; otherwise the caller owns the key and
// Claim returns (nil, nil).
func (r idempotencyRepository) Claim(ctx context.Context, key idempotency.Key, fp idempotency.Fingerprint, now time.Time) (*idempotency.Response, error) {
	locked, err := r.tx.q().IdempotencyLockTry(ctx, r.tx, dbsqlc.IdempotencyLockTryParams{
		Scope: key.Scope(), Key: key.Value(),
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: lock idempotency key: %w", interpretError(err))
	}
	if !locked {
		return nil, core.ErrIdempotencyInProgress
	}
	row, err := r.tx.q().IdempotencyGet(ctx, r.tx, dbsqlc.IdempotencyGetParams{
		Scope: key.Scope(), Key: key.Value(),
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: get idempotency record: %w", interpretError(err))
	}
	if !now.Before(row.ExpiresAt) {
		return nil, nil
	}
	if !bytes.Equal(row.Fingerprint, fp[:]) {
		return nil, core.ErrIdempotencyKeyReused
	}
	return &idempotency.Response{Status: int(row.Status), Body: row.Body}, nil
}

// Complete stores the response of the request that claimed key, replacing a record that had
// expired at now. It returns a [*core.ConflictError] when an unexpired record holds the key,
// which only happens when the caller did not claim it.
func (r idempotencyRepository) Complete(ctx context.Context, key idempotency.Key, fp idempotency.Fingerprint, resp idempotency.Response, now, expiresAt time.Time) error {
	if resp.Status < 0 || resp.Status > math.MaxInt32 {
		return fmt.Errorf("%w: response status %d", core.ErrInvalidInput, resp.Status)
	}
	body := resp.Body
	if body == nil {
		body = []byte{}
	}
	n, err := r.tx.q().IdempotencyUpsert(ctx, r.tx, dbsqlc.IdempotencyUpsertParams{
		Scope:       key.Scope(),
		Key:         key.Value(),
		Fingerprint: fp[:],
		Status:      int32(resp.Status),
		Body:        body,
		CreatedAt:   now,
		ExpiresAt:   expiresAt,
	})
	if err != nil {
		return fmt.Errorf("postgres: complete idempotency record: %w", interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: complete idempotency record: %w",
			&core.ConflictError{Constraint: constraintIdempotencyPrimary})
	}
	return nil
}

// DeleteExpired removes the records that had expired at now and returns how many.
func (r idempotencyRepository) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	n, err := r.tx.q().IdempotencyDeleteExpired(ctx, r.tx, now)
	if err != nil {
		return 0, fmt.Errorf("postgres: delete expired idempotency records: %w", interpretError(err))
	}
	return n, nil
}
