package kavenegar_test

import (
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/adapters/sms/kavenegar"
	"github.com/talabin/talabin/adapters/sms/kavenegar/kavenegarfake"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/smstest"
)

// to and code are the recipient and the OTP code of the tests' sends.
var to, code = smsadaptertest.Recipient, smsadaptertest.Code

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	valid := kavenegar.Config{APIKey: "k", OTPTemplate: "otp"}
	tests := []struct {
		name    string
		edit    func(*kavenegar.Config)
		wantErr string
	}{
		{"Minimal", func(*kavenegar.Config) {}, ""},
		{"Full", func(c *kavenegar.Config) {
			c.BaseURL = "https://api.kavenegar.com/"
			c.Sender = "10008663"
			c.PurposeTemplates = map[string]string{"login": "login-otp"}
			c.Timeout = 5 * time.Second
			c.Breaker = kavenegar.BreakerConfig{ConsecutiveFailures: 2, OpenTimeout: time.Second}
			c.Logger = slog.New(slog.DiscardHandler)
		}, ""},
		{"MissingKey", func(c *kavenegar.Config) { c.APIKey = "" }, "api key is required"},
		{"KeyWithSlash", func(c *kavenegar.Config) { c.APIKey = "a/b" }, "path segment"},
		{"MissingTemplate", func(c *kavenegar.Config) { c.OTPTemplate = " " }, "otp template is required"},
		{"EmptyPurposeTemplate", func(c *kavenegar.Config) { c.PurposeTemplates = map[string]string{"login": ""} }, `purpose "login"`},
		{"RelativeBaseURL", func(c *kavenegar.Config) { c.BaseURL = "api.kavenegar.com" }, "base url"},
		{"FTPBaseURL", func(c *kavenegar.Config) { c.BaseURL = "ftp://api.kavenegar.com" }, "base url"},
		{"NegativeTimeout", func(c *kavenegar.Config) { c.Timeout = -time.Second }, "timeout"},
		{"NegativeOpenTimeout", func(c *kavenegar.Config) { c.Breaker.OpenTimeout = -time.Second }, "open timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.edit(&cfg)
			err := cfg.Validate()
			_, newErr := kavenegar.New(cfg)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.NoError(t, newErr)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			require.ErrorContains(t, newErr, tt.wantErr)
		})
	}
}

func TestSendOTPWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		purpose      string
		wantTemplate string
	}{
		{"DefaultTemplate", "login", testTemplate},
		{"EmptyPurpose", "", testTemplate},
		{"PurposeTemplate", "password_reset", "talabin-reset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, kavenegarfake.Config{
				FirstMessageID: 5001,
				Templates: map[string]string{
					testTemplate:    "کد ورود: %token",
					"talabin-reset": "کد بازیابی: %token",
				},
			}, func(c *kavenegar.Config) {
				c.PurposeTemplates = map[string]string{"password_reset": "talabin-reset"}
			})
			receipt, err := b.client.SendOTP(t.Context(), to, code, tt.purpose)
			require.NoError(t, err)
			require.Equal(t, ports.SMSReceipt{Provider: "kavenegar", MessageID: "5001"}, receipt)
			msgs := b.fake.Messages()
			require.Len(t, msgs, 1)
			require.Equal(t, "verify/lookup", msgs[0].Method)
			require.Equal(t, "09121234567", msgs[0].Receptor)
			require.Equal(t, tt.wantTemplate, msgs[0].Template)
			require.Equal(t, map[string]string{"token": code}, msgs[0].Tokens)
			require.Equal(t, "sms", msgs[0].Type)
		})
	}
}

func TestSendTextWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		sender     string
		wantSender string
	}{
		{"ConfiguredLine", "30004554", "30004554"},
		{"AccountDefaultLine", "", "10008663"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, kavenegarfake.Config{DefaultLine: "10008663", FirstMessageID: 77}, func(c *kavenegar.Config) {
				c.Sender = tt.sender
			})
			text := "واریز ۵۰۰٬۰۰۰ ریال انجام شد"
			receipt, err := b.client.SendText(t.Context(), to, text)
			require.NoError(t, err)
			require.Equal(t, ports.SMSReceipt{Provider: "kavenegar", MessageID: "77"}, receipt)
			msgs := b.fake.Messages()
			require.Len(t, msgs, 1)
			require.Equal(t, "sms/send", msgs[0].Method)
			require.Equal(t, "09121234567", msgs[0].Receptor)
			require.Equal(t, text, msgs[0].Text)
			require.Equal(t, tt.wantSender, msgs[0].Sender)
		})
	}
}

// TestReturnStatusClassification checks every return.status the adapter may meet, answered
// as the real server does (HTTP status equal to return.status).
func TestReturnStatusClassification(t *testing.T) {
	t.Parallel()
	invalid := []int{411, 413, 420, 422, 428, 431}
	unavailable := []int{400, 401, 402, 403, 404, 405, 406, 407, 409, 412, 414, 416, 417, 418, 424, 426, 427, 429, 432, 451, 501, 607}
	check := func(t *testing.T, status int, want error) {
		t.Helper()
		b := setup(t, kavenegarfake.Config{}, nil)
		b.fake.SetFault(kavenegarfake.Fault{Status: status})
		_, err := b.client.SendOTP(t.Context(), to, code, "login")
		require.ErrorIs(t, err, want)
		var apiErr *kavenegar.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, status, apiErr.Status)
		require.Equal(t, "verify/lookup", apiErr.Method)
		require.NotEmpty(t, apiErr.Message)
		require.NotErrorIs(t, err, ports.ErrSMSOutcomeUnknown)
	}
	for _, status := range invalid {
		t.Run("InvalidInput"+strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			check(t, status, core.ErrInvalidInput)
		})
	}
	for _, status := range unavailable {
		t.Run("Unavailable"+strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			check(t, status, core.ErrSMSUnavailable)
		})
	}
}

// TestRawAnswers checks answers that are not what the real server sends on the happy path.
func TestRawAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		httpStatus int
		body       string
		want       error
	}{
		{"ErrorStatusInsideHTTP200", 200, `{"return":{"status":418,"message":"اعتبار حساب شما کافی نیست"},"entries":null}`, core.ErrSMSUnavailable},
		{"RejectionInsideHTTP200", 200, `{"return":{"status":411,"message":"دریافت کننده نامعتبر است"},"entries":null}`, core.ErrInvalidInput},
		{"SuccessWithoutEntries", 200, `{"return":{"status":200,"message":"تایید شد"},"entries":[]}`, ports.ErrSMSOutcomeUnknown},
		{"SuccessWithNullEntries", 200, `{"return":{"status":200,"message":"تایید شد"},"entries":null}`, ports.ErrSMSOutcomeUnknown},
		{"SuccessInsideHTTP500", 500, `{"return":{"status":200,"message":"تایید شد"},"entries":[{"messageid":1}]}`, ports.ErrSMSOutcomeUnknown},
		{"EmptyHTTP200", 200, ``, ports.ErrSMSOutcomeUnknown},
		{"JSONWithoutEnvelope", 200, `{"ok":true}`, ports.ErrSMSOutcomeUnknown},
		{"GatewayTimeoutPage", 504, `<html>504 Gateway Time-out</html>`, ports.ErrSMSOutcomeUnknown},
		{"ServiceUnavailablePage", 503, `<html>503</html>`, core.ErrSMSUnavailable},
		{"NotFoundPage", 404, `<html>404</html>`, core.ErrSMSUnavailable},
		// The client follows no redirect (outbound.NewHTTPClient); the redirect is the answer.
		{"RedirectPage", 307, `<html>moved</html>`, core.ErrSMSUnavailable},
		{"TooManyRequestsPage", 429, `Too Many Requests`, core.ErrSMSUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, kavenegarfake.Config{}, nil)
			b.fake.SetFault(kavenegarfake.Fault{HTTPStatus: tt.httpStatus, Body: tt.body})
			receipt, err := b.client.SendText(t.Context(), to, "سلام")
			require.ErrorIs(t, err, tt.want)
			require.Zero(t, receipt)
			require.Equal(t, 1, b.fake.Requests())
		})
	}
}

// TestFakeRefusals checks refusals that come from the fake's real behaviour rather than an
// injected fault.
func TestFakeRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fakeCfg    kavenegarfake.Config
		edit       func(*kavenegar.Config)
		prepare    func(*kavenegarfake.Fake)
		send       func(b *bundle) error
		want       error
		wantStatus int
	}{
		{
			name: "TemplateNotApproved",
			edit: func(c *kavenegar.Config) { c.OTPTemplate = "not-approved" },
			send: func(b *bundle) error {
				_, err := b.client.SendOTP(t.Context(), to, code, "login")
				return err
			},
			want: core.ErrSMSUnavailable, wantStatus: 424,
		},
		{
			name:    "TemplateWithoutToken",
			fakeCfg: kavenegarfake.Config{Templates: map[string]string{testTemplate: "no placeholder"}},
			send: func(b *bundle) error {
				_, err := b.client.SendOTP(t.Context(), to, code, "login")
				return err
			},
			want: core.ErrSMSUnavailable, wantStatus: 432,
		},
		{
			name:    "TestAccount",
			fakeCfg: kavenegarfake.Config{TestAccountOwner: "09350000000"},
			send: func(b *bundle) error {
				_, err := b.client.SendText(t.Context(), to, "سلام")
				return err
			},
			want: core.ErrSMSUnavailable, wantStatus: 501,
		},
		{
			name:    "NoCredit",
			prepare: func(f *kavenegarfake.Fake) { f.SetCredit(0) },
			send: func(b *bundle) error {
				_, err := b.client.SendOTP(t.Context(), to, code, "login")
				return err
			},
			want: core.ErrSMSUnavailable, wantStatus: 418,
		},
		{
			name: "MessageTooLong",
			send: func(b *bundle) error {
				_, err := b.client.SendText(t.Context(), to, strings.Repeat("ط", 1801))
				return err
			},
			want: core.ErrInvalidInput, wantStatus: 413,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.fakeCfg, tt.edit)
			if tt.prepare != nil {
				tt.prepare(b.fake)
			}
			err := tt.send(b)
			require.ErrorIs(t, err, tt.want)
			var apiErr *kavenegar.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.wantStatus, apiErr.Status)
			require.Empty(t, b.fake.Messages())
		})
	}
}

// TestSecretsStayOut checks that neither the API key (a URL path segment) nor the code, the
// text or the number appear in errors or logs, whatever goes wrong.
func TestSecretsStayOut(t *testing.T) {
	t.Parallel()
	smsadaptertest.SecretsStayOut(t, smsadaptertest.SecretsSetup{
		Start: func(t *testing.T, logger *slog.Logger) (ports.SMSSender, smstest.Provider) {
			b := setup(t, kavenegarfake.Config{}, func(c *kavenegar.Config) {
				c.Logger = logger
				c.Breaker.ConsecutiveFailures = 2
			})
			return b.client, provider{b.fake}
		},
		NewSender: func(t *testing.T, serverURL string, logger *slog.Logger) ports.SMSSender {
			return setup(t, kavenegarfake.Config{}, func(c *kavenegar.Config) {
				c.BaseURL = serverURL
				c.Logger = logger
			}).client
		},
		Provider:    kavenegar.ProviderName,
		Secret:      testKey,
		AuthRefusal: "status=403",
	})
}

// TestBreakerHalfOpens checks that an open breaker lets a trial call through after its open
// period and closes again when it succeeds.
func TestBreakerHalfOpens(t *testing.T) {
	t.Parallel()
	b := setup(t, kavenegarfake.Config{}, func(c *kavenegar.Config) {
		c.Breaker = kavenegar.BreakerConfig{ConsecutiveFailures: 2, OpenTimeout: 50 * time.Millisecond}
	})
	b.fake.SetFault(kavenegarfake.Fault{Status: 409})
	for range 2 {
		_, err := b.client.SendText(t.Context(), to, "سلام")
		require.ErrorIs(t, err, core.ErrSMSUnavailable)
	}
	b.fake.SetFault(kavenegarfake.Fault{})
	_, err := b.client.SendText(t.Context(), to, "سلام")
	require.ErrorIs(t, err, core.ErrSMSUnavailable)
	require.Equal(t, 2, b.fake.Requests())
	require.Eventually(t, func() bool {
		_, err := b.client.SendText(t.Context(), to, "سلام")
		return err == nil
	}, time.Second, 10*time.Millisecond)
	require.Equal(t, 3, b.fake.Requests())
	_, err = b.client.SendText(t.Context(), to, "سلام")
	require.NoError(t, err)
}
