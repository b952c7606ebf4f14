// Package smsadaptertest is test support shared by the SMS adapters' tests: the arguments of
// their sends ([Recipient], [Code]), and for the HTTP adapters the golden record of their two
// sends against their provider fakes ([WireGolden]), the check that no secret leaks into
// their errors or logs ([SecretsStayOut]) and the reading of a fake's recipient in the form
// the conformance suite compares ([E164]).
package smsadaptertest

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/smstest"
)

// Arguments of the adapters' test sends. Every adapter records the same two sends, so that
// their golden files compare.
const (
	// Code is the OTP code the adapters' tests send.
	Code = "482913"
	// GoldenOTPPurpose is the purpose of the recorded SendOTP.
	GoldenOTPPurpose = "login"
	// GoldenText is the text of the recorded SendText.
	GoldenText = "خرید ۱ گرم طلا انجام شد"
)

// Recipient is the number the adapters' tests send to, +989121234567.
var Recipient = func() iran.Mobile {
	m, err := iran.ParseMobile("+989121234567")
	if err != nil {
		panic(err)
	}
	return m
}()

// GoldenSetup tells [WireGolden] how to stand up one adapter against its fake.
type GoldenSetup struct {
	// NewFake returns a fresh provider fake with a fixed clock and fixed first ids, so that
	// the recorded answers do not change from run to run.
	NewFake func() http.Handler
	// NewSender returns the adapter configured against a fake served at serverURL.
	NewSender func(t *testing.T, serverURL string) ports.SMSSender
	// Headers names the request headers to record (see [outboundtest.Recorder]).
	Headers []string
	// Secret is the API key, recorded as {API-KEY}.
	Secret string
}

// WireGolden sends one OTP (testdata/send_otp.golden) and one text
// (testdata/send_text.golden) to [Recipient], each through a fresh fake, and checks that each made exactly
// one request, recorded as the golden file says. update rewrites the files (the test's
// -update flag).
func WireGolden(t *testing.T, update bool, g GoldenSetup) {
	t.Helper()
	tests := []struct {
		name string
		send func(t *testing.T, s ports.SMSSender) error
	}{
		{"send_otp", func(t *testing.T, s ports.SMSSender) error {
			_, err := s.SendOTP(t.Context(), Recipient, Code, GoldenOTPPurpose)
			return err
		}},
		{"send_text", func(t *testing.T, s ports.SMSSender) error {
			_, err := s.SendText(t.Context(), Recipient, GoldenText)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &outboundtest.Recorder{Next: g.NewFake(), Headers: g.Headers, Secret: g.Secret}
			srv := outboundtest.Serve(t, rec)
			require.NoError(t, tt.send(t, g.NewSender(t, srv.URL)))
			exchanges := rec.Exchanges()
			require.Len(t, exchanges, 1)
			outboundtest.Golden(t, tt.name, exchanges[0], update)
		})
	}
}

// E164 returns number, as a fake recorded it, in the E.164 form of [iran.Mobile.String], or
// number itself when it is not a mobile number.
func E164(number string) string {
	if mobile, err := iran.ParseMobile(number); err == nil {
		return mobile.String()
	}
	return number
}

// SecretsSetup tells [SecretsStayOut] how to stand up one adapter.
type SecretsSetup struct {
	// Start returns the adapter, logging to logger and with a breaker that opens after two
	// failures in a row, against its fake, and the provider that steers the fake as for the
	// conformance suite.
	Start func(t *testing.T, logger *slog.Logger) (ports.SMSSender, smstest.Provider)
	// NewSender returns the adapter, logging to logger, configured against serverURL.
	NewSender func(t *testing.T, serverURL string, logger *slog.Logger) ports.SMSSender
	// Provider is the adapter's name in its logs.
	Provider string
	// Secret is the API key the adapter is configured with.
	Secret string
	// AuthRefusal is a part of the line the adapter logs when the provider refuses its key,
	// e.g. "status=403".
	AuthRefusal string
}

// SecretsStayOut makes one adapter fail every way that leaves a trace (a refused key, a
// timeout after the request was written, an open breaker, an unreachable server) and
// checks that neither the API key, the code, the text nor the number shows in its errors or
// its logs, while the refusal and the breaker's state changes do show in the logs.
func SecretsStayOut(t *testing.T, s SecretsSetup) {
	t.Helper()
	var logs outboundtest.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sender, provider := s.Start(t, logger)
	text := "secret-notice-body"
	var errs []error
	record := func(err error) {
		require.Error(t, err)
		errs = append(errs, err)
	}
	require.True(t, provider.Fail(smstest.FailAuth))
	_, err := sender.SendOTP(t.Context(), Recipient, Code, GoldenOTPPurpose)
	record(err)
	require.True(t, provider.Fail(smstest.FailSlow))
	_, err = sender.SendText(t.Context(), Recipient, text)
	record(err)
	_, err = sender.SendOTP(t.Context(), Recipient, Code, GoldenOTPPurpose)
	require.ErrorIs(t, err, gobreaker.ErrOpenState)
	record(err)

	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	_, err = s.NewSender(t, srv.URL, logger).SendOTP(t.Context(), Recipient, Code, GoldenOTPPurpose)
	require.ErrorIs(t, err, core.ErrSMSUnavailable)
	require.NotErrorIs(t, err, ports.ErrSMSOutcomeUnknown)
	record(err)

	require.Contains(t, logs.String(), `msg="breaker state changed" provider=`+s.Provider+" from=closed to=open")
	require.Contains(t, logs.String(), s.AuthRefusal)
	national := strings.TrimPrefix(Recipient.String(), "+98")
	for _, secret := range []string{s.Secret, Code, text, national} {
		require.NotContains(t, logs.String(), secret)
		for _, err := range errs {
			require.NotContains(t, err.Error(), secret)
		}
	}
}
