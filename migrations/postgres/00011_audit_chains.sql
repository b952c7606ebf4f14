-- The audit log becomes several hash chains (core/audit ChainFor): each event names its chain,
-- and its prev_hash is the hash of the event before it in that chain (32 zero bytes for the
-- chain's first). Appenders lock only their chain, so audited transactions of different
-- users no longer wait for each other's commits.
--
-- Nothing is recomputed: every event stored before this migration is in chain 0, and the
-- encoding of a chain-0 event (audit.Link) is the one they were hashed with, so chain 0 goes
-- on from the last of them. Events that predate the chain itself keep their NULL hashes.
--
-- The default only fills the existing rows: it is dropped at once, so that every new event
-- names its chain, and a binary older than this migration (which would chain its event after
-- the last event of whatever chain, forking chain 0) fails to append instead.

-- +goose Up
ALTER TABLE audit_events ADD COLUMN chain smallint NOT NULL DEFAULT 0 CHECK (chain >= 0);
ALTER TABLE audit_events ALTER COLUMN chain DROP DEFAULT;

-- No two events of a chain follow the same one: a chain cannot fork, even if the lock were
-- bypassed. Each chain starts once at the zero hash.
CREATE UNIQUE INDEX audit_events_chain_prev_hash_key ON audit_events (chain, prev_hash);
DROP INDEX audit_events_prev_hash_key;

-- The last event of a chain, which the next one follows.
CREATE INDEX audit_events_chain_id_idx ON audit_events (chain, id);

-- +goose Down
-- Fails while chains other than 0 have events (their first events share the zero prev hash):
-- their hashes cover the chain, so they cannot become one chain again.
CREATE UNIQUE INDEX audit_events_prev_hash_key ON audit_events (prev_hash);
DROP INDEX audit_events_chain_id_idx;
DROP INDEX audit_events_chain_prev_hash_key;
ALTER TABLE audit_events DROP COLUMN chain;
