package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/talabin/talabin/app/config"
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
// through a staff journal and this does nothing.
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
