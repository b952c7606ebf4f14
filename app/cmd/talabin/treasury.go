package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
)

// newTreasuryCommand returns `talabin treasury in|out`: the house inventory's movements,
// which no HTTP route offers (they are the company's, not a customer's or a reviewer's).
func newTreasuryCommand(environ map[string]string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "treasury",
		Short: "Record gold or rials entering or leaving the house treasury",
		Long: "The treasury holds the gold the platform sells to buyers (a buy the treasury cannot\n" +
			"cover is refused with 503 inventory_unavailable) and the rials it adds as capital.\n" +
			"Each movement is a ledger journal and an audit event, recorded once per --reference.",
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newTreasuryMoveCommand(environ, false), newTreasuryMoveCommand(environ, true))
	return cmd
}

func newTreasuryMoveCommand(environ map[string]string, out bool) *cobra.Command {
	var grams, rials, reference, reason string
	use, short := "in", "Record metal or capital entering the treasury (e.g. gold bought from a refiner)"
	if out {
		use, short = "out", "Record metal or capital leaving the treasury (e.g. gold sold on or delivered)"
	}
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + ".\nGive exactly one of --grams (up to 6 decimals) or --rials, a --reference that names the\n" +
			"document behind it (invoice or transfer number; a reference is recorded once, so the\n" +
			"command may be run again safely) and a --reason for the audit log.\n\n" +
			"  talabin treasury " + use + " --grams 1000 --reference INV-1403-0042 --reason 'refiner purchase'",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := treasuryMove(out, grams, rials, reference, reason)
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("treasury %s: %w", use, err)}
			}
			return withDatabase(cmd.Context(), environ, func(db app.Database) error {
				id, err := app.MoveTreasury(cmd.Context(), db, m, time.Now())
				if err != nil {
					return &exitError{code: exitFailure, err: fmt.Errorf("treasury %s: %w", use, err)}
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "journal %d: treasury %s %s %s (%s)\n", id, use, amountText(m), m.Asset, m.Reference)
				return err
			})
		},
	}
	c.Flags().StringVar(&grams, "grams", "", "grams of gold, e.g. 1000 or 12.5")
	c.Flags().StringVar(&rials, "rials", "", "rials")
	c.Flags().StringVar(&reference, "reference", "", "the document behind the movement (required; recorded once)")
	c.Flags().StringVar(&reason, "reason", "", "why, for the audit log (required)")
	return c
}

// treasuryMove reads the flags of a treasury command.
func treasuryMove(out bool, grams, rials, reference, reason string) (app.TreasuryMove, error) {
	m := app.TreasuryMove{Out: out, Reference: strings.TrimSpace(reference), Reason: strings.TrimSpace(reason)}
	switch {
	case m.Reference == "" || m.Reason == "":
		return m, errors.New("--reference and --reason are required")
	case (grams == "") == (rials == ""):
		return m, errors.New("give exactly one of --grams and --rials")
	case grams != "":
		g, err := core.ParseGrams(grams)
		if err != nil {
			return m, fmt.Errorf("--grams: %w", err)
		}
		m.Asset, m.Amount = ledger.Gold, int64(g)
	default:
		r, err := core.ParseRial(rials)
		if err != nil {
			return m, fmt.Errorf("--rials: %w", err)
		}
		m.Asset, m.Amount = ledger.IRR, int64(r)
	}
	if m.Amount <= 0 {
		return m, errors.New("the amount must be positive")
	}
	return m, nil
}

// amountText is m's amount as a person writes it: grams of gold, or rials.
func amountText(m app.TreasuryMove) string {
	if m.Asset == ledger.Gold {
		return core.FormatGrams(core.Microgram(m.Amount)) + " g"
	}
	return fmt.Sprint(m.Amount)
}
