package httpapi_test

import (
	"context"
	"sync"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/audit"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// Tokens of the staff user tests, beside tokenGood (a customer) and tokenStaff (an admin).
const (
	tokenOperator  = "access-operator"
	operatorUserID = 8
)

// adminUsersAt is when the fixture events happened.
var adminUsersAt = time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC)

// fixtureUserSummary returns the fixture user as staff see it: IRR and gold partly frozen,
// verified at level 1.
func fixtureUserSummary() ports.UserSummary {
	nid, _ := iran.ParseNationalCode("0013542419")
	return ports.UserSummary{
		User: fakeUser(),
		IRR:  ledger.Balance{Available: 3_990_000, Held: 10_000},
		Gold: ledger.Balance{Available: 500_000, Held: 250_000},
		KYC: kyc.RehydrateProfile(kyc.ProfileRecord{
			User: fakeUserID, Status: kyc.StatusApproved, Level: 1, TargetLevel: 1, FirstName: "علی",
			LastName: "رضایی", NationalID: nid, Shahkar: kyc.CheckPassed, SubmittedAt: adminUsersAt,
			ReviewedAt: adminUsersAt, UpdatedAt: adminUsersAt,
		}),
	}
}

// disabledSummary returns s with its user disabled at adminUsersAt.
func disabledSummary(s ports.UserSummary) ports.UserSummary {
	rec := s.User.Record()
	rec.DisabledAt = adminUsersAt
	s.User = identity.RehydrateUserRecord(rec)
	return s
}

// fixtureAuditEvents returns an admin's disable, chained, and the system's event from before
// the chain began.
func fixtureAuditEvents() []ports.AuditEvent {
	var prev, hash audit.Hash
	prev[0], hash[0] = 0xab, 0xcd
	return []ports.AuditEvent{
		{
			ID: 12, At: adminUsersAt, ActorID: staffUserID, ActorRole: "admin", Action: "user.disable",
			Entity: "user", EntityID: "42", Reason: "گزارش تقلب", IP: "203.0.113.7", UserAgent: "talabin-test",
			RequestID: "req-12", BeforeDigest: "b4", AfterDigest: "af", Chain: 5, PrevHash: prev, Hash: hash,
		},
		{ID: 3, At: adminUsersAt.Add(-time.Hour), ActorRole: "system", Action: "trading.halt", Entity: "trading", EntityID: "1"},
	}
}

// staffUsersCall is one call the fake received.
type staffUsersCall struct {
	Method    string
	Principal ports.Principal
	Input     []any
}

// fakeStaffUsers is a [ports.StaffUsers] whose methods call the func fields, which
// [newFakeStaffUsers] sets to answer with the fixtures under the service's role rules (reads
// for staff, changes and the audit log for admins); a test replaces the ones it needs.
type fakeStaffUsers struct {
	UsersFunc    func(context.Context, ports.Principal, ports.UserFilter, int, int) ([]ports.UserSummary, int, error)
	UserFunc     func(context.Context, ports.Principal, core.UserID) (ports.UserSummary, error)
	DisableFunc  func(context.Context, ports.Principal, core.UserID, string) (ports.UserSummary, error)
	EnableFunc   func(context.Context, ports.Principal, core.UserID, string) (ports.UserSummary, error)
	AuditLogFunc func(context.Context, ports.Principal, ports.AuditFilter, int, int) ([]ports.AuditEvent, int, error)

	mu    sync.Mutex
	calls []staffUsersCall
}

var _ ports.StaffUsers = (*fakeStaffUsers)(nil)

// fakeRoleCheck refuses non-staff, and non-admins when admin is set.
func fakeRoleCheck(p ports.Principal, admin bool) error {
	if !p.Role.IsStaff() || admin && p.Role != identity.RoleAdmin {
		return core.ErrPermissionDenied
	}
	return nil
}

// newFakeStaffUsers returns a fake that answers with the fixtures.
func newFakeStaffUsers() *fakeStaffUsers {
	f := &fakeStaffUsers{}
	f.UsersFunc = func(_ context.Context, p ports.Principal, _ ports.UserFilter, _, _ int) ([]ports.UserSummary, int, error) {
		if err := fakeRoleCheck(p, false); err != nil {
			return nil, 0, err
		}
		return []ports.UserSummary{fixtureUserSummary(), disabledSummary(ports.UserSummary{User: fakeStaffMember()})}, 2, nil
	}
	f.UserFunc = func(_ context.Context, p ports.Principal, id core.UserID) (ports.UserSummary, error) {
		if err := fakeRoleCheck(p, false); err != nil {
			return ports.UserSummary{}, err
		}
		if id != fakeUserID {
			return ports.UserSummary{}, core.ErrNotFound
		}
		return fixtureUserSummary(), nil
	}
	f.DisableFunc = func(_ context.Context, p ports.Principal, _ core.UserID, _ string) (ports.UserSummary, error) {
		if err := fakeRoleCheck(p, true); err != nil {
			return ports.UserSummary{}, err
		}
		return disabledSummary(fixtureUserSummary()), nil
	}
	f.EnableFunc = func(_ context.Context, p ports.Principal, _ core.UserID, _ string) (ports.UserSummary, error) {
		if err := fakeRoleCheck(p, true); err != nil {
			return ports.UserSummary{}, err
		}
		return fixtureUserSummary(), nil
	}
	f.AuditLogFunc = func(_ context.Context, p ports.Principal, _ ports.AuditFilter, _, _ int) ([]ports.AuditEvent, int, error) {
		if err := fakeRoleCheck(p, true); err != nil {
			return nil, 0, err
		}
		return fixtureAuditEvents(), 2, nil
	}
	return f
}

// fakeStaffMember returns an operator without accounts or a verification profile.
func fakeStaffMember() identity.User {
	return identity.RehydrateUserRecord(identity.UserRecord{
		ID: operatorUserID, Phone: "+989351234567", FirstName: "Sara", LastName: "Ahmadi", Email: "sara@talabin.test",
		Role: identity.RoleOperator, PhoneVerifiedAt: fakeCreatedAt, CreatedAt: fakeCreatedAt,
	})
}

func (f *fakeStaffUsers) record(method string, p ports.Principal, input ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, staffUsersCall{Method: method, Principal: p, Input: input})
}

// recorded returns the calls received, in order.
func (f *fakeStaffUsers) recorded() []staffUsersCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]staffUsersCall(nil), f.calls...)
}

// last returns the last call of method.
func (f *fakeStaffUsers) last(method string) (staffUsersCall, bool) {
	calls := f.recorded()
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Method == method {
			return calls[i], true
		}
	}
	return staffUsersCall{}, false
}

func (f *fakeStaffUsers) Users(ctx context.Context, p ports.Principal, filter ports.UserFilter, offset, limit int) ([]ports.UserSummary, int, error) {
	f.record("Users", p, filter, offset, limit)
	return f.UsersFunc(ctx, p, filter, offset, limit)
}

func (f *fakeStaffUsers) User(ctx context.Context, p ports.Principal, id core.UserID) (ports.UserSummary, error) {
	f.record("User", p, id)
	return f.UserFunc(ctx, p, id)
}

func (f *fakeStaffUsers) Disable(ctx context.Context, p ports.Principal, id core.UserID, reason string) (ports.UserSummary, error) {
	f.record("Disable", p, id, reason)
	return f.DisableFunc(ctx, p, id, reason)
}

func (f *fakeStaffUsers) Enable(ctx context.Context, p ports.Principal, id core.UserID, reason string) (ports.UserSummary, error) {
	f.record("Enable", p, id, reason)
	return f.EnableFunc(ctx, p, id, reason)
}

func (f *fakeStaffUsers) AuditLog(ctx context.Context, p ports.Principal, filter ports.AuditFilter, offset, limit int) ([]ports.AuditEvent, int, error) {
	f.record("AuditLog", p, filter, offset, limit)
	return f.AuditLogFunc(ctx, p, filter, offset, limit)
}
