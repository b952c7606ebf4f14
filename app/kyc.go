package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/talabin/talabin/adapters/inquiry/fake"
	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/app/backoffice"
	"github.com/talabin/talabin/app/config"
	kycsvc "github.com/talabin/talabin/app/kyc"
	"github.com/talabin/talabin/app/privacy"
	"github.com/talabin/talabin/ports"
)

// kycInquiryRetryInterval is how often submissions whose mobile inquiry could not answer are
// asked about again.
const kycInquiryRetryInterval = time.Minute

// Inquiries are the identity inquiries OWNERSHIP_INQUIRY selects: Sheba ownership for
// payments and mobile ownership (Shahkar) for KYC level 1. Both are nil with `none`: staff
// confirm bank accounts and level 1 by hand.
type Inquiries struct {
	Sheba  ports.OwnershipInquiry
	Mobile ports.MobileInquiry
}

// NewInquiries returns the inquiries cfg selects; `fake` (development only) answers both
// from memory.
func NewInquiries(cfg config.Config) Inquiries {
	if cfg.Inquiry() != config.InquiryFake {
		return Inquiries{}
	}
	f := fake.New()
	return Inquiries{Sheba: f, Mobile: f}
}

// NewKYCService returns the identity verification service, keeping documents in blobs.
func NewKYCService(store ports.Store, blobs ports.BlobStore, inquiries Inquiries, clock ports.Clock, logger *slog.Logger) (*kycsvc.Service, error) {
	return kycsvc.NewService(kycsvc.Config{Blobs: blobs, Inquiry: inquiries.Mobile}, store, clock, logger)
}

// kycInquiryRetryArgs is the periodic job that asks the mobile inquiry again.
type kycInquiryRetryArgs struct{}

func (kycInquiryRetryArgs) Kind() string { return "kyc_inquiry_retry" }

type kycInquiryRetryWorker struct {
	river.WorkerDefaults[kycInquiryRetryArgs]
	svc *kycsvc.Service
}

func (w *kycInquiryRetryWorker) Work(ctx context.Context, _ *river.Job[kycInquiryRetryArgs]) error {
	_, err := w.svc.RetryInquiries(ctx)
	return err
}

// kycInquiryRetryJob schedules the retry every minute; a failed round is not retried.
func kycInquiryRetryJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(kycInquiryRetryInterval),
		func() (river.JobArgs, *river.InsertOpts) {
			return kycInquiryRetryArgs{}, &river.InsertOpts{MaxAttempts: 1}
		}, &river.PeriodicJobOpts{ID: "kyc_inquiry_retry"})
}

// NewBackoffice returns the staff's user administration and audit-log service; accts (the
// accounts service) drops the sessions of a disabled user from its cache.
func NewBackoffice(store ports.Store, clock ports.Clock, accts ports.Accounts, logger *slog.Logger) (*backoffice.Service, error) {
	revoker, ok := accts.(backoffice.SessionRevoker)
	if !ok {
		return nil, errors.New("the accounts service cannot forget revoked sessions")
	}
	return backoffice.NewService(store, clock, revoker, logger)
}

// NewPrivacy returns the personal-data service: export and account deletion, with phone and
// national-id tombstones keyed by keys.Tombstone and the accounts service checking passwords
// and codes and forgetting the deleted user's sessions.
func NewPrivacy(store ports.Store, blobs ports.BlobStore, keys Keys, accts ports.Accounts, clock ports.Clock, logger *slog.Logger) (*privacy.Service, error) {
	svc, ok := accts.(*accounts.Service)
	if !ok {
		return nil, errors.New("privacy needs the accounts service")
	}
	return privacy.NewService(privacy.Config{
		Blobs: blobs, TombstoneKey: keys.Tombstone, Passwords: svc, StepUp: svc, Revoker: svc,
	}, store, clock, logger)
}
