-- name: KYCProfileGet :one
-- Reads a user's profile in one statement: no row when the user does not exist, NULL profile
-- columns when the user has none yet.
SELECT users.id AS user_id, p.status, p.level, p.target_level, p.first_name, p.last_name,
    p.national_id, p.birth_date, p.shahkar, p.rejection_reason, p.reviewed_by, p.submitted_at,
    p.reviewed_at, p.updated_at
FROM users
LEFT JOIN kyc_profiles AS p ON p.user_id = users.id
WHERE users.id = @user_id;

-- name: KYCProfileUpsert :exec
-- Stores every field of a profile, creating its row on the first save.
INSERT INTO kyc_profiles (
    user_id, status, level, target_level, first_name, last_name, national_id, birth_date,
    shahkar, rejection_reason, reviewed_by, submitted_at, reviewed_at, updated_at
) VALUES (
    @user_id, @status, @level, @target_level, @first_name, @last_name, @national_id,
    @birth_date, @shahkar, @rejection_reason, @reviewed_by, @submitted_at, @reviewed_at,
    @updated_at
)
ON CONFLICT (user_id) DO UPDATE SET
    status = excluded.status,
    level = excluded.level,
    target_level = excluded.target_level,
    first_name = excluded.first_name,
    last_name = excluded.last_name,
    national_id = excluded.national_id,
    birth_date = excluded.birth_date,
    shahkar = excluded.shahkar,
    rejection_reason = excluded.rejection_reason,
    reviewed_by = excluded.reviewed_by,
    submitted_at = excluded.submitted_at,
    reviewed_at = excluded.reviewed_at,
    updated_at = excluded.updated_at;

-- name: KYCProfileList :many
-- One page of the profiles with a status (empty for every submitted one), oldest submission
-- first.
SELECT user_id, status, level, target_level, first_name, last_name, national_id, birth_date,
    shahkar, rejection_reason, reviewed_by, submitted_at, reviewed_at, updated_at
FROM kyc_profiles
WHERE status = CAST(@status AS TEXT) OR (CAST(@status AS TEXT) = '' AND status <> 'not_submitted')
ORDER BY submitted_at, user_id
LIMIT @page_limit OFFSET @page_offset;

-- name: KYCProfileCount :one
SELECT count(*) FROM kyc_profiles
WHERE status = CAST(@status AS TEXT) OR (CAST(@status AS TEXT) = '' AND status <> 'not_submitted');

-- name: KYCProfilePendingInquiries :many
-- The users whose pending submission waits for the mobile inquiry, oldest submission first.
-- The predicate is kyc_profiles_pending_inquiries_idx's.
SELECT user_id
FROM kyc_profiles
WHERE status = 'pending' AND shahkar = 'pending'
ORDER BY submitted_at, user_id
LIMIT @max_rows;
