package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/ports"
)

type idempotencyRepository struct{ t *tx }

var _ ports.IdempotencyRepository = idempotencyRepository{}

// Claim reads the key's record. Write transactions begin IMMEDIATE and there is one writer,
// so no other transaction can be running the same key at the same time: a claim is never
// [core.ErrIdempotencyInProgress] here, and a concurrent request with the key waits for the
// first to commit, then replays its response.
func (r idempotencyRepository) Claim(ctx context.Context, key idempotency.Key, fp idempotency.Fingerprint, now time.Time) (*idempotency.Response, error) {
	row, err := r.t.q.IdempotencyRecordGet(ctx, r.t.db, dbsqlc.IdempotencyRecordGetParams{
		Scope: key.Scope(),
		Key:   key.Value(),
	})
	if err != nil {
		if err = interpretError(err); errors.Is(err, core.ErrNotFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("claim idempotency key: %w", err)
	}
	if row.ExpiresAt <= now.UnixMicro() {
		return nil, nil // expired: the caller runs the request and Complete overwrites it
	}
	if !bytes.Equal(row.Fingerprint, fp[:]) {
		return nil, core.ErrIdempotencyKeyReused
	}
	return &idempotency.Response{Status: int(row.Status), Body: row.Body}, nil
}

// Complete stores the response. It returns a [core.ConflictError] when a live record of the
// key exists, which means the caller skipped Claim or ignored its answer.
func (r idempotencyRepository) Complete(ctx context.Context, key idempotency.Key, fp idempotency.Fingerprint, resp idempotency.Response, now, expiresAt time.Time) error {
	body := resp.Body
	if body == nil {
		body = []byte{} // the column is NOT NULL; an empty body is stored as empty
	}
	n, err := r.t.q.IdempotencyRecordUpsert(ctx, r.t.db, dbsqlc.IdempotencyRecordUpsertParams{
		Scope:       key.Scope(),
		Key:         key.Value(),
		Fingerprint: fp[:],
		Status:      int64(resp.Status),
		Body:        body,
		CreatedAt:   now.UnixMicro(),
		ExpiresAt:   expiresAt.UnixMicro(),
	})
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("complete idempotency key: %w",
			&core.ConflictError{Constraint: "idempotency_records.scope, idempotency_records.key"})
	}
	return nil
}

func (r idempotencyRepository) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	n, err := r.t.q.IdempotencyRecordDeleteExpired(ctx, r.t.db, now.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("delete expired idempotency records: %w", interpretError(err))
	}
	return n, nil
}
