-- name: KYCDocumentInsert :one
INSERT INTO kyc_documents (
    user_id, kind, blob_key, content_type, size, status, created_at, updated_at
)
VALUES (
    @user_id::bigint, @kind::text, @blob_key::text, @content_type::text, @size::bigint,
    @status::text, @created_at::timestamptz, @updated_at::timestamptz
)
RETURNING id;

-- name: KYCDocumentSave :execrows
-- KYCDocumentSave stores a document's review; its user, kind and file never change.
UPDATE kyc_documents
SET status = @status::text,
    updated_at = @updated_at::timestamptz
WHERE id = @id::bigint;

-- name: KYCDocumentGet :one
SELECT id, user_id, kind, blob_key, content_type, size, status, created_at, updated_at
FROM kyc_documents
WHERE id = @id::bigint;

-- name: KYCDocumentCurrent :many
-- KYCDocumentCurrent returns a user's newest document of each kind (the latest id among
-- those created at one time), by kind name; the repository puts them in display order.
SELECT DISTINCT ON (kind) id, user_id, kind, blob_key, content_type, size, status, created_at,
    updated_at
FROM kyc_documents
WHERE user_id = @user_id::bigint
ORDER BY kind, created_at DESC, id DESC;

-- name: KYCDocumentListByUser :many
-- KYCDocumentListByUser returns every document of a user, newest first.
SELECT id, user_id, kind, blob_key, content_type, size, status, created_at, updated_at
FROM kyc_documents
WHERE user_id = @user_id::bigint
ORDER BY created_at DESC, id DESC;

-- name: KYCDocumentDelete :execrows
DELETE FROM kyc_documents
WHERE id = @id::bigint;
