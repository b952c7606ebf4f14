package postgres

import (
	"context"
	"fmt"
	"sync"

	"github.com/talabin/talabin/core"
)

// accountCacheGeneration bounds each generation of the account id cache: at most twice as
// many codes are kept, the ones used since the previous generation was started.
const accountCacheGeneration = 1 << 16

// accountCache maps account codes to ids, so that posting a journal needs no lookup. Account
// rows are never deleted or renumbered, so a committed id stays right forever; only ids
// committed by their creating transaction are added (see [tx.accountIDs]). The cache keeps
// two generations: when the current one is full it becomes the previous one and the old
// previous one is dropped, which bounds memory and keeps recently used codes.
type accountCache struct {
	mu       sync.RWMutex
	current  map[string]int64
	previous map[string]int64
}

// newAccountCache returns an empty cache.
func newAccountCache() *accountCache {
	return &accountCache{current: make(map[string]int64), previous: make(map[string]int64)}
}

// get returns the id of code, if cached.
func (c *accountCache) get(code string) (int64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if id, ok := c.current[code]; ok {
		return id, true
	}
	id, ok := c.previous[code]
	return id, ok
}

// add caches ids.
func (c *accountCache) add(ids map[string]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for code, id := range ids {
		if len(c.current) >= accountCacheGeneration {
			c.previous, c.current = c.current, make(map[string]int64)
		}
		c.current[code] = id
	}
}

// accountIDs returns the ids of the accounts codes, from the store's cache when it has them
// and from the database otherwise. It returns [core.ErrNotFound] naming the first code (in
// the order of codes) that is not an open account. Ids read from the database are cached only
// when this transaction commits: an account it sees may be one it created itself, whose id
// means nothing after a rollback.
func (t *tx) accountIDs(ctx context.Context, codes []string) (map[string]int64, error) {
	ids := make(map[string]int64, len(codes))
	var missing []string
	for _, code := range codes {
		if id, ok := t.resolved[code]; ok {
			ids[code] = id
		} else if id, ok := t.store.accounts.get(code); ok {
			ids[code] = id
		} else {
			missing = append(missing, code)
		}
	}
	if len(missing) == 0 {
		return ids, nil
	}
	rows, err := t.q().AccountIDsByCodes(ctx, t, missing)
	if err != nil {
		return nil, fmt.Errorf("postgres: look up accounts: %w", interpretError(err))
	}
	if t.resolved == nil {
		t.resolved = make(map[string]int64, len(rows))
	}
	for _, row := range rows {
		ids[row.Code] = row.ID
		t.resolved[row.Code] = row.ID
	}
	for _, code := range missing {
		if _, ok := ids[code]; !ok {
			return nil, fmt.Errorf("postgres: %w: ledger account %s is not open", core.ErrNotFound, code)
		}
	}
	return ids, nil
}
