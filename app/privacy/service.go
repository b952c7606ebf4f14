// Package privacy implements [ports.Privacy]: the export of a user's personal data and the
// deletion of an account by anonymisation (API.md §3.12). A deletion keeps the financial
// records (orders, ledger, deposits, withdrawals, audit events) linked to the user id for the
// legal retention period, and erases or replaces by keyed hashes everything in them that
// names the person.
package privacy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/talabin/talabin/app/idempotent"
	"github.com/talabin/talabin/ports"
)

// Service implements [ports.Privacy]. It is safe for concurrent use.
type Service struct {
	cfg    Config
	store  ports.Store
	clock  ports.Clock
	logger *slog.Logger
}

var _ ports.Privacy = (*Service)(nil)

// NewService returns the service configured by cfg over store and clock. Deletions and the
// files they could not remove are logged to logger; nil discards. It returns an error when a
// dependency is missing or the tombstone key is short.
func NewService(cfg Config, store ports.Store, clock ports.Clock, logger *slog.Logger) (*Service, error) {
	if store == nil || clock == nil {
		return nil, errors.New("privacy: store and clock are required")
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.TombstoneKey = append([]byte(nil), cfg.TombstoneKey...)
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, store: store, clock: clock, logger: logger.With("component", "privacy")}, nil
}

func (s *Service) now() time.Time { return s.clock.Now() }

func (s *Service) runner() idempotent.Runner {
	return idempotent.Runner{Store: s.store, Now: s.now, Retention: s.cfg.IdempotencyRetention}
}

// TombstonePrefix starts every tombstone, so a replaced phone or national id never reads as
// a real one.
const TombstonePrefix = "deleted:"

// tombstoneHexLen is how many hex digits of the HMAC a tombstone keeps: 160 bits.
const tombstoneHexLen = 40

// Tombstone returns what replaces value (a phone in E.164 form, a national id) in the
// records of a deleted account: [TombstonePrefix] and the first 40 hex digits of
// HMAC-SHA256(key, value). The same value under the same key always gives the same
// tombstone, so fraud checks can match a number against deleted accounts; without the key
// nobody can recover it.
func Tombstone(key []byte, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(value))
	return TombstonePrefix + hex.EncodeToString(m.Sum(nil))[:tombstoneHexLen]
}
