package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// staffKYCRoutes are every staff KYC endpoint, with a body that would pass validation.
var staffKYCRoutes = []struct{ method, path, body string }{
	{http.MethodGet, "/api/admin/kyc/", ""},
	{http.MethodGet, "/api/admin/kyc/?status=pending", ""},
	{http.MethodGet, "/api/admin/kyc/42/", ""},
	{http.MethodPost, "/api/admin/kyc/42/approve/", `{"level":2}`},
	{http.MethodPost, "/api/admin/kyc/42/reject/", `{"reason":"تصویر ناخوانا"}`},
	{http.MethodGet, "/api/admin/kyc/documents/101/", ""},
}

// wantStaffKYC is the fixture user's pending submission as staff see it.
func wantStaffKYC() map[string]any {
	want := wantPendingKYC()
	want["user_id"] = 42.0
	want["first_name"] = "علی"
	want["last_name"] = "رضایی"
	want["national_id"] = fixtureNationalID
	want["birth_date"] = "1990-03-21"
	want["birth_date_jalali"] = "1369/01/01"
	want["target_level"] = 2.0
	for _, d := range want["documents"].([]any) {
		doc, _ := d.(map[string]any)
		doc["download_url"] = "http://example.com/api/admin/kyc/documents/" + formatID(doc["id"]) + "/"
	}
	return want
}

// formatID writes a JSON number id as its decimal text.
func formatID(v any) string {
	f, _ := v.(float64)
	return kyc.DocumentID(int64(f)).String()
}

func TestStaffKYCRefuseOthers(t *testing.T) {
	t.Parallel()
	b := setupKYC(t)
	for _, r := range staffKYCRoutes {
		requireError(t, b.send(t, r.method, r.path, r.body), http.StatusUnauthorized, "not_authenticated")
		requireError(t, b.send(t, r.method, r.path, r.body, withBearer(tokenGood)), http.StatusForbidden, "permission_denied")
	}
	require.Empty(t, b.kyc.Calls())

	// The service checks the role again: a staff member without the compliance role.
	b.kyc.ReviewFunc = func(context.Context, ports.Principal, core.UserID) (ports.KYCStatus, error) {
		return ports.KYCStatus{}, core.ErrPermissionDenied
	}
	requireError(t, b.send(t, http.MethodGet, "/api/admin/kyc/42/", "", withBearer(tokenStaff)), http.StatusForbidden, "permission_denied")
}

func TestStaffKYCQueue(t *testing.T) {
	t.Parallel()
	b := setupKYC(t)

	items, page := listOf(t, b.send(t, http.MethodGet, "/api/admin/kyc/?status=PENDING&page=1&page_size=1", "", withBearer(tokenStaff)))

	require.Equal(t, []any{wantStaffKYC()}, items)
	require.Equal(t, map[string]any{
		"count": 1.0, "page": 1.0, "page_size": 1.0, "total_pages": 1.0, "next": nil, "previous": nil,
	}, page)
	call, _ := b.kyc.lastKYCCall("Queue")
	require.Equal(t, queueInput{Status: kyc.StatusPending, Offset: 0, Limit: 1}, call.Input)
	require.Equal(t, staffUserID, int(call.Principal.UserID))

	b.kyc.QueueFunc = func(context.Context, ports.Principal, kyc.Status, int, int) ([]ports.KYCStatus, int, error) {
		return []ports.KYCStatus{fixturePendingStatus()}, 3, nil
	}
	_, page = listOf(t, b.send(t, http.MethodGet, "/api/admin/kyc/?page=2&page_size=1", "", withBearer(tokenStaff)))
	require.InDelta(t, 3, page["total_pages"], 0)
	require.Equal(t, "http://example.com/api/admin/kyc/?page=3&page_size=1", page["next"])
	call, _ = b.kyc.lastKYCCall("Queue")
	require.Equal(t, queueInput{Offset: 1, Limit: 1}, call.Input, "no filter: every submission")

	requireError(t, b.send(t, http.MethodGet, "/api/admin/kyc/?page=9&page_size=1", "", withBearer(tokenStaff)), http.StatusNotFound, "not_found")
	for _, q := range []string{"?status=lost", "?status=not_submitted"} {
		requireError(t, b.send(t, http.MethodGet, "/api/admin/kyc/"+q, "", withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")
	}
}

func TestStaffKYCReview(t *testing.T) {
	t.Parallel()
	b := setupKYC(t)

	rec := b.send(t, http.MethodGet, "/api/admin/kyc/42/", "", withBearer(tokenStaff))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	require.Equal(t, wantStaffKYC(), dataOf(t, rec))
	call, _ := b.kyc.lastKYCCall("Review")
	require.Equal(t, fakeUserID, call.Input)

	// A user who never submitted: null identity, the user of the path.
	b.kyc.ReviewFunc = func(context.Context, ports.Principal, core.UserID) (ports.KYCStatus, error) {
		return ports.KYCStatus{Required: kyc.RequiredDocuments()}, nil
	}
	data := dataOf(t, b.send(t, http.MethodGet, "/api/admin/kyc/43/", "", withBearer(tokenStaff)))
	require.InDelta(t, 43, data["user_id"], 0)
	require.Equal(t, "not_submitted", data["status"])
	require.Nil(t, data["national_id"])
	require.Nil(t, data["birth_date"])
	require.Nil(t, data["birth_date_jalali"])
	require.InDelta(t, 0, data["target_level"], 0)

	b = setupKYC(t)
	for _, p := range []string{"/api/admin/kyc/0/", "/api/admin/kyc/abc/", "/api/admin/kyc/documents/"} {
		requireError(t, b.send(t, http.MethodGet, p, "", withBearer(tokenStaff)), http.StatusNotFound, "not_found")
	}
	require.Empty(t, b.kyc.Calls())
	requireError(t, b.send(t, http.MethodGet, "/api/admin/kyc/99/", "", withBearer(tokenStaff)), http.StatusNotFound, "not_found")
}

func TestStaffKYCApprove(t *testing.T) {
	t.Parallel()
	b := setupKYC(t)

	rec := b.send(t, http.MethodPost, "/api/admin/kyc/42/approve/", `{"level":"۲","reason":" مدارک خوانا "}`, withBearer(tokenStaff))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "احراز هویت کاربر تأیید شد", messageOf(t, rec))
	data := dataOf(t, rec)
	require.Equal(t, "approved", data["status"])
	require.InDelta(t, 2, data["level"], 0)
	require.Equal(t, "2025-03-01T14:30:00+03:30", data["reviewed_at"])
	require.Equal(t, map[string]any{"shahkar": "skipped"}, data["checks"])
	docs, _ := data["documents"].([]any)
	require.Len(t, docs, 3)
	for _, d := range docs {
		doc, _ := d.(map[string]any)
		require.Equal(t, "accepted", doc["status"])
		require.NotEmpty(t, doc["download_url"])
	}
	call, _ := b.kyc.lastKYCCall("Approve")
	require.Equal(t, decisionInput{User: fakeUserID, Level: 2, Reason: "مدارک خوانا"}, call.Input)
	require.Equal(t, staffUserID, int(call.Principal.UserID))

	tests := []struct {
		name   string
		body   string
		err    error
		status int
		code   string
	}{
		{name: "NoLevel", body: `{}`, status: 400, code: "validation_error"},
		{name: "LevelThree", body: `{"level":3}`, status: 400, code: "validation_error"},
		{name: "ReasonTooLong", body: `{"level":1,"reason":"` + strings.Repeat("ب", 501) + `"}`, status: 400, code: "validation_error"},
		{name: "NotPending", body: `{"level":1}`, err: &core.InvalidStateError{Object: "kyc submission", State: "approved", Action: "approve"},
			status: 409, code: "invalid_state"},
		{name: "DocumentsMissing", body: `{"level":2}`, err: &core.DocumentsMissingError{Missing: []string{"selfie"}},
			status: 400, code: "documents_missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupKYC(t)
			b.kyc.ApproveFunc = func(context.Context, ports.Principal, core.UserID, int, string) (ports.KYCStatus, error) {
				return ports.KYCStatus{}, tt.err
			}

			requireError(t, b.send(t, http.MethodPost, "/api/admin/kyc/42/approve/", tt.body, withBearer(tokenStaff)), tt.status, tt.code)

			if tt.err == nil {
				require.Empty(t, b.kyc.Calls())
			}
		})
	}
}

func TestStaffKYCReject(t *testing.T) {
	t.Parallel()
	b := setupKYC(t)

	rec := b.send(t, http.MethodPost, "/api/admin/kyc/42/reject/", `{"reason":"تصویر ناخوانا"}`, withBearer(tokenStaff), inEnglish())

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "The user's identity verification was rejected.", messageOf(t, rec))
	data := dataOf(t, rec)
	require.Equal(t, "rejected", data["status"])
	require.Equal(t, "تصویر ناخوانا", data["rejection_reason"])
	require.Equal(t, map[string]any{"shahkar": "skipped"}, data["checks"], "no inquiry waits for a decided submission")
	call, _ := b.kyc.lastKYCCall("Reject")
	require.Equal(t, decisionInput{User: fakeUserID, Reason: "تصویر ناخوانا"}, call.Input)

	b = setupKYC(t)
	for _, body := range []string{`{}`, `{"reason":"  "}`} {
		e := requireError(t, b.send(t, http.MethodPost, "/api/admin/kyc/42/reject/", body, withBearer(tokenStaff)), http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "reason")
	}
	require.Empty(t, b.kyc.Calls())

	b.kyc.RejectFunc = func(context.Context, ports.Principal, core.UserID, string) (ports.KYCStatus, error) {
		return ports.KYCStatus{}, &core.InvalidStateError{Object: "kyc submission", State: "rejected", Action: "reject"}
	}
	requireError(t, b.send(t, http.MethodPost, "/api/admin/kyc/42/reject/", `{"reason":"x"}`, withBearer(tokenStaff)), http.StatusConflict, "invalid_state")
}

func TestStaffKYCDocument(t *testing.T) {
	t.Parallel()
	b := setupKYC(t)

	rec := b.send(t, http.MethodGet, "/api/admin/kyc/documents/101/", "", withBearer(tokenStaff))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, fixtureDocContent, rec.Body.String())
	require.Equal(t, "image/png", rec.Header().Get("Content-Type"))
	require.Equal(t, "13", rec.Header().Get("Content-Length"))
	require.Equal(t, `attachment; filename=kyc-document-101.png`, rec.Header().Get("Content-Disposition"))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	call, _ := b.kyc.lastKYCCall("Document")
	require.Equal(t, kyc.DocumentID(101), call.Input)
	require.Equal(t, staffUserID, int(call.Principal.UserID))

	b.kyc.DocumentFunc = func(context.Context, ports.Principal, kyc.DocumentID) (io.ReadCloser, ports.BlobInfo, error) {
		return io.NopCloser(strings.NewReader("%PDF-1.4")), ports.BlobInfo{ContentType: "application/pdf; charset=binary"}, nil
	}
	rec = b.send(t, http.MethodGet, "/api/admin/kyc/documents/102/", "", withBearer(tokenStaff))
	require.Equal(t, "application/pdf", rec.Header().Get("Content-Type"))
	require.Equal(t, `attachment; filename=kyc-document-102.pdf`, rec.Header().Get("Content-Disposition"))
	require.Empty(t, rec.Header().Get("Content-Length"), "unknown size: streamed")

	closed := false
	b.kyc.DocumentFunc = func(context.Context, ports.Principal, kyc.DocumentID) (io.ReadCloser, ports.BlobInfo, error) {
		return closeFunc{Reader: strings.NewReader("<svg onload=alert(1)>"), close: func() { closed = true }}, ports.BlobInfo{ContentType: "image/svg+xml"}, nil
	}
	rec = b.send(t, http.MethodGet, "/api/admin/kyc/documents/103/", "", withBearer(tokenStaff))
	require.Equal(t, "application/octet-stream", rec.Header().Get("Content-Type"), "nothing a browser renders")
	require.Equal(t, `attachment; filename=kyc-document-103`, rec.Header().Get("Content-Disposition"))
	require.True(t, closed)

	b.kyc.DocumentFunc = func(context.Context, ports.Principal, kyc.DocumentID) (io.ReadCloser, ports.BlobInfo, error) {
		return nil, ports.BlobInfo{}, core.ErrNotFound
	}
	requireError(t, b.send(t, http.MethodGet, "/api/admin/kyc/documents/104/", "", withBearer(tokenStaff)), http.StatusNotFound, "not_found")

	b = setupKYC(t)
	requireError(t, b.send(t, http.MethodGet, "/api/admin/kyc/documents/x1/", "", withBearer(tokenStaff)), http.StatusNotFound, "not_found")
	require.Empty(t, b.kyc.Calls())
}
