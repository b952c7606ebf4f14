-- name: ConsentInsert :one
INSERT INTO consents (user_id, kind, version, at, ip)
VALUES (@user_id::bigint, @kind::text, @version::text, @at::timestamptz, @ip::text)
RETURNING id;

-- name: ConsentList :many
-- ConsentList returns a user's consents in the order they were given.
SELECT id, user_id, kind, version, at, ip
FROM consents
WHERE user_id = @user_id::bigint
ORDER BY id;
