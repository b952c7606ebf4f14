package postgres

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	migrations "github.com/talabin/talabin/migrations/postgres"
	"github.com/talabin/talabin/ports"
)

var _ ports.Migrator = (*Store)(nil)

// riverMigrateLock is the key of the transaction advisory lock that River's migrations run
// under.
const riverMigrateLock = 0x7461_6c61_6269_6e01

// Migrate applies the pending migrations embedded from migrations/postgres, then River's own
// migrations (river_job and the tables around it, through rivermigrate), then gives every
// system account [Options.Shards] shards. Each set of migrations runs under an advisory lock,
// so instances started together migrate one after the other. It runs without the store's
// lock and statement timeouts.
func (s *Store) Migrate(ctx context.Context) error {
	err := s.withProvider(func(p *goose.Provider) error {
		_, err := p.Up(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	if err := s.migrateRiver(ctx); err != nil {
		return fmt.Errorf("postgres: migrate river: %w", err)
	}
	return s.ensureShards(ctx)
}

// migrateRiver applies River's pending migrations, each in a transaction of its own (some
// cannot share one), on connections of its own without the store's timeouts. A session
// advisory lock, held on one more connection, keeps two instances from migrating at once.
func (s *Store) migrateRiver(ctx context.Context) (err error) {
	cfg := s.pool.Config().Copy()
	cfg.MinConns, cfg.MaxConns = 0, 2
	withoutTimeouts(cfg.ConnConfig)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	lockConn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// Closing the connection, not returning it, ends the session and so releases the lock
	// however this function ends.
	defer func() { err = errors.Join(err, lockConn.Hijack().Close(context.WithoutCancel(ctx))) }()
	if _, err := lockConn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(riverMigrateLock)); err != nil {
		return err
	}
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	_, err = migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// withoutTimeouts removes the store's lock, statement and idle timeouts from cfg.
func withoutTimeouts(cfg *pgx.ConnConfig) {
	delete(cfg.RuntimeParams, "lock_timeout")
	delete(cfg.RuntimeParams, "statement_timeout")
	delete(cfg.RuntimeParams, "idle_in_transaction_session_timeout")
}

// MigrationStatus lists every embedded migration, oldest first, with whether the database
// has it.
func (s *Store) MigrationStatus(ctx context.Context) ([]ports.MigrationStatus, error) {
	var out []ports.MigrationStatus
	err := s.withProvider(func(p *goose.Provider) error {
		list, err := p.Status(ctx)
		if err != nil {
			return err
		}
		for _, m := range list {
			out = append(out, ports.MigrationStatus{
				Version:   m.Source.Version,
				Name:      path.Base(m.Source.Path),
				Applied:   m.State == goose.StateApplied,
				AppliedAt: m.AppliedAt,
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: migration status: %w", err)
	}
	return out, nil
}

// withProvider runs fn with a goose provider over a database/sql handle of its own, built
// from the pool's connection settings without the timeouts (a migration may lock and run
// longer than a request), and closes the handle afterwards.
func (s *Store) withProvider(fn func(p *goose.Provider) error) (err error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	withoutTimeouts(cfg)
	db := stdlib.OpenDB(*cfg)
	defer func() { err = errors.Join(err, db.Close()) }()
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return err
	}
	return fn(p)
}
