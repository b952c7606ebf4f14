package kyc_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	appkyc "github.com/talabin/talabin/app/kyc"
	"github.com/talabin/talabin/app/notices"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/integration/accountstest"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/blobtest"
	"github.com/talabin/talabin/ports/ratelimittest"
)

const (
	aliceID = "0499370899"
	bobID   = "0013542419"
)

// shahkar answers the mobile inquiry: match unless told otherwise, or unavailable.
type shahkar struct {
	mu    sync.Mutex
	match bool
	down  bool
	calls atomic.Int64
}

func (s *shahkar) MobileOwner(context.Context, iran.Mobile, iran.NationalCode) (bool, error) {
	s.calls.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return false, core.ErrInquiryUnavailable
	}
	return s.match, nil
}

func (s *shahkar) set(match, down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.match, s.down = match, down
}

type bundle struct {
	clock   *ratelimittest.Clock
	store   *accountstest.Store
	blobs   *blobtest.Memory
	shahkar *shahkar
	svc     *appkyc.Service
	staff   ports.Principal
	phones  atomic.Int64
}

func setup(t *testing.T) *bundle {
	t.Helper()
	return setupInquiry(t, true)
}

// setupInquiry is setup with the fake mobile inquiry configured, or with none (production's
// OWNERSHIP_INQUIRY=none).
func setupInquiry(t *testing.T, withInquiry bool) *bundle {
	t.Helper()
	b := &bundle{clock: ratelimittest.NewClock(), blobs: blobtest.NewMemory(), shahkar: &shahkar{match: true}}
	b.store = accountstest.NewStore(t, b.clock)
	cfg := appkyc.Config{Blobs: b.blobs}
	if withInquiry {
		cfg.Inquiry = b.shahkar
	}
	svc, err := appkyc.NewService(cfg, b.store, b.clock, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	b.svc = svc
	b.staff = b.principal(b.newUser(t), identity.RoleAdmin)
	return b
}

func (b *bundle) newUser(t *testing.T) core.UserID {
	t.Helper()
	phone := fmt.Sprintf("+98912%07d", b.phones.Add(1))
	var id core.UserID
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		u := identity.NewUser(phone, b.clock.Now())
		require.NoError(t, u.VerifyPhone(b.clock.Now()))
		var err error
		id, err = tx.Users().Create(ctx, u)
		return err
	}))
	return id
}

func (b *bundle) principal(user core.UserID, role identity.Role) ports.Principal {
	return ports.Principal{UserID: user, Role: role, Client: ports.Client{IP: "203.0.113.9", RequestID: "req"}}
}

func (b *bundle) customer(t *testing.T) ports.Principal {
	return b.principal(b.newUser(t), identity.RoleUser)
}

func submission(national string, level int) ports.KYCSubmission {
	return ports.KYCSubmission{FirstName: "سارا", LastName: "احمدی", NationalID: national, BirthDate: "1370/01/31", TargetLevel: level}
}

func pngFile(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 16, 16))))
	return buf.Bytes()
}

func jpegFile(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 16, 16)), nil))
	return buf.Bytes()
}

func (b *bundle) uploadAll(t *testing.T, p ports.Principal) {
	t.Helper()
	for _, k := range kyc.RequiredDocuments() {
		_, err := b.svc.UploadDocument(t.Context(), p, k, bytes.NewReader(jpegFile(t)))
		require.NoError(t, err, k)
	}
}

func TestLevelOneByInquiry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)

	st, err := b.svc.Submit(t.Context(), p, submission(aliceID, 1))
	require.NoError(t, err)
	r := st.Profile.Record()
	require.Equal(t, kyc.StatusApproved, r.Status)
	require.Equal(t, 1, r.Level)
	require.Equal(t, kyc.CheckPassed, r.Shahkar)
	require.Equal(t, "سارا", r.FirstName)

	st, err = b.svc.Status(t.Context(), p)
	require.NoError(t, err)
	require.Equal(t, 1, st.Profile.Level())
	require.Equal(t, aliceID, st.Profile.Record().NationalID.String())

	_, err = b.svc.Submit(t.Context(), p, submission(aliceID, 1))
	require.ErrorIs(t, err, core.ErrInvalidState, "level 1 is granted already")
}

// TestNoInquiryLeavesLevelOneToStaff submits for level 1 with no mobile inquiry configured:
// the submission succeeds and waits for staff (it answered 503 inquiry_unavailable before),
// and staff approval grants the level.
func TestNoInquiryLeavesLevelOneToStaff(t *testing.T) {
	t.Parallel()
	b := setupInquiry(t, false)
	p := b.customer(t)

	st, err := b.svc.Submit(t.Context(), p, submission(aliceID, 1))
	require.NoError(t, err)
	require.Equal(t, kyc.StatusPending, st.Profile.Status())
	require.Zero(t, st.Profile.Level())
	n, err := b.svc.RetryInquiries(t.Context())
	require.NoError(t, err)
	require.Zero(t, n, "nothing to retry without an inquiry")

	st, err = b.svc.Approve(t.Context(), b.staff, p.UserID, 1, "")
	require.NoError(t, err)
	require.Equal(t, 1, st.Profile.Level())
}

func TestInquiryMismatchRejects(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	b.shahkar.set(false, false)

	st, err := b.svc.Submit(t.Context(), p, submission(aliceID, 1))
	require.NoError(t, err)
	require.Equal(t, kyc.StatusRejected, st.Profile.Status())
	require.Equal(t, kyc.CheckFailed, st.Profile.Record().Shahkar)
	require.Zero(t, st.Profile.Level())
}

func TestInquiryUnavailableKeepsSubmissionAndRetries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	b.shahkar.set(true, true)

	st, err := b.svc.Submit(t.Context(), p, submission(aliceID, 1))
	require.ErrorIs(t, err, core.ErrInquiryUnavailable)
	require.Equal(t, kyc.StatusPending, st.Profile.Status())

	n, err := b.svc.RetryInquiries(t.Context())
	require.NoError(t, err)
	require.Zero(t, n, "still down")
	b.shahkar.set(true, false)
	n, err = b.svc.RetryInquiries(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	st, err = b.svc.Status(t.Context(), p)
	require.NoError(t, err)
	require.Equal(t, 1, st.Profile.Level())
}

func TestLevelTwoNeedsDocumentsAndStaff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)

	_, err := b.svc.Submit(t.Context(), p, submission(aliceID, 2))
	var missing *core.DocumentsMissingError
	require.ErrorAs(t, err, &missing)
	require.Equal(t, []string{"national_card_front", "national_card_back", "selfie"}, missing.Missing)

	b.uploadAll(t, p)
	st, err := b.svc.Submit(t.Context(), p, submission(aliceID, 0))
	require.NoError(t, err)
	require.Equal(t, kyc.StatusPending, st.Profile.Status(), "level 2 waits for staff")
	require.Equal(t, 1, st.Profile.Level(), "the inquiry granted level 1 already")
	require.Equal(t, 2, st.Profile.Record().TargetLevel)

	_, err = b.svc.UploadDocument(t.Context(), p, kyc.Selfie, bytes.NewReader(pngFile(t)))
	require.ErrorIs(t, err, core.ErrInvalidState, "documents are frozen under review")
	_, err = b.svc.Approve(t.Context(), p, p.UserID, 2, "")
	require.ErrorIs(t, err, core.ErrPermissionDenied)

	queue, n, err := b.svc.Queue(t.Context(), b.staff, kyc.StatusPending, 0, 10)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Len(t, queue[0].Documents, 3)
	rc, _, err := b.svc.Document(t.Context(), b.staff, queue[0].Documents[0].ID())
	require.NoError(t, err)
	require.NoError(t, rc.Close())

	st, err = b.svc.Approve(t.Context(), b.staff, p.UserID, 2, "documents match")
	require.NoError(t, err)
	require.Equal(t, kyc.StatusApproved, st.Profile.Status())
	require.Equal(t, 2, st.Profile.Level())
	for _, d := range st.Documents {
		require.Equal(t, kyc.DocumentAccepted, d.Status())
	}
	require.Len(t, b.store.Jobs(notices.JobKind), 1, "the user is told of the decision by SMS")
}

func TestRejectThenResubmit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	b.uploadAll(t, p)
	_, err := b.svc.Submit(t.Context(), p, submission(aliceID, 2))
	require.NoError(t, err)

	_, err = b.svc.Reject(t.Context(), b.staff, p.UserID, "")
	require.ErrorIs(t, err, core.ErrInvalidInput, "a reason is required")
	st, err := b.svc.Reject(t.Context(), b.staff, p.UserID, "تصویر خوانا نیست")
	require.NoError(t, err)
	require.Equal(t, kyc.StatusRejected, st.Profile.Status())
	require.Equal(t, 1, st.Profile.Level(), "the level granted before stays")
	require.Len(t, st.Required, 3, "rejected documents must be uploaded again")

	b.uploadAll(t, p)
	_, err = b.svc.Submit(t.Context(), p, submission(bobID, 2))
	require.ErrorIs(t, err, core.ErrKYCLocked, "the verified national id cannot change")
	st, err = b.svc.Submit(t.Context(), p, submission(aliceID, 2))
	require.NoError(t, err)
	require.Equal(t, kyc.CheckSkipped, st.Profile.Record().Shahkar)
}

func TestNationalIDTaken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first, second := b.customer(t), b.customer(t)
	_, err := b.svc.Submit(t.Context(), first, submission(aliceID, 1))
	require.NoError(t, err)
	_, err = b.svc.Submit(t.Context(), second, submission(aliceID, 1))
	require.ErrorIs(t, err, core.ErrNationalIDTaken)
}

func TestSubmitValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	_, err := b.svc.Submit(t.Context(), p, ports.KYCSubmission{NationalID: "1234567890", BirthDate: "1400/13/01", TargetLevel: 5})
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ElementsMatch(t, []string{"national_id", "birth_date", "target_level"}, ve.FieldNames())

	_, err = b.svc.Submit(t.Context(), p, ports.KYCSubmission{FirstName: "a", LastName: "b", NationalID: aliceID, BirthDate: "1400/01/01"})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []string{"birth_date"}, ve.FieldNames(), "under 18")
}

func TestUploadRefusesHostileFiles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.customer(t)
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	polyglot := append(pngFile(t), []byte("PK\x03\x04zipzipzip")...)
	cases := []struct {
		name string
		kind kyc.DocumentKind
		data []byte
		want error
	}{
		{"WrongMagic", kyc.NationalCardFront, []byte("GIF89a not allowed"), core.ErrUnsupportedFileType},
		{"SelfiePDF", kyc.Selfie, pdf, core.ErrUnsupportedFileType},
		{"PNGThatIsAlsoZIP", kyc.NationalCardBack, polyglot, core.ErrUnsupportedFileType},
		{"TooLarge", kyc.NationalCardFront, append(pngFile(t), make([]byte, 5<<20)...), core.ErrFileTooLarge},
		{"Truncated", kyc.NationalCardFront, pngFile(t)[:30], core.ErrUnsupportedFileType},
	}
	for _, c := range cases {
		_, err := b.svc.UploadDocument(t.Context(), p, c.kind, bytes.NewReader(c.data))
		require.ErrorIs(t, err, c.want, c.name)
	}
	require.Empty(t, b.blobs.Keys(), "nothing refused is stored")
	_, err := b.svc.UploadDocument(t.Context(), p, kyc.NationalCardBack, strings.NewReader(string(pngFile(t))))
	require.NoError(t, err)
	require.Len(t, b.blobs.Keys(), 1)
}
