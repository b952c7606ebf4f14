package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
)

// PlaceHold posts hold's journal (available to held) and stores the hold as placed. It fails
// like [ledgerRepository.Post], and with [core.ErrInvalidInput] for a hold that is not a new,
// placed hold on a user account.
func (r ledgerRepository) PlaceHold(ctx context.Context, hold ledger.Hold) (ledger.HoldID, error) {
	if hold.ID() != 0 || hold.State() != ledger.HoldPlaced || !hold.Account().IsUser() || hold.Amount() <= 0 {
		return 0, fmt.Errorf("%w: postgres: place hold: not a new hold on a user account", core.ErrInvalidInput)
	}
	journal, err := hold.PlaceJournal()
	if err != nil {
		return 0, err
	}
	if _, err := r.Post(ctx, journal); err != nil {
		return 0, err
	}
	id, err := r.tx.q().HoldInsert(ctx, r.tx, dbsqlc.HoldInsertParams{
		AccountCode: hold.Account().Code(),
		Amount:      hold.Amount(),
		Reference:   hold.Reference(),
		Now:         r.tx.store.opts.Clock.Now(),
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: place hold: %w", interpretError(err))
	}
	return ledger.HoldID(id), nil
}

// ReleaseHold moves a placed hold back to available, exactly once; see
// [ports.LedgerRepository.ReleaseHold].
func (r ledgerRepository) ReleaseHold(ctx context.Context, id ledger.HoldID) (ledger.JournalID, error) {
	hold, err := r.transitionHold(ctx, id, ledger.HoldReleased, "release")
	if err != nil {
		return 0, err
	}
	journal, err := hold.Release()
	if err != nil {
		return 0, err
	}
	return r.Post(ctx, journal)
}

// SettleHold moves a placed hold to credits, exactly once; see
// [ports.LedgerRepository.SettleHold].
func (r ledgerRepository) SettleHold(ctx context.Context, id ledger.HoldID, credits []ledger.Posting) (ledger.JournalID, error) {
	hold, err := r.transitionHold(ctx, id, ledger.HoldSettled, "settle")
	if err != nil {
		return 0, err
	}
	journal, err := hold.Settle(credits...)
	if err != nil {
		return 0, err
	}
	return r.Post(ctx, journal)
}

// transitionHold marks hold id as to if it is placed and returns it as it was, placed. The
// conditional update makes the transition happen exactly once even when a release and a
// settlement race: the loser waits for the winner's row lock, re-checks the state and
// matches nothing, and gets a [*core.InvalidStateError]. A missing hold is
// [core.ErrNotFound].
func (r ledgerRepository) transitionHold(ctx context.Context, id ledger.HoldID, to ledger.HoldState, action string) (ledger.Hold, error) {
	row, err := r.tx.q().HoldTransition(ctx, r.tx, dbsqlc.HoldTransitionParams{
		ID: int64(id), ToState: to.String(), Now: r.tx.store.opts.Clock.Now(),
	})
	if errors.Is(err, pgx.ErrNoRows) {
		current, err := r.Hold(ctx, id)
		if err != nil {
			return ledger.Hold{}, err
		}
		return ledger.Hold{}, fmt.Errorf("postgres: %s hold %d: %w", action, id,
			&core.InvalidStateError{Object: "hold", State: current.State().String(), Action: action})
	}
	if err != nil {
		return ledger.Hold{}, fmt.Errorf("postgres: %s hold %d: %w", action, id, interpretError(err))
	}
	account, err := parseAccount(row.AccountCode)
	if err != nil {
		return ledger.Hold{}, err
	}
	return ledger.RehydrateHold(ledger.HoldID(row.ID), account, row.Amount, ledger.HoldPlaced, row.Reference), nil
}

// Hold returns a stored hold, or [core.ErrNotFound].
func (r ledgerRepository) Hold(ctx context.Context, id ledger.HoldID) (ledger.Hold, error) {
	row, err := r.tx.q().HoldGet(ctx, r.tx, int64(id))
	if err != nil {
		return ledger.Hold{}, fmt.Errorf("postgres: get hold %d: %w", id, interpretError(err))
	}
	return holdFromRow(row)
}

// holdFromRow converts a stored hold.
func holdFromRow(row dbsqlc.HoldGetRow) (ledger.Hold, error) {
	account, err := parseAccount(row.AccountCode)
	if err != nil {
		return ledger.Hold{}, err
	}
	state, err := ledger.ParseHoldState(row.State)
	if err != nil {
		return ledger.Hold{}, fmt.Errorf("%w: postgres: hold %d: %w", core.ErrInternal, row.ID, err)
	}
	return ledger.RehydrateHold(ledger.HoldID(row.ID), account, row.Amount, state, row.Reference), nil
}

// parseAccount parses a stored account code; a code that does not parse is corrupt data.
func parseAccount(code string) (ledger.Account, error) {
	account, err := ledger.ParseAccount(code)
	if err != nil {
		return ledger.Account{}, fmt.Errorf("%w: postgres: stored account: %w", core.ErrInternal, err)
	}
	return account, nil
}
