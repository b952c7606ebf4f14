package postgres

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	migrations "github.com/talabin/talabin/migrations/postgres"
	"github.com/talabin/talabin/ports"
)

var _ ports.Migrator = (*Store)(nil)

// Migrate applies the pending migrations embedded from migrations/postgres, then gives every
// system account [Options.Shards] shards. It holds a session advisory lock while it runs, so
// instances started together migrate one after the other. It runs without the store's lock
// and statement timeouts.
func (s *Store) Migrate(ctx context.Context) error {
	err := s.withProvider(func(p *goose.Provider) error {
		_, err := p.Up(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return s.ensureShards(ctx)
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
	delete(cfg.RuntimeParams, "lock_timeout")
	delete(cfg.RuntimeParams, "statement_timeout")
	delete(cfg.RuntimeParams, "idle_in_transaction_session_timeout")
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
