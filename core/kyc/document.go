package kyc

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/talabin/talabin/core"
)

// DocumentID identifies a stored identity document.
type DocumentID int64

// ParseDocumentID parses a path's {id}. Errors wrap [core.ErrInvalidInput].
func ParseDocumentID(s string) (DocumentID, error) {
	n, err := strconv.ParseInt(core.NormalizeDigits(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: document id must be a positive integer", core.ErrInvalidInput)
	}
	return DocumentID(n), nil
}

// String returns the decimal form of the id.
func (id DocumentID) String() string { return strconv.FormatInt(int64(id), 10) }

// DocumentKind is what an identity document shows.
type DocumentKind struct{ name string }

var (
	// NationalCardFront is the front of the national card.
	NationalCardFront = DocumentKind{"national_card_front"}
	// NationalCardBack is the back of the national card.
	NationalCardBack = DocumentKind{"national_card_back"}
	// Selfie is a photo of the user holding the card; images only.
	Selfie = DocumentKind{"selfie"}
)

// RequiredDocuments are the documents level 2 needs, in display order.
func RequiredDocuments() []DocumentKind {
	return []DocumentKind{NationalCardFront, NationalCardBack, Selfie}
}

// ParseDocumentKind returns the kind named s. Errors wrap [core.ErrInvalidInput].
func ParseDocumentKind(s string) (DocumentKind, error) {
	for _, k := range RequiredDocuments() {
		if k.name == s {
			return k, nil
		}
	}
	return DocumentKind{}, fmt.Errorf("%w: unknown document kind %q", core.ErrInvalidInput, s)
}

// String returns the kind's wire name.
func (k DocumentKind) String() string { return k.name }

// IsZero reports whether the kind is unset.
func (k DocumentKind) IsZero() bool { return k.name == "" }

// ImageOnly reports whether the kind takes images only (a selfie cannot be a PDF).
func (k DocumentKind) ImageOnly() bool { return k == Selfie }

// DocumentStatus is where a document is in review.
type DocumentStatus struct{ name string }

var (
	// DocumentUploaded: waiting for review.
	DocumentUploaded = DocumentStatus{"uploaded"}
	// DocumentAccepted: staff approved the submission it belongs to.
	DocumentAccepted = DocumentStatus{"accepted"}
	// DocumentRejected: staff rejected the submission it belongs to.
	DocumentRejected = DocumentStatus{"rejected"}
)

// ParseDocumentStatus returns the status named s. Errors wrap [core.ErrInvalidInput].
func ParseDocumentStatus(s string) (DocumentStatus, error) {
	for _, st := range []DocumentStatus{DocumentUploaded, DocumentAccepted, DocumentRejected} {
		if st.name == s {
			return st, nil
		}
	}
	return DocumentStatus{}, fmt.Errorf("%w: unknown document status %q", core.ErrInvalidInput, s)
}

// String returns the status's wire name.
func (s DocumentStatus) String() string { return s.name }

// DocumentRecord is the stored form of a [Document].
type DocumentRecord struct {
	ID   DocumentID
	User core.UserID
	Kind DocumentKind
	// BlobKey names the file in the private blob store; ContentType and Size describe it.
	BlobKey     string
	ContentType string
	Size        int64
	Status      DocumentStatus
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Document is one uploaded identity document. Build one with [NewDocument]; stores rebuild
// them with [RehydrateDocument].
type Document struct{ r DocumentRecord }

// NewDocument returns an uploaded document of kind stored under key.
func NewDocument(user core.UserID, kind DocumentKind, key, contentType string, size int64, now time.Time) (*Document, error) {
	if user <= 0 || kind.IsZero() || key == "" || contentType == "" || size <= 0 {
		return nil, fmt.Errorf("%w: document needs a user, a kind and a stored file", core.ErrInvalidInput)
	}
	return &Document{r: DocumentRecord{
		User: user, Kind: kind, BlobKey: key, ContentType: contentType, Size: size,
		Status: DocumentUploaded, CreatedAt: now, UpdatedAt: now,
	}}, nil
}

// RehydrateDocument rebuilds a stored document; only store adapters call it.
func RehydrateDocument(r DocumentRecord) *Document { return &Document{r: r} }

// Record returns the document's stored form.
func (d *Document) Record() DocumentRecord { return d.r }

// ID returns the stored id.
func (d *Document) ID() DocumentID { return d.r.ID }

// Kind returns what the document shows.
func (d *Document) Kind() DocumentKind { return d.r.Kind }

// Status returns the review status.
func (d *Document) Status() DocumentStatus { return d.r.Status }

// Review marks an uploaded document accepted or rejected at now with its submission.
func (d *Document) Review(accepted bool, now time.Time) {
	if d.r.Status != DocumentUploaded {
		return
	}
	d.r.Status, d.r.UpdatedAt = DocumentRejected, now
	if accepted {
		d.r.Status = DocumentAccepted
	}
}

// Missing returns the kinds of [RequiredDocuments] that docs (a user's current documents)
// lack; a rejected document counts as missing.
func Missing(docs []*Document) []DocumentKind {
	var missing []DocumentKind
	for _, k := range RequiredDocuments() {
		if !slices.ContainsFunc(docs, func(d *Document) bool { return d.Kind() == k && d.Status() != DocumentRejected }) {
			missing = append(missing, k)
		}
	}
	return missing
}
