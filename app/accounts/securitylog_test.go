package accounts_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

func TestOTPNeverInLogs(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	sender := &fakeSender{}
	worker := b.worker(t, sender)
	phone := testPhone(1)
	var secrets []string
	// deliver runs the newest SMS job and returns the code that left.
	deliver := func() string {
		t.Helper()
		require.NoError(t, worker.Send(t.Context(), b.lastJob(t)))
		msgs := sender.messages()
		return msgs[len(msgs)-1].code
	}

	// Sign up: a wrong code, then the right one.
	exposed := b.register(t, phone)
	code := deliver()
	require.Equal(t, exposed, code)
	_, err := b.verify(t, phone, wrongCode(code), identity.PurposeRegistration, defaultClient)
	require.Error(t, err)
	_, err = b.verify(t, phone, code, identity.PurposeRegistration, defaultClient)
	require.NoError(t, err)
	secrets = append(secrets, code, wrongCode(code), testPassword)

	// Sign in by password and by code.
	in := b.mustLogin(t, phone)
	_, err = b.sendOTP(t, phone, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
	code = deliver()
	res, err := b.verify(t, phone, code, identity.PurposeLogin, defaultClient)
	require.NoError(t, err)
	secrets = append(secrets, code, in.Tokens.Access, in.Tokens.Refresh, res.SignIn.Tokens.Access, res.SignIn.Tokens.Refresh)

	// Rotate, log out, reset the password.
	next, err := b.refresh(t, in.Tokens.Refresh)
	require.NoError(t, err)
	require.NoError(t, b.svc.Logout(t.Context(), ports.LogoutInput{RefreshToken: next.Refresh, Client: defaultClient}))
	_, err = b.sendOTP(t, phone, identity.PurposePasswordReset, defaultClient)
	require.NoError(t, err)
	code = deliver()
	res, err = b.verify(t, phone, code, identity.PurposePasswordReset, defaultClient)
	require.NoError(t, err)
	require.NoError(t, b.svc.ResetPassword(t.Context(), resetInput(phone, res.ResetToken, "")))
	secrets = append(secrets, code, next.Access, next.Refresh, res.ResetToken, otherPassword)

	require.Len(t, sender.messages(), 3)
	logs := b.security.String() + b.main.String()
	require.Contains(t, logs, `"event":"otp_sent"`, "the flow was logged")
	require.Contains(t, logs, `"msg":"otp sms sent"`)
	for _, s := range secrets {
		require.NotContains(t, logs, s)
	}
}

func TestSecurityLogMasksPhone(t *testing.T) {
	t.Parallel()
	b := setupService(t)
	b.register(t, testPhone(1234567))
	require.NotContains(t, b.security.String(), "1234567")
	requireLogged(t, b.security, `"phone":"+98912***4567"`)
}
