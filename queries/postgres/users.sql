-- name: UserInsert :one
INSERT INTO users (
    phone, password_hash, first_name, last_name, email, date_of_birth, role,
    phone_verified_at, disabled_at, password_changed_at, created_at, updated_at
)
VALUES (
    @phone::text, @password_hash::text, @first_name::text, @last_name::text, @email::text,
    sqlc.narg('date_of_birth')::date, @role::text,
    sqlc.narg('phone_verified_at')::timestamptz, sqlc.narg('disabled_at')::timestamptz,
    sqlc.narg('password_changed_at')::timestamptz, @created_at::timestamptz, @updated_at::timestamptz
)
RETURNING id;

-- name: UserUpdate :execrows
-- UserUpdate saves every mutable field of a user; the phone and the creation time stay.
UPDATE users
SET password_hash = @password_hash::text,
    first_name = @first_name::text,
    last_name = @last_name::text,
    email = @email::text,
    date_of_birth = sqlc.narg('date_of_birth')::date,
    role = @role::text,
    phone_verified_at = sqlc.narg('phone_verified_at')::timestamptz,
    disabled_at = sqlc.narg('disabled_at')::timestamptz,
    password_changed_at = sqlc.narg('password_changed_at')::timestamptz,
    updated_at = @updated_at::timestamptz
WHERE id = @id::bigint;

-- name: UserGet :one
SELECT id, phone, created_at, password_hash, first_name, last_name, email, role,
    phone_verified_at, disabled_at, password_changed_at, updated_at, date_of_birth
FROM users
WHERE id = @id::bigint;

-- name: UserGetForUpdate :one
-- UserGetForUpdate locks the user until the transaction ends. FOR NO KEY UPDATE is the lock
-- UserUpdate takes anyway (it never changes the id): it serializes changes to the user
-- without blocking the foreign key checks of rows that reference it (new sessions, ledger
-- accounts), which FOR UPDATE would.
SELECT id, phone, created_at, password_hash, first_name, last_name, email, role,
    phone_verified_at, disabled_at, password_changed_at, updated_at, date_of_birth
FROM users
WHERE id = @id::bigint
FOR NO KEY UPDATE;

-- name: UserGetByPhone :one
SELECT id, phone, created_at, password_hash, first_name, last_name, email, role,
    phone_verified_at, disabled_at, password_changed_at, updated_at, date_of_birth
FROM users
WHERE phone = @phone::text;

-- name: UserSearch :many
-- UserSearch returns one page of the users that match every filter given, newest first (ties
-- by id descending): the id match_id (0 does not filter), the case-insensitive LIKE pattern
-- (escaped with '\') in the phone, the names or the email ('' does not filter), and disabled
-- or enabled users only (NULL does not filter).
SELECT id, phone, created_at, password_hash, first_name, last_name, email, role,
    phone_verified_at, disabled_at, password_changed_at, updated_at, date_of_birth
FROM users
WHERE (@match_id::bigint = 0 OR id = @match_id::bigint)
    AND (@pattern::text = ''
        OR phone ILIKE @pattern::text ESCAPE '\'
        OR first_name ILIKE @pattern::text ESCAPE '\'
        OR last_name ILIKE @pattern::text ESCAPE '\'
        OR email ILIKE @pattern::text ESCAPE '\')
    AND (sqlc.narg('disabled')::boolean IS NULL
        OR (disabled_at IS NOT NULL) = sqlc.narg('disabled')::boolean)
ORDER BY created_at DESC, id DESC
LIMIT @page_limit::bigint OFFSET @page_offset::bigint;

-- name: UserSearchCount :one
-- UserSearchCount counts the users UserSearch matches.
SELECT count(*)::bigint AS users
FROM users
WHERE (@match_id::bigint = 0 OR id = @match_id::bigint)
    AND (@pattern::text = ''
        OR phone ILIKE @pattern::text ESCAPE '\'
        OR first_name ILIKE @pattern::text ESCAPE '\'
        OR last_name ILIKE @pattern::text ESCAPE '\'
        OR email ILIKE @pattern::text ESCAPE '\')
    AND (sqlc.narg('disabled')::boolean IS NULL
        OR (disabled_at IS NOT NULL) = sqlc.narg('disabled')::boolean);
