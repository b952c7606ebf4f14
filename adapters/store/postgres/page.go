package postgres

import (
	"fmt"

	"github.com/talabin/talabin/core"
)

// checkPage returns an error wrapping [core.ErrInvalidInput] unless offset and limit can
// page a list: neither negative. A zero limit returns no rows, and the count still.
func checkPage(offset, limit int) error {
	if offset < 0 || limit < 0 {
		return fmt.Errorf("%w: postgres: page offset %d and limit %d must not be negative", core.ErrInvalidInput, offset, limit)
	}
	return nil
}
