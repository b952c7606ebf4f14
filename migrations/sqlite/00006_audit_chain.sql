-- The audit log becomes a hash chain. It mirrors migrations/postgres/00008_audit_chain.sql:
-- prev_hash is the hash of the event before in id order (32 zero bytes for the first), hash is
-- SHA-256 over prev_hash and the event (audit.Link); the store computes both on append, in
-- the write transaction (SQLite has one writer, so appenders are serialized until commit).
--
-- Events stored before this migration keep NULL hashes: the chain starts at the first event
-- appended after it, and `talabin audit verify` counts the older ones as unchained. A trigger
-- refuses new events without hashes (SQLite cannot add a CHECK that skips existing rows).

-- +goose Up
ALTER TABLE audit_events ADD COLUMN prev_hash BLOB CHECK (prev_hash IS NULL OR length(prev_hash) = 32);
ALTER TABLE audit_events ADD COLUMN hash BLOB CHECK (hash IS NULL OR length(hash) = 32);

-- No two events follow the same one: the chain cannot fork.
CREATE UNIQUE INDEX audit_events_prev_hash_key ON audit_events (prev_hash);

-- +goose StatementBegin
CREATE TRIGGER audit_events_chained BEFORE INSERT ON audit_events
WHEN NEW.prev_hash IS NULL OR NEW.hash IS NULL
BEGIN
    SELECT RAISE(ABORT, 'audit_events must be chained');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_events_chained;
DROP INDEX audit_events_prev_hash_key;
ALTER TABLE audit_events DROP COLUMN hash;
ALTER TABLE audit_events DROP COLUMN prev_hash;
