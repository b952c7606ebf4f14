-- name: KYCProfileGet :one
-- KYCProfileGet reads a user's profile in one statement: no row when the user does not exist,
-- NULL profile columns when the user has none yet.
SELECT users.id AS user_id, p.status, p.level, p.target_level, p.first_name, p.last_name,
    p.national_id, p.birth_date, p.shahkar, p.rejection_reason, p.reviewed_by, p.submitted_at,
    p.reviewed_at, p.updated_at
FROM users
LEFT JOIN kyc_profiles AS p ON p.user_id = users.id
WHERE users.id = @user_id::bigint;

-- name: KYCProfileGetForUpdate :one
SELECT user_id, status, level, target_level, first_name, last_name, national_id, birth_date,
    shahkar, rejection_reason, reviewed_by, submitted_at, reviewed_at, updated_at
FROM kyc_profiles
WHERE user_id = @user_id::bigint
FOR UPDATE;

-- name: KYCProfileLockUser :one
-- KYCProfileLockUser locks a user who has no profile yet, so that two first submissions of
-- one user serialize. FOR NO KEY UPDATE, as in UserGetForUpdate (queries/postgres/users.sql),
-- conflicts with itself without blocking the foreign key checks of rows that reference the
-- user.
SELECT id
FROM users
WHERE id = @user_id::bigint
FOR NO KEY UPDATE;

-- name: KYCProfileUpsert :exec
-- KYCProfileUpsert stores every field of a profile, creating its row on the first save.
INSERT INTO kyc_profiles (
    user_id, status, level, target_level, first_name, last_name, national_id, birth_date,
    shahkar, rejection_reason, reviewed_by, submitted_at, reviewed_at, updated_at
)
VALUES (
    @user_id::bigint, @status::text, @level::smallint, @target_level::smallint,
    @first_name::text, @last_name::text, sqlc.narg('national_id')::text,
    sqlc.narg('birth_date')::date, @shahkar::text, @rejection_reason::text,
    sqlc.narg('reviewed_by')::bigint, sqlc.narg('submitted_at')::timestamptz,
    sqlc.narg('reviewed_at')::timestamptz, @updated_at::timestamptz
)
ON CONFLICT (user_id) DO UPDATE
SET status = EXCLUDED.status,
    level = EXCLUDED.level,
    target_level = EXCLUDED.target_level,
    first_name = EXCLUDED.first_name,
    last_name = EXCLUDED.last_name,
    national_id = EXCLUDED.national_id,
    birth_date = EXCLUDED.birth_date,
    shahkar = EXCLUDED.shahkar,
    rejection_reason = EXCLUDED.rejection_reason,
    reviewed_by = EXCLUDED.reviewed_by,
    submitted_at = EXCLUDED.submitted_at,
    reviewed_at = EXCLUDED.reviewed_at,
    updated_at = EXCLUDED.updated_at;

-- name: KYCProfileList :many
-- KYCProfileList returns one page of the profiles with a status (empty for every submitted
-- one), oldest submission first.
SELECT user_id, status, level, target_level, first_name, last_name, national_id, birth_date,
    shahkar, rejection_reason, reviewed_by, submitted_at, reviewed_at, updated_at
FROM kyc_profiles
WHERE status = @status::text OR (@status::text = '' AND status <> 'not_submitted')
ORDER BY submitted_at, user_id
LIMIT @page_limit::bigint OFFSET @page_offset::bigint;

-- name: KYCProfileCount :one
SELECT count(*)::bigint AS profiles
FROM kyc_profiles
WHERE status = @status::text OR (@status::text = '' AND status <> 'not_submitted');

-- name: KYCProfilePendingInquiries :many
-- KYCProfilePendingInquiries returns the users whose pending submission waits for the mobile
-- inquiry, oldest submission first. The predicate is kyc_profiles_pending_inquiries_idx's.
SELECT user_id
FROM kyc_profiles
WHERE status = 'pending' AND shahkar = 'pending'
ORDER BY submitted_at, user_id
LIMIT @max_rows::bigint;
