// Package sqlitemigrations embeds the goose migrations of the embedded SQLite store
// (adapters/store/sqlite), so the binary migrates its database without files on disk.
package sqlitemigrations

import "embed"

// FS holds the SQL migration files, named NNNNN_description.sql, at its root. It also holds
// river_job_schema.sql, River's job table for sqlc; goose skips it, as it has no version.
//
//go:embed *.sql
var FS embed.FS
