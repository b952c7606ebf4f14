package ghasedak_test

import (
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/sms/ghasedak"
	"github.com/talabin/talabin/adapters/sms/ghasedak/ghasedakfake"
	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/smstest"
)

// to and code are the recipient and the OTP code of the tests' sends.
var to, code = smsadaptertest.Recipient, smsadaptertest.Code

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	valid := ghasedak.Config{APIKey: "k", LineNumber: "3000", OTPTemplate: "otp"}
	tests := []struct {
		name    string
		edit    func(*ghasedak.Config)
		wantErr string
	}{
		{"Minimal", func(*ghasedak.Config) {}, ""},
		{"Full", func(c *ghasedak.Config) {
			c.BaseURL = "https://gw.ghasedak.me/Rest/api/v1/WebService/"
			c.OTPParam = "code"
			c.PurposeTemplates = map[string]string{"login": "loginOtp"}
			c.Timeout = 5 * time.Second
			c.Breaker = ghasedak.BreakerConfig{ConsecutiveFailures: 2, OpenTimeout: time.Second}
			c.Logger = slog.New(slog.DiscardHandler)
		}, ""},
		{"MissingKey", func(c *ghasedak.Config) { c.APIKey = "" }, "api key is required"},
		{"KeyWithNewline", func(c *ghasedak.Config) { c.APIKey = "a\nb" }, "white space"},
		{"MissingLine", func(c *ghasedak.Config) { c.LineNumber = "" }, "line number is required"},
		{"MissingTemplate", func(c *ghasedak.Config) { c.OTPTemplate = "" }, "otp template is required"},
		{"EmptyPurposeTemplate", func(c *ghasedak.Config) { c.PurposeTemplates = map[string]string{"login": " "} }, `purpose "login"`},
		{"RelativeBaseURL", func(c *ghasedak.Config) { c.BaseURL = "/rest" }, "base url"},
		{"NegativeTimeout", func(c *ghasedak.Config) { c.Timeout = -1 }, "timeout"},
		{"NegativeOpenTimeout", func(c *ghasedak.Config) { c.Breaker.OpenTimeout = -1 }, "open timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.edit(&cfg)
			err := cfg.Validate()
			_, newErr := ghasedak.New(cfg)
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
		{"PurposeTemplate", "registration", "talabinSignup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, ghasedakfake.Config{
				FirstMessageID: 9001,
				Templates:      map[string][]string{testTemplate: {"Code"}, "talabinSignup": {"Code"}},
			}, func(c *ghasedak.Config) {
				c.PurposeTemplates = map[string]string{"registration": "talabinSignup"}
			})
			receipt, err := b.client.SendOTP(t.Context(), to, code, tt.purpose)
			require.NoError(t, err)
			require.Equal(t, ports.SMSReceipt{Provider: "ghasedak", MessageID: "9001"}, receipt)
			msgs := b.fake.Messages()
			require.Len(t, msgs, 1)
			require.Equal(t, "SendOtpSMS", msgs[0].Method)
			require.Equal(t, "09121234567", msgs[0].Receptor)
			require.Equal(t, tt.wantTemplate, msgs[0].Template)
			require.Equal(t, map[string]string{"Code": code}, msgs[0].Inputs)
			require.False(t, msgs[0].IsVoice)
		})
	}
}

func TestOTPParam(t *testing.T) {
	t.Parallel()
	b := setup(t, ghasedakfake.Config{Templates: map[string][]string{testTemplate: {"otp"}}}, func(c *ghasedak.Config) {
		c.OTPParam = "otp"
	})
	_, err := b.client.SendOTP(t.Context(), to, code, "login")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"otp": code}, b.fake.Messages()[0].Inputs)

	// A template whose parameters differ from the configured input is a configuration fault.
	mismatch := setup(t, ghasedakfake.Config{Templates: map[string][]string{testTemplate: {"Code", "Name"}}}, nil)
	_, err = mismatch.client.SendOTP(t.Context(), to, code, "login")
	require.ErrorIs(t, err, core.ErrSMSUnavailable)
	var apiErr *ghasedak.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 422, apiErr.StatusCode)
}

func TestSendTextWire(t *testing.T) {
	t.Parallel()
	b := setup(t, ghasedakfake.Config{FirstMessageID: 31, Lines: []string{testLine}}, nil)
	text := "برداشت ۲٬۰۰۰٬۰۰۰ ریال ثبت شد"
	receipt, err := b.client.SendText(t.Context(), to, text)
	require.NoError(t, err)
	require.Equal(t, ports.SMSReceipt{Provider: "ghasedak", MessageID: "31"}, receipt)
	msgs := b.fake.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, "SendSingleSMS", msgs[0].Method)
	require.Equal(t, "09121234567", msgs[0].Receptor)
	require.Equal(t, testLine, msgs[0].LineNumber)
	require.Equal(t, text, msgs[0].Text)
}

// TestStatusCodeClassification checks the assumed statusCode convention, answered in HTTP
// 200 and with the HTTP status following statusCode.
func TestStatusCodeClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		statusCode int
		want       error
	}{
		{400, core.ErrInvalidInput},
		{401, core.ErrSMSUnavailable},
		{402, core.ErrSMSUnavailable},
		{403, core.ErrSMSUnavailable},
		{404, core.ErrSMSUnavailable},
		{422, core.ErrSMSUnavailable},
		{429, core.ErrSMSUnavailable},
		{500, core.ErrSMSUnavailable},
		{1001, core.ErrSMSUnavailable},
	}
	for _, tt := range tests {
		for _, withHTTPStatus := range []bool{false, true} {
			t.Run(strconv.Itoa(tt.statusCode)+"HTTPStatus"+strconv.FormatBool(withHTTPStatus), func(t *testing.T) {
				t.Parallel()
				b := setup(t, ghasedakfake.Config{ErrorsWithHTTPStatus: withHTTPStatus}, nil)
				b.fake.SetFault(ghasedakfake.Fault{StatusCode: tt.statusCode})
				_, err := b.client.SendOTP(t.Context(), to, code, "login")
				require.ErrorIs(t, err, tt.want)
				require.NotErrorIs(t, err, ports.ErrSMSOutcomeUnknown)
				var apiErr *ghasedak.APIError
				require.ErrorAs(t, err, &apiErr)
				require.Equal(t, tt.statusCode, apiErr.StatusCode)
				require.Equal(t, "SendOtpSMS", apiErr.Method)
			})
		}
	}
}

func TestRawAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		httpStatus int
		body       string
		want       error
	}{
		{"SuccessWithNullData", 200, `{"isSuccess":true,"statusCode":200,"message":"ok","data":null}`, ports.ErrSMSOutcomeUnknown},
		{"SuccessWithoutMessageID", 200, `{"isSuccess":true,"statusCode":200,"message":"ok","data":{"receptor":"09121234567"}}`, ports.ErrSMSOutcomeUnknown},
		{"SuccessInsideHTTP500", 500, `{"isSuccess":true,"statusCode":200,"message":"ok","data":{"messageId":"1"}}`, ports.ErrSMSOutcomeUnknown},
		{"PascalCaseRefusal", 200, `{"IsSuccess":false,"StatusCode":400,"Message":"x","Data":null}`, core.ErrInvalidInput},
		{"JSONWithoutEnvelope", 200, `{"result":{"code":200}}`, ports.ErrSMSOutcomeUnknown},
		{"EmptyHTTP200", 200, ``, ports.ErrSMSOutcomeUnknown},
		{"GatewayTimeoutPage", 504, `<html>504</html>`, ports.ErrSMSOutcomeUnknown},
		{"BadGatewayPage", 502, `<html>502</html>`, core.ErrSMSUnavailable},
		{"NotFoundPage", 404, `Not Found`, core.ErrSMSUnavailable},
		// The client follows no redirect (outbound.NewHTTPClient); the redirect is the answer.
		{"RedirectPage", 307, `<html>moved</html>`, core.ErrSMSUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, ghasedakfake.Config{}, nil)
			b.fake.SetFault(ghasedakfake.Fault{HTTPStatus: tt.httpStatus, Body: tt.body})
			receipt, err := b.client.SendText(t.Context(), to, "سلام")
			require.ErrorIs(t, err, tt.want)
			require.Zero(t, receipt)
			require.Equal(t, 1, b.fake.Requests())
		})
	}

	t.Run("NumericMessageID", func(t *testing.T) {
		t.Parallel()
		b := setup(t, ghasedakfake.Config{}, nil)
		b.fake.SetFault(ghasedakfake.Fault{HTTPStatus: 200, Body: `{"isSuccess":true,"statusCode":200,"message":"ok","data":{"items":[{"messageId":123456789}],"totalCost":1100}}`})
		receipt, err := b.client.SendOTP(t.Context(), to, code, "login")
		require.NoError(t, err)
		require.Equal(t, "123456789", receipt.MessageID)
	})
}

func TestFakeRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		fakeCfg        ghasedakfake.Config
		edit           func(*ghasedak.Config)
		prepare        func(*ghasedakfake.Fake)
		otp            bool
		want           error
		wantStatusCode int
	}{
		{name: "UnknownTemplate", edit: func(c *ghasedak.Config) { c.OTPTemplate = "nope" }, otp: true, want: core.ErrSMSUnavailable, wantStatusCode: 404},
		{name: "LineNotOnAccount", fakeCfg: ghasedakfake.Config{Lines: []string{"2000"}}, want: core.ErrSMSUnavailable, wantStatusCode: 403},
		{name: "NoCredit", prepare: func(f *ghasedakfake.Fake) { f.SetCredit(0) }, otp: true, want: core.ErrSMSUnavailable, wantStatusCode: 402},
		{name: "WrongKey", prepare: func(f *ghasedakfake.Fake) { f.SetAPIKey("x") }, want: core.ErrSMSUnavailable, wantStatusCode: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.fakeCfg, tt.edit)
			if tt.prepare != nil {
				tt.prepare(b.fake)
			}
			var err error
			if tt.otp {
				_, err = b.client.SendOTP(t.Context(), to, code, "login")
			} else {
				_, err = b.client.SendText(t.Context(), to, "سلام")
			}
			require.ErrorIs(t, err, tt.want)
			var apiErr *ghasedak.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.wantStatusCode, apiErr.StatusCode)
			require.Empty(t, b.fake.Messages())
		})
	}
}

// TestSecretsStayOut checks that neither the key, the code, the text nor the number appear
// in errors or logs.
func TestSecretsStayOut(t *testing.T) {
	t.Parallel()
	smsadaptertest.SecretsStayOut(t, smsadaptertest.SecretsSetup{
		Start: func(t *testing.T, logger *slog.Logger) (ports.SMSSender, smstest.Provider) {
			b := setup(t, ghasedakfake.Config{}, func(c *ghasedak.Config) {
				c.Logger = logger
				c.Breaker.ConsecutiveFailures = 2
			})
			return b.client, provider{b.fake}
		},
		NewSender: func(t *testing.T, serverURL string, logger *slog.Logger) ports.SMSSender {
			return setup(t, ghasedakfake.Config{}, func(c *ghasedak.Config) {
				c.BaseURL = serverURL
				c.Logger = logger
			}).client
		},
		Provider:    ghasedak.ProviderName,
		Secret:      testKey,
		AuthRefusal: "status_code=401",
	})
}
