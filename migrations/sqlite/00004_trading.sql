-- Trading: the gold price history, the trading switch, firm quotes, orders and the audit log.
-- It mirrors migrations/postgres/00006_trading.sql with the conventions of 00001_initial.sql:
-- timestamps are INTEGER Unix microseconds in UTC, NULL where the domain has a zero time ("not
-- happened"); booleans are INTEGER 0/1; ids that leave the database are AUTOINCREMENT; every
-- table is STRICT.

-- +goose Up

-- A user's accounts, for the wallet history (LedgerRepository.Entries); PostgreSQL has had
-- this index since 00002_ledger.sql.
CREATE INDEX ledger_accounts_user_id_idx ON ledger_accounts (user_id) WHERE user_id IS NOT NULL;

-- Every accepted price, newest by observed_at.
CREATE TABLE gold_prices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    buy         INTEGER NOT NULL,
    sell        INTEGER NOT NULL,
    source      TEXT    NOT NULL CHECK (source <> ''),
    observed_at INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    CHECK (buy > 0 AND sell >= buy)
) STRICT;

CREATE INDEX gold_prices_observed_at_idx ON gold_prices (observed_at);

-- The one trading state of the platform (id 1, created here). Write transactions hold the
-- write lock from BEGIN IMMEDIATE, so reading it is locking it. changed_by records who acted
-- and has no foreign key, like audit_events.actor_id.
CREATE TABLE trading_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    halted         INTEGER NOT NULL DEFAULT 0 CHECK (halted IN (0, 1)),
    reason         TEXT    NOT NULL DEFAULT '',
    changed_by     INTEGER,
    changed_at     INTEGER,
    pending_buy    INTEGER,
    pending_sell   INTEGER,
    pending_source TEXT,
    pending_at     INTEGER,
    CHECK (
        (pending_buy IS NULL AND pending_sell IS NULL AND pending_source IS NULL AND pending_at IS NULL)
        OR (pending_buy > 0 AND pending_sell >= pending_buy AND pending_source <> '' AND pending_at IS NOT NULL)
    )
) STRICT;

INSERT INTO trading_state (id) VALUES (1);

-- Firm quotes; used once, with a conditional update (used_at IS NULL).
CREATE TABLE quotes (
    id         TEXT    NOT NULL PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    side       TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
    amount_irr INTEGER NOT NULL CHECK (amount_irr > 0),
    gold       INTEGER NOT NULL CHECK (gold > 0),
    price      INTEGER NOT NULL CHECK (price > 0),
    fee        INTEGER NOT NULL CHECK (fee >= 0),
    total      INTEGER NOT NULL CHECK (total > 0),
    by_gold    INTEGER NOT NULL CHECK (by_gold IN (0, 1)),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    CHECK (side = 'sell' OR by_gold = 0)
) STRICT;

CREATE INDEX quotes_user_id_side_created_at_idx ON quotes (user_id, side, created_at DESC);
CREATE INDEX quotes_expires_at_idx ON quotes (expires_at);

-- Orders. quote_id has no foreign key: quotes are deleted once expired, orders are kept.
CREATE TABLE orders (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    number         TEXT    NOT NULL UNIQUE,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    side           TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
    status         TEXT    NOT NULL
        CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    amount_irr     INTEGER NOT NULL CHECK (amount_irr > 0),
    gold           INTEGER NOT NULL CHECK (gold > 0),
    price          INTEGER NOT NULL CHECK (price > 0),
    fee            INTEGER NOT NULL CHECK (fee >= 0),
    total          INTEGER NOT NULL CHECK (total > 0),
    quote_id       TEXT,
    failure_reason TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    executed_at    INTEGER,
    cancelled_at   INTEGER,
    CHECK (executed_at IS NULL OR status = 'completed'),
    CHECK (cancelled_at IS NULL OR status = 'cancelled')
) STRICT;

CREATE INDEX orders_user_id_created_at_id_idx ON orders (user_id, created_at DESC, id DESC);

-- The audit log, append-only like the ledger. actor_id has no foreign key: the record of an
-- action outlives whatever becomes of its actor's row.
CREATE TABLE audit_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    actor_id      INTEGER,
    actor_role    TEXT    NOT NULL DEFAULT '',
    action        TEXT    NOT NULL CHECK (action <> ''),
    entity        TEXT    NOT NULL DEFAULT '',
    entity_id     TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',
    ip            TEXT    NOT NULL DEFAULT '',
    user_agent    TEXT    NOT NULL DEFAULT '',
    request_id    TEXT    NOT NULL DEFAULT '',
    before_digest TEXT    NOT NULL DEFAULT '' CHECK (length(before_digest) IN (0, 64)),
    after_digest  TEXT    NOT NULL DEFAULT '' CHECK (length(after_digest) IN (0, 64))
) STRICT;

CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id);
CREATE INDEX audit_events_actor_id_idx ON audit_events (actor_id) WHERE actor_id IS NOT NULL;

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_events;
DROP TABLE orders;
DROP TABLE quotes;
DROP TABLE trading_state;
DROP TABLE gold_prices;
DROP INDEX ledger_accounts_user_id_idx;
