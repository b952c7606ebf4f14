// Package postgres holds the PostgreSQL schema as goose SQL migrations, embedded so the binary
// can migrate a database on its own (talabin migrate up).
package postgres

import "embed"

// FS holds the migration files, named NNNNN_description.sql, at its root.
//
//go:embed *.sql
var FS embed.FS
