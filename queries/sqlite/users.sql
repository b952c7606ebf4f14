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
