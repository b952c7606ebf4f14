// Package kyc implements [ports.KYC]: identity documents, submissions, the mobile-ownership
// inquiry that grants level 1 and the staff review that grants level 2. Trading and payments
// read the level granted through the store, in their own transactions.
package kyc

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/upload"
	"github.com/talabin/talabin/ports"
)

// The audit actions this service writes.
const (
	actionDocumentUpload   = "kyc.document_upload"
	actionDocumentDownload = "kyc.document_download"
	actionSubmit           = "kyc.submit"
	actionInquiry          = "kyc.inquiry"
	actionApprove          = "kyc.approve"
	actionReject           = "kyc.reject"
	entityKYC              = "kyc"
	entityDocument         = "kyc_document"
)

// inquiryBatch bounds the submissions one retry round asks about.
const inquiryBatch = 50

// Config configures [NewService].
type Config struct {
	// Blobs keeps the documents' files.
	Blobs ports.BlobStore
	// Inquiry is the mobile-ownership (Shahkar) inquiry; nil leaves level 1 to staff.
	Inquiry ports.MobileInquiry
	// Documents is what an identity document may be; zero means jpg, png or pdf of at most
	// 5 MB (a selfie: images only).
	Documents upload.Policy
	// Rand draws blob keys; nil means crypto/rand.Reader.
	Rand io.Reader
}

// Service implements [ports.KYC]. It is safe for concurrent use.
type Service struct {
	cfg    Config
	store  ports.Store
	clock  ports.Clock
	logger *slog.Logger
}

var _ ports.KYC = (*Service)(nil)

// NewService returns the service configured by cfg.
func NewService(cfg Config, store ports.Store, clock ports.Clock, logger *slog.Logger) (*Service, error) {
	if store == nil || clock == nil || cfg.Blobs == nil {
		return nil, errors.New("kyc: store, clock and blob store are required")
	}
	if len(cfg.Documents.Allowed) == 0 {
		cfg.Documents.Allowed = upload.Documents
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, store: store, clock: clock, logger: logger.With("component", "kyc")}, nil
}

func (s *Service) now() time.Time { return s.clock.Now() }

// Status returns the caller's status; see [ports.KYC.Status].
func (s *Service) Status(ctx context.Context, p ports.Principal) (ports.KYCStatus, error) {
	if p.UserID <= 0 {
		return ports.KYCStatus{}, core.ErrNotAuthenticated
	}
	var st ports.KYCStatus
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		st, err = status(ctx, tx, p.UserID, false)
		return err
	})
	return st, err
}

// status reads user's profile and documents in tx, locked when lock is set.
func status(ctx context.Context, tx ports.Tx, user core.UserID, lock bool) (ports.KYCStatus, error) {
	get := tx.KYC().Get
	if lock {
		get = tx.KYC().GetForUpdate
	}
	profile, err := get(ctx, user)
	if err != nil {
		return ports.KYCStatus{}, err
	}
	docs, err := tx.Documents().Current(ctx, user)
	if err != nil {
		return ports.KYCStatus{}, err
	}
	return ports.KYCStatus{Profile: profile, Documents: docs, Required: kyc.Missing(docs)}, nil
}

// checkCustomer refuses a user who may not verify: unknown, disabled, or phone not
// verified. It returns the user.
func checkCustomer(ctx context.Context, tx ports.Tx, user core.UserID) (identity.User, error) {
	u, err := tx.Users().Get(ctx, user)
	switch {
	case errors.Is(err, core.ErrNotFound):
		return identity.User{}, core.ErrNotAuthenticated
	case err != nil:
		return identity.User{}, err
	case u.Disabled():
		return identity.User{}, core.ErrAccountDisabled
	case !u.PhoneVerified():
		return identity.User{}, core.ErrPhoneNotVerified
	}
	return u, nil
}

// UploadDocument stores a document; see [ports.KYC.UploadDocument].
func (s *Service) UploadDocument(ctx context.Context, p ports.Principal, kind kyc.DocumentKind, file io.Reader) (*kyc.Document, error) {
	if p.UserID <= 0 {
		return nil, core.ErrNotAuthenticated
	}
	if kind.IsZero() {
		return nil, core.FieldError("kind", "نوع مدرک نامعتبر است")
	}
	if file == nil {
		return nil, core.FieldError("file", "فایل لازم است")
	}
	policy := s.cfg.Documents
	if kind.ImageOnly() {
		policy.Allowed = upload.Images
	}
	data, err := upload.ReadAll(file, policy.MaxSize)
	if err != nil {
		return nil, err
	}
	fileKind, clean, err := policy.Accept(data)
	if err != nil {
		return nil, err
	}
	now := s.now()
	key, err := ports.NewBlobKey(fmt.Sprintf("kyc/%04d/%02d", now.Year(), int(now.Month())), s.cfg.Rand)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Blobs.Put(ctx, key, bytes.NewReader(clean), int64(len(clean)), fileKind.ContentType()); err != nil {
		return nil, fmt.Errorf("kyc: store document: %w", err)
	}
	var doc *kyc.Document
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		if _, err := checkCustomer(ctx, tx, p.UserID); err != nil {
			return err
		}
		profile, err := tx.KYC().GetForUpdate(ctx, p.UserID)
		if err != nil {
			return err
		}
		if profile.Status() == kyc.StatusPending || profile.Level() >= kyc.MaxLevel {
			return &core.InvalidStateError{Object: "kyc submission", State: profile.Status().String(), Action: "replace a document"}
		}
		if doc, err = kyc.NewDocument(p.UserID, kind, key, fileKind.ContentType(), int64(len(clean)), now); err != nil {
			return err
		}
		id, err := tx.Documents().Create(ctx, doc)
		if err != nil {
			return err
		}
		r := doc.Record()
		r.ID = id
		doc = kyc.RehydrateDocument(r)
		e := auditlog.Event(p, now, actionDocumentUpload, entityDocument, id.String())
		e.AfterDigest = auditlog.Digest("kyc_document", id.String(), kind.String(), key, r.ContentType)
		return auditlog.Append(ctx, tx, e)
	})
	if err != nil {
		if derr := s.cfg.Blobs.Delete(context.WithoutCancel(ctx), key); derr != nil {
			s.logger.Warn("could not delete an unused document", "key", key, "error", derr)
		}
		return nil, err
	}
	return doc, nil
}

// Submit submits the caller's identity; see [ports.KYC.Submit]. The mobile inquiry runs
// after the submission commits, outside any transaction.
func (s *Service) Submit(ctx context.Context, p ports.Principal, in ports.KYCSubmission) (ports.KYCStatus, error) {
	if p.UserID <= 0 {
		return ports.KYCStatus{}, core.ErrNotAuthenticated
	}
	sub, err := s.parseSubmission(in)
	if err != nil {
		return ports.KYCStatus{}, err
	}
	var (
		st    ports.KYCStatus
		phone string
	)
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		u, err := checkCustomer(ctx, tx, p.UserID)
		if err != nil {
			return err
		}
		phone = u.Phone()
		if st, err = status(ctx, tx, p.UserID, true); err != nil {
			return err
		}
		now := s.now()
		if err := st.Profile.Submit(sub, len(st.Required) == 0, st.Required, now); err != nil {
			return err
		}
		if err := tx.KYC().Save(ctx, st.Profile); err != nil {
			return err
		}
		e := auditlog.Event(p, now, actionSubmit, entityKYC, p.UserID.String())
		e.AfterDigest = profileDigest(st.Profile)
		return auditlog.Append(ctx, tx, e)
	})
	if err != nil {
		return ports.KYCStatus{}, err
	}
	if !st.Profile.NeedsInquiry() || s.cfg.Inquiry == nil {
		// Without an inquiry the submission waits for staff: it succeeded, nothing is down.
		return st, nil
	}
	return s.inquire(ctx, p.UserID, phone)
}

// parseSubmission checks the submission's fields and returns it parsed.
func (s *Service) parseSubmission(in ports.KYCSubmission) (kyc.Submission, error) {
	ve := core.NewValidationError()
	national, err := iran.ParseNationalCode(in.NationalID)
	if err != nil {
		ve.Add("national_id", "کد ملی معتبر نیست")
	}
	dob, err := identity.ParseDateOfBirth(in.BirthDate)
	if err != nil {
		ve.Add("birth_date", "تاریخ تولد را به صورت ۱۳۷۰/۰۱/۳۱ وارد کنید")
	}
	if in.TargetLevel != 0 && (in.TargetLevel < 1 || in.TargetLevel > kyc.MaxLevel) {
		ve.Add("target_level", "سطح درخواستی باید ۱ یا ۲ باشد")
	}
	first, last := in.FirstName, in.LastName
	if ve.Empty() {
		var perr error
		first, last, perr = identity.CheckPersonalData("first_name", first, "last_name", last, "birth_date", dob, s.now())
		var pve *core.ValidationError
		if errors.As(perr, &pve) {
			for _, f := range pve.FieldNames() {
				for _, msg := range pve.Fields[f] {
					ve.Add(f, msg)
				}
			}
		}
	}
	if err := ve.Err(); err != nil {
		return kyc.Submission{}, err
	}
	return kyc.Submission{FirstName: first, LastName: last, NationalID: national, BirthDate: dob, TargetLevel: in.TargetLevel}, nil
}

// inquire asks the mobile inquiry about user's pending submission and records the answer.
// When the inquiry cannot answer, the submission stays pending for [Service.RetryInquiries]
// and the caller gets [core.ErrInquiryUnavailable] with the status.
func (s *Service) inquire(ctx context.Context, user core.UserID, phone string) (ports.KYCStatus, error) {
	var national iran.NationalCode
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		profile, err := tx.KYC().Get(ctx, user)
		national = profile.Record().NationalID
		return err
	})
	if err != nil {
		return ports.KYCStatus{}, err
	}
	mobile, err := iran.ParseMobile(phone)
	if err != nil {
		return ports.KYCStatus{}, fmt.Errorf("kyc: stored phone of user %d: %w", user, err)
	}
	if s.cfg.Inquiry == nil {
		return s.statusOf(ctx, user, &core.UnavailableError{Err: core.ErrInquiryUnavailable})
	}
	match, err := s.cfg.Inquiry.MobileOwner(ctx, mobile, national)
	if err != nil {
		s.logger.Warn("mobile inquiry failed; retried later", "user", user, "error", err)
		return s.statusOf(ctx, user, &core.UnavailableError{Err: core.ErrInquiryUnavailable, RetryAfter: time.Minute})
	}
	var st ports.KYCStatus
	err = s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if st, err = status(ctx, tx, user, true); err != nil {
			return err
		}
		if !st.Profile.NeedsInquiry() || st.Profile.Record().NationalID != national {
			return nil // answered meanwhile, or resubmitted with another id
		}
		now := s.now()
		if err := st.Profile.InquiryAnswered(match, now); err != nil {
			return err
		}
		if err := tx.KYC().Save(ctx, st.Profile); err != nil {
			return err
		}
		if err := noticeDecision(ctx, tx, st.Profile); err != nil {
			return err
		}
		e := auditlog.System(now, actionInquiry, entityKYC, user.String())
		e.Reason, e.AfterDigest = st.Profile.Record().Shahkar.String(), profileDigest(st.Profile)
		return auditlog.Append(ctx, tx, e)
	})
	return st, err
}

// statusOf returns user's status with verdict as the error.
func (s *Service) statusOf(ctx context.Context, user core.UserID, verdict error) (ports.KYCStatus, error) {
	var st ports.KYCStatus
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		st, err = status(ctx, tx, user, false)
		return err
	})
	if err != nil {
		return ports.KYCStatus{}, err
	}
	return st, verdict
}

// RetryInquiries asks the mobile inquiry again about submissions it could not answer; the
// periodic job calls it. It returns how many it resolved.
func (s *Service) RetryInquiries(ctx context.Context) (int, error) {
	var users []core.UserID
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		users, err = tx.KYC().PendingInquiries(ctx, inquiryBatch)
		return err
	})
	if err != nil || s.cfg.Inquiry == nil {
		return 0, err
	}
	resolved := 0
	for _, user := range users {
		var phone string
		err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
			u, err := tx.Users().Get(ctx, user)
			phone = u.Phone()
			return err
		})
		if err != nil {
			return resolved, err
		}
		st, err := s.inquire(ctx, user, phone)
		if errors.Is(err, core.ErrInquiryUnavailable) {
			return resolved, nil // still down: the next round tries again
		}
		if err != nil {
			return resolved, err
		}
		if !st.Profile.NeedsInquiry() {
			resolved++
		}
	}
	return resolved, nil
}

// profileDigest fingerprints a profile's stored form for the audit log.
func profileDigest(p *kyc.Profile) string {
	r := p.Record()
	return auditlog.Digest("kyc", r.User.String(), r.Status.String(), fmt.Sprint(r.Level), fmt.Sprint(r.TargetLevel),
		r.FirstName, r.LastName, r.NationalID.String(), auditlog.Stamp(r.BirthDate), r.Shahkar.String(),
		r.RejectionReason, r.ReviewedBy.String(), auditlog.Stamp(r.UpdatedAt))
}
