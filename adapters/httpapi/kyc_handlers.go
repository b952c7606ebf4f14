package httpapi

import (
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// maxNationalIDLen bounds the national_id text; the service parses it (ten digits, perhaps
// with separators or Persian digits).
const maxNationalIDLen = 32

// documentKinds are the kind values an upload takes, in display order.
var documentKinds = func() []string {
	kinds := kyc.RequiredDocuments()
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.String()
	}
	return out
}()

// readLevel reads field as a verification level, 1 or 2: 0 when absent, an error recorded
// on in when it is another value.
func readLevel(in *Body, field string) int {
	n, ok := in.Int(field)
	if !ok {
		return 0
	}
	if n < 1 || n > kyc.MaxLevel {
		sep := "، "
		if in.lang == LangEN {
			sep = ", "
		}
		in.AddError(field, msgBadChoice.withText(in.lang, "1"+sep+strconv.Itoa(kyc.MaxLevel)))
		return 0
	}
	return int(n)
}

// status is GET kyc/status/: the caller's verification status.
func (k *KYC) status(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	st, err := k.kyc.Status(r.Context(), pr)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, kycStatusWire(st))
	return nil
}

// uploadDocument is POST kyc/documents/ (alias upload-document/): multipart kind and file
// (jpg, png or pdf ≤ 5 MB; a selfie an image only, judged by the service from the content).
// 201 with the document; it replaces the caller's earlier one of that kind.
func (k *KYC) uploadDocument(w http.ResponseWriter, r *http.Request) error {
	return k.upload(w, r, kyc.DocumentKind{})
}

// uploadSelfie is POST kyc/upload-selfie/: POST kyc/documents/ with kind selfie, whatever
// kind the body names.
func (k *KYC) uploadSelfie(w http.ResponseWriter, r *http.Request) error {
	return k.upload(w, r, kyc.Selfie)
}

// upload answers an upload of kind, or of the kind the body names when kind is zero.
func (k *KYC) upload(w http.ResponseWriter, r *http.Request, kind kyc.DocumentKind) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	if kind.IsZero() {
		in.Require("kind", "file")
		if v, ok := in.Enum("kind", documentKinds...); ok {
			kind, _ = kyc.ParseDocumentKind(v) // one of documentKinds
		}
	} else {
		in.Require("file")
	}
	fh, _ := in.File("file")
	if err := in.Err(); err != nil {
		return err
	}
	d, err := k.uploadFile(r.Context(), pr, kind, fh)
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusCreated, msgDocumentUploaded.in(LanguageOf(r)), kycDocumentWire(d))
	return nil
}

// uploadFile hands the uploaded file fh to the service as a document of kind.
func (k *KYC) uploadFile(ctx context.Context, pr ports.Principal, kind kyc.DocumentKind, fh *multipart.FileHeader) (*kyc.Document, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("open uploaded %s: %w", kind, err)
	}
	defer func() { _ = f.Close() }()
	return k.kyc.UploadDocument(ctx, pr, kind, f)
}

// submit is POST kyc/submit/: first_name, last_name, national_id, birth_date (Jalali
// YYYY/MM/DD, or YYYY-MM-DD) and target_level? (1 or 2; by default 2 when the three
// documents are uploaded, else 1). The service checks the values and starts the mobile
// inquiry; the answer is the pending status.
func (k *KYC) submit(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	in.Require("first_name", "last_name", "national_id", "birth_date")
	var sub ports.KYCSubmission
	sub.FirstName, _ = in.Name("first_name")
	sub.LastName, _ = in.Name("last_name")
	sub.NationalID, _ = in.String("national_id", maxNationalIDLen)
	sub.BirthDate, _ = in.String("birth_date", maxDateLen)
	sub.TargetLevel = readLevel(in, "target_level")
	if err := in.Err(); err != nil {
		return err
	}
	st, err := k.kyc.Submit(r.Context(), pr, sub)
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgKYCSubmitted.in(LanguageOf(r)), kycStatusWire(st))
	return nil
}

// verificationFiles are the file fields of the combined profile/verification/ route and the
// document kind each one is, in upload order; national_card_back is optional.
var verificationFiles = []struct {
	field string
	kind  kyc.DocumentKind
}{
	{"id_card_image", kyc.NationalCardFront},
	{"national_card_back", kyc.NationalCardBack},
	{"selfie_image", kyc.Selfie},
}

// profileVerification is POST auth/profile/verification/, the original's one-step
// verification: multipart national_id, id_card_image (the card's front), selfie_image,
// national_card_back?, birth_date? (Jalali), first_name? and last_name?. Names and birth
// date not sent (or blank) are the ones of the user's profile. Each file is uploaded as its document,
// then the identity is submitted for level 2 when the card's back came too, else level 1.
// The answer is the User, verification_status pending.
func (k *KYC) profileVerification(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	in.Require("national_id", "id_card_image", "selfie_image")
	var sub ports.KYCSubmission
	sub.NationalID, _ = in.String("national_id", maxNationalIDLen)
	birth, hasBirth := in.String("birth_date", maxDateLen)
	first, hasFirst := in.Name("first_name")
	last, hasLast := in.Name("last_name")
	files := make([]*multipart.FileHeader, len(verificationFiles))
	for i, f := range verificationFiles {
		files[i], _ = in.File(f.field)
	}
	if err := in.Err(); err != nil {
		return err
	}
	u, err := k.auth.accounts.Me(r.Context(), pr)
	if err != nil {
		return err
	}
	sub.FirstName, sub.LastName, sub.BirthDate = u.FirstName(), u.LastName(), ""
	if dob, ok := u.DateOfBirth(); ok {
		sub.BirthDate = dob.Format(time.DateOnly)
	}
	if hasFirst && first != "" {
		sub.FirstName = first
	}
	if hasLast && last != "" {
		sub.LastName = last
	}
	if hasBirth && birth != "" {
		sub.BirthDate = birth
	}
	sub.TargetLevel = kyc.MaxLevel
	for i, f := range verificationFiles {
		if files[i] == nil {
			sub.TargetLevel = 1
			continue
		}
		if _, err := k.uploadFile(r.Context(), pr, f.kind, files[i]); err != nil {
			return err
		}
	}
	st, err := k.kyc.Submit(r.Context(), pr, sub)
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgVerificationSubmitted.in(LanguageOf(r)), userWire(u, st.Profile))
	return nil
}
