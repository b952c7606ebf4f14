package kyc

import (
	"context"
	"io"

	"github.com/talabin/talabin/app/auditlog"
	"github.com/talabin/talabin/app/notices"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// requireStaff refuses a principal that is not staff.
func requireStaff(p ports.Principal) error {
	if p.UserID <= 0 {
		return core.ErrNotAuthenticated
	}
	if !p.Role.IsStaff() {
		return core.ErrPermissionDenied
	}
	return nil
}

// Queue lists profiles for review; see [ports.KYC.Queue].
func (s *Service) Queue(ctx context.Context, p ports.Principal, st kyc.Status, offset, limit int) ([]ports.KYCStatus, int, error) {
	if err := requireStaff(p); err != nil {
		return nil, 0, err
	}
	var (
		out   []ports.KYCStatus
		count int
	)
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		profiles, n, err := tx.KYC().List(ctx, st, offset, limit)
		if err != nil {
			return err
		}
		count, out = n, make([]ports.KYCStatus, 0, len(profiles))
		for _, profile := range profiles {
			docs, err := tx.Documents().Current(ctx, profile.User())
			if err != nil {
				return err
			}
			out = append(out, ports.KYCStatus{Profile: profile, Documents: docs, Required: kyc.Missing(docs)})
		}
		return nil
	})
	return out, count, err
}

// Review returns one user's status; see [ports.KYC.Review].
func (s *Service) Review(ctx context.Context, p ports.Principal, user core.UserID) (ports.KYCStatus, error) {
	if err := requireStaff(p); err != nil {
		return ports.KYCStatus{}, err
	}
	var st ports.KYCStatus
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		st, err = status(ctx, tx, user, false)
		return err
	})
	return st, err
}

// Approve approves a pending submission; see [ports.KYC.Approve]. The current documents are
// accepted with a level-2 approval.
func (s *Service) Approve(ctx context.Context, p ports.Principal, user core.UserID, level int, reason string) (ports.KYCStatus, error) {
	return s.decide(ctx, p, user, actionApprove, reason, func(st ports.KYCStatus) error {
		if level == kyc.MaxLevel && len(st.Required) > 0 {
			names := make([]string, len(st.Required))
			for i, k := range st.Required {
				names[i] = k.String()
			}
			return &core.DocumentsMissingError{Missing: names}
		}
		return st.Profile.Approve(level, p.UserID, s.now())
	}, level == kyc.MaxLevel)
}

// Reject rejects a pending submission; see [ports.KYC.Reject]. The current documents are
// rejected with it, so the user uploads them again.
func (s *Service) Reject(ctx context.Context, p ports.Principal, user core.UserID, reason string) (ports.KYCStatus, error) {
	return s.decide(ctx, p, user, actionReject, reason, func(st ports.KYCStatus) error {
		return st.Profile.Reject(reason, p.UserID, s.now())
	}, false)
}

// decide runs one staff decision on user's profile in a transaction, reviews the current
// documents (accepted when accept is set, else rejected when the decision rejects), and
// audits it with reason.
func (s *Service) decide(ctx context.Context, p ports.Principal, user core.UserID, action, reason string,
	apply func(st ports.KYCStatus) error, accept bool,
) (ports.KYCStatus, error) {
	if err := requireStaff(p); err != nil {
		return ports.KYCStatus{}, err
	}
	var st ports.KYCStatus
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		var err error
		if st, err = status(ctx, tx, user, true); err != nil {
			return err
		}
		before := profileDigest(st.Profile)
		if err := apply(st); err != nil {
			return err
		}
		now := s.now()
		if err := tx.KYC().Save(ctx, st.Profile); err != nil {
			return err
		}
		if accept || action == actionReject {
			for _, d := range st.Documents {
				d.Review(accept, now)
				if err := tx.Documents().Save(ctx, d); err != nil {
					return err
				}
			}
			st.Required = kyc.Missing(st.Documents)
		}
		if err := noticeDecision(ctx, tx, st.Profile); err != nil {
			return err
		}
		e := auditlog.Event(p, now, action, entityKYC, user.String())
		e.Reason, e.BeforeDigest, e.AfterDigest = reason, before, profileDigest(st.Profile)
		return auditlog.Append(ctx, tx, e)
	})
	return st, err
}

// noticeDecision tells the user by SMS that their submission was approved or rejected.
func noticeDecision(ctx context.Context, tx ports.Tx, p *kyc.Profile) error {
	switch p.Status() {
	case kyc.StatusApproved:
		return notices.Enqueue(ctx, tx, notices.Args{User: p.User(), Notice: notices.KYCApproved, Level: p.Level()})
	case kyc.StatusRejected:
		return notices.Enqueue(ctx, tx, notices.Args{User: p.User(), Notice: notices.KYCRejected,
			Reference: auditlog.Stamp(p.Record().ReviewedAt)})
	default:
		return nil
	}
}

// Document opens a document for staff, audited; see [ports.KYC.Document].
func (s *Service) Document(ctx context.Context, p ports.Principal, id kyc.DocumentID) (io.ReadCloser, ports.BlobInfo, error) {
	if err := requireStaff(p); err != nil {
		return nil, ports.BlobInfo{}, err
	}
	var key string
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		d, err := tx.Documents().Get(ctx, id)
		if err != nil {
			return err
		}
		key = d.Record().BlobKey
		return auditlog.Append(ctx, tx, auditlog.Event(p, s.now(), actionDocumentDownload, entityDocument, id.String()))
	})
	if err != nil {
		return nil, ports.BlobInfo{}, err
	}
	return s.cfg.Blobs.Get(ctx, key)
}
