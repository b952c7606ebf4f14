package app_test

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/sms/console"
	"github.com/talabin/talabin/adapters/sms/failover"
	"github.com/talabin/talabin/adapters/sms/ghasedak/ghasedakfake"
	"github.com/talabin/talabin/adapters/sms/ippanel/ippanelfake"
	"github.com/talabin/talabin/adapters/sms/kavenegar"
	"github.com/talabin/talabin/adapters/sms/kavenegar/kavenegarfake"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// smsBundle is one fake server per SMS provider and the production environment that points
// the app's adapters at them.
type smsBundle struct {
	kavenegar *kavenegarfake.Fake
	ghasedak  *ghasedakfake.Fake
	ippanel   *ippanelfake.Fake
	environ   map[string]string
}

func setupSMS(t *testing.T) *smsBundle {
	t.Helper()
	b := &smsBundle{
		kavenegar: kavenegarfake.New(kavenegarfake.Config{APIKey: "kv-key", Templates: map[string]string{"talabin-otp": "code %token"}}),
		ghasedak:  ghasedakfake.New(ghasedakfake.Config{APIKey: "gh-key", Templates: map[string][]string{"talabin-otp": {"Code"}}}),
		ippanel:   ippanelfake.New(ippanelfake.Config{APIKey: "ip-key", Patterns: map[string][]string{"pat1": {"code"}}}),
	}
	serve := func(f interface{ Close() }, srv *httptest.Server) string {
		t.Cleanup(srv.Close)
		t.Cleanup(f.Close)
		return srv.URL
	}
	kv := serve(b.kavenegar, httptest.NewServer(b.kavenegar))
	gh := serve(b.ghasedak, httptest.NewServer(b.ghasedak))
	ip := serve(b.ippanel, httptest.NewServer(b.ippanel))
	b.environ = map[string]string{
		"SECRET_KEY":           keysSecret,
		"ALLOWED_HOSTS":        "api.talabin.ir",
		"KAVENEGAR_API_KEY":    "kv-key",
		"KAVENEGAR_BASE_URL":   kv,
		"GHASEDAK_API_KEY":     "gh-key",
		"GHASEDAK_LINE_NUMBER": "30005006",
		"GHASEDAK_BASE_URL":    gh + "/rest/api/v1/WebService",
		"IPPANEL_API_KEY":      "ip-key",
		"IPPANEL_SENDER":       "+983000505",
		"IPPANEL_OTP_PATTERN":  "pat1",
		"IPPANEL_BASE_URL":     ip + "/v1",
		"ZARINPAL_MERCHANT_ID": "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
		"PUBLIC_API_URL":       "https://api.talabin.ir",
		"WEB_APP_URL":          "https://talabin.ir",
	}
	return b
}

// sender loads the configuration with SMS_PROVIDERS set to providers and builds its sender.
func (b *smsBundle) sender(t *testing.T, providers string) ports.SMSSender {
	t.Helper()
	b.environ["SMS_PROVIDERS"] = providers
	cfg, err := config.Load(b.environ)
	require.NoError(t, err)
	s, err := app.NewSMSSender(cfg, slog.New(slog.DiscardHandler), nil)
	require.NoError(t, err)
	return s
}

func testMobile(t *testing.T) iran.Mobile {
	t.Helper()
	m, err := iran.ParseMobile("09121234567")
	require.NoError(t, err)
	return m
}

func TestNewSMSSenderSelects(t *testing.T) {
	t.Parallel()
	t.Run("OneProviderIsNotChained", func(t *testing.T) {
		t.Parallel()
		b := setupSMS(t)
		s := b.sender(t, "kavenegar")
		require.IsType(t, &kavenegar.Client{}, s)

		receipt, err := s.SendOTP(t.Context(), testMobile(t), "123456", "login")
		require.NoError(t, err)
		require.Equal(t, "kavenegar", receipt.Provider)
		msgs := b.kavenegar.Messages()
		require.Len(t, msgs, 1)
		require.Equal(t, "talabin-otp", msgs[0].Template, "KAVENEGAR_OTP_TEMPLATE's default")
	})
	t.Run("SeveralProvidersAreChained", func(t *testing.T) {
		t.Parallel()
		b := setupSMS(t)
		require.IsType(t, &failover.Chain{}, b.sender(t, "kavenegar,ghasedak"))
	})
	t.Run("EachProviderGetsItsSettings", func(t *testing.T) {
		t.Parallel()
		b := setupSMS(t)
		for _, name := range []string{"kavenegar", "ghasedak", "ippanel"} {
			receipt, err := b.sender(t, name).SendOTP(t.Context(), testMobile(t), "123456", "login")
			require.NoError(t, err, name)
			require.Equal(t, name, receipt.Provider)
		}
		require.Len(t, b.kavenegar.Messages(), 1)
		require.Len(t, b.ghasedak.Messages(), 1)
		require.Len(t, b.ippanel.Messages(), 1)
	})
	t.Run("ConsoleInDebug", func(t *testing.T) {
		t.Parallel()
		cfg, err := config.Load(map[string]string{"DEBUG": "true"})
		require.NoError(t, err)
		var logs bytes.Buffer
		s, err := app.NewSMSSender(cfg, slog.New(slog.NewJSONHandler(&logs, nil)), nil)
		require.NoError(t, err)
		require.IsType(t, &console.Sender{}, s)

		receipt, err := s.SendOTP(t.Context(), testMobile(t), "123456", "login")
		require.NoError(t, err)
		require.Equal(t, console.ProviderName, receipt.Provider)
		require.Contains(t, logs.String(), `"code":"123456"`)
	})
}

// TestNewSMSSenderChainOrder checks that the chain tries the providers in SMS_PROVIDERS
// order: the first takes every message while it is up, and the next only when it is down.
func TestNewSMSSenderChainOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		providers string
		down      []string
		want      string
	}{
		{"FirstTakesIt", "ghasedak,kavenegar,ippanel", nil, "ghasedak"},
		{"OtherOrder", "ippanel,ghasedak,kavenegar", nil, "ippanel"},
		{"SecondWhenFirstDown", "ghasedak,kavenegar,ippanel", []string{"ghasedak"}, "kavenegar"},
		{"ThirdWhenTwoDown", "ghasedak,kavenegar,ippanel", []string{"ghasedak", "kavenegar"}, "ippanel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupSMS(t)
			for _, name := range tt.down {
				switch name {
				case "kavenegar":
					b.kavenegar.SetFault(kavenegarfake.Fault{HTTPStatus: 502, Body: "<html>bad gateway</html>"})
				case "ghasedak":
					b.ghasedak.SetFault(ghasedakfake.Fault{HTTPStatus: 502, Body: "<html>bad gateway</html>"})
				}
			}
			receipt, err := b.sender(t, tt.providers).SendOTP(t.Context(), testMobile(t), "123456", "login")
			require.NoError(t, err)
			require.Equal(t, tt.want, receipt.Provider)
			sent := map[string]int{
				"kavenegar": len(b.kavenegar.Messages()),
				"ghasedak":  len(b.ghasedak.Messages()),
				"ippanel":   len(b.ippanel.Messages()),
			}
			for name, n := range sent {
				if name == tt.want {
					require.Equal(t, 1, n, name)
				} else {
					require.Zero(t, n, name)
				}
			}
		})
	}
}

func TestNewSMSSenderRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     config.Config
		wantErr string
	}{
		{"NoProvider", config.Config{Debug: true}, "no provider configured"},
		{"ConsoleInProduction", config.Config{SMSProviders: []string{"console"}}, "refused when DEBUG is false"},
		{"ConsoleChained", config.Config{Debug: true, SMSProviders: []string{"console", "kavenegar"}, KavenegarAPIKey: "k", KavenegarOTPTemplate: "t"}, "cannot be chained"},
		{"UnknownProvider", config.Config{SMSProviders: []string{"twilio"}}, `unknown provider "twilio"`},
		{"ProviderWithoutKey", config.Config{SMSProviders: []string{"kavenegar"}, KavenegarOTPTemplate: "t"}, "kavenegar: invalid config: api key is required"},
		{"IPPanelBadSender", config.Config{SMSProviders: []string{"ippanel"}, IPPanelAPIKey: "k", IPPanelSender: "3000", IPPanelOTPPattern: "p"}, "ippanel: invalid config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := app.NewSMSSender(tt.cfg, slog.New(slog.DiscardHandler), nil)
			require.ErrorContains(t, err, tt.wantErr)
			require.Nil(t, s)
		})
	}
}
