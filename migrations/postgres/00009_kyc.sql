-- Identity verification (API.md §3.2): one profile per user with its level and latest
-- submission, and the identity documents behind level 2 (their files live in the blob store;
-- blob_key names one). A time that has not happened and a staff member who has not acted are
-- NULL (reviewed_by has no foreign key, like deposits.reviewed_by). Empty text means "none".

-- +goose Up

-- A user's profile; a user without a row has never submitted (level 0). national_id and
-- birth_date are NULL when not given or erased with the account, so such profiles never
-- collide on kyc_profiles_national_id_key (NULLs are distinct). shahkar, the mobile
-- inquiry's state, is '' until the first submission.
CREATE TABLE kyc_profiles (
    user_id          bigint      PRIMARY KEY REFERENCES users (id),
    status           text        NOT NULL
        CHECK (status IN ('not_submitted', 'pending', 'approved', 'rejected')),
    level            smallint    NOT NULL CHECK (level BETWEEN 0 AND 2),
    target_level     smallint    NOT NULL CHECK (target_level BETWEEN 0 AND 2),
    first_name       text        NOT NULL DEFAULT '',
    last_name        text        NOT NULL DEFAULT '',
    national_id      text        CHECK (national_id ~ '^[0-9]{10}$'),
    birth_date       date,
    shahkar          text        NOT NULL DEFAULT ''
        CHECK (shahkar IN ('', 'pending', 'passed', 'failed', 'skipped')),
    rejection_reason text        NOT NULL DEFAULT '',
    reviewed_by      bigint,
    submitted_at     timestamptz,
    reviewed_at      timestamptz,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT kyc_profiles_national_id_key UNIQUE (national_id),
    -- A submission sets both its time and the inquiry's state, and none is ever undone.
    CONSTRAINT kyc_profiles_submitted_check CHECK (
        (status = 'not_submitted') = (submitted_at IS NULL)
        AND (status = 'not_submitted') = (shahkar = '')
    )
);

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
    id           bigserial   PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id),
    kind         text        NOT NULL
        CHECK (kind IN ('national_card_front', 'national_card_back', 'selfie')),
    blob_key     text        NOT NULL CHECK (blob_key <> ''),
    content_type text        NOT NULL CHECK (content_type <> ''),
    size         bigint      NOT NULL CHECK (size > 0),
    status       text        NOT NULL CHECK (status IN ('uploaded', 'accepted', 'rejected')),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT kyc_documents_blob_key_key UNIQUE (blob_key)
);

-- The current document of each kind (the newest) and a user's documents.
CREATE INDEX kyc_documents_user_id_kind_created_at_id_idx
    ON kyc_documents (user_id, kind, created_at DESC, id DESC);

-- +goose Down
DROP TABLE kyc_documents;
DROP TABLE kyc_profiles;
