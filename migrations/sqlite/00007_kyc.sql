-- Identity verification: users' profiles and identity documents. It mirrors
-- migrations/postgres/00009_kyc.sql with the conventions of 00001_initial.sql: timestamps are
-- INTEGER Unix microseconds in UTC, NULL where the domain has a zero time ("not happened");
-- the birth date is TEXT 'YYYY-MM-DD' like users.date_of_birth (00003); every table is
-- STRICT. reviewed_by is NULL until staff acts and has no foreign key, like
-- deposits.reviewed_by.

-- +goose Up

-- A user's profile; a user without a row has never submitted (level 0). national_id and
-- birth_date are NULL when not given or erased with the account, so such profiles never
-- collide on the national_id UNIQUE constraint (NULLs are distinct). shahkar, the mobile
-- inquiry's state, is '' until the first submission.
CREATE TABLE kyc_profiles (
    user_id          INTEGER PRIMARY KEY REFERENCES users (id),
    status           TEXT    NOT NULL
        CHECK (status IN ('not_submitted', 'pending', 'approved', 'rejected')),
    level            INTEGER NOT NULL CHECK (level BETWEEN 0 AND 2),
    target_level     INTEGER NOT NULL CHECK (target_level BETWEEN 0 AND 2),
    first_name       TEXT    NOT NULL DEFAULT '',
    last_name        TEXT    NOT NULL DEFAULT '',
    national_id      TEXT    UNIQUE
        CHECK (national_id IS NULL
            OR (length(national_id) = 10 AND national_id NOT GLOB '*[^0-9]*')),
    birth_date       TEXT
        CHECK (birth_date IS NULL OR date(birth_date) IS birth_date),
    shahkar          TEXT    NOT NULL DEFAULT ''
        CHECK (shahkar IN ('', 'pending', 'passed', 'failed', 'skipped')),
    rejection_reason TEXT    NOT NULL DEFAULT '',
    reviewed_by      INTEGER,
    submitted_at     INTEGER,
    reviewed_at      INTEGER,
    updated_at       INTEGER NOT NULL,
    -- A submission sets both its time and the inquiry's state, and none is ever undone.
    CHECK ((status = 'not_submitted') = (submitted_at IS NULL)
        AND (status = 'not_submitted') = (shahkar = ''))
) STRICT;

-- The review queue: one status, oldest submission first (KYCProfileList).
CREATE INDEX kyc_profiles_status_submitted_at_idx
    ON kyc_profiles (status, submitted_at, user_id);
-- Submissions waiting for the mobile inquiry (KYCProfilePendingInquiries states the same
-- predicate).
CREATE INDEX kyc_profiles_pending_inquiries_idx ON kyc_profiles (submitted_at, user_id)
    WHERE status = 'pending' AND shahkar = 'pending';

-- Identity documents. A new upload of a kind replaces the older ones of the user and kind
-- (the newest is current); the older rows stay until the account is deleted.
CREATE TABLE kyc_documents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT    NOT NULL
        CHECK (kind IN ('national_card_front', 'national_card_back', 'selfie')),
    blob_key     TEXT    NOT NULL UNIQUE CHECK (blob_key <> ''),
    content_type TEXT    NOT NULL CHECK (content_type <> ''),
    size         INTEGER NOT NULL CHECK (size > 0),
    status       TEXT    NOT NULL CHECK (status IN ('uploaded', 'accepted', 'rejected')),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

-- The current document of each kind (the newest) and a user's documents.
CREATE INDEX kyc_documents_user_id_kind_created_at_id_idx
    ON kyc_documents (user_id, kind, created_at DESC, id DESC);

-- +goose Down
DROP TABLE kyc_documents;
DROP TABLE kyc_profiles;
