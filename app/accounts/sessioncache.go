package accounts

import (
	"sync"
	"time"

	"github.com/talabin/talabin/core"
)

// sessionCache remembers, per session id, what [Service.Authenticate] last read from the
// store: the owner and whether the session was active. An entry lives at most ttl
// ([ports.RevocationCacheTTL]), so a revocation made by another instance shows within it;
// revocations made by this instance drop their entries at once. Size is capped: a full
// cache first drops expired entries, then arbitrary ones, which only costs a store read.
type sessionCache struct {
	mu      sync.Mutex
	max     int
	ttl     time.Duration
	entries map[string]sessionEntry
}

// sessionEntry is one remembered session.
type sessionEntry struct {
	user core.UserID
	// err is nil for an active session, else the error Authenticate returns.
	err   error
	until time.Time
}

func newSessionCache(size int, ttl time.Duration) *sessionCache {
	return &sessionCache{max: size, ttl: ttl, entries: make(map[string]sessionEntry)}
}

// get returns the entry of sid if it is still fresh at now.
func (c *sessionCache) get(sid string, now time.Time) (sessionEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[sid]
	if !ok || !now.Before(e.until) {
		return sessionEntry{}, false
	}
	return e, true
}

// put remembers e for sid from now, for at most the cache's ttl and never past limit (the
// session's expiry, when active).
func (c *sessionCache) put(sid string, e sessionEntry, now, limit time.Time) {
	e.until = now.Add(c.ttl)
	if !limit.IsZero() && limit.Before(e.until) {
		e.until = limit
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[sid]; !ok && len(c.entries) >= c.max {
		for k, old := range c.entries {
			if !now.Before(old.until) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < c.max {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[sid] = e
}

// forget drops the entries of sids.
func (c *sessionCache) forget(sids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, sid := range sids {
		delete(c.entries, sid)
	}
}

// forgetUser drops every entry of user but the one of except.
func (c *sessionCache) forgetUser(user core.UserID, except string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for sid, e := range c.entries {
		if e.user == user && sid != except {
			delete(c.entries, sid)
		}
	}
}
