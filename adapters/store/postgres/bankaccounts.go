package postgres

import (
	"context"
	"fmt"

	"github.com/talabin/talabin/adapters/store/postgres/internal/dbsqlc"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

var _ ports.BankAccountRepository = bankAccountRepository{}

// bankAccountRepository keeps users' bank accounts in one transaction. Reads are not scoped
// to a user: the service checks ownership.
type bankAccountRepository struct{ tx *tx }

// Create stores a new account and returns its id. It returns a [*core.ConflictError]
// (matching [core.ErrConflict]) when the user has an active account with the same Sheba or
// the account is a second default one, and [core.ErrNotFound] when the user does not exist.
// The insert runs in a savepoint, so the transaction stays usable after a conflict.
func (r bankAccountRepository) Create(ctx context.Context, a *payment.BankAccount) (payment.BankAccountID, error) {
	rec := a.Record()
	var id int64
	err := inSavepoint(ctx, r.tx, func(db dbsqlc.DBTX) error {
		var err error
		id, err = r.tx.q().BankAccountInsert(ctx, db, dbsqlc.BankAccountInsertParams{
			UserID:        int64(rec.User),
			Sheba:         rec.Sheba.String(),
			CardNumber:    rec.Card.Number(),
			AccountNumber: rec.AccountNumber,
			BankName:      rec.BankName,
			BankCode:      rec.BankCode,
			HolderName:    rec.HolderName,
			Verified:      rec.Verified,
			VerifiedAt:    nullTime(rec.VerifiedAt),
			IsDefault:     rec.Default,
			Deleted:       rec.Deleted,
			CreatedAt:     rec.CreatedAt,
			UpdatedAt:     rec.UpdatedAt,
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: create bank account of user %d: %w", rec.User, interpretError(err))
	}
	return payment.BankAccountID(id), nil
}

// Save stores the verification, default flag and deletion of an account, or returns
// [core.ErrNotFound]. Making an account default while another one of its user still is
// returns a [*core.ConflictError].
func (r bankAccountRepository) Save(ctx context.Context, a *payment.BankAccount) error {
	rec := a.Record()
	n, err := r.tx.q().BankAccountSave(ctx, r.tx, dbsqlc.BankAccountSaveParams{
		ID:         int64(rec.ID),
		Verified:   rec.Verified,
		VerifiedAt: nullTime(rec.VerifiedAt),
		IsDefault:  rec.Default,
		Deleted:    rec.Deleted,
		UpdatedAt:  rec.UpdatedAt,
	})
	if err != nil {
		return fmt.Errorf("postgres: save bank account %d: %w", rec.ID, interpretError(err))
	}
	if n == 0 {
		return fmt.Errorf("postgres: save bank account %d: %w", rec.ID, core.ErrNotFound)
	}
	return nil
}

// Get returns an account by id, deleted or not, or [core.ErrNotFound].
func (r bankAccountRepository) Get(ctx context.Context, id payment.BankAccountID) (*payment.BankAccount, error) {
	row, err := r.tx.q().BankAccountGet(ctx, r.tx, int64(id))
	if err != nil {
		return nil, fmt.Errorf("postgres: get bank account %d: %w", id, interpretError(err))
	}
	return bankAccountFromRow(row)
}

// GetForUpdate returns an account by id locked until the transaction ends, or
// [core.ErrNotFound]. In a read-only transaction it reads without locking.
func (r bankAccountRepository) GetForUpdate(ctx context.Context, id payment.BankAccountID) (*payment.BankAccount, error) {
	if r.tx.mode.readOnly {
		return r.Get(ctx, id)
	}
	row, err := r.tx.q().BankAccountGetForUpdate(ctx, r.tx, int64(id))
	if err != nil {
		return nil, fmt.Errorf("postgres: get bank account %d for update: %w", id, interpretError(err))
	}
	return bankAccountFromRow(row)
}

// ListByUser returns user's accounts that are not deleted, newest first.
func (r bankAccountRepository) ListByUser(ctx context.Context, user core.UserID) ([]*payment.BankAccount, error) {
	rows, err := r.tx.q().BankAccountListByUser(ctx, r.tx, int64(user))
	if err != nil {
		return nil, fmt.Errorf("postgres: list bank accounts of user %d: %w", user, interpretError(err))
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

// bankAccountFromRow converts a bank_accounts row; times are handed out in UTC. The numbers
// were valid when stored, so one that no longer parses is an internal error; an erased
// account's Sheba (erasedSheba) is the zero Sheba.
func bankAccountFromRow(row dbsqlc.BankAccount) (*payment.BankAccount, error) {
	var sheba iran.Sheba
	var err error
	if row.Sheba != erasedSheba {
		if sheba, err = iran.ParseSheba(row.Sheba); err != nil {
			return nil, fmt.Errorf("%w: postgres: bank account %d has a malformed Sheba", core.ErrInternal, row.ID)
		}
	}
	var card iran.Card
	if row.CardNumber != "" {
		if card, err = iran.ParseCard(row.CardNumber); err != nil {
			return nil, fmt.Errorf("%w: postgres: bank account %d has a malformed card", core.ErrInternal, row.ID)
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
		Verified:      row.Verified,
		VerifiedAt:    timeOf(row.VerifiedAt),
		Default:       row.IsDefault,
		Deleted:       row.Deleted,
		CreatedAt:     row.CreatedAt.UTC(),
		UpdatedAt:     row.UpdatedAt.UTC(),
	}), nil
}
