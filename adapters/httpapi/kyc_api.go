package httpapi

import (
	"errors"
	"fmt"
	"time"

	"github.com/talabin/talabin/ports"
)

// KYCLimits are the per-user rate limits of the identity verification endpoints (API.md
// §3.2).
type KYCLimits struct {
	// DocumentUpload limits POST kyc/documents/ and its aliases upload-document/ and
	// upload-selfie/ per user, together.
	DocumentUpload ports.Limit
	// Submit limits POST kyc/submit/ per user: each submission may cost a mobile inquiry.
	Submit ports.Limit
	// ProfileVerification limits the original combined route, POST
	// auth/profile/verification/, per user.
	ProfileVerification ports.Limit
}

// DefaultKYCLimits returns the limits of API.md §3.2: document upload 20/h, submit 5/h and
// the combined profile verification 10/h per user.
func DefaultKYCLimits() KYCLimits {
	return KYCLimits{
		DocumentUpload:      ports.PerPeriod("kyc.document_upload", 20, time.Hour),
		Submit:              ports.PerPeriod("kyc.submit", 5, time.Hour),
		ProfileVerification: ports.PerPeriod("kyc.profile_verification", 10, time.Hour),
	}
}

// withDefaults returns l with every unnamed limit taken from [DefaultKYCLimits].
func (l KYCLimits) withDefaults() KYCLimits {
	d := DefaultKYCLimits()
	for _, p := range []struct{ dst, def *ports.Limit }{
		{&l.DocumentUpload, &d.DocumentUpload}, {&l.Submit, &d.Submit}, {&l.ProfileVerification, &d.ProfileVerification},
	} {
		if p.dst.Name == "" {
			*p.dst = *p.def
		}
	}
	return l
}

// validate reports every invalid limit.
func (l KYCLimits) validate() error {
	var errs []error
	for _, lim := range []ports.Limit{l.DocumentUpload, l.Submit, l.ProfileVerification} {
		errs = append(errs, lim.Validate())
	}
	return errors.Join(errs...)
}

// KYCConfig configures [NewKYC]: the identity verification endpoints of API.md §3.2 and the
// staff's review of §3.13 (admin/kyc/). KYC is required; app/kyc's Service implements it.
// The User answers of the identity endpoints show the KYC fields only when
// [AuthConfig.KYC] is set too.
type KYCConfig struct {
	KYC ports.KYC
	// Limits are the per-user rate limits; a limit left zero (no Name) takes its value from
	// [DefaultKYCLimits].
	Limits KYCLimits
}

// KYC serves the caller's identity verification (status, documents, submission, and the
// original's combined profile/verification/ route) and the staff's review queue. Build it
// with [NewKYC] and register [KYC.Routes], or pass [WithKYC] to [NewRouter].
type KYC struct {
	auth   *Auth
	kyc    ports.KYC
	limits KYCLimits
}

// NewKYC validates cfg and returns the endpoints it configures, behind auth's middleware
// (client IP, backstop limits, authentication) and rate limiter.
func NewKYC(auth *Auth, cfg KYCConfig) (*KYC, error) {
	var errs []error
	if auth == nil {
		errs = append(errs, errors.New("auth is required"))
	}
	if cfg.KYC == nil {
		errs = append(errs, errors.New("kyc is required"))
	}
	limits := cfg.Limits.withDefaults()
	errs = append(errs, limits.validate())
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("httpapi: kyc config: %w", err)
	}
	return &KYC{auth: auth, kyc: cfg.KYC, limits: limits}, nil
}

// WithKYC adds the identity verification and staff KYC endpoints configured by cfg (see
// [NewKYC]).
func WithKYC(cfg KYCConfig) RouterOption {
	return func(a *Auth) (func(rt Routes), error) {
		k, err := NewKYC(a, cfg)
		if err != nil {
			return nil, err
		}
		return k.Routes, nil
	}
}

// Routes registers the endpoints: GET /api/kyc/status/, POST /api/kyc/documents/ (also POST
// /api/kyc/upload-document/, and POST /api/kyc/upload-selfie/ for kind selfie), POST
// /api/kyc/submit/ and the original combined POST /api/auth/profile/verification/, each for
// the signed-in user; the staff's queue and review under /api/admin/kyc/ and the download of
// a document's file at GET /api/admin/kyc/documents/{id}/ (403 permission_denied for
// non-staff; the service checks the role too).
func (k *KYC) Routes(rt Routes) {
	a := k.auth
	user := a.User(rt)
	user.Route("/api/kyc", func(rt Routes) {
		rt.Get("/status/", k.status)
		upload := rt.With(a.limitBy(k.limits.DocumentUpload, KeyByUser))
		upload.Post("/documents/", k.uploadDocument)
		upload.Post("/upload-document/", k.uploadDocument)
		upload.Post("/upload-selfie/", k.uploadSelfie)
		rt.With(a.limitBy(k.limits.Submit, KeyByUser)).Post("/submit/", k.submit)
	})
	user.With(a.limitBy(k.limits.ProfileVerification, KeyByUser)).Post("/api/auth/profile/verification/", k.profileVerification)
	user.With(requireStaff).Route("/api/admin/kyc", func(rt Routes) {
		rt.Get("/", k.staffQueue)
		rt.Get("/documents/{id}/", k.staffDocument)
		rt.Get("/{user_id}/", k.staffReview)
		rt.Post("/{user_id}/approve/", k.staffApprove)
		rt.Post("/{user_id}/reject/", k.staffReject)
	})
}
