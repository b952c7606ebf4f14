-- name: BankAccountInsert :one
INSERT INTO bank_accounts (
    user_id, sheba, card_number, account_number, bank_name, bank_code, holder_name, verified,
    verified_at, is_default, deleted, created_at, updated_at
)
VALUES (
    @user_id::bigint, @sheba::text, @card_number::text, @account_number::text,
    @bank_name::text, @bank_code::text, @holder_name::text, @verified::boolean,
    sqlc.narg('verified_at')::timestamptz, @is_default::boolean, @deleted::boolean,
    @created_at::timestamptz, @updated_at::timestamptz
)
RETURNING id;

-- name: BankAccountSave :execrows
-- BankAccountSave stores an account's verification, default flag and deletion; its numbers,
-- bank and holder never change.
UPDATE bank_accounts
SET verified = @verified::boolean,
    verified_at = sqlc.narg('verified_at')::timestamptz,
    is_default = @is_default::boolean,
    deleted = @deleted::boolean,
    updated_at = @updated_at::timestamptz
WHERE id = @id::bigint;

-- name: BankAccountGet :one
SELECT id, user_id, sheba, card_number, account_number, bank_name, bank_code, holder_name,
    verified, verified_at, is_default, deleted, created_at, updated_at
FROM bank_accounts
WHERE id = @id::bigint;

-- name: BankAccountGetForUpdate :one
SELECT id, user_id, sheba, card_number, account_number, bank_name, bank_code, holder_name,
    verified, verified_at, is_default, deleted, created_at, updated_at
FROM bank_accounts
WHERE id = @id::bigint
FOR UPDATE;

-- name: BankAccountListByUser :many
-- BankAccountListByUser returns a user's accounts that are not deleted, newest first.
SELECT id, user_id, sheba, card_number, account_number, bank_name, bank_code, holder_name,
    verified, verified_at, is_default, deleted, created_at, updated_at
FROM bank_accounts
WHERE user_id = @user_id::bigint AND NOT deleted
ORDER BY created_at DESC, id DESC;
