// Package sqlite is the embedded [ports.Store]: Talabin's default store, a single SQLite
// database file (./data/talabin.db in the bundled app) that needs no server.
//
// Why SQLite: a small deployment, a developer laptop and the simulation harness should run
// the real ledger without PostgreSQL. modernc.org/sqlite is a pure-Go translation of SQLite,
// so the binary stays CGo-free and cross-compiles. The schema, queries (sqlc) and invariants
// are the PostgreSQL store's; both run the ports/storetest conformance suite.
//
// One writer: SQLite lets one transaction write at a time, so the store keeps exactly one
// write connection and starts every write transaction with BEGIN IMMEDIATE (the DSN's
// _txlock=immediate). A transaction therefore takes the write lock before its first read,
// never upgrades a read lock, and cannot deadlock or lose an update; goroutines queue for the
// connection in database/sql. Balances still change only through conditional updates
// (available + delta >= 0), the same rule as on PostgreSQL, so the ledger's guarantees do not
// rest on the serialisation alone. As writes are serial anyway, hot system accounts need no
// sharding: each has one shard. A repository method that writes several rows (Post, the hold
// methods) runs inside a savepoint, so when it fails (say, insufficient funds after some
// postings were applied) the transaction is as it was before the call, even if the caller
// handles the error and commits. [Store.Snapshot] reads through a separate pool of read-only connections; in WAL
// mode readers see a consistent snapshot and never block the writer. SQLITE_BUSY and
// SQLITE_LOCKED (another process, such as `talabin migrate`, holding the lock past the busy
// timeout) are retried by running the transaction function again a bounded number of times,
// then reported as [core.ErrRetryable].
//
// Durability: journal_mode=WAL with synchronous=FULL. WAL with synchronous=NORMAL survives an
// application crash but may lose the last commits on power loss or an OS crash, because the
// WAL is not synced at each commit; for money a commit that was acknowledged must stay
// committed, so every commit syncs the WAL. foreign_keys=ON enforces references, and every
// table is STRICT so an overflowed integer can never be stored as a float.
//
// Jobs: tx.Jobs() enqueues River jobs with the riversqlite driver in the transaction's own
// *sql.Tx, so a job commits or rolls back with the state change that caused it. The store
// holds an insert-only River client (no queues, no workers); [Store.Migrate] runs River's
// migrations (its river_* tables, tracked by River apart from goose) after the store's own.
// A job's UniqueKey is written into its args under a reserved key, the only field River's
// by-args uniqueness hashes, and holds while the job is unfinished. The client that works
// the jobs is built elsewhere over [Store.JobDB], the one write connection.
//
// Timestamps are stored as INTEGER Unix microseconds (UTC), the precision of PostgreSQL's
// timestamptz; a zero time of the domain ("not happened", such as a session never revoked) is
// NULL. The reads that lock a row on PostgreSQL (Users().GetForUpdate, OTPs().Latest,
// Sessions().GetByRefreshHash, TradingState().GetForUpdate, Quotes().GetForUpdate and
// LatestImplicit, Orders().GetForUpdate) are plain reads here: the write transaction already holds the
// database's write lock. The path ":memory:" ([MemoryPath]) opens a private in-memory database for
// tests and the simulation harness: SQLite's memdb VFS under a unique name, shared by the
// store's connections and kept alive until [Store.Close]. It is not durable and has no WAL,
// so readers and the writer take turns (a snapshot waits while a write transaction is open,
// a commit waits for open snapshots, both within the busy timeout) instead of running side by
// side.
package sqlite
