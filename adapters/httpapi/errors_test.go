package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/upload"
)

func TestWriteErrorMapsEveryCode(t *testing.T) {
	t.Parallel()
	expiredAt := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		err         error
		wantStatus  int
		wantCode    string
		wantDetails map[string]any
		wantHeaders map[string]string
	}{
		{
			name:        "ValidationError",
			err:         core.FieldError("national_id", "invalid national id"),
			wantStatus:  400,
			wantCode:    "validation_error",
			wantDetails: map[string]any{"national_id": []any{"invalid national id"}},
		},
		{name: "ParserErrorWithoutFields", err: fmt.Errorf("parse: %w", iran.ErrInvalidSheba), wantStatus: 400, wantCode: "validation_error"},
		{name: "InvalidJSON", err: core.ErrInvalidJSON, wantStatus: 400, wantCode: "invalid_json"},
		{
			name:        "InsufficientRials",
			err:         fmt.Errorf("place order: %w", &core.InsufficientBalanceError{Asset: "IRR", Required: 1_005_000, Available: 20_000}),
			wantStatus:  400,
			wantCode:    "insufficient_balance",
			wantDetails: map[string]any{"asset": "IRR", "required": 1005000.0, "available": 20000.0},
		},
		{
			name:        "InsufficientGold",
			err:         &core.InsufficientBalanceError{Asset: "GOLD", Required: 500_000, Available: 1},
			wantStatus:  400,
			wantCode:    "insufficient_balance",
			wantDetails: map[string]any{"asset": "GOLD", "required": "0.500000", "available": "0.000001"},
		},
		{name: "InsufficientFundsFromStore", err: core.ErrInsufficientFunds, wantStatus: 400, wantCode: "insufficient_balance"},
		{
			name:        "LimitExceeded",
			err:         &core.LimitExceededError{Limit: "order_amount_min", Bound: 100_000, Actual: 5_000},
			wantStatus:  400,
			wantCode:    "limit_exceeded",
			wantDetails: map[string]any{"limit": "order_amount_min", "bound": 100000.0, "actual": 5000.0},
		},
		{name: "OTPInvalid", err: core.ErrOTPInvalid, wantStatus: 400, wantCode: "otp_invalid"},
		{name: "OTPExpired", err: core.ErrOTPExpired, wantStatus: 400, wantCode: "otp_expired"},
		{name: "OTPAttemptsExceeded", err: core.ErrOTPAttemptsExceeded, wantStatus: 400, wantCode: "otp_attempts_exceeded"},
		{name: "WrongPassword", err: core.ErrWrongPassword, wantStatus: 400, wantCode: "wrong_password"},
		{name: "QuoteMismatch", err: core.ErrQuoteMismatch, wantStatus: 400, wantCode: "quote_mismatch"},
		{name: "UnsupportedFileType", err: core.ErrUnsupportedFileType, wantStatus: 400, wantCode: "unsupported_file_type"},
		{name: "FileTooLarge", err: core.ErrFileTooLarge, wantStatus: 400, wantCode: "file_too_large"},
		{name: "UploadRefusedByContent", err: &upload.RejectedError{Err: core.ErrUnsupportedFileType, Reason: upload.ReasonActiveContent},
			wantStatus: 400, wantCode: "unsupported_file_type"},
		{name: "UploadRefusedBySize", err: &upload.RejectedError{Err: core.ErrFileTooLarge, Reason: upload.ReasonTooLarge},
			wantStatus: 400, wantCode: "file_too_large"},
		{
			name:        "DocumentsMissing",
			err:         &core.DocumentsMissingError{Missing: []string{"selfie"}},
			wantStatus:  400,
			wantCode:    "documents_missing",
			wantDetails: map[string]any{"missing": []any{"selfie"}},
		},
		{
			name:        "DocumentsMissingNoneNamed",
			err:         fmt.Errorf("approve: %w", &core.DocumentsMissingError{}),
			wantStatus:  400,
			wantCode:    "documents_missing",
			wantDetails: map[string]any{"missing": []any{}},
		},
		{name: "BankAccountUnverified", err: core.ErrBankAccountUnverified, wantStatus: 400, wantCode: "bank_account_unverified"},
		{name: "OwnershipMismatch", err: core.ErrOwnershipMismatch, wantStatus: 400, wantCode: "ownership_mismatch"},
		{name: "IdempotencyKeyInvalid", err: core.ErrIdempotencyKeyInvalid, wantStatus: 400, wantCode: "idempotency_key_invalid"},
		{name: "NotAuthenticated", err: core.ErrNotAuthenticated, wantStatus: 401, wantCode: "not_authenticated", wantHeaders: bearer},
		{name: "InvalidCredentials", err: core.ErrInvalidCredentials, wantStatus: 401, wantCode: "invalid_credentials", wantHeaders: bearer},
		{name: "TokenExpired", err: core.ErrTokenExpired, wantStatus: 401, wantCode: "token_expired", wantHeaders: bearer},
		{name: "TokenInvalid", err: core.ErrTokenInvalid, wantStatus: 401, wantCode: "token_invalid", wantHeaders: bearer},
		{name: "TokenRevoked", err: core.ErrTokenRevoked, wantStatus: 401, wantCode: "token_revoked", wantHeaders: bearer},
		{name: "TokenReused", err: core.ErrTokenReused, wantStatus: 401, wantCode: "token_reused", wantHeaders: bearer},
		{name: "PermissionDenied", err: core.ErrPermissionDenied, wantStatus: 403, wantCode: "permission_denied"},
		{name: "AccountDisabled", err: core.ErrAccountDisabled, wantStatus: 403, wantCode: "account_disabled"},
		{name: "PhoneNotVerified", err: core.ErrPhoneNotVerified, wantStatus: 403, wantCode: "phone_not_verified"},
		{
			name:        "KYCRequired",
			err:         &core.KYCRequiredError{RequiredLevel: 2, CurrentLevel: 1},
			wantStatus:  403,
			wantCode:    "kyc_required",
			wantDetails: map[string]any{"required_level": 2.0, "current_level": 1.0},
		},
		{name: "KYCRequiredSentinel", err: core.ErrKYCRequired, wantStatus: 403, wantCode: "kyc_required"},
		{name: "LimitExceededSentinel", err: core.ErrLimitExceeded, wantStatus: 400, wantCode: "limit_exceeded"},
		{name: "DocumentsMissingSentinel", err: core.ErrDocumentsMissing, wantStatus: 400, wantCode: "documents_missing"},
		{name: "InvalidStateSentinel", err: core.ErrInvalidState, wantStatus: 409, wantCode: "invalid_state"},
		{name: "QuoteExpiredSentinel", err: core.ErrQuoteExpired, wantStatus: 409, wantCode: "quote_expired"},
		{name: "PriceJumpSentinel", err: core.ErrPriceJumpUnconfirmed, wantStatus: 409, wantCode: "price_jump_unconfirmed"},
		{name: "RateLimitedSentinelHasNoWait", err: core.ErrRateLimited, wantStatus: 429, wantCode: "rate_limit_exceeded"},
		{name: "CSRFFailed", err: core.ErrCSRFFailed, wantStatus: 403, wantCode: "csrf_failed"},
		{name: "FeatureDisabled", err: core.ErrFeatureDisabled, wantStatus: 403, wantCode: "feature_disabled"},
		{name: "NotFound", err: fmt.Errorf("order 7: %w", core.ErrNotFound), wantStatus: 404, wantCode: "not_found"},
		{name: "MethodNotAllowed", err: core.ErrMethodNotAllowed, wantStatus: 405, wantCode: "method_not_allowed"},
		{name: "PhoneTaken", err: core.ErrPhoneTaken, wantStatus: 409, wantCode: "phone_taken"},
		{name: "NationalIDTaken", err: core.ErrNationalIDTaken, wantStatus: 409, wantCode: "national_id_taken"},
		{name: "AlreadyExists", err: core.ErrAlreadyExists, wantStatus: 409, wantCode: "already_exists"},
		{
			name:        "InvalidState",
			err:         &core.InvalidStateError{Object: "order", State: "completed", Action: "cancel"},
			wantStatus:  409,
			wantCode:    "invalid_state",
			wantDetails: map[string]any{"object": "order", "state": "completed", "action": "cancel"},
		},
		{name: "UntranslatedStoreConflict", err: &core.ConflictError{Constraint: "users_phone_key"}, wantStatus: 409, wantCode: "invalid_state"},
		{
			name:        "QuoteExpired",
			err:         &core.QuoteExpiredError{QuoteID: "q_1", ExpiredAt: expiredAt},
			wantStatus:  409,
			wantCode:    "quote_expired",
			wantDetails: map[string]any{"quote_id": "q_1", "expired_at": "2025-03-01T11:30:00+03:30"},
		},
		{name: "QuoteUsed", err: core.ErrQuoteUsed, wantStatus: 409, wantCode: "quote_used"},
		{name: "KYCLocked", err: core.ErrKYCLocked, wantStatus: 409, wantCode: "kyc_locked"},
		{name: "KYCLockedWrapped", err: fmt.Errorf("submit kyc: %w", core.ErrKYCLocked), wantStatus: 409, wantCode: "kyc_locked"},
		{name: "NationalIDTakenWrapped", err: fmt.Errorf("save profile: %w", core.ErrNationalIDTaken), wantStatus: 409, wantCode: "national_id_taken"},
		{name: "AccountHasBalance", err: core.ErrAccountHasBalance, wantStatus: 409, wantCode: "account_has_balance"},
		{name: "InUse", err: core.ErrInUse, wantStatus: 409, wantCode: "in_use"},
		{name: "DefaultAccountDelete", err: core.ErrDefaultAccountDelete, wantStatus: 409, wantCode: "default_account_delete"},
		{
			name:        "PriceJumpUnconfirmed",
			err:         &core.PriceJumpError{Side: "buy_price", Previous: 60_000_000, Proposed: 70_000_000, MaxJump: 500},
			wantStatus:  409,
			wantCode:    "price_jump_unconfirmed",
			wantDetails: map[string]any{"side": "buy_price", "previous": 60000000.0, "proposed": 70000000.0, "max_jump_percent": "5.00"},
		},
		{name: "IdempotencyKeyReused", err: core.ErrIdempotencyKeyReused, wantStatus: 409, wantCode: "idempotency_key_reused"},
		{
			name:        "IdempotencyInProgress",
			err:         core.ErrIdempotencyInProgress,
			wantStatus:  409,
			wantCode:    "idempotency_in_progress",
			wantDetails: map[string]any{"retry_after": 1.0},
			wantHeaders: map[string]string{"Retry-After": "1"},
		},
		{name: "PayloadTooLarge", err: core.ErrPayloadTooLarge, wantStatus: 413, wantCode: "payload_too_large"},
		{name: "UnsupportedMediaType", err: core.ErrUnsupportedMediaType, wantStatus: 415, wantCode: "unsupported_media_type"},
		{name: "IdempotencyKeyRequired", err: core.ErrIdempotencyKeyRequired, wantStatus: 428, wantCode: "idempotency_key_required"},
		{
			name:        "RateLimited",
			err:         &core.RateLimitedError{RetryAfter: 1500 * time.Millisecond},
			wantStatus:  429,
			wantCode:    "rate_limit_exceeded",
			wantDetails: map[string]any{"retry_after": 2.0},
			wantHeaders: map[string]string{"Retry-After": "2"},
		},
		{
			name:        "RateLimitedBelowOneSecond",
			err:         &core.RateLimitedError{RetryAfter: time.Millisecond},
			wantStatus:  429,
			wantCode:    "rate_limit_exceeded",
			wantDetails: map[string]any{"retry_after": 1.0},
			wantHeaders: map[string]string{"Retry-After": "1"},
		},
		{name: "Internal", err: core.ErrInternal, wantStatus: 500, wantCode: "internal_error"},
		{name: "RetryableStorage", err: core.ErrRetryable, wantStatus: 500, wantCode: "internal_error"},
		{name: "Unknown", err: errors.New("dial tcp 10.0.0.5:5432: connection refused"), wantStatus: 500, wantCode: "internal_error"},
		{name: "Overflow", err: core.ErrOverflow, wantStatus: 500, wantCode: "internal_error"},
		{name: "ContextCanceled", err: context.Canceled, wantStatus: 500, wantCode: "internal_error"},
		{name: "PriceUnavailable", err: core.ErrPriceUnavailable, wantStatus: 503, wantCode: "price_unavailable"},
		{
			name:        "TradingHaltedWithWait",
			err:         &core.UnavailableError{Err: core.ErrTradingHalted, RetryAfter: 30 * time.Second},
			wantStatus:  503,
			wantCode:    "trading_halted",
			wantDetails: map[string]any{"retry_after": 30.0},
			wantHeaders: map[string]string{"Retry-After": "30"},
		},
		{name: "InventoryUnavailable", err: core.ErrInventoryUnavailable, wantStatus: 503, wantCode: "inventory_unavailable"},
		{name: "GatewayUnavailable", err: core.ErrGatewayUnavailable, wantStatus: 503, wantCode: "gateway_unavailable"},
		{
			name:        "GatewayUnavailableWithWait",
			err:         fmt.Errorf("create deposit: %w", &core.UnavailableError{Err: core.ErrGatewayUnavailable, RetryAfter: 90 * time.Second}),
			wantStatus:  503,
			wantCode:    "gateway_unavailable",
			wantDetails: map[string]any{"retry_after": 90.0},
			wantHeaders: map[string]string{"Retry-After": "90"},
		},
		{name: "SMSUnavailable", err: core.ErrSMSUnavailable, wantStatus: 503, wantCode: "sms_unavailable"},
		{name: "InquiryUnavailable", err: core.ErrInquiryUnavailable, wantStatus: 503, wantCode: "inquiry_unavailable"},
		{
			name:        "InquiryUnavailableWithWait",
			err:         fmt.Errorf("submit kyc: %w", &core.UnavailableError{Err: core.ErrInquiryUnavailable, RetryAfter: 2 * time.Minute}),
			wantStatus:  503,
			wantCode:    "inquiry_unavailable",
			wantDetails: map[string]any{"retry_after": 120.0},
			wantHeaders: map[string]string{"Retry-After": "120"},
		},
		{name: "Maintenance", err: core.ErrMaintenance, wantStatus: 503, wantCode: "maintenance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAPI(t, func(rt httpapi.Routes) { rt.Get("/e/", returning(tt.err)) })

			rec := b.do(t, http.MethodGet, "/e/", "", "")

			require.Equal(t, tt.wantStatus, rec.Code)
			require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			e := errorOf(t, rec)
			require.Equal(t, tt.wantCode, e["code"])
			require.NotEmpty(t, e["message"])
			require.Equal(t, rec.Header().Get(httpapi.HeaderRequestID), e["request_id"])
			wantDetails := tt.wantDetails
			if wantDetails == nil {
				wantDetails = map[string]any{}
			}
			require.Equal(t, wantDetails, e["details"])
			for h, v := range tt.wantHeaders {
				require.Equal(t, v, rec.Header().Get(h), "header %s", h)
			}
			if _, ok := tt.wantHeaders["WWW-Authenticate"]; !ok {
				require.Empty(t, rec.Header().Get("WWW-Authenticate"))
			}
			if _, ok := tt.wantHeaders["Retry-After"]; !ok {
				require.Empty(t, rec.Header().Get("Retry-After"))
			}
			status, code := httpapi.ErrorStatus(tt.err)
			require.Equal(t, tt.wantStatus, status)
			require.Equal(t, tt.wantCode, code)
		})
	}
}

// bearer is the header every 401 carries.
var bearer = map[string]string{"WWW-Authenticate": "Bearer"}

func TestWriteErrorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		err         error
		lang        string
		wantMessage string
	}{
		{name: "PersianByDefault", err: core.ErrNotFound, wantMessage: "مورد درخواست\u200cشده پیدا نشد."},
		{name: "English", err: core.ErrNotFound, lang: "en", wantMessage: "The requested resource was not found."},
		{name: "EnglishRegion", err: core.ErrPhoneTaken, lang: "en-GB", wantMessage: "This phone number is already registered."},
		{name: "UnsupportedLanguageIsPersian", err: core.ErrPhoneTaken, lang: "de", wantMessage: "این شماره موبایل قبلاً ثبت شده است."},
		{name: "ValidationUsesFirstFieldMessage", err: validationOf("amount", "too small", "phone", "bad"), wantMessage: "too small"},
		{
			name:        "InternalIsGeneric",
			err:         errors.New("pq: password authentication failed for user talabin"),
			lang:        "en",
			wantMessage: "An internal server error occurred.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAPI(t, func(rt httpapi.Routes) { rt.Get("/e/", returning(tt.err)) })
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/e/", nil)
			if tt.lang != "" {
				req.Header.Set("Accept-Language", tt.lang)
			}

			rec := b.serve(t, req)

			require.Equal(t, tt.wantMessage, errorOf(t, rec)["message"])
		})
	}
}

func validationOf(fieldsAndMessages ...string) error {
	ve := core.NewValidationError()
	for i := 0; i+1 < len(fieldsAndMessages); i += 2 {
		ve.Add(fieldsAndMessages[i], fieldsAndMessages[i+1])
	}
	return ve
}

func TestInternalErrorIsLoggedNotLeaked(t *testing.T) {
	t.Parallel()
	secret := "pq: password authentication failed for user talabin"
	b := setupAPI(t, func(rt httpapi.Routes) { rt.Get("/e/", returning(errors.New(secret))) })
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/e/", nil)
	req.Header.Set(httpapi.HeaderRequestID, "req-123")

	rec := b.serve(t, req)

	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.NotContains(t, rec.Body.String(), "pq:")
	line := b.accessLine(t)
	require.Equal(t, "ERROR", line["level"])
	require.Equal(t, secret, line["error"])
	require.Equal(t, "req-123", line["request_id"])
	require.InDelta(t, 500, line["status"], 0)
}

func TestErrorAfterResponseStartedIsOnlyLogged(t *testing.T) {
	t.Parallel()
	b := setupAPI(t, func(rt httpapi.Routes) {
		rt.Get("/e/", func(w http.ResponseWriter, r *http.Request) error {
			httpapi.WriteData(w, r, http.StatusOK, map[string]int{"n": 1})
			return errors.New("late failure")
		})
	})

	rec := b.do(t, http.MethodGet, "/e/", "", "")

	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, map[string]any{"success": true, "data": map[string]any{"n": 1.0}}, decodeBody(t, rec))
	require.Equal(t, "late failure", b.accessLine(t)["error"])
}

func TestWriteErrorOutsideRouter(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/", nil)
	req.Header.Set("Accept-Language", "en")
	rec := httptest.NewRecorder()

	httpapi.WriteError(rec, req, core.ErrTokenInvalid)

	require.Equal(t, http.StatusUnauthorized, rec.Code)
	require.Equal(t, "Bearer", rec.Header().Get("WWW-Authenticate"))
	e := errorOf(t, rec)
	require.Equal(t, "token_invalid", e["code"])
	require.Equal(t, "The access token is invalid; please sign in again.", e["message"])
	require.Empty(t, e["request_id"])
}

func TestUnencodableDataIsInternalError(t *testing.T) {
	t.Parallel()
	b := setupAPI(t, func(rt httpapi.Routes) {
		rt.Get("/e/", func(w http.ResponseWriter, r *http.Request) error {
			httpapi.WriteData(w, r, http.StatusOK, map[string]any{"f": func() {}})
			return nil
		})
	})
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/e/", nil)
	req.Header.Set("Accept-Language", "en")

	rec := b.serve(t, req)

	require.Equal(t, http.StatusInternalServerError, rec.Code)
	e := errorOf(t, rec)
	require.Equal(t, "internal_error", e["code"])
	require.Equal(t, "An internal server error occurred.", e["message"])
	require.Equal(t, rec.Header().Get(httpapi.HeaderRequestID), e["request_id"])
	require.Contains(t, b.accessLine(t)["error"], "encode json response")
}
