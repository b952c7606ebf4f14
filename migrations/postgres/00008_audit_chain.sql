-- The audit log becomes a hash chain (core/audit): each event stores prev_hash, the hash of
-- the event before it in id order (32 zero bytes for the first), and hash, SHA-256 over
-- prev_hash and the event (audit.Link). The store computes both on append, under a
-- transaction advisory lock that serializes appenders until they commit.
--
-- Events stored before this migration keep NULL hashes: the chain starts at the first event
-- appended after it, with the zero prev hash, and `talabin audit verify` counts the older
-- events as unchained. Every new event must be chained: the check below is NOT VALID, so it
-- holds for new rows without judging the old ones.

-- +goose Up
ALTER TABLE audit_events
    ADD COLUMN prev_hash bytea CHECK (octet_length(prev_hash) = 32),
    ADD COLUMN hash      bytea CHECK (octet_length(hash) = 32);

ALTER TABLE audit_events ADD CONSTRAINT audit_events_chained_check
    CHECK (prev_hash IS NOT NULL AND hash IS NOT NULL) NOT VALID;

-- No two events follow the same one: the chain cannot fork, even if the lock were bypassed.
CREATE UNIQUE INDEX audit_events_prev_hash_key ON audit_events (prev_hash);

-- +goose Down
DROP INDEX audit_events_prev_hash_key;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_chained_check;
ALTER TABLE audit_events DROP COLUMN hash, DROP COLUMN prev_hash;
