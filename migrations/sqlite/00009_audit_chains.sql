-- The audit log becomes several hash chains. It mirrors migrations/postgres/00011_audit_chains.sql:
-- each event names its chain (core/audit ChainFor), and its prev_hash is the hash of the
-- event before it in that chain (32 zero bytes for the chain's first). SQLite has one writer,
-- so the chains change nothing for concurrency here; the store splits the log like the
-- PostgreSQL store, so that both keep the same log.
--
-- Nothing is recomputed: every event stored before this migration is in chain 0, and the
-- encoding of a chain-0 event (audit.Link) is the one they were hashed with, so chain 0 goes
-- on from the last of them. (SQLite cannot drop the default once the rows are filled, as
-- the PostgreSQL migration does.)

-- +goose Up
ALTER TABLE audit_events ADD COLUMN chain INTEGER NOT NULL DEFAULT 0 CHECK (chain >= 0);

-- No two events of a chain follow the same one: a chain cannot fork.
CREATE UNIQUE INDEX audit_events_chain_prev_hash_key ON audit_events (chain, prev_hash);
DROP INDEX audit_events_prev_hash_key;

-- The last event of a chain, which the next one follows.
CREATE INDEX audit_events_chain_id_idx ON audit_events (chain, id);

-- +goose Down
-- Fails while chains other than 0 have events (their first events share the zero prev hash).
CREATE UNIQUE INDEX audit_events_prev_hash_key ON audit_events (prev_hash);
DROP INDEX audit_events_chain_id_idx;
DROP INDEX audit_events_chain_prev_hash_key;
ALTER TABLE audit_events DROP COLUMN chain;
