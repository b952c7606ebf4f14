-- name: UserInsert :one
INSERT INTO users (phone, created_at) VALUES (@phone, @created_at)
RETURNING id;

-- name: UserGet :one
SELECT id, phone, created_at FROM users WHERE id = @id;

-- name: UserGetByPhone :one
SELECT id, phone, created_at FROM users WHERE phone = @phone;

-- name: UserExists :one
SELECT EXISTS (SELECT 1 FROM users WHERE id = @id) AS found;
