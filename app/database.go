package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/adapters/store/sqlite"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// Database is the store the app runs on, with its migration controls.
type Database interface {
	ports.Store
	ports.Migrator
}

// OpenDatabase opens the store the configuration selects: PostgreSQL when DATABASE_URL or
// DB_HOST is set, else the embedded SQLite file at SQLITE_PATH (created on first use). It does
// not migrate; the returned cleanup closes the store.
func OpenDatabase(ctx context.Context, cfg config.Config, logger *slog.Logger) (Database, func(), error) {
	var (
		db  Database
		err error
	)
	switch cfg.DatabaseEngine() {
	case config.DatabasePostgres:
		db, err = postgres.Open(ctx, cfg.PostgresDSN(), postgres.Options{Logger: logger})
	default:
		db, err = sqlite.Open(ctx, cfg.SQLitePath, sqlite.Options{Logger: logger})
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open %s store: %w", cfg.DatabaseEngine(), err)
	}
	return db, func() { _ = db.Close() }, nil
}

// MigratedStore applies pending migrations to db at start-up and returns it as the app's
// store, so `make run` on a fresh machine creates and migrates ./data/talabin.db by itself.
// Instances starting together migrate one after the other (PostgreSQL takes an advisory lock).
func MigratedStore(ctx context.Context, db Database, logger *slog.Logger) (ports.Store, error) {
	if err := db.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	logger.Info("database migrated")
	return db, nil
}

// VerifyLedger recomputes every balance from the postings in one snapshot and checks the
// ledger's invariants.
func VerifyLedger(ctx context.Context, store ports.Store) (ledger.Report, error) {
	var r ledger.Report
	err := store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		r, err = tx.Ledger().Verify(ctx)
		return err
	})
	return r, err
}
