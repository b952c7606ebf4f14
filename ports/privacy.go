package ports

import (
	"context"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/core/trading"
)

// Consent is one acceptance of the platform's terms: at registration and on every change of
// the terms' version.
type Consent struct {
	ID   int64
	User core.UserID
	// Kind is what was accepted: "terms" (terms of service and privacy policy).
	Kind    string
	Version string
	At      time.Time
	// IP is the client address the acceptance came from; empty when unknown.
	IP string
}

// ConsentRepository keeps consent records; they are never changed or deleted (they outlive
// an account's deletion as proof of what was agreed).
type ConsentRepository interface {
	// Record stores c (its ID is ignored) and returns its id; [core.ErrNotFound] when the
	// user does not exist.
	Record(ctx context.Context, c Consent) (int64, error)
	// List returns user's consents, oldest first.
	List(ctx context.Context, user core.UserID) ([]Consent, error)
}

// ErasureRepository removes the personal data the other repositories keep, for account
// deletion (API.md §3.12): financial records stay, linked to the user id, but nothing in them
// names the person any more. Every method is idempotent.
type ErasureRepository interface {
	// EraseUser replaces user's phone with tombstone (a keyed hash, so fraud checks can still
	// match the number and the number can register again), clears names, email, date of
	// birth and password, and disables the user; [core.ErrNotFound] when there is no such
	// user.
	EraseUser(ctx context.Context, user core.UserID, tombstone string, now time.Time) error
	// EraseNationalID replaces user's national id in the KYC profile with tombstone (a keyed
	// hash) and clears names and birth date there.
	EraseNationalID(ctx context.Context, user core.UserID, tombstone string, now time.Time) error
	// ForgetPhone deletes the one-time codes of phone and the jobs whose arguments name it
	// (OTP messages), finished or not, and returns how many rows went.
	ForgetPhone(ctx context.Context, phone string) (int64, error)
	// EraseBankAccounts blanks the Sheba, card and account numbers and the holder's name of
	// every bank account of user and marks them deleted; withdrawals keep pointing at them.
	EraseBankAccounts(ctx context.Context, user core.UserID, now time.Time) error
	// EraseDeposits blanks the masked card, notes and receipt of user's deposits and returns
	// the receipts' blob keys, for the caller to delete the files.
	EraseDeposits(ctx context.Context, user core.UserID, now time.Time) ([]string, error)
	// EraseSessions blanks the client address and user agent of user's sessions.
	EraseSessions(ctx context.Context, user core.UserID) error
	// ForgetIdempotency deletes the stored responses of user's idempotent requests, which may
	// quote personal data.
	ForgetIdempotency(ctx context.Context, user core.UserID) (int64, error)
}

// Privacy is the inbound port of the caller's personal data (API.md §3.12). app/privacy
// implements it.
type Privacy interface {
	// Export returns every piece of the caller's personal data and activity.
	Export(ctx context.Context, p Principal) (PersonalData, error)
	// DeleteAccount anonymises the caller's account after checking in. Errors:
	// [core.ValidationError] (confirm is not "DELETE", neither password nor code),
	// [core.ErrWrongPassword], the OTP errors, [core.ErrAccountHasBalance] (any rial or gold
	// balance or hold), [*core.InvalidStateError] (a pending deposit or an open withdrawal),
	// the idempotency errors.
	DeleteAccount(ctx context.Context, p Principal, in AccountDeletion, call IdempotentCall) (Outcome[struct{}], error)
}

// AccountDeletion confirms a deletion: Confirm must be "DELETE", and either the password or
// a fresh code of purpose account_deletion.
type AccountDeletion struct {
	Password string
	Code     string
	Confirm  string
}

// PersonalData is the export of API.md §3.12.
type PersonalData struct {
	GeneratedAt  time.Time
	User         identity.User
	KYC          KYCStatus
	BankAccounts []*payment.BankAccount
	Wallet       Wallet
	Transactions []LedgerEntry
	Orders       []*trading.Order
	Deposits     []*payment.Deposit
	Withdrawals  []*payment.Withdrawal
	Sessions     []*identity.Session
	Consents     []Consent
}
