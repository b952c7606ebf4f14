// Package sqlitemigrations embeds the goose migrations of the embedded SQLite store
// (adapters/store/sqlite), so the binary migrates its database without files on disk.
package sqlitemigrations

import "embed"

// FS holds the SQL migration files, named NNNNN_description.sql, at its root.
//
//go:embed *.sql
var FS embed.FS
