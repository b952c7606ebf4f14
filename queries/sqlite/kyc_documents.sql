-- name: KYCDocumentInsert :one
INSERT INTO kyc_documents (
    user_id, kind, blob_key, content_type, size, status, created_at, updated_at
) VALUES (
    @user_id, @kind, @blob_key, @content_type, @size, @status, @created_at, @updated_at
)
RETURNING id;

-- name: KYCDocumentSave :execrows
-- Stores a document's review; its user, kind and file never change.
UPDATE kyc_documents SET
    status = @status,
    updated_at = @updated_at
WHERE id = @id;

-- name: KYCDocumentGet :one
SELECT id, user_id, kind, blob_key, content_type, size, status, created_at, updated_at
FROM kyc_documents
WHERE id = @id;

-- name: KYCDocumentCurrent :many
-- A user's newest document of each kind (the latest id among those created at one time);
-- the repository puts them in display order.
SELECT id, user_id, kind, blob_key, content_type, size, status, created_at, updated_at
FROM kyc_documents AS d
WHERE d.user_id = @user_id
    AND NOT EXISTS (
        SELECT 1 FROM kyc_documents AS n
        WHERE n.user_id = d.user_id AND n.kind = d.kind
            AND (n.created_at > d.created_at OR (n.created_at = d.created_at AND n.id > d.id))
    )
ORDER BY kind;

-- name: KYCDocumentListByUser :many
-- Every document of a user, newest first.
SELECT id, user_id, kind, blob_key, content_type, size, status, created_at, updated_at
FROM kyc_documents
WHERE user_id = @user_id
ORDER BY created_at DESC, id DESC;

-- name: KYCDocumentDelete :execrows
DELETE FROM kyc_documents
WHERE id = @id;
