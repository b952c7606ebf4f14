package ports

import (
	"context"
	"io"
	"net/http"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/payment"
)

// Payments is the inbound port of the wallet's money movements (API.md §3.4, §3.6, §3.7):
// deposits through a gateway or by bank transfer, the user's bank accounts and withdrawals to
// them. app/payments implements it; the HTTP adapter calls it.
//
// Errors are core sentinels or typed errors, mapped by the HTTP adapter's one table. Another
// user's deposit, withdrawal or bank account reads as [core.ErrNotFound]. Commands that move
// money honour an [IdempotentCall].
type Payments interface {
	// CreateDeposit opens a deposit. Online: the deposit is stored, a gateway session opened
	// for its amount and the start-pay URL returned; a gateway that cannot be reached
	// leaves the deposit failed and returns [core.ErrGatewayUnavailable]. Bank transfer: the
	// deposit waits for a receipt and the answer names where to transfer. Errors:
	// [core.ValidationError], [*core.LimitExceededError], [core.ErrPhoneNotVerified],
	// [core.ErrGatewayUnavailable], the idempotency errors.
	CreateDeposit(ctx context.Context, p Principal, in DepositInput, call IdempotentCall) (Outcome[DepositStarted], error)
	// Deposits returns one page of the caller's deposits (status zero: all), newest first.
	Deposits(ctx context.Context, p Principal, status payment.DepositStatus, offset, limit int) ([]*payment.Deposit, int, error)
	// Deposit returns one of the caller's deposits.
	Deposit(ctx context.Context, p Principal, id payment.DepositID) (*payment.Deposit, error)
	// CancelDeposit cancels one of the caller's pending deposits. Errors:
	// [*core.InvalidStateError], [core.ErrNotFound], the idempotency errors.
	CancelDeposit(ctx context.Context, p Principal, id payment.DepositID, call IdempotentCall) (Outcome[*payment.Deposit], error)
	// UploadReceipt stores the receipt of one of the caller's pending bank transfers and
	// marks it paid. The file is checked by content (jpg, png or pdf, ≤ 5 MB). Errors:
	// [core.ErrUnsupportedFileType], [core.ErrFileTooLarge], [*core.InvalidStateError],
	// [core.ErrNotFound], the idempotency errors.
	UploadReceipt(ctx context.Context, p Principal, id payment.DepositID, in ReceiptInput, call IdempotentCall) (Outcome[*payment.Deposit], error)
	// GatewayReturn handles the buyer's return from the gateway to deposit id (its GET query
	// or POST form in r) and returns where to redirect the browser. It never trusts the
	// request: sig must be the deposit's callback signature, the authority must be the
	// deposit's own, and only the gateway's server-to-server verify of the amount in our
	// database credits the wallet, exactly once. A forged, unknown or mismatched return
	// redirects to the failure page too; errors are only storage failures.
	GatewayReturn(ctx context.Context, id payment.DepositID, sig string, r *http.Request) (redirectURL string, err error)

	// BankAccounts returns the caller's accounts that are not deleted.
	BankAccounts(ctx context.Context, p Principal) ([]*payment.BankAccount, error)
	// BankAccount returns one of the caller's accounts.
	BankAccount(ctx context.Context, p Principal, id payment.BankAccountID) (*payment.BankAccount, error)
	// AddBankAccount adds an account after checking otp, a fresh code of purpose
	// bank_account sent to the caller's phone. Errors: [core.ValidationError],
	// [core.ErrAlreadyExists], [*core.LimitExceededError], [core.ErrOTPInvalid],
	// [core.ErrOTPExpired], [core.ErrOTPAttemptsExceeded], [core.ErrPhoneNotVerified].
	AddBankAccount(ctx context.Context, p Principal, in payment.BankAccountInput, otp string) (*payment.BankAccount, error)
	// SetDefaultBankAccount makes the account the default (clearing the others) or not.
	SetDefaultBankAccount(ctx context.Context, p Principal, id payment.BankAccountID, on bool) (*payment.BankAccount, error)
	// DeleteBankAccount removes an account softly. Errors: [core.ErrInUse] (an open
	// withdrawal pays to it), [core.ErrDefaultAccountDelete] (default while others exist).
	DeleteBankAccount(ctx context.Context, p Principal, id payment.BankAccountID) error
	// VerifyBankAccount asks the ownership inquiry whether the account's Sheba belongs to the
	// caller's national id. Errors: [core.ErrOwnershipMismatch], [core.ErrInquiryUnavailable],
	// [*core.KYCRequiredError].
	VerifyBankAccount(ctx context.Context, p Principal, id payment.BankAccountID) (*payment.BankAccount, error)

	// CreateWithdrawal holds amount plus fee and records a withdrawal to one of the caller's
	// verified accounts, after checking in.OTP, a fresh code of purpose withdrawal. Errors:
	// [core.ValidationError], [core.ErrNotFound] (bank account), [core.ErrBankAccountUnverified],
	// [*core.InsufficientBalanceError], [*core.LimitExceededError], [*core.KYCRequiredError],
	// the OTP errors, the idempotency errors.
	CreateWithdrawal(ctx context.Context, p Principal, in WithdrawalInput, call IdempotentCall) (Outcome[*payment.Withdrawal], error)
	// Withdrawals returns one page of the caller's withdrawals (status zero: all), newest
	// first.
	Withdrawals(ctx context.Context, p Principal, status payment.WithdrawalStatus, offset, limit int) ([]*payment.Withdrawal, int, error)
	// Withdrawal returns one of the caller's withdrawals.
	Withdrawal(ctx context.Context, p Principal, id payment.WithdrawalID) (*payment.Withdrawal, error)
	// CancelWithdrawal cancels one of the caller's pending or approved withdrawals and
	// releases its hold exactly once. Errors: [*core.InvalidStateError], [core.ErrNotFound],
	// the idempotency errors.
	CancelWithdrawal(ctx context.Context, p Principal, id payment.WithdrawalID, call IdempotentCall) (Outcome[*payment.Withdrawal], error)
}

// PaymentsStaff is the inbound port of staff work on deposits and withdrawals (API.md §3.13).
// Every method needs a staff principal ([core.ErrPermissionDenied] otherwise) and writes an
// audit event with the reason.
type PaymentsStaff interface {
	// StaffDeposits returns one page of every user's deposits matching f.
	StaffDeposits(ctx context.Context, p Principal, f DepositFilter, offset, limit int) ([]*payment.Deposit, int, error)
	// VerifyDeposit credits a pending or paid bank transfer with amount (zero: the requested
	// amount), exactly once. Errors: [*core.InvalidStateError], [core.ErrNotFound].
	VerifyDeposit(ctx context.Context, p Principal, id payment.DepositID, amount core.Rial, reason string, call IdempotentCall) (Outcome[*payment.Deposit], error)
	// RejectDeposit rejects a pending or paid bank transfer for reason.
	RejectDeposit(ctx context.Context, p Principal, id payment.DepositID, reason string, call IdempotentCall) (Outcome[*payment.Deposit], error)
	// Receipt opens a deposit's receipt for download; the caller closes it.
	Receipt(ctx context.Context, p Principal, id payment.DepositID) (io.ReadCloser, BlobInfo, error)
	// StaffWithdrawals returns one page of every user's withdrawals matching f.
	StaffWithdrawals(ctx context.Context, p Principal, f WithdrawalFilter, offset, limit int) ([]*payment.Withdrawal, int, error)
	// ApproveWithdrawal approves a pending withdrawal.
	ApproveWithdrawal(ctx context.Context, p Principal, id payment.WithdrawalID, reason string, call IdempotentCall) (Outcome[*payment.Withdrawal], error)
	// ProcessWithdrawal moves an approved withdrawal into a bank batch (paya, satna, pol).
	ProcessWithdrawal(ctx context.Context, p Principal, id payment.WithdrawalID, channel string, call IdempotentCall) (Outcome[*payment.Withdrawal], error)
	// CompleteWithdrawal pays an approved or processing withdrawal out through the payout
	// port with the bank's tracking code and settles its hold, exactly once.
	CompleteWithdrawal(ctx context.Context, p Principal, id payment.WithdrawalID, trackingCode string, call IdempotentCall) (Outcome[*payment.Withdrawal], error)
	// ConfirmBankAccount records that staff confirmed a bank account's ownership by hand
	// (API.md §3.13 bank-accounts/{id}/verify/), for reason: the path when no ownership
	// inquiry is configured or it cannot decide. Errors: [core.ErrNotFound] (unknown or
	// deleted account), [core.ValidationError] (no reason).
	ConfirmBankAccount(ctx context.Context, p Principal, id payment.BankAccountID, reason string) (*payment.BankAccount, error)
	// RejectWithdrawal rejects an open withdrawal for reason and releases its hold exactly
	// once.
	RejectWithdrawal(ctx context.Context, p Principal, id payment.WithdrawalID, reason string, call IdempotentCall) (Outcome[*payment.Withdrawal], error)
}

// DepositInput is a deposit request.
type DepositInput struct {
	Amount core.Rial
	Method payment.Method // zero: online
	// Gateway names a configured gateway; "" for the primary one.
	Gateway string
	// ReturnURL is where the browser goes after the gateway instead of the web app's pages;
	// it must match the configured allowlist.
	ReturnURL string
}

// DepositStarted is a created deposit and, for an online one, the gateway page to send the
// buyer to.
type DepositStarted struct {
	Deposit    *payment.Deposit
	PaymentURL string
	// Destination is where to transfer a bank-transfer deposit; zero for online ones.
	Destination TransferDestination
}

// TransferDestination is the platform's bank account for bank-transfer deposits.
type TransferDestination struct {
	BankName, Sheba, HolderName string
}

// ReceiptInput is an uploaded bank-transfer receipt.
type ReceiptInput struct {
	File io.Reader
	// Size is the file's size in bytes as the request framing declared it.
	Size             int64
	GatewayReference string
	Notes            string
}

// WithdrawalInput is a withdrawal request.
type WithdrawalInput struct {
	BankAccount payment.BankAccountID
	Amount      core.Rial
	// OTP is a fresh code of purpose withdrawal sent to the caller's phone.
	OTP string
}
