package ghasedakfake_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/sms/ghasedak/ghasedakfake"
)

const key = "fake-key"

var now = time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)

type bundle struct {
	fake *ghasedakfake.Fake
	srv  *httptest.Server
}

func setup(t *testing.T, cfg ghasedakfake.Config) *bundle {
	t.Helper()
	cfg.APIKey = key
	if cfg.Templates == nil {
		cfg.Templates = map[string][]string{"otp": {"Code"}, "welcome": {"Name", "Code"}}
	}
	cfg.Now = func() time.Time { return now }
	fake := ghasedakfake.New(cfg)
	return &bundle{fake: fake, srv: outboundtest.Serve(t, fake)}
}

type reply struct {
	httpStatus int
	IsSuccess  bool            `json:"isSuccess"`
	StatusCode int             `json:"statusCode"`
	Message    string          `json:"message"`
	Data       json.RawMessage `json:"data"`
}

// do calls method (a path under the web service root) with the key k and an optional JSON
// body.
func (b *bundle) do(t *testing.T, httpMethod, path, k string, body any) reply {
	t.Helper()
	req := outboundtest.NewJSONRequest(t, httpMethod, b.srv.URL+path, body)
	if k != "" {
		req.Header.Set("ApiKey", k)
	}
	status, raw := outboundtest.Do(t, b.srv.Client(), req)
	var r reply
	require.NoError(t, json.Unmarshal(raw, &r), "body %s", raw)
	r.httpStatus = status
	return r
}

const root = "/rest/api/v1/WebService/"

func requireFailure(t *testing.T, r reply, statusCode int) {
	t.Helper()
	require.False(t, r.IsSuccess)
	require.Equal(t, statusCode, r.StatusCode)
	require.Equal(t, "null", string(r.Data))
	require.NotEmpty(t, r.Message)
}

func otpBody(template string, inputs map[string]string, mobiles ...string) map[string]any {
	var receptors []map[string]string
	for i, m := range mobiles {
		receptors = append(receptors, map[string]string{"mobile": m, "clientReferenceId": "ref-" + string(rune('a'+i))})
	}
	var in []map[string]string
	for p, v := range inputs {
		in = append(in, map[string]string{"param": p, "value": v})
	}
	return map[string]any{"receptors": receptors, "templateName": template, "inputs": in, "udh": false, "isVoice": false}
}

func TestAuthAndRouting(t *testing.T) {
	t.Parallel()
	b := setup(t, ghasedakfake.Config{})
	single := map[string]any{"lineNumber": "3000", "receptor": "09121234567", "message": "x"}
	r := b.do(t, http.MethodPost, root+"SendSingleSMS", "", single)
	requireFailure(t, r, 401)
	require.Equal(t, 200, r.httpStatus)
	requireFailure(t, b.do(t, http.MethodPost, root+"SendSingleSMS", "wrong", single), 401)
	requireFailure(t, b.do(t, http.MethodGet, root+"SendSingleSMS", key, nil), 405)
	requireFailure(t, b.do(t, http.MethodPost, root+"NoSuchMethod", key, single), 404)
	requireFailure(t, b.do(t, http.MethodPost, "/v2/sms/send/simple", key, single), 404)
	ok := b.do(t, http.MethodPost, "/REST/API/V1/webservice/sendsinglesms", key, single)
	require.True(t, ok.IsSuccess)
	require.Equal(t, 200, ok.StatusCode)
	require.Equal(t, "با موفقیت انجام شد", ok.Message)
	require.Equal(t, 6, b.fake.Requests())
	require.Len(t, b.fake.Messages(), 1)
}

func TestSendOTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       map[string]any
		statusCode int
	}{
		{"UnknownTemplate", otpBody("nope", map[string]string{"Code": "1234"}, "09121234567"), 404},
		{"MissingInput", otpBody("welcome", map[string]string{"Code": "1234"}, "09121234567"), 422},
		{"ExtraInput", otpBody("otp", map[string]string{"Code": "1234", "Name": "x"}, "09121234567"), 422},
		{"WrongInputName", otpBody("otp", map[string]string{"code": "1234"}, "09121234567"), 422},
		{"NoReceptors", otpBody("otp", map[string]string{"Code": "1234"}), 400},
		{"InvalidReceptor", otpBody("otp", map[string]string{"Code": "1234"}, "0212345678"), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, ghasedakfake.Config{})
			requireFailure(t, b.do(t, http.MethodPost, root+"SendOtpSMS", key, tt.body), tt.statusCode)
			require.Empty(t, b.fake.Messages())
		})
	}

	t.Run("ItemPerReceptor", func(t *testing.T) {
		t.Parallel()
		b := setup(t, ghasedakfake.Config{FirstMessageID: 50, Cost: 900})
		r := b.do(t, http.MethodPost, root+"SendOtpSMS", key,
			otpBody("welcome", map[string]string{"Code": "1234", "Name": "علی"}, "09121234567", "+989351234567"))
		require.True(t, r.IsSuccess)
		require.JSONEq(t, `{"items":[
			{"receptor":"09121234567","cost":900,"messageId":"50","clientReferenceId":"ref-a","sendDate":"2026-03-21T09:00:00"},
			{"receptor":"+989351234567","cost":900,"messageId":"51","clientReferenceId":"ref-b","sendDate":"2026-03-21T09:00:00"}
		],"totalCost":1800}`, string(r.Data))
		msgs := b.fake.Messages()
		require.Len(t, msgs, 2)
		require.Equal(t, map[string]string{"Code": "1234", "Name": "علی"}, msgs[1].Inputs)
	})

	t.Run("NoCredit", func(t *testing.T) {
		t.Parallel()
		b := setup(t, ghasedakfake.Config{Credit: 1000, Cost: 600})
		requireFailure(t, b.do(t, http.MethodPost, root+"SendOtpSMS", key,
			otpBody("otp", map[string]string{"Code": "1234"}, "09121234567", "09351234567")), 402)
	})
}

func TestSendSingle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       map[string]any
		statusCode int
	}{
		{"EmptyMessage", map[string]any{"lineNumber": "3000", "receptor": "09121234567", "message": ""}, 400},
		{"InvalidReceptor", map[string]any{"lineNumber": "3000", "receptor": "12", "message": "x"}, 400},
		{"NoLine", map[string]any{"receptor": "09121234567", "message": "x"}, 400},
		{"ForeignLine", map[string]any{"lineNumber": "9999", "receptor": "09121234567", "message": "x"}, 403},
		{"BadSendDate", map[string]any{"lineNumber": "3000", "receptor": "09121234567", "message": "x", "sendDate": "tomorrow"}, 400},
		{"NotJSON", nil, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, ghasedakfake.Config{Lines: []string{"3000"}})
			requireFailure(t, b.do(t, http.MethodPost, root+"SendSingleSMS", key, tt.body), tt.statusCode)
			require.Empty(t, b.fake.Messages())
		})
	}

	t.Run("LineSelectionMode", func(t *testing.T) {
		t.Parallel()
		b := setup(t, ghasedakfake.Config{Lines: []string{"3000"}})
		r := b.do(t, http.MethodPost, root+"SendSingleSMS", key, map[string]any{"lineNumber": "fastest", "receptor": "09121234567", "message": "x"})
		require.True(t, r.IsSuccess)
	})
}

func TestCheckStatus(t *testing.T) {
	t.Parallel()
	b := setup(t, ghasedakfake.Config{FirstMessageID: 70})
	b.do(t, http.MethodPost, root+"SendOtpSMS", key, otpBody("otp", map[string]string{"Code": "1234"}, "09121234567", "09351234567"))
	b.fake.SetTimeline(2, 10, 14)

	type row struct {
		MessageID         string `json:"messageId"`
		ClientReferenceID string `json:"clientReferenceId"`
		Status            int    `json:"status"`
	}
	statuses := func(query string) []row {
		r := b.do(t, http.MethodGet, root+"CheckSmsStatus?"+query, key, nil)
		require.True(t, r.IsSuccess)
		var rows []row
		require.NoError(t, json.Unmarshal(r.Data, &rows))
		return rows
	}
	require.Equal(t, []row{{"70", "ref-a", 2}, {"71", "ref-b", 2}}, statuses("Ids=70,71&Type=1"))
	require.Equal(t, []row{{"70", "ref-a", 10}, {"71", "ref-b", 10}}, statuses("Ids=70&Ids=71&Type=1"))
	require.Equal(t, []row{{"71", "ref-b", 14}}, statuses("Ids=ref-b&Type=2"))
	require.Equal(t, []row{{"71", "ref-b", 14}}, statuses("Ids=71&Type=1"))
	require.Empty(t, statuses("Ids=999&Type=1"))
	requireFailure(t, b.do(t, http.MethodGet, root+"CheckSmsStatus?Ids=70&Type=3", key, nil), 400)

	info := b.do(t, http.MethodGet, root+"GetAccountInformation", key, nil)
	require.True(t, info.IsSuccess)
	var account struct {
		Credit int64 `json:"credit"`
	}
	require.NoError(t, json.Unmarshal(info.Data, &account))
	require.Equal(t, int64(1_000_000_000-2*1100), account.Credit)
}

func TestFaults(t *testing.T) {
	t.Parallel()
	single := map[string]any{"lineNumber": "3000", "receptor": "09121234567", "message": "x"}

	t.Run("ErrorsWithHTTPStatus", func(t *testing.T) {
		t.Parallel()
		b := setup(t, ghasedakfake.Config{ErrorsWithHTTPStatus: true})
		r := b.do(t, http.MethodPost, root+"SendSingleSMS", "wrong", single)
		requireFailure(t, r, 401)
		require.Equal(t, 401, r.httpStatus)
		b.fake.SetFault(ghasedakfake.Fault{StatusCode: 429})
		r = b.do(t, http.MethodPost, root+"SendSingleSMS", key, single)
		requireFailure(t, r, 429)
		require.Equal(t, 429, r.httpStatus)
		require.Empty(t, b.fake.Messages())
	})

	t.Run("Raw", func(t *testing.T) {
		t.Parallel()
		b := setup(t, ghasedakfake.Config{})
		b.fake.SetFault(ghasedakfake.Fault{HTTPStatus: 500, Body: "Internal Server Error"})
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, b.srv.URL+root+"SendSingleSMS", nil)
		require.NoError(t, err)
		status, body := outboundtest.Do(t, b.srv.Client(), req)
		require.Equal(t, 500, status)
		require.Equal(t, "Internal Server Error", string(body))
	})

	t.Run("DelayAfterEffect", func(t *testing.T) {
		t.Parallel()
		b := setup(t, ghasedakfake.Config{})
		b.fake.SetFault(ghasedakfake.Fault{Delay: 50 * time.Millisecond})
		start := time.Now()
		r := b.do(t, http.MethodPost, root+"SendSingleSMS", key, single)
		require.True(t, r.IsSuccess)
		require.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
		require.Len(t, b.fake.Messages(), 1)
	})
}
