-- Personal data: the consents users gave, and what account deletion keeps of an erased
-- national id. It mirrors migrations/postgres/00010_privacy.sql with the conventions of
-- 00001_initial.sql: timestamps are INTEGER Unix microseconds in UTC; every table is STRICT.
--
-- As there, account deletion anonymises rows in place and no earlier constraint stands in its
-- way, so no table is rebuilt (SQLite cannot relax a CHECK without rebuilding the table, which
-- needs foreign keys switched off outside a transaction):
--   - users.phone has no format CHECK, only UNIQUE: the caller's tombstone replaces it;
--   - kyc_profiles.national_id is nullable: the erased id is NULL, its keyed hash goes to
--     kyc_erasures;
--   - an erased bank account is deleted and holds the placeholder Sheba IR followed by 24
--     zeros, which passes the Sheba CHECK, is never a real number (check digits 00) and is read
--     back as no Sheba.

-- +goose Up

-- Acceptances of the terms, append-only: they prove what was agreed and outlive the account's
-- deletion. ip is '' when unknown.
CREATE TABLE consents (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind    TEXT    NOT NULL CHECK (kind <> ''),
    version TEXT    NOT NULL CHECK (version <> ''),
    at      INTEGER NOT NULL,
    ip      TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX consents_user_id_id_idx ON consents (user_id, id);

-- +goose StatementBegin
CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
BEGIN
    SELECT RAISE(ABORT, 'consents is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents
BEGIN
    SELECT RAISE(ABORT, 'consents is append-only');
END;
-- +goose StatementEnd

-- The keyed hash of a deleted account's national id, for fraud and AML matching; the first
-- erasure's hash stays.
CREATE TABLE kyc_erasures (
    user_id          INTEGER PRIMARY KEY REFERENCES users (id),
    national_id_hash TEXT    NOT NULL CHECK (national_id_hash <> ''),
    erased_at        INTEGER NOT NULL
) STRICT;

CREATE INDEX kyc_erasures_national_id_hash_idx ON kyc_erasures (national_id_hash);

-- +goose Down
DROP TABLE kyc_erasures;
DROP TABLE consents;
