-- Identity: the rest of a user's fields, one-time codes (only their MACs) and sign-in
-- sessions (only the hashes of their refresh tokens). It mirrors migrations/postgres with the
-- conventions of 00001_initial.sql: timestamps are INTEGER Unix microseconds in UTC, NULL
-- where the domain has a zero time ("not happened"); hashes and MACs are BLOB; every new
-- table is STRICT.
--
-- SQLite's ALTER TABLE cannot add a NOT NULL column without a constant default, nor change a
-- column afterwards, and rebuilding users would mean switching off foreign keys (ledger
-- accounts reference it) outside a transaction. So updated_at is added with DEFAULT 0 and
-- backfilled with created_at; the store always writes it.

-- +goose Up
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN first_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN last_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user'
    CHECK (role IN ('user', 'operator', 'admin'));
ALTER TABLE users ADD COLUMN phone_verified_at INTEGER;
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;
ALTER TABLE users ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET updated_at = created_at;

-- One-time codes. Ids stay inside the store, but they are AUTOINCREMENT anyway: a code read
-- before DeleteExpired emptied the table must never match a newer code's row on Save.
CREATE TABLE otp_codes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    phone        TEXT    NOT NULL,
    purpose      TEXT    NOT NULL,
    key_id       TEXT    NOT NULL,
    mac          BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
    consumed_at  INTEGER,
    voided_at    INTEGER
) STRICT;

-- At most one usable code per phone and purpose, as on PostgreSQL. The one writer and Create
-- (void, then insert) keep it anyway; the index states it and finds the latest usable code.
CREATE UNIQUE INDEX otp_codes_usable_key ON otp_codes (phone, purpose)
    WHERE consumed_at IS NULL AND voided_at IS NULL;
CREATE INDEX otp_codes_phone_purpose_created_at_idx ON otp_codes (phone, purpose, created_at DESC);
CREATE INDEX otp_codes_expires_at_idx ON otp_codes (expires_at);

-- Sessions. previous_hash is NULL until the first rotation; NULLs are distinct in a UNIQUE
-- index, so every never-rotated session may have one.
CREATE TABLE sessions (
    id            TEXT    NOT NULL PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    current_hash  BLOB    NOT NULL UNIQUE CHECK (length(current_hash) = 32),
    previous_hash BLOB    CHECK (length(previous_hash) = 32),
    rotated_at    INTEGER,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    revoke_reason TEXT    NOT NULL DEFAULT '',
    user_agent    TEXT    NOT NULL DEFAULT '',
    ip            TEXT    NOT NULL DEFAULT '',
    CHECK ((previous_hash IS NULL) = (rotated_at IS NULL)),
    CHECK ((revoked_at IS NULL) = (revoke_reason = ''))
) STRICT;

CREATE UNIQUE INDEX sessions_previous_hash_idx ON sessions (previous_hash);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE otp_codes;
ALTER TABLE users DROP COLUMN updated_at;
ALTER TABLE users DROP COLUMN password_changed_at;
ALTER TABLE users DROP COLUMN disabled_at;
ALTER TABLE users DROP COLUMN phone_verified_at;
ALTER TABLE users DROP COLUMN role;
ALTER TABLE users DROP COLUMN email;
ALTER TABLE users DROP COLUMN last_name;
ALTER TABLE users DROP COLUMN first_name;
ALTER TABLE users DROP COLUMN password_hash;
