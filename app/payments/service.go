package payments

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/talabin/talabin/app/idempotent"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/trading"
	"github.com/talabin/talabin/ports"
)

// maxNumberDraws bounds the numbers drawn for one deposit or withdrawal.
const maxNumberDraws = 3

// Service implements [ports.Payments] and [ports.PaymentsStaff]. It is safe for concurrent
// use.
type Service struct {
	cfg    Config
	store  ports.Store
	clock  ports.Clock
	logger *slog.Logger
}

var (
	_ ports.Payments      = (*Service)(nil)
	_ ports.PaymentsStaff = (*Service)(nil)
)

// NewService returns the service configured by cfg. Operational events (gateway failures,
// tamper signals, reconciliations) go to logger; nil discards.
func NewService(cfg Config, store ports.Store, clock ports.Clock, logger *slog.Logger) (*Service, error) {
	if store == nil || clock == nil {
		return nil, errors.New("payments: store and clock are required")
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, store: store, clock: clock, logger: logger.With("component", "payments")}, nil
}

func (s *Service) now() time.Time { return s.clock.Now() }

func (s *Service) runner() idempotent.Runner {
	return idempotent.Runner{Store: s.store, Now: s.now, Retention: s.cfg.IdempotencyRetention}
}

// newNumber draws a transaction number (API.md §2) for something created at now.
func (s *Service) newNumber(now time.Time) (string, error) {
	return trading.NewOrderNumber(now, s.cfg.Rand)
}

// callbackSig is the signature of deposit id's callback URL: the gateway returns it to us
// untouched, so a return for a deposit id it was not issued for is refused before any work.
func (s *Service) callbackSig(id string) string {
	m := hmac.New(sha256.New, s.cfg.CallbackKey)
	m.Write([]byte("deposit-callback:" + id))
	return hex.EncodeToString(m.Sum(nil))
}

// checkCustomer refuses a user who may not move money: unknown or disabled, phone not
// verified, or below level when KYC is required and level is positive.
func (s *Service) checkCustomer(ctx context.Context, tx ports.Tx, user core.UserID, level int) (identity.User, error) {
	u, err := tx.Users().Get(ctx, user)
	if errors.Is(err, core.ErrNotFound) {
		return identity.User{}, core.ErrNotAuthenticated
	}
	if err != nil {
		return identity.User{}, err
	}
	switch {
	case u.Disabled():
		return identity.User{}, core.ErrAccountDisabled
	case !u.PhoneVerified():
		return identity.User{}, core.ErrPhoneNotVerified
	case level == 0 || !s.cfg.RequireKYC:
		return u, nil
	}
	have, err := kycLevel(ctx, tx, user)
	if err != nil {
		return identity.User{}, err
	}
	if have < level {
		return identity.User{}, &core.KYCRequiredError{RequiredLevel: level, CurrentLevel: have}
	}
	return u, nil
}

// kycLevel returns user's verification level, read in tx.
func kycLevel(ctx context.Context, tx ports.Tx, user core.UserID) (int, error) {
	profile, err := tx.KYC().Get(ctx, user)
	if err != nil {
		return 0, fmt.Errorf("kyc level: %w", err)
	}
	return profile.Level(), nil
}

// requireStaff refuses a principal that is not staff.
func requireStaff(p ports.Principal) error {
	if p.UserID <= 0 {
		return core.ErrNotAuthenticated
	}
	if !p.Role.IsStaff() {
		return core.ErrPermissionDenied
	}
	return nil
}

// requireUser refuses an anonymous principal.
func requireUser(p ports.Principal) error {
	if p.UserID <= 0 {
		return core.ErrNotAuthenticated
	}
	return nil
}

// windows returns the starts of the rolling day and 30 days that caps count over.
func windows(now time.Time) (day, month time.Time) {
	return now.Add(-24 * time.Hour), now.Add(-30 * 24 * time.Hour)
}
