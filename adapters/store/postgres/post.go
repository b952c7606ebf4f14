package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
)

// Post appends journal and applies its postings; see [ports.LedgerRepository.Post]. The
// common case is one statement (JournalPost), with the account ids from the store's cache.
// When a system account gets no shard in it (every shard that could take the change is
// locked by another transaction, or none could), Post applies that account's change through
// the fallback and runs the statement again without it; the shards it picked the first time
// are its own now and are picked again. Unless the database itself fails (which aborts the
// transaction), nothing changes when Post returns an error, so the transaction stays usable
// after a [*ledger.InsufficientFundsError] or [core.ErrNotFound].
func (r ledgerRepository) Post(ctx context.Context, journal ledger.Journal) (ledger.JournalID, error) {
	plan, err := newJournalPlan(journal, r.tx.store.opts.Clock.Now())
	if err != nil {
		return 0, err
	}
	ids, err := r.tx.accountIDs(ctx, plan.codes)
	if err != nil {
		return 0, err
	}
	plan.setIDs(ids)
	// Each round moves at least one system account to the fallback, so the statement runs at
	// most once more than there are system accounts.
	for range len(plan.system) + 1 {
		row, err := r.tx.q().JournalPost(ctx, r.tx, plan.params)
		if err != nil {
			return 0, fmt.Errorf("postgres: post %s journal: %w", journal.Type(), interpretError(err))
		}
		if row.JournalID != 0 {
			return ledger.JournalID(row.JournalID), nil
		}
		if err := plan.checkUsers(row); err != nil {
			return 0, err
		}
		unpicked := plan.unpicked(row)
		if len(unpicked) == 0 {
			return 0, fmt.Errorf("%w: postgres: post %s journal: nothing applied and no reason found", core.ErrInternal, journal.Type())
		}
		if err := r.fallback(ctx, plan, unpicked); err != nil {
			return 0, err
		}
		plan.settle(unpicked)
	}
	return 0, fmt.Errorf("%w: postgres: post %s journal: shard fallback did not converge", core.ErrInternal, journal.Type())
}

// fallback applies the changes of the system accounts ids (in ascending order), which got no
// shard in JournalPost because every shard that could take the change was locked by another
// transaction, or none could. For each account it first asks, without locking, how many
// shards could take the change. When at least half could, the shards are level and merely
// busy: it waits for one of them. Otherwise (a debit larger than most shards, a treasury
// credited into few shards, an account nearly empty) it locks every shard, checks the debit
// against their total and levels them, so that later postings find fitting shards again. It
// locks everything before it writes anything, and changes nothing when an account cannot
// take its change.
func (r ledgerRepository) fallback(ctx context.Context, plan *journalPlan, ids []int64) error {
	q, db := r.tx.q(), r.tx
	writes := make([]dbsqlc.SystemShardsSetParams, 0, len(ids))
	for _, id := range ids {
		account, delta := plan.accounts[plan.codeOf[id]], plan.pending[id]
		fit, err := q.SystemShardsFit(ctx, db, dbsqlc.SystemShardsFitParams{AccountID: id, Delta: delta})
		if err != nil {
			return fmt.Errorf("postgres: count shards of %s: %w", account, interpretError(err))
		}
		if fit.Shards == 0 {
			return fmt.Errorf("%w: postgres: system account %s has no shards", core.ErrInternal, account)
		}
		if 2*fit.Fitting >= fit.Shards {
			shard, err := q.SystemShardLockFitting(ctx, db, dbsqlc.SystemShardLockFittingParams{AccountID: id, Delta: delta})
			if err == nil {
				writes = append(writes, dbsqlc.SystemShardsSetParams{
					AccountID: id, Shards: []int32{shard.Shard}, Balances: []int64{shard.Balance + delta},
				})
				continue
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("postgres: lock a shard of %s: %w", account, interpretError(err))
			}
			// The shards were drained while this transaction waited: check them all.
		}
		set, err := r.levelShards(ctx, account, id, delta)
		if err != nil {
			return err
		}
		writes = append(writes, set)
	}
	for _, set := range writes {
		if err := q.SystemShardsSet(ctx, db, set); err != nil {
			return fmt.Errorf("postgres: update shards of %s: %w", plan.codeOf[set.AccountID], interpretError(err))
		}
		r.tx.store.opts.Logger.DebugContext(ctx, "postgres: system account posted outside the one-statement path",
			slog.String("account", plan.codeOf[set.AccountID]), slog.Int64("delta", plan.pending[set.AccountID]),
			slog.Int("shards", len(set.Shards)))
	}
	return nil
}

// levelShards locks every shard of account (id), checks that their total can take delta and
// returns the write that spreads the new total evenly over them. It returns a
// [*ledger.InsufficientFundsError] when an account that may not go negative would.
func (r ledgerRepository) levelShards(ctx context.Context, account ledger.Account, id, delta int64) (dbsqlc.SystemShardsSetParams, error) {
	shards, err := r.tx.q().SystemShardsLock(ctx, r.tx, id)
	if err != nil {
		return dbsqlc.SystemShardsSetParams{}, fmt.Errorf("postgres: lock shards of %s: %w", account, interpretError(err))
	}
	if len(shards) == 0 {
		return dbsqlc.SystemShardsSetParams{}, fmt.Errorf("%w: postgres: system account %s has no shards", core.ErrInternal, account)
	}
	var total int64
	set := dbsqlc.SystemShardsSetParams{AccountID: id, Shards: make([]int32, 0, len(shards))}
	for _, s := range shards {
		var ok bool
		if total, ok = core.AddInt64(total, s.Balance); !ok {
			return dbsqlc.SystemShardsSetParams{}, fmt.Errorf("postgres: balance of %s: %w", account, core.ErrOverflow)
		}
		set.Shards = append(set.Shards, s.Shard)
	}
	next, ok := core.AddInt64(total, delta)
	if !ok {
		return dbsqlc.SystemShardsSetParams{}, fmt.Errorf("postgres: post to %s: %w", account, core.ErrOverflow)
	}
	if next < 0 && !account.MayGoNegative() {
		return dbsqlc.SystemShardsSetParams{}, &ledger.InsufficientFundsError{
			Account: account, Bucket: ledger.Available, Required: -delta, Available: total,
		}
	}
	set.Balances = spread(next, len(shards))
	return set, nil
}

// spread divides total into n shard balances that differ by at most one, the larger ones
// first, so that a non-negative total gives non-negative shards.
func spread(total int64, n int) []int64 {
	size := int64(n)
	base := total / size
	if total%size != 0 && total < 0 {
		base-- // floor division
	}
	rem := total - base*size // 0 <= rem < size
	out := make([]int64, n)
	for i := range out {
		out[i] = base
		if int64(i) < rem {
			out[i]++
		}
	}
	return out
}

// journalPlan is a journal turned into the arguments of JournalPost: its postings, the net
// change of each user account and bucket, and the net change of each system account.
type journalPlan struct {
	params    dbsqlc.JournalPostParams
	postings  []ledger.Posting
	accounts  map[string]ledger.Account // every account of the journal, by code
	codes     []string                  // the keys of accounts, sorted
	codeOf    map[int64]string          // account id to code
	users     map[string][2]int64       // net change of each user account: available, held
	system    map[string]int64          // net non-zero change of each system account
	pending   map[int64]int64           // system changes not yet applied by a fallback, by id
	systemIDs []int64                   // the ids of the system accounts of system, ascending
}

// newJournalPlan prepares journal for posting at now.
func newJournalPlan(journal ledger.Journal, now time.Time) (*journalPlan, error) {
	postings := journal.Postings()
	if journal.Type().IsZero() || len(postings) < 2 {
		return nil, fmt.Errorf("%w: postgres: post an empty journal", core.ErrInvalidInput)
	}
	p := &journalPlan{
		postings: postings,
		accounts: make(map[string]ledger.Account, len(postings)),
		users:    make(map[string][2]int64, 2),
		system:   make(map[string]int64, len(postings)),
	}
	p.params = dbsqlc.JournalPostParams{
		JournalType: journal.Type().String(),
		Reference:   journal.Reference(),
		CreatedAt:   now,
	}
	for _, posting := range postings {
		code := posting.Account.Code()
		p.accounts[code] = posting.Account
		var ok bool
		if posting.Account.IsUser() {
			d := p.users[code]
			d[posting.Bucket], ok = core.AddInt64(d[posting.Bucket], posting.Amount)
			p.users[code] = d
		} else {
			p.system[code], ok = core.AddInt64(p.system[code], posting.Amount)
		}
		if !ok {
			return nil, fmt.Errorf("postgres: postings to %s: %w", code, core.ErrOverflow)
		}
	}
	for code, d := range p.system {
		if d == 0 {
			delete(p.system, code)
		}
	}
	p.codes = make([]string, 0, len(p.accounts))
	for code := range p.accounts {
		p.codes = append(p.codes, code)
	}
	slices.Sort(p.codes)
	return p, nil
}

// setIDs fills in the arguments of JournalPost that name accounts by id; ids maps every
// code of the plan. User and system accounts go in ascending id order, the order in which
// JournalPost locks them.
func (p *journalPlan) setIDs(ids map[string]int64) {
	p.codeOf = make(map[int64]string, len(ids))
	for _, code := range p.codes {
		p.codeOf[ids[code]] = code
	}
	// Empty arrays, not NULL: pgx sends a nil slice as NULL.
	p.params.UserAccounts = make([]int64, 0, len(p.users))
	p.params.UserAvailable = make([]int64, 0, len(p.users))
	p.params.UserHeld = make([]int64, 0, len(p.users))
	for code := range p.users {
		p.params.UserAccounts = append(p.params.UserAccounts, ids[code])
	}
	slices.Sort(p.params.UserAccounts)
	for _, id := range p.params.UserAccounts {
		d := p.users[p.codeOf[id]]
		p.params.UserAvailable = append(p.params.UserAvailable, d[ledger.Available])
		p.params.UserHeld = append(p.params.UserHeld, d[ledger.Held])
	}
	p.pending = make(map[int64]int64, len(p.system))
	p.systemIDs = make([]int64, 0, len(p.system))
	for code, d := range p.system {
		p.pending[ids[code]] = d
		p.systemIDs = append(p.systemIDs, ids[code])
	}
	slices.Sort(p.systemIDs)
	p.setSystemParams()
	p.params.PostingAccounts = make([]int64, 0, len(p.postings))
	p.params.PostingBuckets = make([]int16, 0, len(p.postings))
	p.params.PostingAmounts = make([]int64, 0, len(p.postings))
	for _, posting := range p.postings {
		p.params.PostingAccounts = append(p.params.PostingAccounts, ids[posting.Account.Code()])
		p.params.PostingBuckets = append(p.params.PostingBuckets, int16(posting.Bucket))
		p.params.PostingAmounts = append(p.params.PostingAmounts, posting.Amount)
	}
}

// setSystemParams sets the system arguments of JournalPost to the pending changes.
func (p *journalPlan) setSystemParams() {
	p.params.SystemAccounts = make([]int64, 0, len(p.pending))
	p.params.SystemDeltas = make([]int64, 0, len(p.pending))
	for _, id := range p.systemIDs {
		if d, ok := p.pending[id]; ok {
			p.params.SystemAccounts = append(p.params.SystemAccounts, id)
			p.params.SystemDeltas = append(p.params.SystemDeltas, d)
		}
	}
}

// unpicked returns the pending system accounts that got no shard in row, in ascending order.
func (p *journalPlan) unpicked(row dbsqlc.JournalPostRow) []int64 {
	var out []int64
	for _, id := range p.params.SystemAccounts {
		if !slices.Contains(row.PickedAccounts, id) {
			out = append(out, id)
		}
	}
	return out
}

// settle records that the fallback applied the changes of the system accounts ids.
func (p *journalPlan) settle(ids []int64) {
	for _, id := range ids {
		delete(p.pending, id)
	}
	p.setSystemParams()
}

// checkUsers returns a [*ledger.InsufficientFundsError] for the first user account and
// bucket, in account id order, whose locked balance in row cannot take the journal's change.
func (p *journalPlan) checkUsers(row dbsqlc.JournalPostRow) error {
	if len(row.LockedAccounts) != len(p.params.UserAccounts) ||
		len(row.LockedAvailable) != len(row.LockedAccounts) || len(row.LockedHeld) != len(row.LockedAccounts) {
		return fmt.Errorf("%w: postgres: a user account of the journal has no balance row", core.ErrInternal)
	}
	for i, id := range row.LockedAccounts {
		code := p.codeOf[id]
		d := p.users[code]
		current := [2]int64{row.LockedAvailable[i], row.LockedHeld[i]}
		for _, bucket := range []ledger.Bucket{ledger.Available, ledger.Held} {
			if next, ok := core.AddInt64(current[bucket], d[bucket]); ok && next < 0 {
				return &ledger.InsufficientFundsError{
					Account: p.accounts[code], Bucket: bucket,
					Required: -d[bucket], Available: current[bucket],
				}
			}
		}
	}
	return nil
}
