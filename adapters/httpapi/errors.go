package httpapi

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
)

// errorKind is one row of [errorTable]: the core condition, the HTTP status and the stable
// code of API.md §1.3 it is answered with, and, for conditions that carry context, how to
// read the details (and a Retry-After) from the typed error.
type errorKind struct {
	target  error
	status  int
	code    string
	details func(err error) errorDetails
}

// errorDetails is what a typed error adds to an error response: the details object and,
// when known, how long the client should wait (the Retry-After header).
type errorDetails struct {
	fields     map[string]any
	retryAfter time.Duration
}

// codeInternal is the code of every error the table does not know.
const codeInternal = "internal_error"

// internalKind answers an error the table does not know: 500 with a generic message; the
// error itself only goes to the log.
var internalKind = errorKind{target: core.ErrInternal, status: http.StatusInternalServerError, code: codeInternal}

// errorTable maps every core condition a client may be told about to its status and code
// (API.md §1.3), matched with errors.Is in this order; the first match wins. Each code has
// exactly one status. Errors that match no row are internal errors.
var errorTable = []errorKind{
	// 400
	{target: core.ErrInvalidInput, status: http.StatusBadRequest, code: "validation_error", details: validationDetails},
	{target: core.ErrInvalidJSON, status: http.StatusBadRequest, code: "invalid_json"},
	{target: core.ErrInsufficientBalance, status: http.StatusBadRequest, code: "insufficient_balance", details: insufficientBalanceDetails},
	{target: core.ErrLimitExceeded, status: http.StatusBadRequest, code: "limit_exceeded", details: limitDetails},
	{target: core.ErrOTPInvalid, status: http.StatusBadRequest, code: "otp_invalid"},
	{target: core.ErrOTPExpired, status: http.StatusBadRequest, code: "otp_expired"},
	{target: core.ErrOTPAttemptsExceeded, status: http.StatusBadRequest, code: "otp_attempts_exceeded"},
	{target: core.ErrWrongPassword, status: http.StatusBadRequest, code: "wrong_password"},
	{target: core.ErrQuoteMismatch, status: http.StatusBadRequest, code: "quote_mismatch"},
	{target: core.ErrUnsupportedFileType, status: http.StatusBadRequest, code: "unsupported_file_type"},
	{target: core.ErrFileTooLarge, status: http.StatusBadRequest, code: "file_too_large"},
	{target: core.ErrDocumentsMissing, status: http.StatusBadRequest, code: "documents_missing", details: documentsDetails},
	{target: core.ErrBankAccountUnverified, status: http.StatusBadRequest, code: "bank_account_unverified"},
	{target: core.ErrOwnershipMismatch, status: http.StatusBadRequest, code: "ownership_mismatch"},
	{target: core.ErrIdempotencyKeyInvalid, status: http.StatusBadRequest, code: "idempotency_key_invalid"},
	// 401
	{target: core.ErrNotAuthenticated, status: http.StatusUnauthorized, code: "not_authenticated"},
	{target: core.ErrInvalidCredentials, status: http.StatusUnauthorized, code: "invalid_credentials"},
	{target: core.ErrTokenExpired, status: http.StatusUnauthorized, code: "token_expired"},
	{target: core.ErrTokenInvalid, status: http.StatusUnauthorized, code: "token_invalid"},
	{target: core.ErrTokenRevoked, status: http.StatusUnauthorized, code: "token_revoked"},
	{target: core.ErrTokenReused, status: http.StatusUnauthorized, code: "token_reused"},
	// 403
	{target: core.ErrPermissionDenied, status: http.StatusForbidden, code: "permission_denied"},
	{target: core.ErrAccountDisabled, status: http.StatusForbidden, code: "account_disabled"},
	{target: core.ErrPhoneNotVerified, status: http.StatusForbidden, code: "phone_not_verified"},
	{target: core.ErrKYCRequired, status: http.StatusForbidden, code: "kyc_required", details: kycDetails},
	{target: core.ErrCSRFFailed, status: http.StatusForbidden, code: "csrf_failed"},
	{target: core.ErrFeatureDisabled, status: http.StatusForbidden, code: "feature_disabled"},
	// 404, 405
	{target: core.ErrNotFound, status: http.StatusNotFound, code: "not_found"},
	{target: core.ErrMethodNotAllowed, status: http.StatusMethodNotAllowed, code: "method_not_allowed"},
	// 409
	{target: core.ErrPhoneTaken, status: http.StatusConflict, code: "phone_taken"},
	{target: core.ErrNationalIDTaken, status: http.StatusConflict, code: "national_id_taken"},
	{target: core.ErrAlreadyExists, status: http.StatusConflict, code: "already_exists"},
	{target: core.ErrInvalidState, status: http.StatusConflict, code: "invalid_state", details: invalidStateDetails},
	// A store conflict no service translated: a uniqueness or conditional-update race. Its
	// constraint name is internal, so no details.
	{target: core.ErrConflict, status: http.StatusConflict, code: "invalid_state"},
	{target: core.ErrQuoteExpired, status: http.StatusConflict, code: "quote_expired", details: quoteExpiredDetails},
	{target: core.ErrQuoteUsed, status: http.StatusConflict, code: "quote_used"},
	{target: core.ErrKYCLocked, status: http.StatusConflict, code: "kyc_locked"},
	{target: core.ErrAccountHasBalance, status: http.StatusConflict, code: "account_has_balance"},
	{target: core.ErrInUse, status: http.StatusConflict, code: "in_use"},
	{target: core.ErrDefaultAccountDelete, status: http.StatusConflict, code: "default_account_delete"},
	{target: core.ErrPriceJumpUnconfirmed, status: http.StatusConflict, code: "price_jump_unconfirmed", details: priceJumpDetails},
	{target: core.ErrIdempotencyKeyReused, status: http.StatusConflict, code: "idempotency_key_reused"},
	{target: core.ErrIdempotencyInProgress, status: http.StatusConflict, code: "idempotency_in_progress", details: inProgressDetails},
	// 413, 415, 428, 429
	{target: core.ErrPayloadTooLarge, status: http.StatusRequestEntityTooLarge, code: "payload_too_large"},
	{target: core.ErrUnsupportedMediaType, status: http.StatusUnsupportedMediaType, code: "unsupported_media_type"},
	{target: core.ErrIdempotencyKeyRequired, status: http.StatusPreconditionRequired, code: "idempotency_key_required"},
	{target: core.ErrRateLimited, status: http.StatusTooManyRequests, code: "rate_limit_exceeded", details: rateLimitDetails},
	// 503
	{target: core.ErrPriceUnavailable, status: http.StatusServiceUnavailable, code: "price_unavailable", details: unavailableDetails},
	{target: core.ErrTradingHalted, status: http.StatusServiceUnavailable, code: "trading_halted", details: unavailableDetails},
	{target: core.ErrInventoryUnavailable, status: http.StatusServiceUnavailable, code: "inventory_unavailable", details: unavailableDetails},
	{target: core.ErrGatewayUnavailable, status: http.StatusServiceUnavailable, code: "gateway_unavailable", details: unavailableDetails},
	{target: core.ErrSMSUnavailable, status: http.StatusServiceUnavailable, code: "sms_unavailable", details: unavailableDetails},
	{target: core.ErrInquiryUnavailable, status: http.StatusServiceUnavailable, code: "inquiry_unavailable", details: unavailableDetails},
	{target: core.ErrMaintenance, status: http.StatusServiceUnavailable, code: "maintenance", details: unavailableDetails},
	// 500: broken invariants and transient storage failures that outlived the store's
	// retries are internal errors like any unknown error; listed to make that a decision.
	internalKind,
	{target: core.ErrRetryable, status: http.StatusInternalServerError, code: codeInternal},
}

// classify returns the table row err matches, or [internalKind].
func classify(err error) errorKind {
	for _, k := range errorTable {
		if errors.Is(err, k.target) {
			return k
		}
	}
	return internalKind
}

// ErrorStatus returns the HTTP status and the stable error code (API.md §1.3) that err is
// answered with: the row of the error table err matches under errors.Is, or 500
// "internal_error". Middleware that must treat some errors apart (the idempotency store
// skips 401, 403, 429 and 5xx) uses it; handlers just call [WriteError].
func ErrorStatus(err error) (status int, code string) {
	k := classify(err)
	return k.status, k.code
}

// validationDetails lists a [core.ValidationError]'s fields and messages. Any other error
// matching core.ErrInvalidInput (a parser's error that reached the adapter unwrapped) has no
// details: its text is not written for clients.
func validationDetails(err error) errorDetails {
	var ve *core.ValidationError
	if !errors.As(err, &ve) {
		return errorDetails{}
	}
	fields := make(map[string]any, len(ve.Fields))
	for _, name := range ve.FieldNames() {
		fields[name] = append([]string(nil), ve.Fields[name]...)
	}
	return errorDetails{fields: fields}
}

func insufficientBalanceDetails(err error) errorDetails {
	var e *core.InsufficientBalanceError
	if !errors.As(err, &e) {
		return errorDetails{}
	}
	if e.Asset == ledger.Gold.String() {
		return errorDetails{fields: map[string]any{
			"asset":     e.Asset,
			"required":  Gold(e.Required),
			"available": Gold(e.Available),
		}}
	}
	return errorDetails{fields: map[string]any{"asset": e.Asset, "required": e.Required, "available": e.Available}}
}

func limitDetails(err error) errorDetails {
	var e *core.LimitExceededError
	if !errors.As(err, &e) {
		return errorDetails{}
	}
	return errorDetails{fields: map[string]any{"limit": e.Limit, "bound": e.Bound, "actual": e.Actual}}
}

func documentsDetails(err error) errorDetails {
	var e *core.DocumentsMissingError
	if !errors.As(err, &e) {
		return errorDetails{}
	}
	return errorDetails{fields: map[string]any{"missing": append([]string{}, e.Missing...)}}
}

func kycDetails(err error) errorDetails {
	var e *core.KYCRequiredError
	if !errors.As(err, &e) {
		return errorDetails{}
	}
	return errorDetails{fields: map[string]any{"required_level": e.RequiredLevel, "current_level": e.CurrentLevel}}
}

func invalidStateDetails(err error) errorDetails {
	var e *core.InvalidStateError
	if !errors.As(err, &e) {
		return errorDetails{}
	}
	return errorDetails{fields: map[string]any{"object": e.Object, "state": e.State, "action": e.Action}}
}

func quoteExpiredDetails(err error) errorDetails {
	var e *core.QuoteExpiredError
	if !errors.As(err, &e) {
		return errorDetails{}
	}
	return errorDetails{fields: map[string]any{"quote_id": e.QuoteID, "expired_at": Timestamp(e.ExpiredAt)}}
}

func priceJumpDetails(err error) errorDetails {
	var e *core.PriceJumpError
	if !errors.As(err, &e) {
		return errorDetails{}
	}
	return errorDetails{fields: map[string]any{
		"side":             e.Side,
		"previous":         e.Previous,
		"proposed":         e.Proposed,
		"max_jump_percent": Percent(e.MaxJump),
	}}
}

// inProgressRetryAfter is the wait a replay of a running idempotent request is told
// (API.md §1.6).
const inProgressRetryAfter = time.Second

func inProgressDetails(error) errorDetails {
	return retryDetails(inProgressRetryAfter)
}

func rateLimitDetails(err error) errorDetails {
	var e *core.RateLimitedError
	if !errors.As(err, &e) {
		return errorDetails{}
	}
	return retryDetails(e.RetryAfter)
}

// unavailableDetails reads the wait of a [core.UnavailableError] wrapping the condition;
// without one the wait is unknown and no Retry-After is sent.
func unavailableDetails(err error) errorDetails {
	var e *core.UnavailableError
	if !errors.As(err, &e) || e.RetryAfter <= 0 {
		return errorDetails{}
	}
	return retryDetails(e.RetryAfter)
}

// retryDetails returns details.retry_after and the Retry-After wait for d, in whole seconds
// rounded up and at least one.
func retryDetails(d time.Duration) errorDetails {
	secs := max(int64(math.Ceil(d.Seconds())), 1)
	return errorDetails{fields: map[string]any{"retry_after": secs}, retryAfter: time.Duration(secs) * time.Second}
}

// errorBody is the "error" member of an error envelope.
type errorBody struct {
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	Details   map[string]any `json:"details"`
	RequestID string         `json:"request_id"`
}

// errorEnvelope is the whole body of an error response (API.md §1.2).
type errorEnvelope struct {
	Success bool      `json:"success"`
	Error   errorBody `json:"error"`
}

// WriteError answers r with the error envelope for err: the status and code of the error
// table, a one-sentence message in the request's language (for validation errors, the first
// field's message), the details the typed error carries and the request id. 401 responses
// carry WWW-Authenticate: Bearer; rate limits, running idempotent requests and
// unavailable dependencies with a known wait carry Retry-After. An error the table does not
// know is answered 500 internal_error with a generic message; err itself only reaches the
// access log, with the request id. When the response has already started, err is only
// logged.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	st := stateOf(r.Context())
	st.recordError(err)
	if st.responseStarted() {
		return
	}
	k := classify(err)
	var d errorDetails
	if k.details != nil {
		d = k.details(err)
	}
	if d.fields == nil {
		d.fields = map[string]any{}
	}
	lang := LanguageOf(r)
	message := codeMessage(k.code, lang)
	if k.code == "validation_error" {
		if _, first := firstValidationMessage(err); first != "" {
			message = first
		}
	}
	h := w.Header()
	if k.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", "Bearer")
	}
	if d.retryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(int64(d.retryAfter/time.Second), 10))
	}
	body := errorEnvelope{Error: errorBody{
		Code:      k.code,
		Message:   message,
		Details:   d.fields,
		RequestID: RequestID(r.Context()),
	}}
	writeJSON(w, r, k.status, body)
}

// firstValidationMessage returns the first field and message of the [core.ValidationError]
// in err's chain, or two empty strings.
func firstValidationMessage(err error) (field, message string) {
	var ve *core.ValidationError
	if !errors.As(err, &ve) {
		return "", ""
	}
	return ve.First()
}
