package loadrig

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/talabin/talabin/integration/pgtest"
)

// databasePrefix names the databases the driver creates; a crashed run leaves one behind,
// and its name tells how old it is.
const databasePrefix = "talabin_bench_"

// freshDatabase creates an empty database on the server of admin, with synchronous_commit
// on whatever the server's default, and returns its DSN and the function that drops it.
func freshDatabase(ctx context.Context, admin string) (dsn string, drop func(context.Context) error, err error) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := databasePrefix + time.Now().UTC().Format("20060102t150405") + "_" + hex.EncodeToString(b[:])
	ident := pgx.Identifier{name}.Sanitize()
	if err := exec(ctx, admin, "CREATE DATABASE "+ident); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	drop = func(ctx context.Context) error {
		return exec(ctx, admin, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)")
	}
	if err := exec(ctx, admin, "ALTER DATABASE "+ident+" SET synchronous_commit = on"); err != nil {
		return "", nil, errors.Join(fmt.Errorf("set synchronous_commit: %w", err), drop(ctx))
	}
	dsn, err = pgtest.WithDatabase(admin, name)
	if err != nil {
		return "", nil, errors.Join(err, drop(ctx))
	}
	return dsn, drop, nil
}

// ServerFacts describes the PostgreSQL server for the report.
type ServerFacts struct {
	Version           string
	SynchronousCommit string
}

// describeServer reads the server's version and the session's synchronous_commit on dsn.
func describeServer(ctx context.Context, dsn string) (ServerFacts, error) {
	var f ServerFacts
	err := withConn(ctx, dsn, func(conn *pgx.Conn) error {
		if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&f.Version); err != nil {
			return err
		}
		return conn.QueryRow(ctx, "SHOW synchronous_commit").Scan(&f.SynchronousCommit)
	})
	return f, err
}

// OrderCounts counts the stored orders by status, the audit events of placed orders and
// the stored idempotent responses.
type OrderCounts struct{ Completed, Failed, Other, Audited, Idempotent int64 }

// CountOrders counts what a run stored in the database of dsn.
func CountOrders(ctx context.Context, dsn string) (OrderCounts, error) {
	var c OrderCounts
	err := withConn(ctx, dsn, func(conn *pgx.Conn) error {
		return conn.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM orders WHERE status = 'completed'),
			(SELECT count(*) FROM orders WHERE status = 'failed'),
			(SELECT count(*) FROM orders WHERE status NOT IN ('completed', 'failed')),
			(SELECT count(*) FROM audit_events WHERE action = 'order.place'),
			(SELECT count(*) FROM idempotency_records)`).Scan(&c.Completed, &c.Failed, &c.Other, &c.Audited, &c.Idempotent)
	})
	return c, err
}

// exec runs one statement on a connection of its own.
func exec(ctx context.Context, dsn, sql string) error {
	return withConn(ctx, dsn, func(conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, sql)
		return err
	})
}

// withConn runs fn on a connection of its own to dsn.
func withConn(ctx context.Context, dsn string, fn func(conn *pgx.Conn) error) (err error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, conn.Close(context.WithoutCancel(ctx))) }()
	return fn(conn)
}
