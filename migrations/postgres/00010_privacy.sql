-- Personal data (API.md §3.12): the consents users gave, and what account deletion keeps of
-- an erased national id.
--
-- Account deletion anonymises rows in place rather than deleting them (financial records keep
-- pointing at the user, the bank account and the deposit), and no constraint of the earlier
-- migrations stands in its way:
--   - users.phone has no format CHECK, only users_phone_key: the caller's tombstone (a keyed
--     hash, unique per account) replaces the number, so the number may register again;
--   - kyc_profiles.national_id is nullable (NULLs never collide on its UNIQUE constraint), so
--     the erased id is NULL and its keyed hash goes to kyc_erasures below: a column on
--     kyc_profiles would change the row type that every profile query of the KYC repository
--     reads;
--   - bank_accounts.sheba must match ^IR[0-9]{24}$, and the one-active-Sheba index covers only
--     accounts that are not deleted. An erased account is deleted and its Sheba is the
--     placeholder IR followed by 24 zeros, which passes the CHECK but is never a real number
--     (check digits 00 are invalid under ISO 13616), so the store reads it back as no Sheba.
--     The CHECK therefore stays as strict as it is.

-- +goose Up

-- One row per acceptance of the terms: at registration and on every change of their version.
-- Append-only like the ledger and the audit log: the records prove what was agreed and outlive
-- the account's deletion (users rows are anonymised, never deleted, so the foreign key holds).
-- ip is the client address, '' when unknown.
CREATE TABLE consents (
    id      bigserial   PRIMARY KEY,
    user_id bigint      NOT NULL REFERENCES users (id),
    kind    text        NOT NULL CHECK (kind <> ''),
    version text        NOT NULL CHECK (version <> ''),
    at      timestamptz NOT NULL,
    ip      text        NOT NULL DEFAULT ''
);

-- A user's consents, oldest first (ConsentList).
CREATE INDEX consents_user_id_id_idx ON consents (user_id, id);

-- ledger_append_only (00002_ledger.sql) refuses any change, naming the table.
CREATE TRIGGER consents_append_only BEFORE UPDATE OR DELETE ON consents
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER consents_no_truncate BEFORE TRUNCATE ON consents
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- The keyed hash of a deleted account's national id, kept for fraud and AML matching after
-- kyc_profiles.national_id was cleared. The first erasure's hash stays: a repeated erasure,
-- when the id is gone already, cannot compute it again.
CREATE TABLE kyc_erasures (
    user_id          bigint      PRIMARY KEY REFERENCES users (id),
    national_id_hash text        NOT NULL CHECK (national_id_hash <> ''),
    erased_at        timestamptz NOT NULL
);

-- Fraud matching: which erased accounts had this national id.
CREATE INDEX kyc_erasures_national_id_hash_idx ON kyc_erasures (national_id_hash);

-- +goose Down
DROP TABLE kyc_erasures;
DROP TABLE consents;
