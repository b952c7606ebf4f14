// Package pii finds personal data left in a database: the check behind account deletion
// (API.md §3.12) that, once an account is erased, no table of either store still names the
// person. [Scan] reads every cell of every table, River's job tables included, as text and
// reports the cells that contain any of the person's values.
//
// It is test support, not a test file, so that the service tests of app/... can import it;
// integration/accountstest hands it a store's database.
package pii

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Engine is the database engine behind a handle: the catalogue and the casts differ.
type Engine int

// The engines of the stores (adapters/store/postgres, adapters/store/sqlite).
const (
	PostgreSQL Engine = iota + 1
	SQLite
)

// String names the engine.
func (e Engine) String() string {
	switch e {
	case PostgreSQL:
		return "postgresql"
	case SQLite:
		return "sqlite"
	default:
		return fmt.Sprintf("engine(%d)", int(e))
	}
}

// Finding is one cell that contains a needle.
type Finding struct {
	// Table is the table, schema-qualified on PostgreSQL ("public.users").
	Table  string
	Column string
	// Row names the row: its ctid on PostgreSQL, its rowid on SQLite ("" for a table without
	// rowid).
	Row string
	// Needle is the needle found, as given.
	Needle string
	// Value is the cell as text, cut to [maxValue] bytes.
	Value string
}

// String describes the finding in one line.
func (f Finding) String() string {
	return fmt.Sprintf("%s.%s row %s contains %q: %q", f.Table, f.Column, f.Row, f.Needle, f.Value)
}

// maxValue bounds [Finding.Value]: response bodies and job args can be long.
const maxValue = 200

// errEmptyNeedle refuses a needle that every cell contains.
var errEmptyNeedle = errors.New("pii: empty needle")

// Scan reads every column of every table of db, a database of engine, and returns each cell
// that contains any of needles, ignoring case. Cells are compared as text: on PostgreSQL
// every column is cast to text (a date reads 1990-05-17) except bytea, compared as its raw
// bytes like SQLite's BLOBs (so a JSON response body or River's JSONB args are searched as
// written); numbers are compared as decimal text. Findings are grouped by table, in name
// order. An empty needle is an error.
func Scan(ctx context.Context, db *sql.DB, engine Engine, needles []string) ([]Finding, error) {
	lower := make([][]byte, len(needles))
	for i, n := range needles {
		if n == "" {
			return nil, errEmptyNeedle
		}
		lower[i] = bytes.ToLower([]byte(n))
	}
	var tables []table
	var err error
	switch engine {
	case PostgreSQL:
		tables, err = postgresTables(ctx, db)
	case SQLite:
		tables, err = sqliteTables(ctx, db)
	default:
		return nil, fmt.Errorf("pii: unknown %s", engine)
	}
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, t := range tables {
		found, err := t.scan(ctx, db, needles, lower)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// table is one table to scan and the statement that reads it: the row's name first, then
// each of columns as text or raw bytes.
type table struct {
	name    string
	columns []string
	query   string
}

// scan runs t's query and matches every cell.
func (t table) scan(ctx context.Context, db *sql.DB, needles []string, lower [][]byte) (_ []Finding, err error) {
	rows, err := db.QueryContext(ctx, t.query)
	if err != nil {
		return nil, fmt.Errorf("pii: read %s: %w", t.name, err)
	}
	defer func() { err = errors.Join(err, rows.Close()) }()
	cells := make([][]byte, len(t.columns)+1)
	dest := make([]any, len(cells))
	for i := range cells {
		dest[i] = &cells[i]
	}
	var out []Finding
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("pii: read %s: %w", t.name, err)
		}
		for i, col := range t.columns {
			cell := cells[i+1]
			if len(cell) == 0 {
				continue
			}
			folded := bytes.ToLower(cell)
			for j, n := range lower {
				if bytes.Contains(folded, n) {
					out = append(out, Finding{
						Table: t.name, Column: col, Row: string(cells[0]), Needle: needles[j], Value: shorten(cell),
					})
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pii: read %s: %w", t.name, err)
	}
	return out, nil
}

// postgresTables lists the base tables of every schema but the system ones, River's among
// them, with a statement that reads each column as text (bytea as it is).
func postgresTables(ctx context.Context, db *sql.DB) (_ []table, err error) {
	rows, err := db.QueryContext(ctx, `
SELECT c.table_schema, c.table_name, c.column_name, c.data_type
FROM information_schema.columns AS c
JOIN information_schema.tables AS t USING (table_schema, table_name)
WHERE t.table_type = 'BASE TABLE' AND t.table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY c.table_schema, c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("pii: list columns: %w", err)
	}
	defer func() { err = errors.Join(err, rows.Close()) }()
	var out []table
	var from []string    // each table's quoted name
	var exprs [][]string // each table's select list
	for rows.Next() {
		var schema, name, column, dataType string
		if err := rows.Scan(&schema, &name, &column, &dataType); err != nil {
			return nil, fmt.Errorf("pii: list columns: %w", err)
		}
		if qualified := schema + "." + name; len(out) == 0 || out[len(out)-1].name != qualified {
			out = append(out, table{name: qualified})
			from = append(from, quote(schema)+"."+quote(name))
			exprs = append(exprs, nil)
		}
		i := len(out) - 1
		out[i].columns = append(out[i].columns, column)
		expr := quote(column) + "::text"
		if dataType == "bytea" {
			expr = quote(column)
		}
		exprs[i] = append(exprs[i], expr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pii: list columns: %w", err)
	}
	for i := range out {
		out[i].query = "SELECT ctid::text, " + strings.Join(exprs[i], ", ") + " FROM " + from[i]
	}
	return out, nil
}

// sqliteTables lists the tables of the main database, River's and SQLite's own among them.
// Cells are read as they are stored: TEXT and BLOB as bytes, numbers as decimal text.
func sqliteTables(ctx context.Context, db *sql.DB) ([]table, error) {
	// The tables are listed in full before their columns are read: db may be a store's one
	// connection.
	entries, err := sqliteSchema(ctx, db)
	if err != nil {
		return nil, err
	}
	out := make([]table, 0, len(entries))
	for _, e := range entries {
		columns, err := sqliteColumns(ctx, db, e.name)
		if err != nil {
			return nil, err
		}
		rowID := "rowid"
		if strings.Contains(strings.ToUpper(e.sql), "WITHOUT ROWID") {
			rowID = "''"
		}
		exprs := make([]string, len(columns))
		for i, c := range columns {
			exprs[i] = quote(c)
		}
		out = append(out, table{
			name:    e.name,
			columns: columns,
			query:   "SELECT " + rowID + ", " + strings.Join(exprs, ", ") + " FROM " + quote(e.name),
		})
	}
	return out, nil
}

// sqliteEntry is a table of sqlite_schema and the statement that created it.
type sqliteEntry struct{ name, sql string }

// sqliteSchema returns the tables of the main database.
func sqliteSchema(ctx context.Context, db *sql.DB) (_ []sqliteEntry, err error) {
	rows, err := db.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("pii: list tables: %w", err)
	}
	defer func() { err = errors.Join(err, rows.Close()) }()
	var out []sqliteEntry
	for rows.Next() {
		var e sqliteEntry
		var ddl sql.NullString
		if err := rows.Scan(&e.name, &ddl); err != nil {
			return nil, fmt.Errorf("pii: list tables: %w", err)
		}
		e.sql = ddl.String
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pii: list tables: %w", err)
	}
	return out, nil
}

// sqliteColumns returns the columns of a table in order.
func sqliteColumns(ctx context.Context, db *sql.DB, name string) (_ []string, err error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, name)
	if err != nil {
		return nil, fmt.Errorf("pii: columns of %s: %w", name, err)
	}
	defer func() { err = errors.Join(err, rows.Close()) }()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("pii: columns of %s: %w", name, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pii: columns of %s: %w", name, err)
	}
	return out, nil
}

// quote quotes an identifier for either engine.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// shorten returns cell as valid UTF-8 text of at most about maxValue bytes.
func shorten(cell []byte) string {
	if len(cell) > maxValue {
		cell = cell[:maxValue]
	}
	return strings.ToValidUTF8(string(cell), "\uFFFD")
}
