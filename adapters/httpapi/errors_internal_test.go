package httpapi

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// contractCodes is the table of API.md §1.3 (HTTP statuses and error codes), copied verbatim:
// the error table must produce exactly these codes with exactly these statuses.
var contractCodes = map[int][]string{
	http.StatusBadRequest: {
		"validation_error", "invalid_json", "insufficient_balance", "limit_exceeded", "otp_invalid",
		"otp_expired", "otp_attempts_exceeded", "wrong_password", "quote_mismatch", "unsupported_file_type",
		"file_too_large", "documents_missing", "bank_account_unverified", "ownership_mismatch",
		"idempotency_key_invalid",
	},
	http.StatusUnauthorized: {
		"not_authenticated", "invalid_credentials", "token_expired", "token_invalid", "token_revoked", "token_reused",
	},
	http.StatusForbidden: {
		"permission_denied", "account_disabled", "phone_not_verified", "kyc_required", "csrf_failed", "feature_disabled",
	},
	http.StatusNotFound:         {"not_found"},
	http.StatusMethodNotAllowed: {"method_not_allowed"},
	http.StatusConflict: {
		"phone_taken", "national_id_taken", "already_exists", "invalid_state", "quote_expired", "quote_used",
		"kyc_locked", "account_has_balance", "in_use", "default_account_delete", "price_jump_unconfirmed",
		"idempotency_key_reused", "idempotency_in_progress",
	},
	http.StatusRequestEntityTooLarge: {"payload_too_large"},
	http.StatusUnsupportedMediaType:  {"unsupported_media_type"},
	http.StatusPreconditionRequired:  {"idempotency_key_required"},
	http.StatusTooManyRequests:       {"rate_limit_exceeded"},
	http.StatusInternalServerError:   {"internal_error"},
	http.StatusServiceUnavailable: {
		"price_unavailable", "trading_halted", "inventory_unavailable", "gateway_unavailable", "sms_unavailable",
		"inquiry_unavailable", "maintenance",
	},
}

// contractStatus returns the status API.md §1.3 gives code, or 0.
func contractStatus(code string) int {
	for status, codes := range contractCodes {
		if slices.Contains(codes, code) {
			return status
		}
	}
	return 0
}

func TestErrorTableMatchesContract(t *testing.T) {
	t.Parallel()
	statusOf := map[string]int{}
	for _, k := range errorTable {
		require.Error(t, k.target, "row %s has no core error", k.code)
		require.Equal(t, contractStatus(k.code), k.status, "code %q: status of API.md §1.3", k.code)
		if prev, ok := statusOf[k.code]; ok {
			require.Equal(t, prev, k.status, "code %q has two statuses", k.code)
		}
		statusOf[k.code] = k.status
	}
	for status, codes := range contractCodes {
		for _, code := range codes {
			require.Equal(t, status, statusOf[code], "code %q of API.md §1.3 is produced by no core error", code)
		}
	}
}

func TestErrorTableTargetsAreDistinct(t *testing.T) {
	t.Parallel()
	for i, k := range errorTable {
		for _, other := range errorTable[i+1:] {
			require.NotSame(t, k.target, other.target, "core error %v has two rows", k.target)
		}
		// Every row is reachable: no earlier row captures its own sentinel.
		require.Equal(t, k.code, classify(k.target).code, "row %s is shadowed by an earlier row", k.code)
	}
}

func TestEveryCodeHasMessages(t *testing.T) {
	t.Parallel()
	for _, codes := range contractCodes {
		for _, code := range codes {
			m, ok := codeMessages[code]
			require.True(t, ok, "no message for %q", code)
			require.NotEmpty(t, m.fa, "no Persian message for %q", code)
			require.NotEmpty(t, m.en, "no English message for %q", code)
			require.True(t, strings.HasSuffix(m.en, "."), "English message of %q is not a sentence", code)
			require.True(t, strings.HasSuffix(m.fa, "."), "Persian message of %q is not a sentence", code)
		}
	}
	require.Len(t, codeMessages, len(contractCodesList()), "messages for codes outside API.md §1.3")
}

func contractCodesList() []string {
	var all []string
	for _, codes := range contractCodes {
		all = append(all, codes...)
	}
	return all
}

// TestPersianTextsUsePersianLetters guards against Arabic yeh, alef maksura and kaf in the
// Persian texts, which look alike but do not match Persian input.
func TestPersianTextsUsePersianLetters(t *testing.T) {
	t.Parallel()
	texts := []localized{
		msgRequired, msgBlank, msgNotString, msgNullCharacter, msgTooLong, msgNotBool, msgNotInt, msgNotID,
		msgAmountInvalid, msgAmountNegative, msgAmountWhole, msgAmountTooLarge, msgGoldInvalid, msgGoldPlaces,
		msgGoldPositive, msgBadChoice, msgNoFile, msgEmptyFile, msgNotObject, msgBadMultipart,
	}
	for _, m := range codeMessages {
		texts = append(texts, m)
	}
	for _, m := range texts {
		require.NotContains(t, m.fa, "\u064A", "Arabic yeh in %q", m.fa)
		require.NotContains(t, m.fa, "\u0649", "Arabic alef maksura in %q", m.fa)
		require.NotContains(t, m.fa, "\u0643", "Arabic kaf in %q", m.fa)
		require.NotEmpty(t, m.en)
	}
}
