package httpapi

import (
	"net/http"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/kyc"
)

// kycQueueStatuses are the status filters of the review queue: submissions only (no filter:
// every submitted profile).
var kycQueueStatuses = []string{
	kyc.StatusPending.String(), kyc.StatusApproved.String(), kyc.StatusRejected.String(),
}

// kycUserID reads the {user_id} of a path; anything but a positive integer names no user:
// 404, as an unknown one.
func kycUserID(r *http.Request) (core.UserID, error) {
	return pathParamID(r, "user_id", "user", core.ParseUserID)
}

// kycDocumentID reads the {id} of a document's path, 404 when it is not a positive integer.
func kycDocumentID(r *http.Request) (kyc.DocumentID, error) {
	return pathParamID(r, "id", "document", kyc.ParseDocumentID)
}

// staffQueue is GET admin/kyc/: one page of submissions, oldest first (the review queue),
// filtered by status (pending, approved or rejected; none: every submission).
func (k *KYC) staffQueue(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	ve := core.NewValidationError()
	var status kyc.Status
	if v, ok := queryEnum(r, ve, LanguageOf(r), "status", kycQueueStatuses); ok {
		status, _ = kyc.ParseStatus(v) // one of kycQueueStatuses
	}
	if err := ve.Err(); err != nil {
		return err
	}
	list, count, err := k.kyc.Queue(r.Context(), pr, status, page.Offset(), page.Limit())
	if err != nil {
		return err
	}
	items := make([]staffKYCStatusJSON, len(list))
	for i, st := range list {
		items[i] = staffKYCStatusWire(r, st, 0)
	}
	WriteList(w, r, page, count, items)
	return nil
}

// staffReview is GET admin/kyc/{user_id}/: one user's submission with its documents.
func (k *KYC) staffReview(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	user, err := kycUserID(r)
	if err != nil {
		return err
	}
	st, err := k.kyc.Review(r.Context(), pr, user)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, staffKYCStatusWire(r, st, user))
	return nil
}

// staffApprove is POST admin/kyc/{user_id}/approve/ with level (1 or 2) and reason?: the
// pending submission is approved at level (409 invalid_state unless pending; level 2 needs
// the documents, 400 documents_missing).
func (k *KYC) staffApprove(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	user, err := kycUserID(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	in.Require("level")
	level := readLevel(in, "level")
	reason := optionalReason(in)
	if err := in.Err(); err != nil {
		return err
	}
	st, err := k.kyc.Approve(r.Context(), pr, user, level, reason)
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgKYCApproved.in(LanguageOf(r)), staffKYCStatusWire(r, st, user))
	return nil
}

// staffReject is POST admin/kyc/{user_id}/reject/ with a reason (required, ≤ 500
// characters): the pending submission is rejected; the user may submit again.
func (k *KYC) staffReject(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	user, err := kycUserID(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	reason := requiredReason(in)
	if err := in.Err(); err != nil {
		return err
	}
	st, err := k.kyc.Reject(r.Context(), pr, user, reason)
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgKYCRejected.in(LanguageOf(r)), staffKYCStatusWire(r, st, user))
	return nil
}

// staffDocument is GET admin/kyc/documents/{id}/: the document's file itself, outside the
// envelope, as an attachment that is never cached or sniffed. The service audits the
// download.
func (k *KYC) staffDocument(w http.ResponseWriter, r *http.Request) error {
	pr, err := principal(r)
	if err != nil {
		return err
	}
	id, err := kycDocumentID(r)
	if err != nil {
		return err
	}
	body, info, err := k.kyc.Document(r.Context(), pr, id)
	if err != nil {
		return err
	}
	return writeAttachment(w, body, info, "kyc-document-"+id.String())
}
