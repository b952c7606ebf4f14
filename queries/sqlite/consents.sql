-- name: ConsentInsert :one
INSERT INTO consents (user_id, kind, version, at, ip)
VALUES (@user_id, @kind, @version, @at, @ip)
RETURNING id;

-- name: ConsentList :many
-- A user's consents in the order they were given.
SELECT id, user_id, kind, version, at, ip
FROM consents
WHERE user_id = @user_id
ORDER BY id;
