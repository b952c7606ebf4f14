package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// TestGoldenKYC snapshots the identity verification answers: the status before and after a
// submission, an upload, a refused submission, the combined profile/verification/ route, the
// signed-in User with its KYC fields, and the staff's queue and review.
func TestGoldenKYC(t *testing.T) {
	t.Parallel()
	pending := func(b kycBundle) {
		b.kyc.StatusFunc = func(context.Context, ports.Principal) (ports.KYCStatus, error) { return fixturePendingStatus(), nil }
	}
	missing := func(b kycBundle) {
		b.kyc.SubmitFunc = func(context.Context, ports.Principal, ports.KYCSubmission) (ports.KYCStatus, error) {
			return ports.KYCStatus{}, &core.DocumentsMissingError{Missing: []string{"national_card_back", "selfie"}}
		}
	}
	const submit = `{"first_name":"علی","last_name":"رضایی","national_id":"0013542419","birth_date":"1369/01/01","target_level":2}`
	upload, uploadType := multipartFiles(t, map[string]string{"kind": "national_card_front"}, pngFile(t, "file"))
	verification, verificationType := multipartFiles(t, map[string]string{"national_id": "0013542419", "birth_date": "1369/01/01"},
		pngFile(t, "id_card_image"), pdfFile("national_card_back"), pngFile(t, "selfie_image"))
	tests := []struct {
		name, method, path, body string
		token                    string
		opts                     []requestOption
		prepare                  func(b kycBundle)
	}{
		{name: "kyc_status_not_submitted", method: http.MethodGet, path: "/api/kyc/status/", token: tokenGood},
		{name: "kyc_status_pending", method: http.MethodGet, path: "/api/kyc/status/", token: tokenGood, prepare: pending},
		{name: "kyc_document", method: http.MethodPost, path: "/api/kyc/documents/", body: upload, token: tokenGood, opts: []requestOption{uploadType}},
		{name: "kyc_submit", method: http.MethodPost, path: "/api/kyc/submit/", body: submit, token: tokenGood},
		{name: "kyc_submit_documents_missing", method: http.MethodPost, path: "/api/kyc/submit/", body: submit, token: tokenGood, prepare: missing},
		{name: "kyc_profile_verification", method: http.MethodPost, path: "/api/auth/profile/verification/", body: verification,
			token: tokenGood, opts: []requestOption{verificationType}},
		{name: "kyc_auth_me", method: http.MethodGet, path: "/api/auth/me/", token: tokenGood, prepare: pending},
		{name: "kyc_staff_queue", method: http.MethodGet, path: "/api/admin/kyc/?status=pending", token: tokenStaff},
		{name: "kyc_staff_review", method: http.MethodGet, path: "/api/admin/kyc/42/", token: tokenStaff},
		{name: "kyc_staff_approve", method: http.MethodPost, path: "/api/admin/kyc/42/approve/", body: `{"level":2}`, token: tokenStaff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupKYC(t)
			if tt.prepare != nil {
				tt.prepare(b)
			}
			opts := append([]requestOption{withBearer(tt.token), withHeader("X-Request-ID", "golden-"+tt.name)}, tt.opts...)

			rec := b.send(t, tt.method, tt.path, tt.body, opts...)

			requireGolden(t, tt.name, rec)
		})
	}
}
