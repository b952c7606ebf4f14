package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// devTreasuryReference is the reference of the journal that seeds a development treasury.
const devTreasuryReference = "dev-treasury-seed"

// DevTreasury marks that the development treasury seed ran (or had nothing to do).
type DevTreasury struct{}

// SeedDevTreasury records DEV_TREASURY_GRAMS of gold entering the house treasury from
// outside when the treasury holds none, in DEBUG mode only, so that `make run` can sell gold
// at once (the treasury cap refuses buys the house cannot cover). In production metal enters
// through `talabin treasury in` ([MoveTreasury]) and this does nothing.
func SeedDevTreasury(ctx context.Context, cfg config.Config, store ports.Store, logger *slog.Logger) (DevTreasury, error) {
	grams, err := cfg.DevTreasury()
	if err != nil || grams == 0 {
		return DevTreasury{}, err
	}
	seeded := false
	err = store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		seeded = false
		bal, err := tx.Ledger().Balance(ctx, ledger.HouseAccount(ledger.Gold))
		if err != nil {
			return err
		}
		if bal.Available != 0 || bal.Held != 0 {
			return nil
		}
		j, err := ledger.TreasuryInJournal(ledger.Gold, int64(grams), devTreasuryReference)
		if err != nil {
			return err
		}
		if _, err := tx.Ledger().Post(ctx, j); err != nil {
			return err
		}
		seeded = true
		return nil
	})
	if err != nil {
		return DevTreasury{}, fmt.Errorf("seed development treasury: %w", err)
	}
	if seeded {
		logger.Warn("development treasury seeded (DEBUG only)", "gold_micrograms", int64(grams))
	}
	return DevTreasury{}, nil
}

// Audit actions of the house treasury's movements.
const (
	auditActionTreasuryIn  = "treasury.in"
	auditActionTreasuryOut = "treasury.out"
)

// TreasuryMove is metal or capital entering or leaving the house inventory: staff bought
// gold from a refiner, sold it on, or the company added rials. Reference is the business
// document behind it (the invoice or transfer number); it makes the move happen once.
type TreasuryMove struct {
	Out       bool // leaving the house; entering when false
	Asset     ledger.Asset
	Amount    int64 // micrograms of gold or rials
	Reference string
	Reason    string
}

// MoveTreasury posts m's journal and an audit event (actor "cli") in one transaction, at
// now. A reference already used by a treasury move returns [core.ErrAlreadyExists] and
// changes nothing, so an operator may safely run the command again after losing its
// answer. Moving out more than the house holds returns [core.ErrInsufficientFunds].
func MoveTreasury(ctx context.Context, store ports.Store, m TreasuryMove, now time.Time) (ledger.JournalID, error) {
	if strings.TrimSpace(m.Reason) == "" {
		return 0, fmt.Errorf("%w: a treasury move needs a reason", core.ErrInvalidInput)
	}
	if strings.TrimSpace(m.Reference) == "" {
		return 0, fmt.Errorf("%w: a treasury move needs a reference", core.ErrInvalidInput)
	}
	journal, action := ledger.TreasuryInJournal, auditActionTreasuryIn
	if m.Out {
		journal, action = ledger.TreasuryOutJournal, auditActionTreasuryOut
	}
	j, err := journal(m.Asset, m.Amount, m.Reference)
	if err != nil {
		return 0, err
	}
	var id ledger.JournalID
	err = store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		// The event goes first: appending locks its chain (one per entity and reference)
		// until the transaction ends, so a second move of the same reference waits here and
		// then sees the first in the count below.
		if _, err := tx.Audit().Append(ctx, ports.AuditEvent{
			At: now, ActorRole: "cli", Action: action, Entity: "treasury", EntityID: m.Reference,
			Reason: fmt.Sprintf("%s %d %s: %s", action, m.Amount, m.Asset, m.Reason),
		}); err != nil {
			return err
		}
		_, n, err := tx.Audit().List(ctx, ports.AuditFilter{Entity: "treasury", EntityID: m.Reference}, 0, 1)
		if err != nil {
			return err
		}
		if n > 1 {
			return fmt.Errorf("%w: treasury reference %q was used before", core.ErrAlreadyExists, m.Reference)
		}
		id, err = tx.Ledger().Post(ctx, j)
		return err
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}
