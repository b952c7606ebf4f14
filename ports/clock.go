package ports

import "time"

// Clock tells the time. Services take it instead of calling time.Now so tests can move time.
type Clock interface {
	Now() time.Time
}
