-- The embedded store's schema: users, the double-entry ledger and idempotency records. It
-- mirrors migrations/postgres with SQLite types:
--   - ids are INTEGER PRIMARY KEY (rowid aliases); ids that leave the database (users,
--     journals, holds) are AUTOINCREMENT so a rolled-back or deleted id is never handed out
--     twice;
--   - timestamps are INTEGER Unix microseconds in UTC, the precision of PostgreSQL's
--     timestamptz, so both stores round-trip the same instants and compare them as integers;
--   - booleans are INTEGER 0/1; fingerprints and response bodies are BLOB;
--   - every table is STRICT, so a value of the wrong type (for example an integer sum that
--     overflowed into a REAL) is rejected instead of silently stored.

-- +goose Up
CREATE TABLE users (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    phone      TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE ledger_accounts (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL
        CHECK (kind IN ('user', 'house', 'fees', 'payable', 'clearing', 'external')),
    user_id         INTEGER REFERENCES users (id),
    asset           TEXT    NOT NULL CHECK (asset IN ('IRR', 'GOLD')),
    may_go_negative INTEGER NOT NULL CHECK (may_go_negative IN (0, 1)),
    CHECK ((kind = 'user') = (user_id IS NOT NULL)),
    CHECK (may_go_negative = (kind IN ('clearing', 'external')))
) STRICT;

-- One row per user account: the only balances checked under the write lock.
CREATE TABLE ledger_user_balances (
    account_id INTEGER PRIMARY KEY REFERENCES ledger_accounts (id),
    available  INTEGER NOT NULL DEFAULT 0 CHECK (available >= 0),
    held       INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0)
) STRICT;

-- System account balances, spread over shards on PostgreSQL. SQLite has one writer at a time,
-- so every system account here has exactly one shard, shard 0.
CREATE TABLE ledger_system_balances (
    account_id      INTEGER NOT NULL REFERENCES ledger_accounts (id),
    shard           INTEGER NOT NULL CHECK (shard >= 0),
    balance         INTEGER NOT NULL DEFAULT 0,
    may_go_negative INTEGER NOT NULL CHECK (may_go_negative IN (0, 1)),
    PRIMARY KEY (account_id, shard),
    CHECK (may_go_negative = 1 OR balance >= 0)
) STRICT;

CREATE TABLE ledger_journals (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    type       TEXT    NOT NULL,
    reference  TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE ledger_postings (
    id         INTEGER PRIMARY KEY,
    journal_id INTEGER NOT NULL REFERENCES ledger_journals (id),
    account_id INTEGER NOT NULL REFERENCES ledger_accounts (id),
    bucket     INTEGER NOT NULL CHECK (bucket IN (0, 1)),
    amount     INTEGER NOT NULL CHECK (amount <> 0)
) STRICT;

CREATE INDEX ledger_postings_account_id_idx ON ledger_postings (account_id);
CREATE INDEX ledger_postings_journal_id_idx ON ledger_postings (journal_id);

-- Journals and postings are append-only: corrections are new journals.
-- +goose StatementBegin
CREATE TRIGGER ledger_journals_no_update BEFORE UPDATE ON ledger_journals
BEGIN
    SELECT RAISE(ABORT, 'ledger_journals is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_journals_no_delete BEFORE DELETE ON ledger_journals
BEGIN
    SELECT RAISE(ABORT, 'ledger_journals is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
BEGIN
    SELECT RAISE(ABORT, 'ledger_postings is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
BEGIN
    SELECT RAISE(ABORT, 'ledger_postings is append-only');
END;
-- +goose StatementEnd

CREATE TABLE ledger_holds (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES ledger_accounts (id),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    state      TEXT    NOT NULL CHECK (state IN ('placed', 'released', 'settled')),
    reference  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE idempotency_records (
    scope       TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint BLOB    NOT NULL CHECK (length(fingerprint) = 32),
    status      INTEGER NOT NULL,
    body        BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;

CREATE INDEX idempotency_records_expires_at_idx ON idempotency_records (expires_at);

-- The system accounts of ledger.SystemAccounts(), each with its one shard.
INSERT INTO ledger_accounts (code, kind, user_id, asset, may_go_negative) VALUES
    ('house:IRR', 'house', NULL, 'IRR', 0),
    ('house:GOLD', 'house', NULL, 'GOLD', 0),
    ('fees:IRR', 'fees', NULL, 'IRR', 0),
    ('payable:IRR', 'payable', NULL, 'IRR', 0),
    ('external:IRR', 'external', NULL, 'IRR', 1),
    ('external:GOLD', 'external', NULL, 'GOLD', 1);

INSERT INTO ledger_system_balances (account_id, shard, balance, may_go_negative)
SELECT id, 0, 0, may_go_negative FROM ledger_accounts WHERE kind <> 'user';

-- +goose Down
DROP TABLE idempotency_records;
DROP TABLE ledger_holds;
DROP TABLE ledger_postings;
DROP TABLE ledger_journals;
DROP TABLE ledger_system_balances;
DROP TABLE ledger_user_balances;
DROP TABLE ledger_accounts;
DROP TABLE users;
