-- name: BankAccountInsert :one
INSERT INTO bank_accounts (
    user_id, sheba, card_number, account_number, bank_name, bank_code, holder_name, verified,
    verified_at, is_default, deleted, created_at, updated_at
) VALUES (
    @user_id, @sheba, @card_number, @account_number, @bank_name, @bank_code, @holder_name,
    @verified, @verified_at, @is_default, @deleted, @created_at, @updated_at
)
RETURNING id;

-- name: BankAccountSave :execrows
-- Stores an account's verification, default flag and deletion; its numbers, bank and holder
-- never change.
UPDATE bank_accounts SET
    verified = @verified,
    verified_at = @verified_at,
    is_default = @is_default,
    deleted = @deleted,
    updated_at = @updated_at
WHERE id = @id;

-- name: BankAccountGet :one
SELECT id, user_id, sheba, card_number, account_number, bank_name, bank_code, holder_name,
    verified, verified_at, is_default, deleted, created_at, updated_at
FROM bank_accounts
WHERE id = @id;

-- name: BankAccountListByUser :many
-- A user's accounts that are not deleted, newest first.
SELECT id, user_id, sheba, card_number, account_number, bank_name, bank_code, holder_name,
    verified, verified_at, is_default, deleted, created_at, updated_at
FROM bank_accounts
WHERE user_id = @user_id AND deleted = 0
ORDER BY created_at DESC, id DESC;
