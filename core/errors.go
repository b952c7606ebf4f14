package core

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// The error catalogue. Every condition a client can be told about (API.md §1.3) has one
// sentinel here; the conditions that carry context also have a typed error whose Is method
// matches the sentinel, so callers test with errors.Is and read the context with errors.As.
// Core never names transport statuses: the inbound adapters map these values once.

// Arithmetic and amounts.
var (
	// ErrOverflow is returned by the checked arithmetic of [Rial], [Microgram] and the
	// conversions ([GoldForRials], [RialsForGold], [GoldNeededForRials], [FeeFor]) when the
	// exact result does not fit an int64. Values never wrap.
	ErrOverflow = errors.New("arithmetic overflow")

	// ErrNegativeAmount is returned by the conversions and [FeeFor] when an amount of rials
	// or gold is below zero.
	ErrNegativeAmount = errors.New("negative amount")
)

// Validation and request shape.
var (
	// ErrInvalidInput is returned by parsers and constructors in core when a value breaks its
	// format or range rule. It is wrapped with the specific reason. It is also the condition
	// behind [ValidationError], so errors.Is(err, ErrInvalidInput) holds for both; adapters
	// report it as a validation error.
	ErrInvalidInput = errors.New("invalid input")

	// ErrInvalidJSON is returned by a request decoder when the body is not well-formed JSON.
	ErrInvalidJSON = errors.New("malformed json body")

	// ErrPayloadTooLarge is returned by a request decoder when the whole body exceeds its cap.
	ErrPayloadTooLarge = errors.New("payload too large")

	// ErrUnsupportedMediaType is returned by a request decoder when the body's content type
	// is not one it reads.
	ErrUnsupportedMediaType = errors.New("unsupported media type")

	// ErrMethodNotAllowed is returned by an inbound adapter when a resource exists but does not
	// accept the requested operation.
	ErrMethodNotAllowed = errors.New("method not allowed")

	// ErrUnsupportedFileType is returned by file intake when the sniffed content type is not
	// one the field accepts.
	ErrUnsupportedFileType = errors.New("unsupported file type")

	// ErrFileTooLarge is returned by file intake when one file exceeds its size limit.
	ErrFileTooLarge = errors.New("file too large")
)

// Money and limits.
var (
	// ErrInsufficientBalance is returned when an operation needs more available rials or gold
	// than the user holds. Use [InsufficientBalanceError] to say how much.
	ErrInsufficientBalance = errors.New("insufficient balance")

	// ErrInsufficientFunds is returned by a ledger store when a debit would take a
	// non-negative account below zero (the conditional update matched no row). It wraps
	// [ErrInsufficientBalance], so a race lost at the store still reads as an insufficient
	// balance to callers that do not add context.
	ErrInsufficientFunds = fmt.Errorf("ledger debit exceeds account balance: %w", ErrInsufficientBalance)

	// ErrLimitExceeded is returned when a configured limit (minimum or maximum amount, amount
	// step, per-level cap, maximum count of addresses or bank accounts) is broken. Use
	// [LimitExceededError] to say which.
	ErrLimitExceeded = errors.New("limit exceeded")

	// ErrInventoryUnavailable is returned by trading when a buy would take the house gold
	// inventory below zero: the platform only sells gold it holds.
	ErrInventoryUnavailable = errors.New("gold inventory unavailable")
)

// Authentication and sessions.
var (
	// ErrNotAuthenticated is returned when an operation needs a signed-in user and no
	// credentials were given.
	ErrNotAuthenticated = errors.New("not authenticated")

	// ErrInvalidCredentials is returned by login when the phone and password do not match an
	// account.
	ErrInvalidCredentials = errors.New("invalid credentials")

	// ErrWrongPassword is returned when a signed-in user confirms an action (password change,
	// account deletion) with a wrong current password.
	ErrWrongPassword = errors.New("wrong password")

	// ErrTokenExpired is returned when an access or refresh token is past its expiry.
	ErrTokenExpired = errors.New("token expired")

	// ErrTokenInvalid is returned when a token is malformed, has a bad signature or is unknown.
	ErrTokenInvalid = errors.New("token invalid")

	// ErrTokenRevoked is returned when a token belongs to a session that was revoked (logout,
	// password change, disabled user, deleted account).
	ErrTokenRevoked = errors.New("token revoked")

	// ErrTokenReused is returned when a retired refresh token is presented after its grace
	// period; the whole session family is revoked.
	ErrTokenReused = errors.New("refresh token reused")

	// ErrCSRFFailed is returned when a cookie-authenticated write lacks a valid CSRF token or an
	// allowlisted origin.
	ErrCSRFFailed = errors.New("csrf check failed")

	// ErrOTPInvalid is returned when a one-time code does not match the latest code sent, or
	// when the code was already used or replaced by a newer one (single use).
	ErrOTPInvalid = errors.New("otp invalid")

	// ErrOTPExpired is returned when a one-time code is past its expiry.
	ErrOTPExpired = errors.New("otp expired")

	// ErrOTPAttemptsExceeded is returned when a one-time code has used up its verification
	// attempts; a new code must be requested.
	ErrOTPAttemptsExceeded = errors.New("otp attempts exceeded")
)

// Access.
var (
	// ErrPermissionDenied is returned when the caller is authenticated but its role does not
	// allow the operation.
	ErrPermissionDenied = errors.New("permission denied")

	// ErrAccountDisabled is returned when the user's account has been disabled by staff.
	ErrAccountDisabled = errors.New("account disabled")

	// ErrPhoneNotVerified is returned when an operation needs a verified mobile number and the
	// user has not verified one.
	ErrPhoneNotVerified = errors.New("phone not verified")

	// ErrKYCRequired is returned when an operation needs a higher identity verification level
	// than the user has. Use [KYCRequiredError] to say which.
	ErrKYCRequired = errors.New("kyc level required")

	// ErrFeatureDisabled is returned when an operation belongs to a feature that is switched
	// off in configuration.
	ErrFeatureDisabled = errors.New("feature disabled")
)

// Identity verification, bank accounts and documents.
var (
	// ErrDocumentsMissing is returned when a KYC submission lacks a required document.
	ErrDocumentsMissing = errors.New("documents missing")

	// ErrKYCLocked is returned when identity data can no longer change because a submission
	// is under review or approved.
	ErrKYCLocked = errors.New("kyc locked")

	// ErrBankAccountUnverified is returned when money would be paid to a bank account whose
	// ownership has not been verified.
	ErrBankAccountUnverified = errors.New("bank account unverified")

	// ErrOwnershipMismatch is returned when an ownership inquiry (Sheba or phone against
	// national id) says the account or number belongs to someone else.
	ErrOwnershipMismatch = errors.New("ownership mismatch")
)

// Uniqueness, state and lifecycle conflicts.
var (
	// ErrNotFound is returned by stores and services when the object does not exist or
	// belongs to another user (the two are deliberately indistinguishable).
	ErrNotFound = errors.New("not found")

	// ErrConflict is returned by stores when a write breaks a uniqueness rule or finds the row
	// in another state than the conditional update expected. Use [ConflictError] to name the
	// constraint; services translate it into the specific condition (for example
	// [ErrPhoneTaken]).
	ErrConflict = errors.New("conflict")

	// ErrAlreadyExists is returned when the object to create already exists for the user (for
	// example an active bank account with the same Sheba).
	ErrAlreadyExists = errors.New("already exists")

	// ErrPhoneTaken is returned by registration and phone change when another account holds the
	// mobile number.
	ErrPhoneTaken = errors.New("phone number taken")

	// ErrNationalIDTaken is returned when another account holds the national id.
	ErrNationalIDTaken = errors.New("national id taken")

	// ErrInvalidState is returned when an object's state does not allow the requested
	// transition (cancel a completed order, verify a rejected deposit). Use
	// [InvalidStateError] to say which.
	ErrInvalidState = errors.New("invalid state")

	// ErrAccountHasBalance is returned when an account cannot be deleted or closed because it
	// still holds rials or gold.
	ErrAccountHasBalance = errors.New("account has balance")

	// ErrInUse is returned when an object cannot be deleted because open work refers to it (a
	// bank account with a pending withdrawal).
	ErrInUse = errors.New("in use")

	// ErrDefaultAccountDelete is returned when the default bank account is deleted while other
	// accounts exist; another must be made default first.
	ErrDefaultAccountDelete = errors.New("cannot delete the default account")
)

// Quotes and prices.
var (
	// ErrQuoteExpired is returned when an order refers to a quote past its expiry. Use
	// [QuoteExpiredError] to say which.
	ErrQuoteExpired = errors.New("quote expired")

	// ErrQuoteUsed is returned when an order refers to a quote that already priced an order.
	ErrQuoteUsed = errors.New("quote already used")

	// ErrQuoteMismatch is returned when an order's side or amount differs from the quote it
	// refers to.
	ErrQuoteMismatch = errors.New("order does not match quote")

	// ErrPriceJumpUnconfirmed is returned when staff set a price that moves more than the
	// allowed step without confirming it. Use [PriceJumpError] to say how far.
	ErrPriceJumpUnconfirmed = errors.New("price jump not confirmed")

	// ErrPriceUnavailable is returned when no usable price exists (none set, or the feed chain
	// failed and the last price is too old to trade on).
	ErrPriceUnavailable = errors.New("price unavailable")

	// ErrTradingHalted is returned when staff or a price guard halted trading.
	ErrTradingHalted = errors.New("trading halted")
)

// Idempotency.
var (
	// ErrIdempotencyKeyInvalid is returned when an idempotency key is not 8–255 printable
	// ASCII characters.
	ErrIdempotencyKeyInvalid = errors.New("idempotency key invalid")

	// ErrIdempotencyKeyRequired is returned when configuration requires an idempotency key on
	// money-moving commands and none was sent.
	ErrIdempotencyKeyRequired = errors.New("idempotency key required")

	// ErrIdempotencyKeyReused is returned when a key is replayed with a different request.
	ErrIdempotencyKeyReused = errors.New("idempotency key reused with a different request")

	// ErrIdempotencyInProgress is returned when a key is replayed while the first request
	// with it is still running.
	ErrIdempotencyInProgress = errors.New("idempotency key in progress")
)

// Throttling, dependencies and operations.
var (
	// ErrRateLimited is returned by rate limiting when a key has used up its window. Use
	// [RateLimitedError] to say when to retry.
	ErrRateLimited = errors.New("rate limit exceeded")

	// ErrGatewayUnavailable is returned when a payment gateway cannot be reached or answers
	// with a server error.
	ErrGatewayUnavailable = errors.New("payment gateway unavailable")

	// ErrSMSUnavailable is returned when no SMS provider in the chain accepted a message.
	ErrSMSUnavailable = errors.New("sms provider unavailable")

	// ErrInquiryUnavailable is returned when an identity or ownership inquiry service cannot
	// be reached.
	ErrInquiryUnavailable = errors.New("inquiry service unavailable")

	// ErrMaintenance is returned when the platform is in maintenance mode.
	ErrMaintenance = errors.New("service under maintenance")

	// ErrRetryable is returned by stores when a transient failure (serialization failure,
	// deadlock, lock timeout) persisted after the store's own bounded retries. Nothing was
	// committed; the whole operation may be retried.
	ErrRetryable = errors.New("transient storage failure")

	// ErrInternal is returned when an invariant that must always hold is broken (corrupt data,
	// a bug). Its text is never shown to clients.
	ErrInternal = errors.New("internal error")
)

// NonFieldErrors is the [ValidationError] field name for errors about the input as a whole
// or about several fields together.
const NonFieldErrors = "non_field_errors"

// ValidationError is returned when one or more input fields are invalid. Fields maps a
// field name (as the client sent it, or [NonFieldErrors]) to its messages. It matches
// [ErrInvalidInput]. Build it with [NewValidationError] (or use the zero value) and
// [ValidationError.Add], and return [ValidationError.Err] so that no error is returned when
// nothing was added.
type ValidationError struct {
	Fields map[string][]string

	order []string // field names in the order of their first message
}

// NewValidationError returns an empty [ValidationError].
func NewValidationError() *ValidationError {
	return &ValidationError{Fields: map[string][]string{}}
}

// FieldError returns a [ValidationError] holding one message for one field.
func FieldError(field, message string) *ValidationError {
	e := NewValidationError()
	e.Add(field, message)
	return e
}

// Add appends message to field.
func (e *ValidationError) Add(field, message string) {
	if e.Fields == nil {
		e.Fields = map[string][]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.order = append(e.order, field)
	}
	e.Fields[field] = append(e.Fields[field], message)
}

// AddError appends err's text to field when err is not nil. It reports whether it did, so
// a caller can stop checking a field after its first problem.
func (e *ValidationError) AddError(field string, err error) bool {
	if err == nil {
		return false
	}
	e.Add(field, err.Error())
	return true
}

// Empty reports whether no message was added.
func (e *ValidationError) Empty() bool { return len(e.Fields) == 0 }

// Err returns e as an error, or nil when e is empty.
func (e *ValidationError) Err() error {
	if e.Empty() {
		return nil
	}
	return e
}

// FieldNames returns the fields with messages: those added through [ValidationError.Add] in
// the order they were first added, then any others in sorted order.
func (e *ValidationError) FieldNames() []string {
	names := make([]string, 0, len(e.Fields))
	seen := make(map[string]bool, len(e.Fields))
	for _, f := range e.order {
		if len(e.Fields[f]) > 0 && !seen[f] {
			names = append(names, f)
			seen[f] = true
		}
	}
	for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
		if len(e.Fields[f]) > 0 && !seen[f] {
			names = append(names, f)
		}
	}
	return names
}

// First returns the first field (in [ValidationError.FieldNames] order) and its first
// message, or two empty strings when e is empty.
func (e *ValidationError) First() (field, message string) {
	names := e.FieldNames()
	if len(names) == 0 {
		return "", ""
	}
	return names[0], e.Fields[names[0]][0]
}

// Error lists every field and its messages.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalidInput.Error())
	for i, f := range e.FieldNames() {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f)
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Fields[f], ", "))
	}
	return b.String()
}

// Is reports whether target is [ErrInvalidInput].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidInput }

// InsufficientBalanceError is returned when an operation needs more of an asset than is
// available. Asset names the asset ("IRR" or "GOLD"); Required and Available are in its unit
// (rials or micrograms). It matches [ErrInsufficientBalance].
type InsufficientBalanceError struct {
	Asset     string
	Required  int64
	Available int64
}

// Error describes the shortfall.
func (e *InsufficientBalanceError) Error() string {
	return fmt.Sprintf("insufficient balance: %s required %d, available %d", e.Asset, e.Required, e.Available)
}

// Is reports whether target is [ErrInsufficientBalance].
func (e *InsufficientBalanceError) Is(target error) bool { return target == ErrInsufficientBalance }

// LimitExceededError is returned when a value breaks a configured limit. Limit is a stable
// snake_case name of the limit (for example "order_amount_min", "order_amount_step",
// "bank_accounts_max", "withdrawal_daily_max"), Bound its configured value and Actual the
// value that broke it, both in the limit's unit. It matches [ErrLimitExceeded].
type LimitExceededError struct {
	Limit  string
	Bound  int64
	Actual int64
}

// Error names the limit and both values.
func (e *LimitExceededError) Error() string {
	return fmt.Sprintf("limit exceeded: %s is %d, got %d", e.Limit, e.Bound, e.Actual)
}

// Is reports whether target is [ErrLimitExceeded].
func (e *LimitExceededError) Is(target error) bool { return target == ErrLimitExceeded }

// KYCRequiredError is returned when an operation needs identity verification level
// RequiredLevel and the user is at CurrentLevel. It matches [ErrKYCRequired].
type KYCRequiredError struct {
	RequiredLevel int
	CurrentLevel  int
}

// Error names both levels.
func (e *KYCRequiredError) Error() string {
	return fmt.Sprintf("kyc level required: level %d required, current level %d", e.RequiredLevel, e.CurrentLevel)
}

// Is reports whether target is [ErrKYCRequired].
func (e *KYCRequiredError) Is(target error) bool { return target == ErrKYCRequired }

// RateLimitedError is returned when a rate limit is hit; RetryAfter is how long until the
// next attempt can succeed. It matches [ErrRateLimited].
type RateLimitedError struct {
	RetryAfter time.Duration
}

// Error says when to retry.
func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("rate limit exceeded: retry after %s", e.RetryAfter)
}

// Is reports whether target is [ErrRateLimited].
func (e *RateLimitedError) Is(target error) bool { return target == ErrRateLimited }

// QuoteExpiredError is returned when an order refers to quote QuoteID, which expired at
// ExpiredAt. It matches [ErrQuoteExpired].
type QuoteExpiredError struct {
	QuoteID   string
	ExpiredAt time.Time
}

// Error names the quote and its expiry.
func (e *QuoteExpiredError) Error() string {
	return fmt.Sprintf("quote expired: quote %s expired at %s", e.QuoteID, e.ExpiredAt.Format(time.RFC3339))
}

// Is reports whether target is [ErrQuoteExpired].
func (e *QuoteExpiredError) Is(target error) bool { return target == ErrQuoteExpired }

// InvalidStateError is returned when Object (for example "order", "deposit") in State does
// not allow Action (for example "cancel"). It matches [ErrInvalidState].
type InvalidStateError struct {
	Object string
	State  string
	Action string
}

// Error names the object, its state and the refused action.
func (e *InvalidStateError) Error() string {
	return fmt.Sprintf("invalid state: cannot %s %s in state %s", e.Action, e.Object, e.State)
}

// Is reports whether target is [ErrInvalidState].
func (e *InvalidStateError) Is(target error) bool { return target == ErrInvalidState }

// DocumentsMissingError is returned when a KYC submission lacks the documents named in
// Missing (for example "national_card_front", "selfie"). It matches [ErrDocumentsMissing].
type DocumentsMissingError struct {
	Missing []string
}

// Error lists the missing documents.
func (e *DocumentsMissingError) Error() string {
	return "documents missing: " + strings.Join(e.Missing, ", ")
}

// Is reports whether target is [ErrDocumentsMissing].
func (e *DocumentsMissingError) Is(target error) bool { return target == ErrDocumentsMissing }

// PriceJumpError is returned when staff set Proposed for the price named Side ("buy_price" or
// "sell_price") while the active price is Previous, the move exceeds MaxJump, and the
// change was not confirmed. It matches [ErrPriceJumpUnconfirmed].
type PriceJumpError struct {
	Side     string
	Previous RialsPerGram
	Proposed RialsPerGram
	MaxJump  BasisPoints
}

// Error names the side, both prices and the allowed move.
func (e *PriceJumpError) Error() string {
	return fmt.Sprintf("price jump not confirmed: %s moves from %d to %d, more than %s%%",
		e.Side, e.Previous, e.Proposed, e.MaxJump.Percent())
}

// Is reports whether target is [ErrPriceJumpUnconfirmed].
func (e *PriceJumpError) Is(target error) bool { return target == ErrPriceJumpUnconfirmed }

// ConflictError is returned by stores when a write breaks the uniqueness or state rule named
// Constraint (the store's stable name for it, for example "users_phone_key"). It matches
// [ErrConflict].
type ConflictError struct {
	Constraint string
}

// Error names the constraint.
func (e *ConflictError) Error() string {
	return "conflict: " + e.Constraint
}

// Is reports whether target is [ErrConflict].
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// UnavailableError is returned when a dependency or the platform is temporarily unavailable
// and it is known when to try again. Err is the condition (for example [ErrTradingHalted],
// [ErrGatewayUnavailable], [ErrMaintenance]) and is reached through Unwrap; RetryAfter is the
// suggested wait.
type UnavailableError struct {
	Err        error
	RetryAfter time.Duration
}

// Error describes the condition and the wait.
func (e *UnavailableError) Error() string {
	return fmt.Sprintf("%v: retry after %s", e.Err, e.RetryAfter)
}

// Unwrap returns the condition.
func (e *UnavailableError) Unwrap() error { return e.Err }
