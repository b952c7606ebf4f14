package sqlite

import (
	"fmt"
	"math"
	"time"

	"github.com/talabin/talabin/core"
)

// checkPage returns an error wrapping [core.ErrInvalidInput] unless offset and limit can
// page a list: neither negative. A zero limit returns no rows, and the count still.
func checkPage(offset, limit int) error {
	if offset < 0 || limit < 0 {
		return fmt.Errorf("%w: sqlite: page offset %d and limit %d must not be negative", core.ErrInvalidInput, offset, limit)
	}
	return nil
}

// boundMicros is the stored form of an optional bound of a time filter: its Unix
// microseconds, or else (the zero time, no bound) whichever extreme admits every row.
func boundMicros(t time.Time, otherwise int64) int64 {
	if t.IsZero() {
		return otherwise
	}
	return t.UnixMicro()
}

// The extremes passed by boundMicros for a missing lower or upper bound.
const (
	noLowerBound int64 = math.MinInt64
	noUpperBound int64 = math.MaxInt64
)
