-- Users: one row per registered person, keyed by a numeric id that the API shows as is.

-- +goose Up
CREATE TABLE users (
    id         bigserial   PRIMARY KEY,
    phone      text        NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT users_phone_key UNIQUE (phone)
);

-- +goose Down
DROP TABLE users;
