-- A user's date of birth (API.md §2 `date_of_birth`), mirroring migrations/postgres. A date is
-- not an instant, so it is not stored as Unix microseconds like the timestamps of
-- 00001_initial.sql but as TEXT 'YYYY-MM-DD', the form SQLite's date functions read and
-- PostgreSQL's date type prints; the CHECK admits only real dates in that form. NULL while
-- unknown.

-- +goose Up
ALTER TABLE users ADD COLUMN date_of_birth TEXT
    CHECK (date_of_birth IS NULL OR date(date_of_birth) IS date_of_birth);

-- +goose Down
ALTER TABLE users DROP COLUMN date_of_birth;
