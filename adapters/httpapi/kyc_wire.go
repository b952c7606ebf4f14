package httpapi

import (
	"net/http"
	"net/url"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// kycDocumentJSON is one identity document of the KycStatus object (API.md §2), and the
// answer to an upload. DownloadURL is staff's only: where they fetch the file.
type kycDocumentJSON struct {
	ID          kyc.DocumentID `json:"id"`
	Kind        string         `json:"kind"`
	Status      string         `json:"status"`
	CreatedAt   Timestamp      `json:"created_at"`
	DownloadURL string         `json:"download_url,omitempty"`
}

// kycDocumentWire returns d as the caller sees it.
func kycDocumentWire(d *kyc.Document) kycDocumentJSON {
	r := d.Record()
	return kycDocumentJSON{ID: r.ID, Kind: r.Kind.String(), Status: r.Status.String(), CreatedAt: Timestamp(r.CreatedAt)}
}

// kycChecksJSON is the state of the automatic checks of a submission.
type kycChecksJSON struct {
	Shahkar string `json:"shahkar"`
}

// kycStatusJSON is the KycStatus object of API.md §2.
type kycStatusJSON struct {
	Status            string            `json:"status"`
	Level             int               `json:"level"`
	SubmittedAt       Timestamp         `json:"submitted_at"`
	ReviewedAt        Timestamp         `json:"reviewed_at"`
	RejectionReason   *string           `json:"rejection_reason"`
	Documents         []kycDocumentJSON `json:"documents"`
	RequiredDocuments []string          `json:"required_documents"`
	Checks            kycChecksJSON     `json:"checks"`
}

// kycStatusWire returns st as the KycStatus object the user sees. A status without a
// profile is a user who never submitted.
func kycStatusWire(st ports.KYCStatus) kycStatusJSON {
	p := profileOrNew(st.Profile, 0)
	r := p.Record()
	out := kycStatusJSON{
		Status:            kycStatusName(p),
		Level:             r.Level,
		SubmittedAt:       Timestamp(r.SubmittedAt),
		ReviewedAt:        Timestamp(r.ReviewedAt),
		RejectionReason:   nonEmpty(r.RejectionReason),
		Documents:         make([]kycDocumentJSON, 0, len(st.Documents)),
		RequiredDocuments: make([]string, 0, len(st.Required)),
		Checks:            kycChecksJSON{Shahkar: shahkarCheck(p)},
	}
	for _, d := range st.Documents {
		out.Documents = append(out.Documents, kycDocumentWire(d))
	}
	for _, k := range st.Required {
		out.RequiredDocuments = append(out.RequiredDocuments, k.String())
	}
	return out
}

// profileOrNew returns p, or the profile of user who never submitted when p is nil.
func profileOrNew(p *kyc.Profile, user core.UserID) *kyc.Profile {
	if p == nil {
		return kyc.NewProfile(user)
	}
	return p
}

// kycStatusName returns the wire name of p's status; an unset one is not_submitted.
func kycStatusName(p *kyc.Profile) string {
	if p.Status().IsZero() {
		return kyc.StatusNotSubmitted.String()
	}
	return p.Status().String()
}

// shahkarCheck returns the state of p's mobile inquiry as clients read it: pending only while
// a submission waits for the answer, skipped when nothing asked (never submitted, level 1
// granted before, or the submission was decided without it), else the answer.
func shahkarCheck(p *kyc.Profile) string {
	c := p.Record().Shahkar
	switch {
	case p.NeedsInquiry():
		return kyc.CheckPending.String()
	case c == kyc.Check{} || c == kyc.CheckPending:
		return kyc.CheckSkipped.String()
	default:
		return c.String()
	}
}

// staffKYCStatusJSON is the KycStatus object as staff review it: with the submitted
// identity and, on each document, its download URL.
type staffKYCStatusJSON struct {
	UserID          core.UserID `json:"user_id"`
	FirstName       string      `json:"first_name"`
	LastName        string      `json:"last_name"`
	NationalID      *string     `json:"national_id"`
	BirthDate       *string     `json:"birth_date"`
	BirthDateJalali *string     `json:"birth_date_jalali"`
	TargetLevel     int         `json:"target_level"`
	kycStatusJSON
}

// staffKYCStatusWire returns st as staff see it; user names the profile's user when st has
// no profile. Document URLs are absolute, on r's host.
func staffKYCStatusWire(r *http.Request, st ports.KYCStatus, user core.UserID) staffKYCStatusJSON {
	p := profileOrNew(st.Profile, user)
	st.Profile = p
	rec := p.Record()
	birth, birthJalali := dateWire(rec.BirthDate)
	out := staffKYCStatusJSON{
		UserID:          rec.User,
		FirstName:       rec.FirstName,
		LastName:        rec.LastName,
		NationalID:      nonEmpty(rec.NationalID.String()),
		BirthDate:       birth,
		BirthDateJalali: birthJalali,
		TargetLevel:     rec.TargetLevel,
		kycStatusJSON:   kycStatusWire(st),
	}
	for i, d := range st.Documents {
		out.Documents[i].DownloadURL = kycDocumentURL(r, d.ID())
	}
	return out
}

// kycDocumentURL returns the absolute URL of document id's download for staff.
func kycDocumentURL(r *http.Request, id kyc.DocumentID) string {
	u := url.URL{Scheme: requestScheme(r), Host: r.Host, Path: "/api/admin/kyc/documents/" + id.String() + "/"}
	return u.String()
}
