package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/talabin/talabin/core"
)

// interpretError is the one place SQLite errors become core errors: no rows is
// [core.ErrNotFound]; a UNIQUE or PRIMARY KEY violation is a [core.ConflictError] naming the
// column(s), and the users.phone one is also [core.ErrPhoneTaken]; a FOREIGN KEY violation is
// [core.ErrNotFound] (the referenced row does not exist); a balance CHECK violation is
// [core.ErrInsufficientFunds] (it cannot happen behind the conditional updates, but if it did
// it must read as such); an integer that overflowed into a float is [core.ErrOverflow]; busy
// and locked are [core.ErrRetryable]. Anything else is wrapped unchanged.
func interpretError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return core.ErrNotFound
	}
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	code := se.Code()
	switch {
	case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		constraint := constraintName(se)
		conflict := &core.ConflictError{Constraint: constraint}
		if constraint == "users.phone" {
			return fmt.Errorf("%w: %w", core.ErrPhoneTaken, conflict)
		}
		return conflict
	case code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %w", core.ErrNotFound, err)
	case code == sqlite3.SQLITE_CONSTRAINT_CHECK && isBalanceCheck(se):
		return fmt.Errorf("%w: %w", core.ErrInsufficientFunds, err)
	case code == sqlite3.SQLITE_CONSTRAINT_DATATYPE:
		// Every value the store binds is an integer, text or blob of the right column type;
		// the only way to produce a REAL is integer arithmetic overflowing.
		return fmt.Errorf("%w: %w", core.ErrOverflow, err)
	case code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("%w: %w", core.ErrRetryable, err)
	}
	return err
}

// constraintName extracts "table.column[, table.column]" from SQLite's "UNIQUE constraint
// failed: users.phone" message.
func constraintName(se *msqlite.Error) string {
	msg := se.Error()
	const marker = "constraint failed: "
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return "unknown"
	}
	name := msg[i+len(marker):]
	if j := strings.Index(name, " ("); j >= 0 { // the driver appends " (code)"
		name = name[:j]
	}
	return name
}

func isBalanceCheck(se *msqlite.Error) bool {
	msg := se.Error()
	return strings.Contains(msg, "available >= 0") || strings.Contains(msg, "held >= 0") ||
		strings.Contains(msg, "balance >= 0")
}
