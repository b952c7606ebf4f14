package httpapi_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// kycBundle is the API router with the KYC endpoints over fakes; the User answers of the
// identity endpoints read the same fake KYC service.
type kycBundle struct {
	handler  http.Handler
	kyc      *fakeKYC
	accounts *fakeAccounts
	limiter  *countingLimiter
}

// setupKYC returns the router of NewRouter with WithKYC over fresh fakes, the fake also set
// as AuthConfig.KYC; tokenStaff authenticates an admin. configure changes the KYC
// configuration first.
func setupKYC(t *testing.T, configure ...func(*httpapi.KYCConfig)) kycBundle {
	t.Helper()
	b := kycBundle{kyc: newFakeKYC(), accounts: newFakeAccounts(), limiter: newCountingLimiter()}
	authenticate := b.accounts.AuthenticateFunc
	b.accounts.AuthenticateFunc = func(ctx context.Context, token string) (ports.Principal, error) {
		if token == tokenStaff {
			return ports.Principal{UserID: staffUserID, SessionID: "ses_staff", Role: identity.RoleAdmin}, nil
		}
		return authenticate(ctx, token)
	}
	auth := testAuthConfig(b.accounts, b.limiter)
	auth.KYC = b.kyc
	cfg := httpapi.KYCConfig{KYC: b.kyc}
	for _, c := range configure {
		c(&cfg)
	}
	h, err := httpapi.NewRouter(discardLogger(), mustReadiness(t), auth, httpapi.MetricsEndpoint{}, httpapi.WithKYC(cfg))
	require.NoError(t, err)
	b.handler = h
	return b
}

// send serves one request through the bundle's router (see [send]).
func (b kycBundle) send(t *testing.T, method, path, body string, opts ...requestOption) *httptest.ResponseRecorder {
	t.Helper()
	return send(t, b.handler, method, path, body, opts...)
}

// formFile is one file part of a multipart body.
type formFile struct {
	field, name, contentType string
	content                  []byte
}

// multipartFiles returns a multipart body with the text fields and the files, each part
// with its own Content-Type, and the Content-Type option that goes with it.
func multipartFiles(t *testing.T, fields map[string]string, files ...formFile) (string, requestOption) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": f.field, "filename": f.name}))
		h.Set("Content-Type", f.contentType)
		part, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, err = part.Write(f.content)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return buf.String(), withContentType(mw.FormDataContentType())
}

// testPNG returns a real 2×2 PNG image.
func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// testPDF is a minimal PDF file.
var testPDF = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")

// pngFile and pdfFile are file parts of field with a real PNG and a PDF.
func pngFile(t *testing.T, field string) formFile {
	t.Helper()
	return formFile{field: field, name: field + ".png", contentType: "image/png", content: testPNG(t)}
}

func pdfFile(field string) formFile {
	return formFile{field: field, name: field + ".pdf", contentType: "application/pdf", content: testPDF}
}

// Wire forms of the fixtures.
func wantKYCDocument(id float64, kind string) map[string]any {
	return map[string]any{"id": id, "kind": kind, "status": "uploaded", "created_at": "2025-03-01T14:30:00+03:30"}
}

func wantPendingKYC() map[string]any {
	return map[string]any{
		"status": "pending", "level": 0.0, "submitted_at": "2025-03-01T14:30:00+03:30", "reviewed_at": nil,
		"rejection_reason": nil,
		"documents": []any{
			wantKYCDocument(101, "national_card_front"), wantKYCDocument(102, "national_card_back"), wantKYCDocument(103, "selfie"),
		},
		"required_documents": []any{},
		"checks":             map[string]any{"shahkar": "pending"},
	}
}

func TestKYCNeedSignIn(t *testing.T) {
	t.Parallel()
	b := setupKYC(t)
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/api/kyc/status/"},
		{http.MethodPost, "/api/kyc/documents/"},
		{http.MethodPost, "/api/kyc/upload-document/"},
		{http.MethodPost, "/api/kyc/upload-selfie/"},
		{http.MethodPost, "/api/kyc/submit/"},
		{http.MethodPost, "/api/auth/profile/verification/"},
	} {
		requireError(t, b.send(t, r.method, r.path, "{}"), http.StatusUnauthorized, "not_authenticated")
		requireError(t, b.send(t, r.method, r.path, "{}", withBearer(tokenExpired)), http.StatusUnauthorized, "token_expired")
	}
	require.Empty(t, b.kyc.Calls())
}

func TestKYCStatus(t *testing.T) {
	t.Parallel()
	b := setupKYC(t)

	rec := b.send(t, http.MethodGet, "/api/kyc/status", "", withBearer(tokenGood))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	require.Equal(t, map[string]any{
		"status": "not_submitted", "level": 0.0, "submitted_at": nil, "reviewed_at": nil, "rejection_reason": nil,
		"documents":          []any{},
		"required_documents": []any{"national_card_front", "national_card_back", "selfie"},
		"checks":             map[string]any{"shahkar": "skipped"},
	}, dataOf(t, rec))
	call, ok := b.kyc.lastKYCCall("Status")
	require.True(t, ok)
	require.Equal(t, fakeUserID, call.Principal.UserID)
	require.Equal(t, fakeSessionID, call.Principal.SessionID)

	b.kyc.StatusFunc = func(context.Context, ports.Principal) (ports.KYCStatus, error) { return fixturePendingStatus(), nil }
	require.Equal(t, wantPendingKYC(), dataOf(t, b.send(t, http.MethodGet, "/api/kyc/status/", "", withBearer(tokenGood))))
}

func TestKYCStatusChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      ports.KYCStatus
		wantStatus  string
		wantLevel   float64
		wantShahkar string
		wantReason  any
	}{
		{name: "NoProfile", status: ports.KYCStatus{}, wantStatus: "not_submitted", wantShahkar: "skipped", wantReason: nil},
		{name: "NeverSubmitted", status: ports.KYCStatus{Profile: kyc.NewProfile(fakeUserID)}, wantStatus: "not_submitted", wantShahkar: "skipped", wantReason: nil},
		{name: "WaitingForInquiry", status: fixturePendingStatus(), wantStatus: "pending", wantShahkar: "pending", wantReason: nil},
		{
			name: "InquiryPassedWaitingForStaff",
			status: ports.KYCStatus{Profile: withProfile(fixtureProfile(), func(r *kyc.ProfileRecord) {
				r.Level, r.Shahkar = 1, kyc.CheckPassed
			})},
			wantStatus: "pending", wantLevel: 1, wantShahkar: "passed", wantReason: nil,
		},
		{
			name: "InquiryFailed",
			status: ports.KYCStatus{Profile: withProfile(fixtureProfile(), func(r *kyc.ProfileRecord) {
				r.Status, r.Shahkar, r.RejectionReason, r.ReviewedAt = kyc.StatusRejected, kyc.CheckFailed, "شماره موبایل به نام صاحب این کد ملی نیست", fixtureAt
			})},
			wantStatus: "rejected", wantShahkar: "failed", wantReason: "شماره موبایل به نام صاحب این کد ملی نیست",
		},
		{
			name: "LevelOneGrantedBefore",
			status: ports.KYCStatus{Profile: withProfile(fixtureProfile(), func(r *kyc.ProfileRecord) {
				r.Level, r.Shahkar = 1, kyc.CheckSkipped
			})},
			wantStatus: "pending", wantLevel: 1, wantShahkar: "skipped", wantReason: nil,
		},
		{
			name: "RejectedByStaffBeforeTheAnswer",
			status: ports.KYCStatus{Profile: withProfile(fixtureProfile(), func(r *kyc.ProfileRecord) {
				r.Status, r.RejectionReason, r.ReviewedAt = kyc.StatusRejected, "تصویر ناخوانا", fixtureAt
			})},
			wantStatus: "rejected", wantShahkar: "skipped", wantReason: "تصویر ناخوانا",
		},
		{
			name: "Approved",
			status: ports.KYCStatus{Profile: withProfile(fixtureProfile(), func(r *kyc.ProfileRecord) {
				r.Status, r.Level, r.Shahkar, r.ReviewedAt = kyc.StatusApproved, 2, kyc.CheckPassed, fixtureAt
			})},
			wantStatus: "approved", wantLevel: 2, wantShahkar: "passed", wantReason: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupKYC(t)
			b.kyc.StatusFunc = func(context.Context, ports.Principal) (ports.KYCStatus, error) { return tt.status, nil }

			data := dataOf(t, b.send(t, http.MethodGet, "/api/kyc/status/", "", withBearer(tokenGood)))

			require.Equal(t, tt.wantStatus, data["status"])
			require.InDelta(t, tt.wantLevel, data["level"], 0)
			require.Equal(t, map[string]any{"shahkar": tt.wantShahkar}, data["checks"])
			require.Equal(t, tt.wantReason, data["rejection_reason"])
			require.IsType(t, []any{}, data["documents"])
			require.IsType(t, []any{}, data["required_documents"])
		})
	}
}

func TestKYCUploadDocument(t *testing.T) {
	t.Parallel()
	pngBytes := testPNG(t)
	tests := []struct {
		name     string
		path     string
		fields   map[string]string
		file     formFile
		wantKind kyc.DocumentKind
		wantID   float64
	}{
		{name: "PNGFront", path: "/api/kyc/documents/", fields: map[string]string{"kind": "national_card_front"},
			file: formFile{field: "file", name: "front.png", contentType: "image/png", content: pngBytes}, wantKind: kyc.NationalCardFront, wantID: 101},
		{name: "PDFBackByAlias", path: "/api/kyc/upload-document/", fields: map[string]string{"kind": "NATIONAL_CARD_BACK"},
			file: pdfFile("file"), wantKind: kyc.NationalCardBack, wantID: 102},
		{name: "SelfieAlias", path: "/api/kyc/upload-selfie/",
			file: formFile{field: "file", name: "me.png", contentType: "image/png", content: pngBytes}, wantKind: kyc.Selfie, wantID: 103},
		{name: "SelfieAliasIgnoresKind", path: "/api/kyc/upload-selfie/", fields: map[string]string{"kind": "national_card_front"},
			file: formFile{field: "file", name: "me.png", contentType: "image/png", content: pngBytes}, wantKind: kyc.Selfie, wantID: 103},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupKYC(t)
			body, ct := multipartFiles(t, tt.fields, tt.file)

			rec := b.send(t, http.MethodPost, tt.path, body, withBearer(tokenGood), ct)

			require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
			require.Equal(t, "مدرک با موفقیت بارگذاری شد", messageOf(t, rec))
			require.Equal(t, wantKYCDocument(tt.wantID, tt.wantKind.String()), dataOf(t, rec))
			call, ok := b.kyc.lastKYCCall("UploadDocument")
			require.True(t, ok)
			require.Equal(t, uploadRead{Kind: tt.wantKind, Content: string(tt.file.content)}, call.Input)
			require.Equal(t, fakeUserID, call.Principal.UserID)
		})
	}
}

func TestKYCUploadDocumentRefused(t *testing.T) {
	t.Parallel()
	pngPart := pngFile(t, "file")
	tests := []struct {
		name       string
		path       string
		fields     map[string]string
		files      []formFile
		json       string
		err        error
		status     int
		code       string
		wantFields []string
	}{
		{name: "NoKindNoFile", path: "/api/kyc/documents/", json: `{}`, status: 400, code: "validation_error", wantFields: []string{"kind", "file"}},
		{name: "UnknownKind", path: "/api/kyc/documents/", fields: map[string]string{"kind": "passport"}, files: []formFile{pngPart},
			status: 400, code: "validation_error", wantFields: []string{"kind"}},
		{name: "FileAsText", path: "/api/kyc/documents/", fields: map[string]string{"kind": "selfie", "file": "abc"},
			status: 400, code: "validation_error", wantFields: []string{"file"}},
		{name: "EmptyFile", path: "/api/kyc/upload-selfie/", files: []formFile{{field: "file", name: "e.png", contentType: "image/png"}},
			status: 400, code: "validation_error", wantFields: []string{"file"}},
		{name: "SelfieWithoutFile", path: "/api/kyc/upload-selfie/", json: `{}`, status: 400, code: "validation_error", wantFields: []string{"file"}},
		{name: "UnsupportedFileType", path: "/api/kyc/documents/", fields: map[string]string{"kind": "selfie"}, files: []formFile{pdfFile("file")},
			err: core.ErrUnsupportedFileType, status: 400, code: "unsupported_file_type"},
		{name: "FileTooLarge", path: "/api/kyc/documents/", fields: map[string]string{"kind": "selfie"}, files: []formFile{pngPart},
			err: core.ErrFileTooLarge, status: 400, code: "file_too_large"},
		{name: "Approved", path: "/api/kyc/documents/", fields: map[string]string{"kind": "selfie"}, files: []formFile{pngPart},
			err: &core.InvalidStateError{Object: "kyc profile", State: "approved", Action: "replace a document"}, status: 409, code: "invalid_state"},
		{name: "PhoneNotVerified", path: "/api/kyc/upload-selfie/", files: []formFile{pngPart},
			err: core.ErrPhoneNotVerified, status: 403, code: "phone_not_verified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupKYC(t)
			b.kyc.UploadFunc = func(context.Context, ports.Principal, kyc.DocumentKind, string) (*kyc.Document, error) {
				return nil, tt.err
			}
			body, opts := tt.json, []requestOption{withBearer(tokenGood)}
			if tt.json == "" {
				var ct requestOption
				body, ct = multipartFiles(t, tt.fields, tt.files...)
				opts = append(opts, ct)
			}

			e := requireError(t, b.send(t, http.MethodPost, tt.path, body, opts...), tt.status, tt.code)

			details, _ := e["details"].(map[string]any)
			for _, f := range tt.wantFields {
				require.Contains(t, details, f)
			}
			if tt.err == nil {
				require.Empty(t, b.kyc.Calls(), "refused before the service")
			}
		})
	}
}

func TestKYCSubmit(t *testing.T) {
	t.Parallel()
	b := setupKYC(t)

	rec := b.send(t, http.MethodPost, "/api/kyc/submit/",
		`{"first_name":" علي ","last_name":"رضایی","national_id":"۰۰۱۳۵۴۲۴۱۹","birth_date":"1369/01/01","target_level":"۲"}`,
		withBearer(tokenGood), inEnglish())

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "The identity details were submitted and are being reviewed.", messageOf(t, rec))
	require.Equal(t, wantPendingKYC(), dataOf(t, rec))
	call, ok := b.kyc.lastKYCCall("Submit")
	require.True(t, ok)
	require.Equal(t, ports.KYCSubmission{
		FirstName: "علی", LastName: "رضایی", NationalID: "۰۰۱۳۵۴۲۴۱۹", BirthDate: "1369/01/01", TargetLevel: 2,
	}, call.Input, "names normalised; the id and date are the service's to parse")

	rec = b.send(t, http.MethodPost, "/api/kyc/submit/",
		`{"first_name":"علی","last_name":"رضایی","national_id":13542419,"birth_date":"1990-03-21"}`, withBearer(tokenGood))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	call, _ = b.kyc.lastKYCCall("Submit")
	require.Equal(t, ports.KYCSubmission{
		FirstName: "علی", LastName: "رضایی", NationalID: "13542419", BirthDate: "1990-03-21",
	}, call.Input, "no target_level: the service picks the default")
}

func TestKYCSubmitRefused(t *testing.T) {
	t.Parallel()
	const valid = `{"first_name":"علی","last_name":"رضایی","national_id":"0013542419","birth_date":"1369/01/01","target_level":2}`
	tests := []struct {
		name        string
		body        string
		err         error
		status      int
		code        string
		wantDetails map[string]any
		wantFields  []string
	}{
		{name: "MissingFields", body: `{}`, status: 400, code: "validation_error",
			wantFields: []string{"first_name", "last_name", "national_id", "birth_date"}},
		{name: "BadTargetLevel", body: `{"first_name":"a","last_name":"b","national_id":"0013542419","birth_date":"1369/01/01","target_level":3}`,
			status: 400, code: "validation_error", wantFields: []string{"target_level"}},
		{name: "TargetLevelNotANumber", body: `{"first_name":"a","last_name":"b","national_id":"0013542419","birth_date":"1369/01/01","target_level":"two"}`,
			status: 400, code: "validation_error", wantFields: []string{"target_level"}},
		{name: "ServiceValidation", body: valid, err: core.FieldError("national_id", "کد ملی معتبر نیست"),
			status: 400, code: "validation_error", wantDetails: map[string]any{"national_id": []any{"کد ملی معتبر نیست"}}},
		{name: "DocumentsMissing", body: valid, err: &core.DocumentsMissingError{Missing: []string{"national_card_back", "selfie"}},
			status: 400, code: "documents_missing", wantDetails: map[string]any{"missing": []any{"national_card_back", "selfie"}}},
		{name: "NationalIDTaken", body: valid, err: core.ErrNationalIDTaken, status: 409, code: "national_id_taken", wantDetails: map[string]any{}},
		{name: "AlreadyPending", body: valid, err: &core.InvalidStateError{Object: "kyc submission", State: "pending", Action: "submit"},
			status: 409, code: "invalid_state", wantDetails: map[string]any{"object": "kyc submission", "state": "pending", "action": "submit"}},
		{name: "Locked", body: valid, err: core.ErrKYCLocked, status: 409, code: "kyc_locked", wantDetails: map[string]any{}},
		{name: "InquiryUnavailable", body: valid, err: &core.UnavailableError{Err: core.ErrInquiryUnavailable, RetryAfter: time.Minute},
			status: 503, code: "inquiry_unavailable", wantDetails: map[string]any{"retry_after": 60.0}},
		{name: "PhoneNotVerified", body: valid, err: core.ErrPhoneNotVerified, status: 403, code: "phone_not_verified", wantDetails: map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupKYC(t)
			b.kyc.SubmitFunc = func(context.Context, ports.Principal, ports.KYCSubmission) (ports.KYCStatus, error) {
				return ports.KYCStatus{}, tt.err
			}

			e := requireError(t, b.send(t, http.MethodPost, "/api/kyc/submit/", tt.body, withBearer(tokenGood)), tt.status, tt.code)

			if tt.wantDetails != nil {
				require.Equal(t, tt.wantDetails, e["details"])
			}
			details, _ := e["details"].(map[string]any)
			for _, f := range tt.wantFields {
				require.Contains(t, details, f)
			}
			if tt.err == nil {
				require.Empty(t, b.kyc.Calls(), "refused before the service")
			}
		})
	}
}

func TestProfileVerification(t *testing.T) {
	t.Parallel()
	withDOB := func(b kycBundle) {
		b.accounts.MeFunc = func(context.Context, ports.Principal) (identity.User, error) {
			r := fakeUser().Record()
			r.DateOfBirth = fixtureBirthDate
			return identity.RehydrateUserRecord(r), nil
		}
	}
	tests := []struct {
		name        string
		fields      map[string]string
		back        bool
		prepare     func(b kycBundle)
		wantUploads []kyc.DocumentKind
		wantSubmit  ports.KYCSubmission
	}{
		{
			name: "EveryDocumentAsksForLevelTwo", fields: map[string]string{"national_id": "0013542419", "birth_date": "1369/01/01"}, back: true,
			wantUploads: []kyc.DocumentKind{kyc.NationalCardFront, kyc.NationalCardBack, kyc.Selfie},
			wantSubmit:  ports.KYCSubmission{FirstName: "علی", LastName: "رضایی", NationalID: "0013542419", BirthDate: "1369/01/01", TargetLevel: 2},
		},
		{
			name: "WithoutTheBackAsksForLevelOne", fields: map[string]string{"national_id": "0013542419", "birth_date": "1369/01/01"},
			wantUploads: []kyc.DocumentKind{kyc.NationalCardFront, kyc.Selfie},
			wantSubmit:  ports.KYCSubmission{FirstName: "علی", LastName: "رضایی", NationalID: "0013542419", BirthDate: "1369/01/01", TargetLevel: 1},
		},
		{
			name:   "NamesSentWin",
			fields: map[string]string{"national_id": "0013542419", "birth_date": "1369/01/01", "first_name": "مريم", "last_name": "احمدی"}, back: true,
			wantUploads: []kyc.DocumentKind{kyc.NationalCardFront, kyc.NationalCardBack, kyc.Selfie},
			wantSubmit:  ports.KYCSubmission{FirstName: "مریم", LastName: "احمدی", NationalID: "0013542419", BirthDate: "1369/01/01", TargetLevel: 2},
		},
		{
			name: "BirthDateFromTheProfile", fields: map[string]string{"national_id": "0013542419", "birth_date": " "}, prepare: withDOB,
			wantUploads: []kyc.DocumentKind{kyc.NationalCardFront, kyc.Selfie},
			wantSubmit:  ports.KYCSubmission{FirstName: "علی", LastName: "رضایی", NationalID: "0013542419", BirthDate: "1990-03-21", TargetLevel: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupKYC(t)
			if tt.prepare != nil {
				tt.prepare(b)
			}
			files := []formFile{pngFile(t, "id_card_image"), pngFile(t, "selfie_image")}
			if tt.back {
				files = append(files, pdfFile("national_card_back"))
			}
			body, ct := multipartFiles(t, tt.fields, files...)

			rec := b.send(t, http.MethodPost, "/api/auth/profile/verification/", body, withBearer(tokenGood), ct)

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, "درخواست احراز هویت ثبت شد و در حال بررسی است", messageOf(t, rec))
			data := dataOf(t, rec)
			require.InDelta(t, 42, data["id"], 0)
			require.Equal(t, "pending", data["verification_status"])
			require.Equal(t, "pending", data["kyc_status"])
			require.InDelta(t, 0, data["kyc_level"], 0)
			require.Equal(t, fixtureNationalID, data["national_id"])
			require.Equal(t, true, data["is_verified"], "is_verified stays the phone flag")

			var uploads []kyc.DocumentKind
			var methods []string
			for _, c := range b.kyc.Calls() {
				methods = append(methods, c.Method)
				if u, ok := c.Input.(uploadRead); ok {
					uploads = append(uploads, u.Kind)
					want := testPNG(t)
					if u.Kind == kyc.NationalCardBack {
						want = testPDF
					}
					require.Equal(t, string(want), u.Content, "the %s file reached the service whole", u.Kind)
				}
			}
			require.Equal(t, tt.wantUploads, uploads)
			require.Equal(t, "Submit", methods[len(methods)-1], "submitted after every upload")
			call, _ := b.kyc.lastKYCCall("Submit")
			require.Equal(t, tt.wantSubmit, call.Input)
			me, ok := lastCall[principalCall](b.accounts)
			require.True(t, ok)
			require.Equal(t, "Me", me.Method)
		})
	}
}

func TestProfileVerificationRefused(t *testing.T) {
	t.Parallel()
	valid := map[string]string{"national_id": "0013542419", "birth_date": "1369/01/01"}
	tests := []struct {
		name        string
		fields      map[string]string
		noFiles     bool
		uploadErr   error
		submitErr   error
		status      int
		code        string
		wantFields  []string
		wantMethods []string
	}{
		{name: "NothingSent", noFiles: true, status: 400, code: "validation_error",
			wantFields: []string{"national_id", "id_card_image", "selfie_image"}, wantMethods: []string{}},
		{name: "FileRefused", fields: valid, uploadErr: core.ErrUnsupportedFileType, status: 400, code: "unsupported_file_type",
			wantMethods: []string{"UploadDocument"}},
		{name: "FileTooLarge", fields: valid, uploadErr: core.ErrFileTooLarge, status: 400, code: "file_too_large",
			wantMethods: []string{"UploadDocument"}},
		{name: "DocumentsMissing", fields: valid, submitErr: &core.DocumentsMissingError{Missing: []string{"national_card_back"}},
			status: 400, code: "documents_missing", wantMethods: []string{"UploadDocument", "UploadDocument", "Submit"}},
		{name: "NationalIDTaken", fields: valid, submitErr: core.ErrNationalIDTaken, status: 409, code: "national_id_taken",
			wantMethods: []string{"UploadDocument", "UploadDocument", "Submit"}},
		{name: "AlreadyApproved", fields: valid, submitErr: &core.InvalidStateError{Object: "kyc submission", State: "approved", Action: "submit"},
			status: 409, code: "invalid_state", wantMethods: []string{"UploadDocument", "UploadDocument", "Submit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupKYC(t)
			b.kyc.UploadFunc = func(_ context.Context, _ ports.Principal, kind kyc.DocumentKind, _ string) (*kyc.Document, error) {
				if tt.uploadErr != nil {
					return nil, tt.uploadErr
				}
				return fixtureDocument(kind), nil
			}
			b.kyc.SubmitFunc = func(context.Context, ports.Principal, ports.KYCSubmission) (ports.KYCStatus, error) {
				return ports.KYCStatus{}, tt.submitErr
			}
			var files []formFile
			if !tt.noFiles {
				files = []formFile{pngFile(t, "id_card_image"), pngFile(t, "selfie_image")}
			}
			body, ct := multipartFiles(t, tt.fields, files...)

			e := requireError(t, b.send(t, http.MethodPost, "/api/auth/profile/verification/", body, withBearer(tokenGood), ct), tt.status, tt.code)

			details, _ := e["details"].(map[string]any)
			for _, f := range tt.wantFields {
				require.Contains(t, details, f)
			}
			methods := b.kyc.methods()
			if methods == nil {
				methods = []string{}
			}
			require.Equal(t, tt.wantMethods, methods)
		})
	}
}

func TestKYCRateLimits(t *testing.T) {
	t.Parallel()
	b := setupKYC(t, func(c *httpapi.KYCConfig) {
		c.Limits.DocumentUpload = ports.PerPeriod("kyc.document_upload", 2, time.Hour)
		c.Limits.Submit = ports.PerPeriod("kyc.submit", 1, time.Hour)
		c.Limits.ProfileVerification = ports.PerPeriod("kyc.profile_verification", 1, time.Hour)
	})
	upload, uploadType := multipartFiles(t, map[string]string{"kind": "selfie"}, pngFile(t, "file"))
	require.Equal(t, http.StatusCreated, b.send(t, http.MethodPost, "/api/kyc/documents/", upload, withBearer(tokenGood), uploadType).Code)
	require.Equal(t, http.StatusCreated, b.send(t, http.MethodPost, "/api/kyc/upload-selfie/", upload, withBearer(tokenGood), uploadType).Code)
	requireError(t, b.send(t, http.MethodPost, "/api/kyc/upload-document/", upload, withBearer(tokenGood), uploadType),
		http.StatusTooManyRequests, "rate_limit_exceeded")
	require.Equal(t, 2, b.limiter.Used("kyc.document_upload", fakeUserID.String()), "the aliases share one limit")

	const submit = `{"first_name":"علی","last_name":"رضایی","national_id":"0013542419","birth_date":"1369/01/01"}`
	require.Equal(t, http.StatusOK, b.send(t, http.MethodPost, "/api/kyc/submit/", submit, withBearer(tokenGood)).Code)
	requireError(t, b.send(t, http.MethodPost, "/api/kyc/submit/", submit, withBearer(tokenGood)), http.StatusTooManyRequests, "rate_limit_exceeded")

	verification, verificationType := multipartFiles(t, map[string]string{"national_id": "0013542419"},
		pngFile(t, "id_card_image"), pngFile(t, "selfie_image"))
	require.Equal(t, http.StatusOK, b.send(t, http.MethodPost, "/api/auth/profile/verification/", verification, withBearer(tokenGood), verificationType).Code)
	requireError(t, b.send(t, http.MethodPost, "/api/auth/profile/verification/", verification, withBearer(tokenGood), verificationType),
		http.StatusTooManyRequests, "rate_limit_exceeded")
}

func TestDefaultKYCLimits(t *testing.T) {
	t.Parallel()
	require.Equal(t, httpapi.KYCLimits{
		DocumentUpload:      ports.PerPeriod("kyc.document_upload", 20, time.Hour),
		Submit:              ports.PerPeriod("kyc.submit", 5, time.Hour),
		ProfileVerification: ports.PerPeriod("kyc.profile_verification", 10, time.Hour),
	}, httpapi.DefaultKYCLimits())
}

func TestNewKYCValidatesConfig(t *testing.T) {
	t.Parallel()
	auth, err := httpapi.NewAuth(testAuthConfig(newFakeAccounts(), newCountingLimiter()))
	require.NoError(t, err)

	_, err = httpapi.NewKYC(nil, httpapi.KYCConfig{})
	require.ErrorContains(t, err, "auth is required")
	require.ErrorContains(t, err, "kyc is required")

	_, err = httpapi.NewKYC(auth, httpapi.KYCConfig{KYC: newFakeKYC(), Limits: httpapi.KYCLimits{
		Submit: ports.PerPeriod("bad name", 1, time.Minute),
	}})
	require.ErrorIs(t, err, ports.ErrInvalidLimit)

	k, err := httpapi.NewKYC(auth, httpapi.KYCConfig{KYC: newFakeKYC()})
	require.NoError(t, err)
	require.NotNil(t, k)

	_, err = httpapi.NewRouter(discardLogger(), mustReadiness(t), testAuthConfig(newFakeAccounts(), newCountingLimiter()),
		httpapi.MetricsEndpoint{}, httpapi.WithKYC(httpapi.KYCConfig{}))
	require.ErrorContains(t, err, "kyc is required")
}
