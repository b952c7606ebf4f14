-- Identity: the rest of a user's profile and state, one-time codes (only their MACs, never the
-- codes) and sign-in sessions (only the SHA-256 of their refresh tokens). A time that has not
-- happened (phone not verified, account not disabled, code not consumed...) is NULL.

-- +goose Up
ALTER TABLE users
    ADD COLUMN password_hash       text        NOT NULL DEFAULT '',
    ADD COLUMN first_name          text        NOT NULL DEFAULT '',
    ADD COLUMN last_name           text        NOT NULL DEFAULT '',
    ADD COLUMN email               text        NOT NULL DEFAULT '',
    ADD COLUMN role                text        NOT NULL DEFAULT 'user'
        CONSTRAINT users_role_check CHECK (role IN ('user', 'operator', 'admin')),
    ADD COLUMN phone_verified_at   timestamptz,
    ADD COLUMN disabled_at         timestamptz,
    ADD COLUMN password_changed_at timestamptz,
    ADD COLUMN updated_at          timestamptz;

UPDATE users SET updated_at = created_at;

ALTER TABLE users ALTER COLUMN updated_at SET NOT NULL;

-- One row per code sent. A new code for a phone and purpose voids the usable ones before it,
-- so at most one per phone and purpose is neither consumed nor voided. Attempts and
-- consumption are saved with conditional updates (consumed_at IS NULL AND voided_at IS NULL).
CREATE TABLE otp_codes (
    id           bigserial   PRIMARY KEY,
    phone        text        NOT NULL,
    purpose      text        NOT NULL,
    key_id       text        NOT NULL,
    mac          bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts integer     NOT NULL CHECK (max_attempts > 0),
    consumed_at  timestamptz,
    voided_at    timestamptz
);

-- At most one usable code per phone and purpose, even when two codes are sent at once: the
-- second insert waits for the first transaction and then fails here, and the store retries it,
-- voiding the first code. It is also the index of the latest usable code.
CREATE UNIQUE INDEX otp_codes_usable_key ON otp_codes (phone, purpose)
    WHERE consumed_at IS NULL AND voided_at IS NULL;
-- The send counts of a phone (and its codes' history).
CREATE INDEX otp_codes_phone_purpose_created_at_idx ON otp_codes (phone, purpose, created_at DESC);
-- The clean-up of expired codes.
CREATE INDEX otp_codes_expires_at_idx ON otp_codes (expires_at);

-- One row per sign-in: the hash of the current refresh token and, once the session rotated,
-- of the one it retired (NULL until then; NULLs do not collide in the unique index).
CREATE TABLE sessions (
    id            text        PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES users (id),
    current_hash  bytea       NOT NULL CHECK (length(current_hash) = 32),
    previous_hash bytea       CHECK (length(previous_hash) = 32),
    rotated_at    timestamptz,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    revoke_reason text        NOT NULL DEFAULT '',
    user_agent    text        NOT NULL DEFAULT '',
    ip            text        NOT NULL DEFAULT '',
    CONSTRAINT sessions_current_hash_key UNIQUE (current_hash),
    CONSTRAINT sessions_rotation_check CHECK ((previous_hash IS NULL) = (rotated_at IS NULL)),
    CONSTRAINT sessions_revocation_check CHECK ((revoked_at IS NULL) = (revoke_reason = ''))
);

CREATE UNIQUE INDEX sessions_previous_hash_key ON sessions (previous_hash);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE otp_codes;
ALTER TABLE users
    DROP COLUMN updated_at,
    DROP COLUMN password_changed_at,
    DROP COLUMN disabled_at,
    DROP COLUMN phone_verified_at,
    DROP COLUMN role,
    DROP COLUMN email,
    DROP COLUMN last_name,
    DROP COLUMN first_name,
    DROP COLUMN password_hash;
