package httpapi_test

import (
	"context"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// Fixture values of [newFakeKYC]: the fixture user's identity and documents 101 (front), 102
// (back) and 103 (selfie).
const (
	fixtureNationalID  = "0013542419"
	fixtureDocFileType = "image/png"
	fixtureDocContent  = "\x89PNG document"
)

// fixtureBirthDate is the fixture user's birth date: 1369/01/01 in the Jalali calendar.
var fixtureBirthDate = time.Date(1990, 3, 21, 0, 0, 0, 0, time.UTC)

// fixtureProfile returns the fixture user's profile with a level-2 submission waiting for
// the mobile inquiry.
func fixtureProfile() *kyc.Profile {
	nid, err := iran.ParseNationalCode(fixtureNationalID)
	if err != nil {
		panic(err)
	}
	return kyc.RehydrateProfile(kyc.ProfileRecord{
		User: fakeUserID, Status: kyc.StatusPending, TargetLevel: 2, FirstName: "علی", LastName: "رضایی",
		NationalID: nid, BirthDate: fixtureBirthDate, Shahkar: kyc.CheckPending,
		SubmittedAt: fixtureAt, UpdatedAt: fixtureAt,
	})
}

// withProfile returns p changed by change.
func withProfile(p *kyc.Profile, change func(r *kyc.ProfileRecord)) *kyc.Profile {
	r := p.Record()
	change(&r)
	return kyc.RehydrateProfile(r)
}

// fixtureDocument returns the fixture user's uploaded document of kind: 101 front, 102 back,
// 103 selfie.
func fixtureDocument(kind kyc.DocumentKind) *kyc.Document {
	id := map[kyc.DocumentKind]kyc.DocumentID{kyc.NationalCardFront: 101, kyc.NationalCardBack: 102, kyc.Selfie: 103}[kind]
	return kyc.RehydrateDocument(kyc.DocumentRecord{
		ID: id, User: fakeUserID, Kind: kind, BlobKey: "kyc/" + id.String(), ContentType: fixtureDocFileType,
		Size: int64(len(fixtureDocContent)), Status: kyc.DocumentUploaded, CreatedAt: fixtureAt, UpdatedAt: fixtureAt,
	})
}

// fixtureDocuments returns the three documents of the fixture user.
func fixtureDocuments() []*kyc.Document {
	return []*kyc.Document{
		fixtureDocument(kyc.NationalCardFront), fixtureDocument(kyc.NationalCardBack), fixtureDocument(kyc.Selfie),
	}
}

// fixturePendingStatus is the fixture user's status: the pending submission, every document.
func fixturePendingStatus() ports.KYCStatus {
	return ports.KYCStatus{Profile: fixtureProfile(), Documents: fixtureDocuments()}
}

// kycCall records one call of the fake: the method, the caller and the input.
type kycCall struct {
	Method    string
	Principal ports.Principal
	Input     any
}

// uploadRead is what UploadDocument was given: the kind and the file's bytes.
type uploadRead struct {
	Kind    kyc.DocumentKind
	Content string
}

// queueInput, decisionInput are what Queue, Approve and Reject were given.
type queueInput struct {
	Status        kyc.Status
	Offset, Limit int
}

type decisionInput struct {
	User   core.UserID
	Level  int
	Reason string
}

// fakeKYC implements [ports.KYC] with func fields that answer with the fixtures; a test
// replaces the ones it needs. It records every call.
type fakeKYC struct {
	StatusFunc   func(context.Context, ports.Principal) (ports.KYCStatus, error)
	UploadFunc   func(ctx context.Context, p ports.Principal, kind kyc.DocumentKind, content string) (*kyc.Document, error)
	SubmitFunc   func(context.Context, ports.Principal, ports.KYCSubmission) (ports.KYCStatus, error)
	QueueFunc    func(context.Context, ports.Principal, kyc.Status, int, int) ([]ports.KYCStatus, int, error)
	ReviewFunc   func(context.Context, ports.Principal, core.UserID) (ports.KYCStatus, error)
	ApproveFunc  func(context.Context, ports.Principal, core.UserID, int, string) (ports.KYCStatus, error)
	RejectFunc   func(context.Context, ports.Principal, core.UserID, string) (ports.KYCStatus, error)
	DocumentFunc func(context.Context, ports.Principal, kyc.DocumentID) (io.ReadCloser, ports.BlobInfo, error)

	mu    sync.Mutex
	calls []kycCall
}

var _ ports.KYC = (*fakeKYC)(nil)

// newFakeKYC returns a fake whose user never submitted until Submit, which answers the
// pending fixture; uploads succeed as the fixture document of their kind; staff see the
// fixture user.
func newFakeKYC() *fakeKYC {
	f := &fakeKYC{}
	f.StatusFunc = func(_ context.Context, p ports.Principal) (ports.KYCStatus, error) {
		return ports.KYCStatus{Profile: kyc.NewProfile(p.UserID), Required: kyc.RequiredDocuments()}, nil
	}
	f.UploadFunc = func(_ context.Context, _ ports.Principal, kind kyc.DocumentKind, _ string) (*kyc.Document, error) {
		return fixtureDocument(kind), nil
	}
	f.SubmitFunc = func(_ context.Context, _ ports.Principal, in ports.KYCSubmission) (ports.KYCStatus, error) {
		st := fixturePendingStatus()
		st.Profile = withProfile(st.Profile, func(r *kyc.ProfileRecord) { r.TargetLevel = max(in.TargetLevel, 1) })
		return st, nil
	}
	f.QueueFunc = func(context.Context, ports.Principal, kyc.Status, int, int) ([]ports.KYCStatus, int, error) {
		return []ports.KYCStatus{fixturePendingStatus()}, 1, nil
	}
	f.ReviewFunc = func(_ context.Context, _ ports.Principal, user core.UserID) (ports.KYCStatus, error) {
		if user != fakeUserID {
			return ports.KYCStatus{}, core.ErrNotFound
		}
		return fixturePendingStatus(), nil
	}
	f.ApproveFunc = func(_ context.Context, p ports.Principal, _ core.UserID, level int, _ string) (ports.KYCStatus, error) {
		st := fixturePendingStatus()
		st.Profile = withProfile(st.Profile, func(r *kyc.ProfileRecord) {
			r.Status, r.Level, r.Shahkar, r.ReviewedBy, r.ReviewedAt = kyc.StatusApproved, level, kyc.CheckSkipped, p.UserID, fixtureAt
		})
		for _, d := range st.Documents {
			d.Review(true, fixtureAt)
		}
		return st, nil
	}
	f.RejectFunc = func(_ context.Context, p ports.Principal, _ core.UserID, reason string) (ports.KYCStatus, error) {
		st := fixturePendingStatus()
		st.Profile = withProfile(st.Profile, func(r *kyc.ProfileRecord) {
			r.Status, r.RejectionReason, r.ReviewedBy, r.ReviewedAt = kyc.StatusRejected, reason, p.UserID, fixtureAt
		})
		return st, nil
	}
	f.DocumentFunc = func(context.Context, ports.Principal, kyc.DocumentID) (io.ReadCloser, ports.BlobInfo, error) {
		return io.NopCloser(strings.NewReader(fixtureDocContent)),
			ports.BlobInfo{Key: "kyc/101", Size: int64(len(fixtureDocContent)), ContentType: fixtureDocFileType}, nil
	}
	return f
}

func (f *fakeKYC) record(c kycCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
}

// Calls returns the calls received so far, in order.
func (f *fakeKYC) Calls() []kycCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]kycCall(nil), f.calls...)
}

// methods returns the methods called, in order.
func (f *fakeKYC) methods() []string {
	calls := f.Calls()
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.Method
	}
	return out
}

// lastKYCCall returns the latest call of method.
func (f *fakeKYC) lastKYCCall(method string) (kycCall, bool) {
	calls := f.Calls()
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Method == method {
			return calls[i], true
		}
	}
	return kycCall{}, false
}

func (f *fakeKYC) Status(ctx context.Context, p ports.Principal) (ports.KYCStatus, error) {
	f.record(kycCall{Method: "Status", Principal: p})
	return f.StatusFunc(ctx, p)
}

func (f *fakeKYC) UploadDocument(ctx context.Context, p ports.Principal, kind kyc.DocumentKind, file io.Reader) (*kyc.Document, error) {
	content, err := io.ReadAll(file)
	if err != nil {
		return nil, err
	}
	f.record(kycCall{Method: "UploadDocument", Principal: p, Input: uploadRead{Kind: kind, Content: string(content)}})
	return f.UploadFunc(ctx, p, kind, string(content))
}

func (f *fakeKYC) Submit(ctx context.Context, p ports.Principal, in ports.KYCSubmission) (ports.KYCStatus, error) {
	f.record(kycCall{Method: "Submit", Principal: p, Input: in})
	return f.SubmitFunc(ctx, p, in)
}

func (f *fakeKYC) Queue(ctx context.Context, p ports.Principal, status kyc.Status, offset, limit int) ([]ports.KYCStatus, int, error) {
	f.record(kycCall{Method: "Queue", Principal: p, Input: queueInput{Status: status, Offset: offset, Limit: limit}})
	return f.QueueFunc(ctx, p, status, offset, limit)
}

func (f *fakeKYC) Review(ctx context.Context, p ports.Principal, user core.UserID) (ports.KYCStatus, error) {
	f.record(kycCall{Method: "Review", Principal: p, Input: user})
	return f.ReviewFunc(ctx, p, user)
}

func (f *fakeKYC) Approve(ctx context.Context, p ports.Principal, user core.UserID, level int, reason string) (ports.KYCStatus, error) {
	f.record(kycCall{Method: "Approve", Principal: p, Input: decisionInput{User: user, Level: level, Reason: reason}})
	return f.ApproveFunc(ctx, p, user, level, reason)
}

func (f *fakeKYC) Reject(ctx context.Context, p ports.Principal, user core.UserID, reason string) (ports.KYCStatus, error) {
	f.record(kycCall{Method: "Reject", Principal: p, Input: decisionInput{User: user, Reason: reason}})
	return f.RejectFunc(ctx, p, user, reason)
}

func (f *fakeKYC) Document(ctx context.Context, p ports.Principal, id kyc.DocumentID) (io.ReadCloser, ports.BlobInfo, error) {
	f.record(kycCall{Method: "Document", Principal: p, Input: id})
	return f.DocumentFunc(ctx, p, id)
}
