package sqlite

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

type ledgerRepository struct{ t *tx }

var _ ports.LedgerRepository = ledgerRepository{}

func (r ledgerRepository) OpenUserAccounts(ctx context.Context, user core.UserID) error {
	found, err := r.t.q.UserExists(ctx, r.t.db, int64(user))
	if err != nil {
		return fmt.Errorf("open accounts of user %d: %w", user, interpretError(err))
	}
	if found == 0 {
		return fmt.Errorf("open accounts of user %d: %w", user, core.ErrNotFound)
	}
	return r.t.atomically(ctx, func() error {
		for _, asset := range ledger.Assets {
			a := ledger.UserAccount(user, asset)
			uid := int64(user)
			ref, err := r.open(ctx, a, &uid)
			if err != nil {
				return err
			}
			if err := r.t.q.UserBalanceInsert(ctx, r.t.db, ref.id); err != nil {
				return fmt.Errorf("open account %s: %w", a, interpretError(err))
			}
		}
		return nil
	})
}

func (r ledgerRepository) OpenClearingAccount(ctx context.Context, gateway string) error {
	a := ledger.ClearingAccount(gateway)
	if err := a.Validate(); err != nil {
		return err
	}
	return r.t.atomically(ctx, func() error {
		ref, err := r.open(ctx, a, nil)
		if err != nil {
			return err
		}
		err = r.t.q.SystemBalanceInsert(ctx, r.t.db, dbsqlc.SystemBalanceInsertParams{
			AccountID:     ref.id,
			MayGoNegative: boolInt(a.MayGoNegative()),
		})
		if err != nil {
			return fmt.Errorf("open account %s: %w", a, interpretError(err))
		}
		return nil
	})
}

// open inserts account a unless it exists and returns its row.
func (r ledgerRepository) open(ctx context.Context, a ledger.Account, user *int64) (accountRef, error) {
	err := r.t.q.AccountInsert(ctx, r.t.db, dbsqlc.AccountInsertParams{
		Code:          a.Code(),
		Kind:          a.Kind().String(),
		UserID:        user,
		Asset:         a.Asset().String(),
		MayGoNegative: boolInt(a.MayGoNegative()),
	})
	if err != nil {
		return accountRef{}, fmt.Errorf("open account %s: %w", a, interpretError(err))
	}
	return r.t.account(ctx, a)
}

// Post applies the journal's postings with conditional updates, then appends the journal and
// its postings; all or nothing (see tx.atomically).
func (r ledgerRepository) Post(ctx context.Context, journal ledger.Journal) (ledger.JournalID, error) {
	if journal.Type().IsZero() {
		return 0, fmt.Errorf("%w: post of an empty journal", core.ErrInvalidInput)
	}
	var id ledger.JournalID
	err := r.t.atomically(ctx, func() error {
		var err error
		id, err = r.post(ctx, journal)
		return err
	})
	return id, err
}

type resolvedPosting struct {
	ref     accountRef
	posting ledger.Posting
}

func (r ledgerRepository) post(ctx context.Context, journal ledger.Journal) (ledger.JournalID, error) {
	postings := journal.Postings()
	resolved := make([]resolvedPosting, len(postings))
	for i, p := range postings {
		ref, err := r.t.account(ctx, p.Account)
		if err != nil {
			return 0, fmt.Errorf("post %s journal: %w", journal.Type(), err)
		}
		resolved[i] = resolvedPosting{ref: ref, posting: p}
	}
	// Apply in one canonical order, the same on every store: by account, then bucket. Within
	// one bucket credits go first, so only the net result is checked against zero.
	ordered := slices.Clone(resolved)
	slices.SortStableFunc(ordered, func(a, b resolvedPosting) int {
		return cmp.Or(
			cmp.Compare(a.ref.id, b.ref.id),
			cmp.Compare(a.posting.Bucket, b.posting.Bucket),
			cmp.Compare(b.posting.Amount, a.posting.Amount),
		)
	})
	for _, rp := range ordered {
		if err := r.apply(ctx, rp); err != nil {
			return 0, err
		}
	}
	jid, err := r.t.q.JournalInsert(ctx, r.t.db, dbsqlc.JournalInsertParams{
		Type:      journal.Type().String(),
		Reference: journal.Reference(),
		CreatedAt: r.t.now(),
	})
	if err != nil {
		return 0, fmt.Errorf("insert journal: %w", interpretError(err))
	}
	for _, rp := range resolved {
		err := r.t.q.PostingInsert(ctx, r.t.db, dbsqlc.PostingInsertParams{
			JournalID: jid,
			AccountID: rp.ref.id,
			Bucket:    int64(rp.posting.Bucket),
			Amount:    rp.posting.Amount,
		})
		if err != nil {
			return 0, fmt.Errorf("insert posting: %w", interpretError(err))
		}
	}
	return ledger.JournalID(jid), nil
}

// apply changes one balance by a posting's amount, only if an account that may not go
// negative stays at or above zero.
func (r ledgerRepository) apply(ctx context.Context, rp resolvedPosting) error {
	a, p := rp.ref.account, rp.posting
	if !a.IsUser() {
		if p.Bucket != ledger.Available {
			return fmt.Errorf("%w: system account %s has no %s bucket", core.ErrInvalidInput, a, p.Bucket)
		}
		n, err := r.t.q.SystemBalanceAdd(ctx, r.t.db, dbsqlc.SystemBalanceAddParams{Delta: p.Amount, AccountID: rp.ref.id})
		if err != nil {
			return fmt.Errorf("apply posting to %s: %w", a, interpretError(err))
		}
		if n == 1 {
			return nil
		}
		// No shard could take the delta. With one shard per account that means the debit
		// exceeds the balance (the treasury cap), or the account has no balance row.
		sum, err := r.t.q.SystemBalanceSum(ctx, r.t.db, rp.ref.id)
		if err != nil {
			return fmt.Errorf("read balance of %s: %w", a, interpretError(err))
		}
		if sum.Shards == 0 {
			return fmt.Errorf("apply posting to %s: %w", a, errNotOpen)
		}
		return &ledger.InsufficientFundsError{Account: a, Bucket: p.Bucket, Required: -p.Amount, Available: sum.Balance}
	}
	var n int64
	var err error
	args := dbsqlc.UserBalanceAddAvailableParams{Delta: p.Amount, AccountID: rp.ref.id}
	if p.Bucket == ledger.Held {
		n, err = r.t.q.UserBalanceAddHeld(ctx, r.t.db, dbsqlc.UserBalanceAddHeldParams(args))
	} else {
		n, err = r.t.q.UserBalanceAddAvailable(ctx, r.t.db, args)
	}
	if err != nil {
		return fmt.Errorf("apply posting to %s: %w", a, interpretError(err))
	}
	if n == 1 {
		return nil
	}
	bal, err := r.t.q.UserBalanceGet(ctx, r.t.db, rp.ref.id)
	if err != nil {
		err = interpretError(err)
		if errors.Is(err, core.ErrNotFound) {
			return fmt.Errorf("apply posting to %s: %w", a, errNotOpen)
		}
		return fmt.Errorf("read balance of %s: %w", a, err)
	}
	available := bal.Available
	if p.Bucket == ledger.Held {
		available = bal.Held
	}
	return &ledger.InsufficientFundsError{Account: a, Bucket: p.Bucket, Required: -p.Amount, Available: available}
}

func (r ledgerRepository) PlaceHold(ctx context.Context, hold ledger.Hold) (ledger.HoldID, error) {
	if hold.ID() != 0 || hold.State() != ledger.HoldPlaced || hold.Amount() <= 0 || !hold.Account().IsUser() {
		return 0, fmt.Errorf("%w: place hold needs a new hold built by ledger.NewHold", core.ErrInvalidInput)
	}
	j, err := hold.PlaceJournal()
	if err != nil {
		return 0, err
	}
	var id ledger.HoldID
	err = r.t.atomically(ctx, func() error {
		ref, err := r.t.account(ctx, hold.Account())
		if err != nil {
			return fmt.Errorf("place hold: %w", err)
		}
		if _, err := r.post(ctx, j); err != nil {
			return err
		}
		hid, err := r.t.q.HoldInsert(ctx, r.t.db, dbsqlc.HoldInsertParams{
			AccountID: ref.id,
			Amount:    hold.Amount(),
			Reference: hold.Reference(),
			Now:       r.t.now(),
		})
		if err != nil {
			return fmt.Errorf("insert hold: %w", interpretError(err))
		}
		id = ledger.HoldID(hid)
		return nil
	})
	return id, err
}

func (r ledgerRepository) ReleaseHold(ctx context.Context, id ledger.HoldID) (ledger.JournalID, error) {
	return r.finishHold(ctx, id, ledger.HoldReleased, "release", func(h *ledger.Hold) (ledger.Journal, error) {
		return h.Release()
	})
}

func (r ledgerRepository) SettleHold(ctx context.Context, id ledger.HoldID, credits []ledger.Posting) (ledger.JournalID, error) {
	return r.finishHold(ctx, id, ledger.HoldSettled, "settle", func(h *ledger.Hold) (ledger.Journal, error) {
		return h.Settle(credits...)
	})
}

// finishHold moves a placed hold to state exactly once, with a conditional update that only
// one transaction can win, then posts the journal that finish returns.
func (r ledgerRepository) finishHold(ctx context.Context, id ledger.HoldID, state ledger.HoldState, action string,
	finish func(*ledger.Hold) (ledger.Journal, error),
) (ledger.JournalID, error) {
	var jid ledger.JournalID
	err := r.t.atomically(ctx, func() error {
		row, err := r.t.q.HoldTransition(ctx, r.t.db, dbsqlc.HoldTransitionParams{
			NewState: state.String(),
			Now:      r.t.now(),
			ID:       int64(id),
		})
		if err != nil {
			if err = interpretError(err); !errors.Is(err, core.ErrNotFound) {
				return fmt.Errorf("%s hold %d: %w", action, id, err)
			}
			current, err := r.t.q.HoldStateGet(ctx, r.t.db, int64(id))
			if err != nil {
				return fmt.Errorf("%s hold %d: %w", action, id, interpretError(err))
			}
			return fmt.Errorf("%s hold %d: %w", action, id,
				&core.InvalidStateError{Object: "hold", State: current, Action: action})
		}
		account, err := r.t.accountByID(ctx, row.AccountID)
		if err != nil {
			return err
		}
		hold := ledger.RehydrateHold(ledger.HoldID(row.ID), account, row.Amount, ledger.HoldPlaced, row.Reference)
		j, err := finish(&hold)
		if err != nil {
			return err
		}
		jid, err = r.post(ctx, j)
		return err
	})
	return jid, err
}

func (r ledgerRepository) Hold(ctx context.Context, id ledger.HoldID) (ledger.Hold, error) {
	row, err := r.t.q.HoldGet(ctx, r.t.db, int64(id))
	if err != nil {
		return ledger.Hold{}, fmt.Errorf("hold %d: %w", id, interpretError(err))
	}
	account, err := parseAccount(row.Code)
	if err != nil {
		return ledger.Hold{}, err
	}
	state, err := ledger.ParseHoldState(row.State)
	if err != nil {
		return ledger.Hold{}, fmt.Errorf("sqlite: stored hold state: %w", err)
	}
	return ledger.RehydrateHold(ledger.HoldID(row.ID), account, row.Amount, state, row.Reference), nil
}

func (r ledgerRepository) Balance(ctx context.Context, account ledger.Account) (ledger.Balance, error) {
	ref, err := r.t.account(ctx, account)
	if err != nil {
		return ledger.Balance{}, fmt.Errorf("balance: %w", err)
	}
	if !account.IsUser() {
		sum, err := r.t.q.SystemBalanceSum(ctx, r.t.db, ref.id)
		if err != nil {
			return ledger.Balance{}, fmt.Errorf("balance of %s: %w", account, interpretError(err))
		}
		if sum.Shards == 0 {
			return ledger.Balance{}, fmt.Errorf("balance of %s: %w", account, errNotOpen)
		}
		return ledger.Balance{Available: sum.Balance}, nil
	}
	bal, err := r.t.q.UserBalanceGet(ctx, r.t.db, ref.id)
	if err != nil {
		return ledger.Balance{}, fmt.Errorf("balance of %s: %w", account, interpretError(err))
	}
	return ledger.Balance{Available: bal.Available, Held: bal.Held}, nil
}

// Verify reads stored balances, balances recomputed from postings, unbalanced journals and
// counts, and reconciles them. In a Snapshot all reads see one state of the database.
func (r ledgerRepository) Verify(ctx context.Context) (ledger.Report, error) {
	var stored, derived []ledger.AccountBalance
	users, err := r.t.q.UserBalanceList(ctx, r.t.db)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify: %w", interpretError(err))
	}
	for _, row := range users {
		a, err := parseAccount(row.Code)
		if err != nil {
			return ledger.Report{}, err
		}
		stored = append(stored, ledger.AccountBalance{Account: a, Balance: ledger.Balance{Available: row.Available, Held: row.Held}})
	}
	systems, err := r.t.q.SystemBalanceList(ctx, r.t.db)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify: %w", interpretError(err))
	}
	for _, row := range systems {
		a, err := parseAccount(row.Code)
		if err != nil {
			return ledger.Report{}, err
		}
		stored = append(stored, ledger.AccountBalance{Account: a, Balance: ledger.Balance{Available: row.Balance}})
	}
	sums, err := r.t.q.PostingSumList(ctx, r.t.db)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify: %w", interpretError(err))
	}
	for _, row := range sums {
		a, err := parseAccount(row.Code)
		if err != nil {
			return ledger.Report{}, err
		}
		derived = append(derived, ledger.AccountBalance{Account: a, Balance: ledger.Balance{Available: row.Available, Held: row.Held}})
	}
	ids, err := r.t.q.JournalUnbalancedList(ctx, r.t.db)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify: %w", interpretError(err))
	}
	unbalanced := make([]ledger.JournalID, len(ids))
	for i, id := range ids {
		unbalanced[i] = ledger.JournalID(id)
	}
	journals, err := r.t.q.JournalCount(ctx, r.t.db)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify: %w", interpretError(err))
	}
	postings, err := r.t.q.PostingCount(ctx, r.t.db)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify: %w", interpretError(err))
	}
	return ledger.Reconcile(stored, derived, unbalanced, journals, postings), nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
