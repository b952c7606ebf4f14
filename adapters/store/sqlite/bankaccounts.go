package sqlite

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/adapters/store/sqlite/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// bankAccountRepository keeps users' bank accounts. Reads are not scoped to a user: the
// service checks ownership.
type bankAccountRepository struct{ t *tx }

var _ ports.BankAccountRepository = bankAccountRepository{}

// Create stores a new account and returns its id. It returns a [*core.ConflictError]
// (matching [core.ErrConflict]) when the user has an active account with the same Sheba or
// the account is a second default one, and [core.ErrNotFound] when the user does not exist.
func (r bankAccountRepository) Create(ctx context.Context, a *payment.BankAccount) (payment.BankAccountID, error) {
	rec := a.Record()
	id, err := r.t.q.BankAccountInsert(ctx, r.t.db, dbsqlc.BankAccountInsertParams{
		UserID:        int64(rec.User),
		Sheba:         rec.Sheba.String(),
		CardNumber:    rec.Card.Number(),
		AccountNumber: rec.AccountNumber,
		BankName:      rec.BankName,
		BankCode:      rec.BankCode,
		HolderName:    rec.HolderName,
		Verified:      boolInt(rec.Verified),
		VerifiedAt:    nullMicros(rec.VerifiedAt),
		IsDefault:     boolInt(rec.Default),
		Deleted:       boolInt(rec.Deleted),
		CreatedAt:     rec.CreatedAt.UnixMicro(),
		UpdatedAt:     rec.UpdatedAt.UnixMicro(),
	})
	if err != nil {
		return 0, fmt.Errorf("create bank account of user %d: %w", rec.User, interpretError(err))
	}
	return payment.BankAccountID(id), nil
}

// Save stores the verification, default flag and deletion of an account, or returns
// [core.ErrNotFound]. Making an account default while another one of its user still is
// returns a [*core.ConflictError].
func (r bankAccountRepository) Save(ctx context.Context, a *payment.BankAccount) error {
	rec := a.Record()
	n, err := r.t.q.BankAccountSave(ctx, r.t.db, dbsqlc.BankAccountSaveParams{
		ID:         int64(rec.ID),
		Verified:   boolInt(rec.Verified),
		VerifiedAt: nullMicros(rec.VerifiedAt),
		IsDefault:  boolInt(rec.Default),
		Deleted:    boolInt(rec.Deleted),
		UpdatedAt:  rec.UpdatedAt.UnixMicro(),
	})
	if err != nil {
		return fmt.Errorf("save bank account %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("save bank account %d: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

// Get returns an account by id, deleted or not, or [core.ErrNotFound].
func (r bankAccountRepository) Get(ctx context.Context, id payment.BankAccountID) (*payment.BankAccount, error) {
	row, err := r.t.q.BankAccountGet(ctx, r.t.db, int64(id))
	if err != nil {
		return nil, fmt.Errorf("bank account %d: %w", id, interpretError(err))
	}
	return bankAccountFromRow(row)
}

// GetForUpdate is Get: a write transaction holds the database's write lock from its BEGIN
// IMMEDIATE.
func (r bankAccountRepository) GetForUpdate(ctx context.Context, id payment.BankAccountID) (*payment.BankAccount, error) {
	return r.Get(ctx, id)
}

// ListByUser returns user's accounts that are not deleted, newest first.
func (r bankAccountRepository) ListByUser(ctx context.Context, user core.UserID) ([]*payment.BankAccount, error) {
	rows, err := r.t.q.BankAccountListByUser(ctx, r.t.db, int64(user))
	if err != nil {
		return nil, fmt.Errorf("list bank accounts of user %d: %w", user, interpretError(err))
	}
	out := make([]*payment.BankAccount, 0, len(rows))
	for _, row := range rows {
		a, err := bankAccountFromRow(row)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// bankAccountFromRow converts a bank_accounts row. The numbers were valid when stored, so
// one that no longer parses is an internal error; an erased account's Sheba (erasedSheba) is
// the zero Sheba.
func bankAccountFromRow(row dbsqlc.BankAccount) (*payment.BankAccount, error) {
	var sheba iran.Sheba
	var err error
	if row.Sheba != erasedSheba {
		if sheba, err = iran.ParseSheba(row.Sheba); err != nil {
			return nil, fmt.Errorf("%w: sqlite: bank account %d: malformed stored Sheba", core.ErrInternal, row.ID)
		}
	}
	var card iran.Card
	if row.CardNumber != "" {
		if card, err = iran.ParseCard(row.CardNumber); err != nil {
			return nil, fmt.Errorf("%w: sqlite: bank account %d: malformed stored card", core.ErrInternal, row.ID)
		}
	}
	return payment.RehydrateBankAccount(payment.BankAccountRecord{
		ID:            payment.BankAccountID(row.ID),
		User:          core.UserID(row.UserID),
		Sheba:         sheba,
		Card:          card,
		AccountNumber: row.AccountNumber,
		BankName:      row.BankName,
		BankCode:      row.BankCode,
		HolderName:    row.HolderName,
		Verified:      row.Verified == 1,
		VerifiedAt:    timeFromNullMicros(row.VerifiedAt),
		Default:       row.IsDefault == 1,
		Deleted:       row.Deleted == 1,
		CreatedAt:     timeFromMicros(row.CreatedAt),
		UpdatedAt:     timeFromMicros(row.UpdatedAt),
	}), nil
}
