package accounts_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// auditEvents lists the audit events of action, newest first.
func (b *serviceBundle) auditEvents(t *testing.T, action string) []ports.AuditEvent {
	t.Helper()
	var events []ports.AuditEvent
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		events, _, err = tx.Audit().List(ctx, ports.AuditFilter{Action: action}, 0, 100)
		return err
	}))
	return events
}

func TestIdentityEventsAudited(t *testing.T) {
	t.Parallel()
	const phone = "+989120000042"
	name := "Maryam"
	tests := []struct {
		name   string
		action string
		// run does the operation on a fresh service; it must append want events of action.
		run  func(t *testing.T, b *serviceBundle)
		want int
	}{
		{name: "Register", action: "user.register", want: 1, run: func(t *testing.T, b *serviceBundle) {
			b.register(t, phone)
		}},
		{name: "PhoneVerified", action: "user.phone_verified", want: 1, run: func(t *testing.T, b *serviceBundle) {
			b.signUp(t, phone)
		}},
		{name: "WrongCodeVerifiesNothing", action: "user.phone_verified", want: 0, run: func(t *testing.T, b *serviceBundle) {
			_, err := b.verify(t, phone, wrongCode(b.register(t, phone)), identity.PurposeRegistration, defaultClient)
			require.ErrorIs(t, err, core.ErrOTPInvalid)
		}},
		{name: "SessionCreateByPassword", action: "session.create", want: 1, run: func(t *testing.T, b *serviceBundle) {
			b.signUp(t, phone)
			b.mustLogin(t, phone)
		}},
		{name: "SessionCreateByCode", action: "session.create", want: 1, run: func(t *testing.T, b *serviceBundle) {
			b.signUp(t, phone)
			sent, err := b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
			require.NoError(t, err)
			_, err = b.verify(t, phone, sent.DebugCode, identity.PurposeLogin, defaultClient)
			require.NoError(t, err)
		}},
		{name: "WrongPasswordCreatesNoSession", action: "session.create", want: 0, run: func(t *testing.T, b *serviceBundle) {
			b.signUp(t, phone)
			_, err := b.login(t, phone, otherPassword)
			require.ErrorIs(t, err, core.ErrInvalidCredentials)
		}},
		{name: "Logout", action: "session.revoke", want: 1, run: func(t *testing.T, b *serviceBundle) {
			b.signUp(t, phone)
			in := b.mustLogin(t, phone)
			require.NoError(t, b.svc.Logout(t.Context(), ports.LogoutInput{
				RefreshToken: in.Tokens.Refresh, SessionID: in.Tokens.SessionID, Client: defaultClient,
			}))
		}},
		{name: "RevokeSession", action: "session.revoke", want: 1, run: func(t *testing.T, b *serviceBundle) {
			b.signUp(t, phone)
			other := b.mustLogin(t, phone)
			p := b.principal(t, b.mustLogin(t, phone))
			require.NoError(t, b.svc.RevokeSession(t.Context(), p, other.Tokens.SessionID, defaultClient))
			require.NoError(t, b.svc.RevokeSession(t.Context(), p, other.Tokens.SessionID, defaultClient), "again: no event")
		}},
		{name: "PasswordChange", action: "user.password_change", want: 1, run: func(t *testing.T, b *serviceBundle) {
			b.signUp(t, phone)
			p := b.principal(t, b.mustLogin(t, phone))
			require.NoError(t, b.svc.ChangePassword(t.Context(), p, ports.ChangePasswordInput{
				OldPassword: testPassword, NewPassword: otherPassword, NewPasswordConfirm: otherPassword,
			}))
		}},
		{name: "PasswordReset", action: "user.password_reset", want: 1, run: func(t *testing.T, b *serviceBundle) {
			b.signUp(t, phone)
			sent, err := b.sendOTP(t, phone, identity.PurposePasswordReset, defaultClient)
			require.NoError(t, err)
			require.NoError(t, b.svc.ResetPassword(t.Context(), resetInput(phone, "", sent.DebugCode)))
		}},
		{name: "ProfileUpdate", action: "user.profile_update", want: 1, run: func(t *testing.T, b *serviceBundle) {
			b.signUp(t, phone)
			p := b.principal(t, b.mustLogin(t, phone))
			_, err := b.svc.UpdateProfile(t.Context(), p, identity.ProfileUpdate{FirstName: &name})
			require.NoError(t, err)
			_, err = b.svc.UpdateProfile(t.Context(), p, identity.ProfileUpdate{FirstName: &name})
			require.NoError(t, err, "again: nothing changes, no event")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t)

			tt.run(t, b)

			events := b.auditEvents(t, tt.action)
			require.Len(t, events, tt.want)
			if tt.want == 0 {
				return
			}
			user := b.user(t, phone).ID()
			e := events[0]
			require.Equal(t, user, e.ActorID)
			require.Equal(t, "user", e.ActorRole)
			require.Equal(t, "user", e.Entity)
			require.Equal(t, user.String(), e.EntityID)
			from := ports.Client{IP: e.IP, UserAgent: e.UserAgent, RequestID: e.RequestID}
			require.Equal(t, defaultClient, from)
			if tt.action == "user.profile_update" {
				require.NotEmpty(t, e.BeforeDigest)
				require.NotEqual(t, e.BeforeDigest, e.AfterDigest)
			}
			for _, field := range []string{
				e.ActorRole, e.Action, e.Entity, e.EntityID, e.Reason, e.IP, e.UserAgent, e.RequestID,
				e.BeforeDigest, e.AfterDigest,
			} {
				require.NotContains(t, field, strings.TrimPrefix(phone, "+98"))
				require.NotContains(t, field, name)
			}
		})
	}
}
