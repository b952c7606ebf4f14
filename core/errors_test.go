package core_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

// catalogue pairs every error code of API.md §1.3 with the core condition behind it, then
// lists the core and store conditions that have no code. The HTTP adapter owns the real
// mapping; this table proves each code has a distinct sentinel.
var catalogue = []struct {
	code string
	err  error
}{
	{"validation_error", core.ErrInvalidInput},
	{"invalid_json", core.ErrInvalidJSON},
	{"insufficient_balance", core.ErrInsufficientBalance},
	{"limit_exceeded", core.ErrLimitExceeded},
	{"otp_invalid", core.ErrOTPInvalid},
	{"otp_expired", core.ErrOTPExpired},
	{"otp_attempts_exceeded", core.ErrOTPAttemptsExceeded},
	{"wrong_password", core.ErrWrongPassword},
	{"quote_mismatch", core.ErrQuoteMismatch},
	{"unsupported_file_type", core.ErrUnsupportedFileType},
	{"file_too_large", core.ErrFileTooLarge},
	{"documents_missing", core.ErrDocumentsMissing},
	{"bank_account_unverified", core.ErrBankAccountUnverified},
	{"ownership_mismatch", core.ErrOwnershipMismatch},
	{"idempotency_key_invalid", core.ErrIdempotencyKeyInvalid},
	{"not_authenticated", core.ErrNotAuthenticated},
	{"invalid_credentials", core.ErrInvalidCredentials},
	{"token_expired", core.ErrTokenExpired},
	{"token_invalid", core.ErrTokenInvalid},
	{"token_revoked", core.ErrTokenRevoked},
	{"token_reused", core.ErrTokenReused},
	{"permission_denied", core.ErrPermissionDenied},
	{"account_disabled", core.ErrAccountDisabled},
	{"phone_not_verified", core.ErrPhoneNotVerified},
	{"kyc_required", core.ErrKYCRequired},
	{"csrf_failed", core.ErrCSRFFailed},
	{"feature_disabled", core.ErrFeatureDisabled},
	{"not_found", core.ErrNotFound},
	{"method_not_allowed", core.ErrMethodNotAllowed},
	{"phone_taken", core.ErrPhoneTaken},
	{"national_id_taken", core.ErrNationalIDTaken},
	{"already_exists", core.ErrAlreadyExists},
	{"invalid_state", core.ErrInvalidState},
	{"quote_expired", core.ErrQuoteExpired},
	{"quote_used", core.ErrQuoteUsed},
	{"kyc_locked", core.ErrKYCLocked},
	{"account_has_balance", core.ErrAccountHasBalance},
	{"in_use", core.ErrInUse},
	{"default_account_delete", core.ErrDefaultAccountDelete},
	{"price_jump_unconfirmed", core.ErrPriceJumpUnconfirmed},
	{"idempotency_key_reused", core.ErrIdempotencyKeyReused},
	{"idempotency_in_progress", core.ErrIdempotencyInProgress},
	{"payload_too_large", core.ErrPayloadTooLarge},
	{"unsupported_media_type", core.ErrUnsupportedMediaType},
	{"idempotency_key_required", core.ErrIdempotencyKeyRequired},
	{"rate_limit_exceeded", core.ErrRateLimited},
	{"internal_error", core.ErrInternal},
	{"price_unavailable", core.ErrPriceUnavailable},
	{"trading_halted", core.ErrTradingHalted},
	{"inventory_unavailable", core.ErrInventoryUnavailable},
	{"gateway_unavailable", core.ErrGatewayUnavailable},
	{"sms_unavailable", core.ErrSMSUnavailable},
	{"inquiry_unavailable", core.ErrInquiryUnavailable},
	{"maintenance", core.ErrMaintenance},
	// Core and store conditions without a code of their own: the app translates them.
	{"core_overflow", core.ErrOverflow},
	{"core_negative_amount", core.ErrNegativeAmount},
	{"store_conflict", core.ErrConflict},
	{"store_retryable", core.ErrRetryable},
	{"store_insufficient_funds", core.ErrInsufficientFunds},
}

func TestCatalogueSentinels(t *testing.T) {
	t.Parallel()

	require.Len(t, catalogue, 59) // 54 codes of API.md §1.3 plus 5 core and store conditions
	for i, c := range catalogue {
		t.Run(camelCase(c.code), func(t *testing.T) {
			t.Parallel()
			msg := c.err.Error()
			require.NotEmpty(t, msg)
			require.Equal(t, strings.ToLower(msg), msg, "error text must be lowercase")
			require.False(t, unicode.IsPunct(rune(msg[len(msg)-1])), "no trailing punctuation")
			for j, other := range catalogue {
				// The one intended overlap: a lost ledger race reads as an insufficient balance.
				intended := c.err == core.ErrInsufficientFunds && other.err == core.ErrInsufficientBalance //nolint:errorlint // identity of catalogue entries
				if j == i || intended {
					continue
				}
				require.NotErrorIs(t, c.err, other.err, "%q must not match %q", c.err, other.err)
			}
		})
	}
}

// camelCase turns "quote_expired" into "QuoteExpired" for subtest names.
func camelCase(s string) string {
	words := strings.Split(s, "_")
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, "")
}

func TestInsufficientFundsIsInsufficientBalance(t *testing.T) {
	t.Parallel()

	err := fmt.Errorf("debit account 7: %w", core.ErrInsufficientFunds)
	require.ErrorIs(t, err, core.ErrInsufficientFunds)
	require.ErrorIs(t, err, core.ErrInsufficientBalance)
	require.NotErrorIs(t, core.ErrInsufficientBalance, core.ErrInsufficientFunds)
}

func TestTypedErrors(t *testing.T) {
	t.Parallel()

	expiredAt := time.Date(2025, 12, 4, 16, 30, 0, 0, time.UTC)
	tests := []struct {
		name     string
		err      error
		sentinel error
		wantText string
		as       func(t *testing.T, err error)
	}{
		{
			name:     "InsufficientBalance",
			err:      &core.InsufficientBalanceError{Asset: "IRR", Required: 1_005_000, Available: 20_000},
			sentinel: core.ErrInsufficientBalance,
			wantText: "insufficient balance: IRR required 1005000, available 20000",
			as: func(t *testing.T, err error) {
				var target *core.InsufficientBalanceError
				require.ErrorAs(t, err, &target)
				require.Equal(t, core.InsufficientBalanceError{Asset: "IRR", Required: 1_005_000, Available: 20_000}, *target)
			},
		},
		{
			name:     "LimitExceeded",
			err:      &core.LimitExceededError{Limit: "order_amount_min", Bound: 100_000, Actual: 5_000},
			sentinel: core.ErrLimitExceeded,
			wantText: "limit exceeded: order_amount_min is 100000, got 5000",
			as: func(t *testing.T, err error) {
				var target *core.LimitExceededError
				require.ErrorAs(t, err, &target)
				require.Equal(t, "order_amount_min", target.Limit)
				require.Equal(t, int64(100_000), target.Bound)
				require.Equal(t, int64(5_000), target.Actual)
			},
		},
		{
			name:     "KYCRequired",
			err:      &core.KYCRequiredError{RequiredLevel: 1, CurrentLevel: 0},
			sentinel: core.ErrKYCRequired,
			wantText: "kyc level required: level 1 required, current level 0",
			as: func(t *testing.T, err error) {
				var target *core.KYCRequiredError
				require.ErrorAs(t, err, &target)
				require.Equal(t, 1, target.RequiredLevel)
				require.Equal(t, 0, target.CurrentLevel)
			},
		},
		{
			name:     "RateLimited",
			err:      &core.RateLimitedError{RetryAfter: 42 * time.Second},
			sentinel: core.ErrRateLimited,
			wantText: "rate limit exceeded: retry after 42s",
			as: func(t *testing.T, err error) {
				var target *core.RateLimitedError
				require.ErrorAs(t, err, &target)
				require.Equal(t, 42*time.Second, target.RetryAfter)
			},
		},
		{
			name:     "QuoteExpired",
			err:      &core.QuoteExpiredError{QuoteID: "qt_123", ExpiredAt: expiredAt},
			sentinel: core.ErrQuoteExpired,
			wantText: "quote expired: quote qt_123 expired at 2025-12-04T16:30:00Z",
			as: func(t *testing.T, err error) {
				var target *core.QuoteExpiredError
				require.ErrorAs(t, err, &target)
				require.Equal(t, "qt_123", target.QuoteID)
				require.True(t, expiredAt.Equal(target.ExpiredAt))
			},
		},
		{
			name:     "InvalidState",
			err:      &core.InvalidStateError{Object: "order", State: "completed", Action: "cancel"},
			sentinel: core.ErrInvalidState,
			wantText: "invalid state: cannot cancel order in state completed",
			as: func(t *testing.T, err error) {
				var target *core.InvalidStateError
				require.ErrorAs(t, err, &target)
				require.Equal(t, "completed", target.State)
			},
		},
		{
			name:     "DocumentsMissing",
			err:      &core.DocumentsMissingError{Missing: []string{"national_card_front", "selfie"}},
			sentinel: core.ErrDocumentsMissing,
			wantText: "documents missing: national_card_front, selfie",
			as: func(t *testing.T, err error) {
				var target *core.DocumentsMissingError
				require.ErrorAs(t, err, &target)
				require.Equal(t, []string{"national_card_front", "selfie"}, target.Missing)
			},
		},
		{
			name:     "PriceJump",
			err:      &core.PriceJumpError{Side: "sell_price", Previous: 3_050_000, Proposed: 4_000_000, MaxJump: 1_000},
			sentinel: core.ErrPriceJumpUnconfirmed,
			wantText: "price jump not confirmed: sell_price moves from 3050000 to 4000000, more than 10.00%",
			as: func(t *testing.T, err error) {
				var target *core.PriceJumpError
				require.ErrorAs(t, err, &target)
				require.Equal(t, core.RialsPerGram(4_000_000), target.Proposed)
			},
		},
		{
			name:     "Conflict",
			err:      &core.ConflictError{Constraint: "users_phone_key"},
			sentinel: core.ErrConflict,
			wantText: "conflict: users_phone_key",
			as: func(t *testing.T, err error) {
				var target *core.ConflictError
				require.ErrorAs(t, err, &target)
				require.Equal(t, "users_phone_key", target.Constraint)
			},
		},
		{
			name:     "Validation",
			err:      core.FieldError("amount", "must be a multiple of 1000"),
			sentinel: core.ErrInvalidInput,
			wantText: "invalid input: amount: must be a multiple of 1000",
			as: func(t *testing.T, err error) {
				var target *core.ValidationError
				require.ErrorAs(t, err, &target)
				require.Equal(t, map[string][]string{"amount": {"must be a multiple of 1000"}}, target.Fields)
			},
		},
		{
			name:     "Unavailable",
			err:      &core.UnavailableError{Err: core.ErrTradingHalted, RetryAfter: time.Minute},
			sentinel: core.ErrTradingHalted,
			wantText: "trading halted: retry after 1m0s",
			as: func(t *testing.T, err error) {
				var target *core.UnavailableError
				require.ErrorAs(t, err, &target)
				require.Equal(t, time.Minute, target.RetryAfter)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.wantText, tt.err.Error())
			require.ErrorIs(t, tt.err, tt.sentinel)

			wrapped := fmt.Errorf("place order: %w", fmt.Errorf("execute: %w", tt.err))
			require.ErrorIs(t, wrapped, tt.sentinel)
			tt.as(t, wrapped)

			joined := errors.Join(errors.New("first"), tt.err)
			require.ErrorIs(t, joined, tt.sentinel)
			tt.as(t, joined)

			for _, c := range catalogue {
				if !errors.Is(c.err, tt.sentinel) {
					require.NotErrorIs(t, wrapped, c.err, "%T must only match its own condition", tt.err)
				}
			}
		})
	}
}

func TestValidationError(t *testing.T) {
	t.Parallel()

	t.Run("EmptyIsNoError", func(t *testing.T) {
		t.Parallel()
		v := core.NewValidationError()
		require.True(t, v.Empty())
		require.NoError(t, v.Err())
		field, msg := v.First()
		require.Empty(t, field)
		require.Empty(t, msg)
		require.Equal(t, "invalid input", v.Error())
	})

	t.Run("KeepsInsertionOrder", func(t *testing.T) {
		t.Parallel()
		v := core.NewValidationError()
		v.Add("phone", "not an iranian mobile number")
		v.Add("amount", "must be positive")
		v.Add("phone", "is required")
		err := v.Err()
		require.ErrorIs(t, err, core.ErrInvalidInput)
		require.Equal(t, []string{"phone", "amount"}, v.FieldNames())
		field, msg := v.First()
		require.Equal(t, "phone", field)
		require.Equal(t, "not an iranian mobile number", msg)
		require.Equal(t, "invalid input: phone: not an iranian mobile number, is required; amount: must be positive", err.Error())
	})

	t.Run("AddErrorSkipsNil", func(t *testing.T) {
		t.Parallel()
		_, parseErr := core.ParseGrams("1.0000001")
		v := core.NewValidationError()
		require.False(t, v.AddError("gold_amount", nil))
		require.True(t, v.AddError("gold_amount", parseErr))
		require.Equal(t, map[string][]string{"gold_amount": {parseErr.Error()}}, v.Fields)
	})

	t.Run("LiteralFieldsSorted", func(t *testing.T) {
		t.Parallel()
		v := &core.ValidationError{Fields: map[string][]string{
			"zeta":                {"z"},
			core.NonFieldErrors:   {"sell_price must not be below buy_price"},
			"alpha":               {"a"},
			"no_messages_dropped": nil,
		}}
		require.Equal(t, []string{"alpha", core.NonFieldErrors, "zeta"}, v.FieldNames())
		v.Add("beta", "b")
		require.Equal(t, []string{"beta", "alpha", core.NonFieldErrors, "zeta"}, v.FieldNames())
	})

	t.Run("ZeroValueUsable", func(t *testing.T) {
		t.Parallel()
		var v core.ValidationError
		v.Add(core.NonFieldErrors, "exactly one of amount_irr and gold_amount is required")
		require.ErrorIs(t, v.Err(), core.ErrInvalidInput)
	})
}

func TestParseErrorsWrapSentinels(t *testing.T) {
	t.Parallel()

	_, gramsErr := core.ParseGrams("1e3")
	_, rialErr := core.ParseRial("-5")
	_, feeErr := core.ParseFeePercent("101")
	_, goldErr := core.GoldForRials(-1, 1)
	_, priceErr := core.RialsForGold(1, 0)
	_, overflowErr := core.Rial(math.MaxInt64).Add(1)
	tests := []struct {
		name     string
		err      error
		sentinel error
	}{
		{name: "ParseGrams", err: gramsErr, sentinel: core.ErrInvalidInput},
		{name: "ParseRial", err: rialErr, sentinel: core.ErrInvalidInput},
		{name: "ParseFeePercent", err: feeErr, sentinel: core.ErrInvalidInput},
		{name: "NegativeAmount", err: goldErr, sentinel: core.ErrNegativeAmount},
		{name: "ZeroPrice", err: priceErr, sentinel: core.ErrInvalidInput},
		{name: "Overflow", err: overflowErr, sentinel: core.ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.ErrorIs(t, fmt.Errorf("handler: %w", tt.err), tt.sentinel)
			require.Equal(t, strings.ToLower(tt.err.Error()), tt.err.Error())
		})
	}
}
