-- A user's date of birth (API.md §2 `date_of_birth`), a civil date with no time zone. NULL
-- while unknown; the age rule (at least 18) is the domain's, checked when it is set.

-- +goose Up
ALTER TABLE users ADD COLUMN date_of_birth date;

-- +goose Down
ALTER TABLE users DROP COLUMN date_of_birth;
