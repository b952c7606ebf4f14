package ports

import (
	"context"
	"io"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
)

// KYCRepository keeps users' verification profiles.
type KYCRepository interface {
	// Get returns user's profile, or [kyc.NewProfile] (level 0, not submitted) when the user
	// has none. It returns [core.ErrNotFound] only when the user does not exist.
	Get(ctx context.Context, user core.UserID) (*kyc.Profile, error)
	// GetForUpdate is Get, locking the user's profile (or the user, when it has none) until
	// the transaction ends.
	GetForUpdate(ctx context.Context, user core.UserID) (*kyc.Profile, error)
	// Save stores p, creating it on the first save. It returns [core.ErrNationalIDTaken]
	// when another user's profile holds p's national id.
	Save(ctx context.Context, p *kyc.Profile) error
	// List returns one page of profiles with status (zero: every submitted one), oldest
	// submission first (the review queue), and how many match.
	List(ctx context.Context, status kyc.Status, offset, limit int) ([]*kyc.Profile, int, error)
	// PendingInquiries returns up to limit users whose pending submission waits for the
	// mobile inquiry, oldest submission first.
	PendingInquiries(ctx context.Context, limit int) ([]core.UserID, error)
}

// DocumentRepository keeps identity documents' metadata (the files live in a [BlobStore]).
type DocumentRepository interface {
	// Create stores a new document and returns its id; it returns [core.ErrNotFound] when
	// the user does not exist.
	Create(ctx context.Context, d *kyc.Document) (kyc.DocumentID, error)
	// Save stores a document's review status, or returns [core.ErrNotFound].
	Save(ctx context.Context, d *kyc.Document) error
	// Get returns a document by id (any user's), or [core.ErrNotFound].
	Get(ctx context.Context, id kyc.DocumentID) (*kyc.Document, error)
	// Current returns user's current documents: the newest of each kind, in kind order.
	Current(ctx context.Context, user core.UserID) ([]*kyc.Document, error)
	// ListByUser returns every document of user, newest first (replaced ones too), for
	// exports and deletion.
	ListByUser(ctx context.Context, user core.UserID) ([]*kyc.Document, error)
	// Delete removes a document's row, for account deletion after its file is gone.
	Delete(ctx context.Context, id kyc.DocumentID) error
}

// MobileInquiry asks the mobile-ownership service (Shahkar) whether a mobile number is
// registered to a national id; level 1 is granted on its match.
type MobileInquiry interface {
	// MobileOwner reports whether mobile belongs to nationalID. A definite "no" is
	// (false, nil). Errors: [core.ErrInquiryUnavailable] when the service cannot answer now.
	// Idempotent.
	MobileOwner(ctx context.Context, mobile iran.Mobile, nationalID iran.NationalCode) (bool, error)
}

// KYC is the inbound port of identity verification (API.md §3.2) and its staff review
// (§3.13). app/kyc implements it.
type KYC interface {
	// Status returns the caller's verification status.
	Status(ctx context.Context, p Principal) (KYCStatus, error)
	// UploadDocument stores a document of kind for the caller, replacing an earlier one of
	// that kind while the profile is not approved at level 2. The file is checked by content
	// (jpg, png or pdf; a selfie image only; ≤ 5 MB), re-encoded without metadata and kept
	// under a random key. Errors: [core.ErrUnsupportedFileType], [core.ErrFileTooLarge],
	// [*core.InvalidStateError], [core.ErrPhoneNotVerified].
	UploadDocument(ctx context.Context, p Principal, kind kyc.DocumentKind, file io.Reader) (*kyc.Document, error)
	// Submit submits the caller's identity for a level and asks the mobile inquiry when
	// level 1 is not granted yet. Errors: [core.ValidationError], [core.ErrNationalIDTaken],
	// [*core.InvalidStateError], [*core.DocumentsMissingError], [core.ErrKYCLocked], and
	// [core.ErrInquiryUnavailable] (the submission is kept and the inquiry retried).
	Submit(ctx context.Context, p Principal, in KYCSubmission) (KYCStatus, error)

	// Queue returns one page of profiles with status (staff).
	Queue(ctx context.Context, p Principal, status kyc.Status, offset, limit int) ([]KYCStatus, int, error)
	// Review returns one user's verification status with its documents (staff).
	Review(ctx context.Context, p Principal, user core.UserID) (KYCStatus, error)
	// Approve approves user's pending submission at level (staff, audited with reason).
	// Level 2 needs the documents ([*core.DocumentsMissingError]).
	Approve(ctx context.Context, p Principal, user core.UserID, level int, reason string) (KYCStatus, error)
	// Reject rejects user's pending submission for reason (staff, audited).
	Reject(ctx context.Context, p Principal, user core.UserID, reason string) (KYCStatus, error)
	// Document opens a document's file for staff; the download is audited. The caller
	// closes the reader.
	Document(ctx context.Context, p Principal, id kyc.DocumentID) (io.ReadCloser, BlobInfo, error)
}

// KYCSubmission is a submission as the user typed it: names, the national id and the
// Jalali (or Gregorian) birth date are parsed and checked by the service.
type KYCSubmission struct {
	FirstName, LastName string
	NationalID          string
	BirthDate           string
	TargetLevel         int
}

// KYCStatus is one user's verification status (the KycStatus of API.md §2).
type KYCStatus struct {
	Profile   *kyc.Profile
	Documents []*kyc.Document
	// Required are the documents level 2 needs that the user lacks.
	Required []kyc.DocumentKind
}
