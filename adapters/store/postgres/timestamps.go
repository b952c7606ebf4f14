package postgres

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// nullTime returns t as a nullable timestamptz: NULL for the zero time, which the core types
// use for "not happened".
func nullTime(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

// timeOf returns a nullable timestamptz in UTC, or the zero time for NULL.
func timeOf(ts pgtype.Timestamptz) time.Time {
	if !ts.Valid {
		return time.Time{}
	}
	return ts.Time.UTC()
}
