package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/sms/kavenegar/kavenegarfake"
	"github.com/talabin/talabin/integration/pgtest"
)

// faultMetricsToken is METRICS_TOKEN of the fault tests, which scrape breaker states.
const faultMetricsToken = "metrics-token-for-fault-tests-0123456789"

// breakerRecoveryLimit bounds the wait for an open breaker to let a trial call through: the
// SMS adapters' breakers stay open for 30 s (not configurable), and the margin absorbs a
// slow machine.
const breakerRecoveryLimit = 2 * time.Minute

// smsFaultRig is the wired app on PostgreSQL sending codes through the chain
// kavenegar,ghasedak, each provider a fake server.
type smsFaultRig struct {
	app   liveApp
	fakes *smsBundle
	users int // signed up so far, numbering their phones
}

// TestFaultSMSProviderDown takes the first provider of SMS_PROVIDERS down (502 from its
// server) while users sign up: every code still arrives through the second provider and
// verifies, the first provider's breaker opens (talabin_breaker_state 2) after its failures
// in a row, and then the chain no longer asks it at all. Once the provider is back and the
// breaker's open timeout has passed, the breaker reads half-open, the next code goes to the
// first provider again and the breaker closes.
func TestFaultSMSProviderDown(t *testing.T) {
	t.Parallel()
	rig := startSMSFaultRig(t)
	rig.fakes.kavenegar.SetFault(kavenegarfake.Fault{HTTPStatus: http.StatusBadGateway, Body: "<html>502 Bad Gateway</html>"})

	// Each sign-up's code fails over to ghasedak; the breaker opens after some failures in a
	// row (5 by default), well before the bound here.
	for rig.breaker(t) != 2 {
		require.Less(t, rig.users, 10, "the kavenegar breaker never opened")
		rig.signUpThrough(t, "ghasedak")
	}
	require.Empty(t, rig.fakes.kavenegar.Messages(), "the failing provider took no message")

	// Open: kavenegar is not even asked, and the code still arrives.
	asked := rig.fakes.kavenegar.Requests()
	rig.signUpThrough(t, "ghasedak")
	require.Equal(t, asked, rig.fakes.kavenegar.Requests(), "an open breaker sends no request")
	require.Equal(t, 2, rig.breaker(t))

	// The provider recovers; after the open timeout a scrape reads the breaker half-open, the
	// next code is the trial call, which goes to kavenegar and closes the breaker.
	rig.fakes.kavenegar.SetFault(kavenegarfake.Fault{})
	require.Eventually(t, func() bool {
		state, err := rig.app.breakerState(t.Context(), faultMetricsToken, "kavenegar")
		return err == nil && state == 1
	}, breakerRecoveryLimit, 250*time.Millisecond, "the kavenegar breaker never went half-open")
	viaGhasedak := len(rig.fakes.ghasedak.Messages())
	rig.signUpThrough(t, "kavenegar")
	require.Len(t, rig.fakes.ghasedak.Messages(), viaGhasedak, "the second provider is not used once the first is back")
	require.Equal(t, 0, rig.breaker(t), "the trial call closed the breaker")
	rig.signUpThrough(t, "kavenegar")
}

// startSMSFaultRig starts the app on a fresh PostgreSQL database with the fakes of
// [setupSMS] as its providers, until the test ends.
func startSMSFaultRig(t *testing.T) *smsFaultRig {
	t.Helper()
	fakes := setupSMS(t)
	environ := map[string]string{
		"DATABASE_URL":     pgtest.New(t, pgtest.Options{Migrate: migratePostgres}),
		"SMS_PROVIDERS":    "kavenegar,ghasedak",
		"METRICS_TOKEN":    faultMetricsToken,
		"RATE_LIMIT_SCALE": "1000", // every sign-up comes from 127.0.0.1
	}
	for _, k := range []string{
		"KAVENEGAR_API_KEY", "KAVENEGAR_BASE_URL",
		"GHASEDAK_API_KEY", "GHASEDAK_LINE_NUMBER", "GHASEDAK_BASE_URL",
	} {
		environ[k] = fakes.environ[k]
	}
	return &smsFaultRig{app: startPublicApp(t, environ), fakes: fakes}
}

// signUpThrough registers a new phone, waits for its registration code to reach the fake of
// provider (kavenegar or ghasedak), and verifies the phone with that code.
func (r *smsFaultRig) signUpThrough(t *testing.T, provider string) {
	t.Helper()
	r.users++
	national := fmt.Sprintf("914555%04d", r.users)
	phone09, phone98 := "0"+national, "+98"+national
	c := &http.Client{Timeout: waitLimit}
	const password = "Gold-Bar-2026"
	resp := r.app.call(t, c, http.MethodPost, "/api/auth/register/", map[string]any{
		"phone_number": phone09, "password": password, "password_confirm": password, "first_name": "سارا",
	})
	require.Equal(t, http.StatusCreated, resp.status, resp.raw)
	require.NotContains(t, resp.data(t), "debug_code", "codes travel by SMS only")

	var code string
	require.Eventually(t, func() bool {
		code = r.codeFor(provider, phone09)
		return code != ""
	}, waitLimit, 10*time.Millisecond, "no registration code for %s at %s", phone09, provider)
	resp = r.app.call(t, c, http.MethodPost, "/api/auth/verify-otp/",
		map[string]any{"phone_number": phone98, "code": code, "otp_type": "registration"})
	require.Equal(t, http.StatusOK, resp.status, resp.raw)
	r.app.login(t, phone98, password)
}

// codeFor returns the newest code provider's fake received for phone09, "" when none.
func (r *smsFaultRig) codeFor(provider, phone09 string) string {
	var code string
	switch provider {
	case "kavenegar":
		for _, m := range r.fakes.kavenegar.Messages() {
			if m.Receptor == phone09 {
				code = m.Tokens["token"]
			}
		}
	case "ghasedak":
		for _, m := range r.fakes.ghasedak.Messages() {
			if m.Receptor == phone09 {
				code = m.Inputs["Code"]
			}
		}
	}
	return code
}

// breaker returns the kavenegar breaker's state as a scrape shows it.
func (r *smsFaultRig) breaker(t *testing.T) int {
	t.Helper()
	state, err := r.app.breakerState(t.Context(), faultMetricsToken, "kavenegar")
	require.NoError(t, err)
	return state
}

// breakerState scrapes the app's /metrics with token and returns the state of provider's
// breaker: 0 closed, 1 half-open, 2 open. It takes no t, for require.Eventually's condition.
// Reading the gauge reads the breaker's state, which moves an open breaker whose timeout has
// passed to half-open.
func (l liveApp) breakerState(ctx context.Context, token, provider string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: waitLimit}).Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("scrape answered %d: %s", resp.StatusCode, body)
	}
	gauge := regexp.MustCompile(`(?m)^talabin_breaker_state\{provider="` + regexp.QuoteMeta(provider) + `"\} (\d)$`)
	m := gauge.FindSubmatch(body)
	if m == nil {
		return 0, fmt.Errorf("no %s breaker in the scrape:\n%s", provider, body)
	}
	return strconv.Atoi(string(m[1]))
}
