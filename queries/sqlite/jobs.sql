-- name: JobCountWaiting :one
-- Counts River's jobs that wait to run (available, scheduled, retryable, or pending behind
-- another job) of one kind, or of every kind when kind is empty.
SELECT count(*) FROM river_job
WHERE state IN ('available', 'pending', 'retryable', 'scheduled')
    AND (CAST(@kind AS TEXT) = '' OR kind = @kind);
