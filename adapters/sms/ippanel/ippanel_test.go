package ippanel_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/adapters/sms/ippanel"
	"github.com/talabin/talabin/adapters/sms/ippanel/ippanelfake"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/smstest"
)

// to and code are the recipient and the OTP code of the tests' sends.
var to, code = smsadaptertest.Recipient, smsadaptertest.Code

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	valid := ippanel.Config{APIKey: "k", FromNumber: "+983000505", PatternCode: "p1"}
	tests := []struct {
		name    string
		edit    func(*ippanel.Config)
		wantErr string
	}{
		{"Minimal", func(*ippanel.Config) {}, ""},
		{"Full", func(c *ippanel.Config) {
			c.BaseURL = "https://edge.ippanel.com/v1/"
			c.PatternParam = "otp"
			c.PurposePatterns = map[string]string{"login": "p2"}
			c.Timeout = 5 * time.Second
			c.Breaker = ippanel.BreakerConfig{ConsecutiveFailures: 2, OpenTimeout: time.Second}
			c.Logger = slog.New(slog.DiscardHandler)
		}, ""},
		{"MissingKey", func(c *ippanel.Config) { c.APIKey = "" }, "api key is required"},
		{"LocalFromNumber", func(c *ippanel.Config) { c.FromNumber = "3000505" }, "e.164"},
		{"FromNumberWithLetters", func(c *ippanel.Config) { c.FromNumber = "+98300a" }, "e.164"},
		{"MissingPattern", func(c *ippanel.Config) { c.PatternCode = "" }, "pattern code is required"},
		{"EmptyPurposePattern", func(c *ippanel.Config) { c.PurposePatterns = map[string]string{"login": ""} }, `purpose "login"`},
		{"RelativeBaseURL", func(c *ippanel.Config) { c.BaseURL = "edge.ippanel.com" }, "base url"},
		{"NegativeTimeout", func(c *ippanel.Config) { c.Timeout = -1 }, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.edit(&cfg)
			err := cfg.Validate()
			_, newErr := ippanel.New(cfg)
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
		name        string
		purpose     string
		wantPattern string
	}{
		{"DefaultPattern", "login", testPattern},
		{"PurposePattern", "phone_verification", "verifyPhone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, ippanelfake.Config{
				FirstOutboxID: 700,
				Lines:         []string{testLine},
				Patterns:      map[string][]string{testPattern: {"code"}, "verifyPhone": {"code"}},
			}, func(c *ippanel.Config) {
				c.PurposePatterns = map[string]string{"phone_verification": "verifyPhone"}
			})
			receipt, err := b.client.SendOTP(t.Context(), to, code, tt.purpose)
			require.NoError(t, err)
			require.Equal(t, ports.SMSReceipt{Provider: "ippanel", MessageID: "700"}, receipt)
			require.Equal(t, []ippanelfake.Message{{
				OutboxID: 700, SendingType: "pattern", Recipient: "+989121234567", FromNumber: testLine,
				PatternCode: tt.wantPattern, Params: map[string]string{"code": code},
				SendTime: b.fake.Messages()[0].SendTime, Cost: 1250,
			}}, b.fake.Messages())
		})
	}
}

func TestPatternParam(t *testing.T) {
	t.Parallel()
	b := setup(t, ippanelfake.Config{Patterns: map[string][]string{testPattern: {"otp"}}}, func(c *ippanel.Config) {
		c.PatternParam = "otp"
	})
	_, err := b.client.SendOTP(t.Context(), to, code, "login")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"otp": code}, b.fake.Messages()[0].Params)
}

func TestSendTextWire(t *testing.T) {
	t.Parallel()
	b := setup(t, ippanelfake.Config{FirstOutboxID: 12, Lines: []string{testLine}}, nil)
	text := "حساب شما تایید شد"
	receipt, err := b.client.SendText(t.Context(), to, text)
	require.NoError(t, err)
	require.Equal(t, ports.SMSReceipt{Provider: "ippanel", MessageID: "12"}, receipt)
	msgs := b.fake.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, "webservice", msgs[0].SendingType)
	require.Equal(t, "+989121234567", msgs[0].Recipient)
	require.Equal(t, testLine, msgs[0].FromNumber)
	require.Equal(t, text, msgs[0].Text)
}

// TestRefusalClassification checks which validation refusals concern the message.
func TestRefusalClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		fields []string
		want   error
	}{
		{"Recipient", 422, []string{"recipients.0"}, core.ErrInvalidInput},
		{"WebserviceRecipient", 422, []string{"params.recipients.0"}, core.ErrInvalidInput},
		{"Message", 422, []string{"message"}, core.ErrInvalidInput},
		{"RecipientAndMessage400", 400, []string{"message", "recipients"}, core.ErrInvalidInput},
		{"PatternCode", 422, []string{"code"}, core.ErrSMSUnavailable},
		{"RecipientAndCode", 422, []string{"code", "recipients.0"}, core.ErrSMSUnavailable},
		{"FromNumber", 422, []string{"from_number"}, core.ErrSMSUnavailable},
		{"NoFields", 422, nil, core.ErrSMSUnavailable},
		{"Credit", 422, []string{"credit"}, core.ErrSMSUnavailable},
		{"RecipientOnForbidden", 403, []string{"recipients.0"}, core.ErrSMSUnavailable},
		{"TooManyRequests", 429, nil, core.ErrSMSUnavailable},
		{"ServerError", 500, nil, core.ErrSMSUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, ippanelfake.Config{}, nil)
			errs := map[string][]string{}
			for _, f := range tt.fields {
				errs[f] = []string{"نامعتبر"}
			}
			b.fake.SetFault(ippanelfake.Fault{HTTPStatus: tt.status, MessageCode: "400-2", Errors: errs})
			_, err := b.client.SendOTP(t.Context(), to, code, "login")
			require.ErrorIs(t, err, tt.want)
			require.NotErrorIs(t, err, ports.ErrSMSOutcomeUnknown)
			var apiErr *ippanel.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.status, apiErr.HTTPStatus)
			require.Equal(t, "400-2", apiErr.MessageCode)
			require.Equal(t, "pattern", apiErr.SendingType)
			require.ElementsMatch(t, tt.fields, apiErr.Fields)
		})
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
		{"SuccessWithoutIDs", 200, `{"data":{"message_outbox_ids":[]},"meta":{"status":true,"message_code":"200-1"}}`, ports.ErrSMSOutcomeUnknown},
		{"SuccessWithNullData", 200, `{"data":null,"meta":{"status":true,"message_code":"200-1"}}`, ports.ErrSMSOutcomeUnknown},
		{"SuccessInsideHTTP502", 502, `{"data":{"message_outbox_ids":[5]},"meta":{"status":true}}`, ports.ErrSMSOutcomeUnknown},
		{"MetaWithoutStatus", 200, `{"data":null,"meta":{}}`, ports.ErrSMSOutcomeUnknown},
		{"LegacyEnvelope", 200, `{"status":"OK","code":200,"data":{}}`, ports.ErrSMSOutcomeUnknown},
		{"GatewayTimeoutPage", 504, `<html>504</html>`, ports.ErrSMSOutcomeUnknown},
		{"ServerErrorPage", 500, `<html>500</html>`, core.ErrSMSUnavailable},
		{"UnauthorizedText", 401, `Unauthorized`, core.ErrSMSUnavailable},
		// The client follows no redirect (outbound.NewHTTPClient); the redirect is the answer.
		{"RedirectPage", 307, `<html>moved</html>`, core.ErrSMSUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, ippanelfake.Config{}, nil)
			b.fake.SetFault(ippanelfake.Fault{HTTPStatus: tt.httpStatus, Raw: true, Body: tt.body})
			receipt, err := b.client.SendText(t.Context(), to, "سلام")
			require.ErrorIs(t, err, tt.want)
			require.Zero(t, receipt)
			require.Equal(t, 1, b.fake.Requests())
		})
	}
}

func TestFakeRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fakeCfg    ippanelfake.Config
		edit       func(*ippanel.Config)
		prepare    func(*ippanelfake.Fake)
		otp        bool
		want       error
		wantStatus int
		wantFields []string
	}{
		{name: "UnknownPattern", edit: func(c *ippanel.Config) { c.PatternCode = "nope" }, otp: true, want: core.ErrSMSUnavailable, wantStatus: 422, wantFields: []string{"code"}},
		{name: "PatternParamMismatch", edit: func(c *ippanel.Config) { c.PatternParam = "otp" }, otp: true, want: core.ErrSMSUnavailable, wantStatus: 422, wantFields: []string{"params"}},
		{name: "ForeignLine", fakeCfg: ippanelfake.Config{Lines: []string{"+9810000"}}, want: core.ErrSMSUnavailable, wantStatus: 422, wantFields: []string{"from_number"}},
		{name: "NoCredit", prepare: func(f *ippanelfake.Fake) { f.SetCredit(0) }, otp: true, want: core.ErrSMSUnavailable, wantStatus: 422, wantFields: []string{"credit"}},
		{name: "WrongKey", prepare: func(f *ippanelfake.Fake) { f.SetAPIKey("x") }, want: core.ErrSMSUnavailable, wantStatus: 401, wantFields: nil},
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
			var apiErr *ippanel.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tt.wantStatus, apiErr.HTTPStatus)
			require.Equal(t, tt.wantFields, apiErr.Fields)
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
			b := setup(t, ippanelfake.Config{}, func(c *ippanel.Config) {
				c.Logger = logger
				c.Breaker.ConsecutiveFailures = 2
			})
			return b.client, provider{b.fake}
		},
		NewSender: func(t *testing.T, serverURL string, logger *slog.Logger) ports.SMSSender {
			return setup(t, ippanelfake.Config{}, func(c *ippanel.Config) {
				c.BaseURL = serverURL
				c.Logger = logger
			}).client
		},
		Provider:    ippanel.ProviderName,
		Secret:      testKey,
		AuthRefusal: "message_code=400-1",
	})
}
