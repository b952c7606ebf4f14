-- Responses of idempotent requests, replayed to retries with the same key and fingerprint.

-- +goose Up
CREATE TABLE idempotency_records (
    scope       text        NOT NULL,
    key         text        NOT NULL,
    fingerprint bytea       NOT NULL CHECK (length(fingerprint) = 32),
    status      integer     NOT NULL,
    body        bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE INDEX idempotency_records_expires_at_idx ON idempotency_records (expires_at);

-- +goose Down
DROP TABLE idempotency_records;
