package backoffice_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/backoffice"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

func TestNewServiceNeedsDependencies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tt := range []struct {
		name    string
		store   ports.Store
		clock   ports.Clock
		revoker backoffice.SessionRevoker
	}{
		{"NoStore", nil, b.clock, b.revoker},
		{"NoClock", b.store, nil, b.revoker},
		{"NoRevoker", b.store, b.clock, nil},
	} {
		_, err := backoffice.NewService(tt.store, tt.clock, tt.revoker, slog.New(slog.DiscardHandler))
		require.Error(t, err, tt.name)
	}
}

// TestRoles checks who may do what: any staff reads users, only an admin disables, enables
// and reads the audit log; customers and anonymous callers nothing.
func TestRoles(t *testing.T) {
	t.Parallel()
	type op func(ctx context.Context, svc *backoffice.Service, p ports.Principal, target core.UserID) error
	ops := map[string]op{
		"Users": func(ctx context.Context, svc *backoffice.Service, p ports.Principal, _ core.UserID) error {
			_, _, err := svc.Users(ctx, p, ports.UserFilter{}, 0, 20)
			return err
		},
		"User": func(ctx context.Context, svc *backoffice.Service, p ports.Principal, target core.UserID) error {
			_, err := svc.User(ctx, p, target)
			return err
		},
		"Disable": func(ctx context.Context, svc *backoffice.Service, p ports.Principal, target core.UserID) error {
			_, err := svc.Disable(ctx, p, target, "fraud report")
			return err
		},
		"Enable": func(ctx context.Context, svc *backoffice.Service, p ports.Principal, target core.UserID) error {
			_, err := svc.Enable(ctx, p, target, "cleared")
			return err
		},
		"AuditLog": func(ctx context.Context, svc *backoffice.Service, p ports.Principal, _ core.UserID) error {
			_, _, err := svc.AuditLog(ctx, p, ports.AuditFilter{}, 0, 20)
			return err
		},
	}
	tests := []struct {
		role identity.Role
		// anonymous signs nobody in.
		anonymous bool
		want      map[string]error
	}{
		{role: identity.RoleUser, anonymous: true, want: map[string]error{
			"Users": core.ErrNotAuthenticated, "User": core.ErrNotAuthenticated, "Disable": core.ErrNotAuthenticated,
			"Enable": core.ErrNotAuthenticated, "AuditLog": core.ErrNotAuthenticated,
		}},
		{role: identity.RoleUser, want: map[string]error{
			"Users": core.ErrPermissionDenied, "User": core.ErrPermissionDenied, "Disable": core.ErrPermissionDenied,
			"Enable": core.ErrPermissionDenied, "AuditLog": core.ErrPermissionDenied,
		}},
		{role: identity.RoleOperator, want: map[string]error{
			"Users": nil, "User": nil, "Disable": core.ErrPermissionDenied,
			"Enable": core.ErrPermissionDenied, "AuditLog": core.ErrPermissionDenied,
		}},
		{role: identity.RoleAdmin, want: map[string]error{
			"Users": nil, "User": nil, "Disable": nil, "Enable": nil, "AuditLog": nil,
		}},
	}
	for _, tt := range tests {
		for name, want := range tt.want {
			caller := tt.role.String()
			if tt.anonymous {
				caller = "Anonymous"
			}
			t.Run(caller+"/"+name, func(t *testing.T) {
				t.Parallel()
				b := setup(t)
				target := b.newUser(t, identity.RoleUser)
				p := ports.Principal{}
				if !tt.anonymous {
					p = b.principal(b.newUser(t, tt.role), tt.role)
				}
				err := ops[name](t.Context(), b.svc, p, target)
				if want == nil {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, want)
				require.False(t, b.user(t, target).Disabled(), "a refused call changes nothing")
				require.Empty(t, b.audit(t), "a refused call audits nothing")
			})
		}
	}
}

func TestUserSummary(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.operator(t)
	rich := b.newUser(t, identity.RoleUser)
	j, err := ledger.DepositJournal(rich, ledger.ExternalAccount(ledger.IRR), 5_000_000, "dep-1")
	b.post(t, j, err)
	j, err = ledger.TreasuryInJournal(ledger.Gold, 2_000_000, "treasury")
	b.post(t, j, err)
	j, err = ledger.BuyJournal(rich, 1_000_000, 10_000, 500_000, "ord-1")
	b.post(t, j, err)

	got, err := b.svc.User(t.Context(), op, rich)
	require.NoError(t, err)
	require.Equal(t, rich, got.User.ID())
	require.Equal(t, ledger.Balance{Available: 3_990_000}, got.IRR)
	require.Equal(t, ledger.Balance{Available: 500_000}, got.Gold)
	require.NotNil(t, got.KYC)
	require.Equal(t, kyc.StatusNotSubmitted, got.KYC.Status())
	require.Zero(t, got.KYC.Level())

	// A user whose phone was never verified has no accounts yet: zero balances.
	var bare core.UserID
	b.inTx(t, func(ctx context.Context, tx ports.Tx) error {
		var err error
		bare, err = tx.Users().Create(ctx, identity.NewUser("+989351234567", b.clock.Now()))
		return err
	})
	got, err = b.svc.User(t.Context(), op, bare)
	require.NoError(t, err)
	require.Zero(t, got.IRR)
	require.Zero(t, got.Gold)

	_, err = b.svc.User(t.Context(), op, 987654)
	require.ErrorIs(t, err, core.ErrNotFound)
}

func TestUsersSearchAndPaging(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.operator(t) // user 1
	var customers []core.UserID
	for range 5 {
		b.clock.Advance(time.Minute)
		customers = append(customers, b.newUser(t, identity.RoleUser))
	}
	// Names are stored with Persian yeh; admin is the newest, created with persian.
	persian := b.newNamedUser(t, identity.RoleUser, "علی")
	admin := b.admin(t)
	_, err := b.svc.Disable(t.Context(), admin, customers[1], "chargeback")
	require.NoError(t, err)

	ids := func(list []ports.UserSummary) []core.UserID {
		out := make([]core.UserID, len(list))
		for i, s := range list {
			out[i] = s.User.ID()
		}
		return out
	}

	page, count, err := b.svc.Users(t.Context(), op, ports.UserFilter{}, 2, 3)
	require.NoError(t, err)
	require.Equal(t, 8, count)
	require.Equal(t, []core.UserID{customers[4], customers[3], customers[2]}, ids(page), "newest first")
	page, _, err = b.svc.Users(t.Context(), op, ports.UserFilter{}, 5, 3)
	require.NoError(t, err)
	require.Equal(t, []core.UserID{customers[1], customers[0], op.UserID}, ids(page), "the last page")
	require.True(t, page[0].User.Disabled())

	yes, no := true, false
	tests := []struct {
		name   string
		filter ports.UserFilter
		want   []core.UserID
	}{
		{"ByID", ports.UserFilter{Query: customers[2].String()}, []core.UserID{customers[2]}},
		{"ByLocalPhone", ports.UserFilter{Query: "0" + strings.TrimPrefix(b.user(t, customers[0]).Phone(), "+98")}, []core.UserID{customers[0]}},
		{"ByPersianPhone", ports.UserFilter{Query: "۰۹۱۲۰۰۰۰۰۰۴"}, []core.UserID{customers[2]}},
		{"ByPhonePrefix", ports.UserFilter{Query: "+98912000000"}, []core.UserID{admin.UserID, persian, customers[4], customers[3], customers[2], customers[1], customers[0], op.UserID}},
		{"ByName", ports.UserFilter{Query: "user4"}, []core.UserID{customers[2]}},
		{"ByNameWithArabicLetters", ports.UserFilter{Query: " علي "}, []core.UserID{persian}},
		{"Disabled", ports.UserFilter{Disabled: &yes}, []core.UserID{customers[1]}},
		{"ActiveByName", ports.UserFilter{Query: "test", Disabled: &no}, []core.UserID{admin.UserID, persian, customers[4], customers[3], customers[2], customers[0], op.UserID}},
	}
	for _, tt := range tests {
		got, n, err := b.svc.Users(t.Context(), op, tt.filter, 0, 20)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.want, ids(got), tt.name)
		require.Len(t, tt.want, n, tt.name)
	}
}

func TestDisable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.admin(t)
	target := b.newUser(t, identity.RoleUser)
	sessions := []string{b.signIn(t, target), b.signIn(t, target)}
	bystander := b.newUser(t, identity.RoleUser)
	kept := b.signIn(t, bystander)
	b.clock.Advance(time.Minute)

	got, err := b.svc.Disable(t.Context(), admin, target, "  fraud report  ")
	require.NoError(t, err)
	require.True(t, got.User.Disabled())
	require.True(t, b.user(t, target).Disabled())
	require.True(t, b.clock.Now().Equal(b.user(t, target).DisabledAt()))
	for _, id := range sessions {
		s := b.session(t, id)
		require.Equal(t, identity.RevokeUserDisabled, s.RevokeReason(), id)
		require.ErrorIs(t, s.CheckActive(b.clock.Now()), core.ErrTokenRevoked, id)
	}
	require.NoError(t, b.session(t, kept).CheckActive(b.clock.Now()), "another user's session stays")
	require.Equal(t, []revocation{{user: target, reason: identity.RevokeUserDisabled, n: 2}}, b.revoker.notices())
	require.ErrorIs(t, b.user(t, target).CheckSignIn(), core.ErrAccountDisabled, "the user can no longer sign in")

	events := b.audit(t)
	require.Len(t, events, 1)
	e := events[0]
	require.Equal(t, "user.disable", e.Action)
	require.Equal(t, "user", e.Entity)
	require.Equal(t, target.String(), e.EntityID)
	require.Equal(t, "fraud report", e.Reason)
	require.Equal(t, admin.UserID, e.ActorID)
	require.Equal(t, "admin", e.ActorRole)
	require.Equal(t, "203.0.113.7", e.IP)
	require.Equal(t, "req-1", e.RequestID)
	require.NotEmpty(t, e.BeforeDigest)
	require.NotEqual(t, e.BeforeDigest, e.AfterDigest)

	// A retry finds the user disabled: same answer, no second audit event.
	b.clock.Advance(time.Minute)
	again, err := b.svc.Disable(t.Context(), admin, target, "fraud report")
	require.NoError(t, err)
	require.True(t, again.User.DisabledAt().Equal(got.User.DisabledAt()), "the first disable time stays")
	require.Len(t, b.audit(t), 1)
}

func TestDisableRefusals(t *testing.T) {
	t.Parallel()
	role := func(r identity.Role) func(*testing.T, *bundle, ports.Principal) core.UserID {
		return func(t *testing.T, b *bundle, _ ports.Principal) core.UserID { return b.newUser(t, r) }
	}
	customer := role(identity.RoleUser)
	tests := []struct {
		name   string
		target func(t *testing.T, b *bundle, admin ports.Principal) core.UserID
		reason string
		want   error
	}{
		{"Self", func(_ *testing.T, _ *bundle, admin ports.Principal) core.UserID { return admin.UserID }, "leaving", core.ErrInvalidState},
		{"Operator", role(identity.RoleOperator), "x", core.ErrInvalidState},
		{"OtherAdmin", role(identity.RoleAdmin), "x", core.ErrInvalidState},
		{"Unknown", func(*testing.T, *bundle, ports.Principal) core.UserID { return 987654 }, "x", core.ErrNotFound},
		{"NoReason", customer, "   ", core.ErrInvalidInput},
		{"LongReason", customer, strings.Repeat("د", ports.MaxReasonLen+1), core.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			admin := b.admin(t)
			target := tt.target(t, b, admin)
			exists := !errors.Is(tt.want, core.ErrNotFound)
			var sid string
			if exists {
				sid = b.signIn(t, target)
			}
			_, err := b.svc.Disable(t.Context(), admin, target, tt.reason)
			require.ErrorIs(t, err, tt.want)
			if errors.Is(tt.want, core.ErrInvalidState) {
				var ise *core.InvalidStateError
				require.ErrorAs(t, err, &ise)
			}
			if exists {
				require.False(t, b.user(t, target).Disabled())
				require.NoError(t, b.session(t, sid).CheckActive(b.clock.Now()), "sessions stay")
			}
			require.Empty(t, b.audit(t))
			require.Empty(t, b.revoker.notices())
		})
	}
}

func TestEnable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin := b.admin(t)
	target := b.newUser(t, identity.RoleUser)
	_, err := b.svc.Disable(t.Context(), admin, target, "chargeback")
	require.NoError(t, err)

	_, err = b.svc.Enable(t.Context(), admin, target, "")
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve, "a reason is required")
	require.Contains(t, ve.Fields, "reason")

	b.clock.Advance(time.Hour)
	got, err := b.svc.Enable(t.Context(), admin, target, "bank confirmed")
	require.NoError(t, err)
	require.False(t, got.User.Disabled())
	require.False(t, b.user(t, target).Disabled())
	require.NoError(t, b.user(t, target).CheckSignIn(), "the user may sign in again")

	events := b.audit(t)
	require.Len(t, events, 2)
	require.Equal(t, "user.enable", events[0].Action)
	require.Equal(t, "bank confirmed", events[0].Reason)
	require.Equal(t, events[1].AfterDigest, events[0].BeforeDigest, "enable starts where disable ended")

	_, err = b.svc.Enable(t.Context(), admin, target, "again")
	require.NoError(t, err, "enabling an enabled user is a no-op")
	require.Len(t, b.audit(t), 2)

	_, err = b.svc.Enable(t.Context(), admin, 987654, "x")
	require.ErrorIs(t, err, core.ErrNotFound)
}
