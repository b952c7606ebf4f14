-- name: UserInsert :one
INSERT INTO users (
    phone, password_hash, first_name, last_name, email, date_of_birth, role,
    phone_verified_at, disabled_at, password_changed_at, created_at, updated_at
) VALUES (
    @phone, @password_hash, @first_name, @last_name, @email, @date_of_birth, @role,
    @phone_verified_at, @disabled_at, @password_changed_at, @created_at, @updated_at
)
RETURNING id;

-- name: UserGet :one
SELECT id, phone, created_at, password_hash, first_name, last_name, email, role,
    phone_verified_at, disabled_at, password_changed_at, updated_at, date_of_birth
FROM users
WHERE id = @id;

-- name: UserGetByPhone :one
SELECT id, phone, created_at, password_hash, first_name, last_name, email, role,
    phone_verified_at, disabled_at, password_changed_at, updated_at, date_of_birth
FROM users
WHERE phone = @phone;

-- name: UserUpdate :execrows
-- Saves every mutable field of a user; the phone and creation time never change here.
UPDATE users SET
    password_hash = @password_hash,
    first_name = @first_name,
    last_name = @last_name,
    email = @email,
    date_of_birth = @date_of_birth,
    role = @role,
    phone_verified_at = @phone_verified_at,
    disabled_at = @disabled_at,
    password_changed_at = @password_changed_at,
    updated_at = @updated_at
WHERE id = @id;

-- name: UserExists :one
SELECT EXISTS (SELECT 1 FROM users WHERE id = @id) AS found;

-- name: UserSearch :many
-- One page of the users that match every filter given, newest first (ties by id descending):
-- the id match_id (0 does not filter), the LIKE pattern (escaped with '\'; SQLite's LIKE
-- ignores ASCII case) in the phone, the names or the email ('' does not filter), and, when
-- filter_disabled is 1, disabled (1) or enabled (0) users only. Each LIKE is parenthesized:
-- sqlc's SQLite grammar cannot parse an unparenthesized LIKE ... ESCAPE inside OR.
SELECT id, phone, created_at, password_hash, first_name, last_name, email, role,
    phone_verified_at, disabled_at, password_changed_at, updated_at, date_of_birth
FROM users
WHERE (CAST(@match_id AS INTEGER) = 0 OR id = CAST(@match_id AS INTEGER))
    AND (CAST(@pattern AS TEXT) = ''
        OR (phone LIKE CAST(@pattern AS TEXT) ESCAPE '\')
        OR (first_name LIKE CAST(@pattern AS TEXT) ESCAPE '\')
        OR (last_name LIKE CAST(@pattern AS TEXT) ESCAPE '\')
        OR (email LIKE CAST(@pattern AS TEXT) ESCAPE '\'))
    AND (CAST(@filter_disabled AS INTEGER) = 0
        OR (disabled_at IS NOT NULL) = CAST(@disabled AS INTEGER))
ORDER BY created_at DESC, id DESC
LIMIT @page_limit OFFSET @page_offset;

-- name: UserSearchCount :one
SELECT count(*) FROM users
WHERE (CAST(@match_id AS INTEGER) = 0 OR id = CAST(@match_id AS INTEGER))
    AND (CAST(@pattern AS TEXT) = ''
        OR (phone LIKE CAST(@pattern AS TEXT) ESCAPE '\')
        OR (first_name LIKE CAST(@pattern AS TEXT) ESCAPE '\')
        OR (last_name LIKE CAST(@pattern AS TEXT) ESCAPE '\')
        OR (email LIKE CAST(@pattern AS TEXT) ESCAPE '\'))
    AND (CAST(@filter_disabled AS INTEGER) = 0
        OR (disabled_at IS NOT NULL) = CAST(@disabled AS INTEGER));
