-- name: UserInsert :one
INSERT INTO users (phone, created_at)
VALUES (@phone::text, @created_at::timestamptz)
RETURNING id;

-- name: UserGet :one
SELECT id, phone, created_at
FROM users
WHERE id = @id::bigint;

-- name: UserGetByPhone :one
SELECT id, phone, created_at
FROM users
WHERE phone = @phone::text;
