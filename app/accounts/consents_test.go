package accounts_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// withTerms sets the terms version in force.
func withTerms(version string) func(*accounts.ServiceConfig) {
	return func(c *accounts.ServiceConfig) { c.TermsVersion = version }
}

func TestAcceptTerms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		version string
		field   string // the validation error's field; "" accepts
	}{
		{name: "Current", version: "2026-12"},
		{name: "Other", version: "2025-01", field: "version"},
		{name: "Empty", version: "", field: "version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupService(t, withTerms("2026-12"))
			phone := testPhone(1)
			b.signUp(t, phone)
			p := b.principal(t, b.mustLogin(t, phone))

			st, err := b.svc.AcceptTerms(t.Context(), p, tt.version)

			if tt.field != "" {
				var ve *core.ValidationError
				require.ErrorAs(t, err, &ve)
				require.Equal(t, []string{tt.field}, ve.FieldNames())
				st, err = b.svc.Consents(t.Context(), p)
				require.NoError(t, err)
				require.Len(t, st.Consents, 1, "only the registration's")
				return
			}
			require.NoError(t, err)
			require.True(t, st.Accepted)
			require.Equal(t, "2026-12", st.CurrentVersion)
			require.Len(t, st.Consents, 1, "the registration accepted this version already")
		})
	}
}

func TestConsentsAfterTermsChange(t *testing.T) {
	t.Parallel()
	b := setupService(t, withTerms("2026-12"))
	phone := testPhone(1)
	b.signUp(t, phone)
	in := b.mustLogin(t, phone)

	st, err := b.svc.Consents(t.Context(), b.principal(t, in))
	require.NoError(t, err)
	require.True(t, st.Accepted, "registration accepts the terms in force")

	// The terms change (TERMS_VERSION) and the app restarts.
	b.cfg.TermsVersion = "2027-06"
	b.svc = b.newService(t)
	p := b.principal(t, in)
	st, err = b.svc.Consents(t.Context(), p)
	require.NoError(t, err)
	require.Equal(t, ports.ConsentStatus{CurrentVersion: "2027-06", Consents: st.Consents}, st)
	require.Len(t, st.Consents, 1)

	_, err = b.svc.AcceptTerms(t.Context(), p, "2026-12")
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve, "the old version is no longer accepted")

	b.advance(time.Minute)
	st, err = b.svc.AcceptTerms(t.Context(), p, "2027-06")
	require.NoError(t, err)
	require.True(t, st.Accepted)
	require.Len(t, st.Consents, 2)
	last := st.Consents[1]
	require.Equal(t, accounts.ConsentTerms, last.Kind)
	require.Equal(t, "2027-06", last.Version)
	require.True(t, last.At.Equal(b.clock.Now().Truncate(time.Microsecond)), "at %v", last.At)
	require.Equal(t, defaultClient.IP, last.IP)

	again, err := b.svc.AcceptTerms(t.Context(), p, "2027-06")
	require.NoError(t, err)
	require.Len(t, again.Consents, 2, "accepting again records nothing")
}

func TestConsentsAccountDisabled(t *testing.T) {
	t.Parallel()
	b := setupService(t, withTerms("2026-12"))
	phone := testPhone(1)
	b.signUp(t, phone)
	p := b.principal(t, b.mustLogin(t, phone))
	b.disable(t, phone)

	_, err := b.svc.Consents(t.Context(), p)
	require.ErrorIs(t, err, core.ErrAccountDisabled)
	_, err = b.svc.AcceptTerms(t.Context(), p, "2026-12")
	require.ErrorIs(t, err, core.ErrAccountDisabled)
}
