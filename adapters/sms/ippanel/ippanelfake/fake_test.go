package ippanelfake_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/sms/ippanel/ippanelfake"
)

const key = "fake-key"

type bundle struct {
	fake *ippanelfake.Fake
	srv  *httptest.Server
}

func setup(t *testing.T, cfg ippanelfake.Config) *bundle {
	t.Helper()
	cfg.APIKey = key
	if cfg.Patterns == nil {
		cfg.Patterns = map[string][]string{"pat1": {"code"}, "pat2": {"name", "code"}}
	}
	fake := ippanelfake.New(cfg)
	return &bundle{fake: fake, srv: outboundtest.Serve(t, fake)}
}

type reply struct {
	httpStatus int
	Data       json.RawMessage `json:"data"`
	Meta       struct {
		Status      bool                `json:"status"`
		Message     string              `json:"message"`
		MessageCode string              `json:"message_code"`
		Errors      map[string][]string `json:"errors"`
	} `json:"meta"`
}

func (b *bundle) do(t *testing.T, method, path, auth string, body any) reply {
	t.Helper()
	req := outboundtest.NewJSONRequest(t, method, b.srv.URL+path, body)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	status, raw := outboundtest.Do(t, b.srv.Client(), req)
	var r reply
	require.NoError(t, json.Unmarshal(raw, &r), "body %s", raw)
	r.httpStatus = status
	return r
}

func (b *bundle) send(t *testing.T, body any) reply {
	t.Helper()
	return b.do(t, http.MethodPost, "/v1/api/send", key, body)
}

func requireFailure(t *testing.T, r reply, status int, code string, fields ...string) {
	t.Helper()
	require.Equal(t, status, r.httpStatus)
	require.False(t, r.Meta.Status)
	require.Equal(t, code, r.Meta.MessageCode)
	require.Equal(t, "null", string(r.Data))
	got := make([]string, 0, len(r.Meta.Errors))
	for f := range r.Meta.Errors {
		got = append(got, f)
	}
	require.ElementsMatch(t, fields, got)
}

func webservice(recipients ...string) map[string]any {
	return map[string]any{"sending_type": "webservice", "from_number": "+983000505", "message": "سلام", "params": map[string]any{"recipients": recipients}}
}

func pattern(code string, params map[string]string, recipients ...string) map[string]any {
	return map[string]any{"sending_type": "pattern", "from_number": "+983000505", "code": code, "recipients": recipients, "params": params}
}

func TestAuthAndRouting(t *testing.T) {
	t.Parallel()
	b := setup(t, ippanelfake.Config{})
	requireFailure(t, b.do(t, http.MethodPost, "/v1/api/send", "", webservice("+989121234567")), 401, "400-1")
	requireFailure(t, b.do(t, http.MethodPost, "/v1/api/send", "Bearer "+key, webservice("+989121234567")), 401, "400-1")
	requireFailure(t, b.do(t, http.MethodPost, "/v1/api/nothing", key, nil), 404, "404-1")
	requireFailure(t, b.do(t, http.MethodGet, "/v1/api/send", key, nil), 405, "405-1")
	ok := b.send(t, webservice("+989121234567"))
	require.Equal(t, 200, ok.httpStatus)
	require.True(t, ok.Meta.Status)
	require.Equal(t, "200-1", ok.Meta.MessageCode)
	require.Equal(t, 5, b.fake.Requests())
}

func TestSendValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   any
		fields []string
	}{
		{"UnknownSendingType", map[string]any{"sending_type": "fax"}, []string{"sending_type"}},
		{"NotJSON", "just a string", []string{"sending_type"}},
		{"WebserviceNoRecipients", webservice(), []string{"params.recipients"}},
		{"WebserviceBadRecipient", webservice("+989121234567", "12345"), []string{"params.recipients.1"}},
		{"WebserviceNoMessage", map[string]any{"sending_type": "webservice", "from_number": "+983000505", "params": map[string]any{"recipients": []string{"+989121234567"}}}, []string{"message"}},
		{"WebserviceBadFrom", map[string]any{"sending_type": "webservice", "from_number": "3000505", "message": "x", "params": map[string]any{"recipients": []string{"+989121234567"}}}, []string{"from_number"}},
		{"WebserviceBadSendTime", map[string]any{"sending_type": "webservice", "from_number": "+983000505", "message": "x", "send_time": "2026-03-21T10:00:00Z", "params": map[string]any{"recipients": []string{"+989121234567"}}}, []string{"send_time"}},
		{"PatternUnknownCode", pattern("nope", map[string]string{"code": "1"}, "+989121234567"), []string{"code"}},
		{"PatternTwoRecipients", pattern("pat1", map[string]string{"code": "1"}, "+989121234567", "+989351234567"), []string{"recipients"}},
		{"PatternBadRecipient", pattern("pat1", map[string]string{"code": "1"}, "+98912"), []string{"recipients.0"}},
		{"PatternMissingParam", pattern("pat2", map[string]string{"code": "1"}, "+989121234567"), []string{"params"}},
		{"VOTPTwoRecipients", map[string]any{"sending_type": "votp", "message": "1234", "params": map[string]any{"recipients": []string{"+989121234567", "+989351234567"}}}, []string{"params.recipients"}},
		{"VOTPLetters", map[string]any{"sending_type": "votp", "message": "12a4", "params": map[string]any{"recipients": []string{"+989121234567"}}}, []string{"message"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, ippanelfake.Config{})
			requireFailure(t, b.send(t, tt.body), 422, "400-2", tt.fields...)
			require.Empty(t, b.fake.Messages())
		})
	}
}

func TestSendAccepted(t *testing.T) {
	t.Parallel()
	b := setup(t, ippanelfake.Config{FirstOutboxID: 10, Cost: 100, Credit: 1000})
	ids := func(r reply) []int64 {
		require.True(t, r.Meta.Status)
		var data struct {
			IDs []int64 `json:"message_outbox_ids"`
		}
		require.NoError(t, json.Unmarshal(r.Data, &data))
		return data.IDs
	}
	require.Equal(t, []int64{10}, ids(b.send(t, webservice("+989121234567", "09351234567"))))
	require.Equal(t, []int64{11}, ids(b.send(t, pattern("pat2", map[string]string{"code": "1234", "name": "علی"}, "+989121234567"))))
	require.Equal(t, []int64{12}, ids(b.send(t, map[string]any{"sending_type": "votp", "message": "1234", "params": map[string]any{"recipients": []string{"+989121234567"}}})))
	msgs := b.fake.Messages()
	require.Len(t, msgs, 4)
	require.Equal(t, "09351234567", msgs[1].Recipient)
	require.Equal(t, int64(10), msgs[1].OutboxID)
	require.Equal(t, map[string]string{"code": "1234", "name": "علی"}, msgs[2].Params)
	require.Equal(t, "votp", msgs[3].SendingType)

	credit := b.do(t, http.MethodGet, "/v1/api/payment/credit/mine", key, nil)
	require.JSONEq(t, `{"credit":600}`, string(credit.Data))
	b.fake.SetCredit(50)
	requireFailure(t, b.send(t, webservice("+989121234567")), 422, "400-31", "credit")
}

func TestReport(t *testing.T) {
	t.Parallel()
	b := setup(t, ippanelfake.Config{FirstOutboxID: 90})
	b.send(t, webservice("+989121234567", "+989351234567"))
	b.fake.SetTimeline(0, 1, 2)
	type row struct {
		Recipient     string `json:"recipient"`
		MessageStatus int    `json:"message_status"`
	}
	var seen []int
	for range 4 {
		r := b.do(t, http.MethodGet, "/v1/api/report/recipients?bulk_id=90&page=1&per_page=10", key, nil)
		require.True(t, r.Meta.Status)
		var rows []row
		require.NoError(t, json.Unmarshal(r.Data, &rows))
		require.Len(t, rows, 2)
		require.Equal(t, rows[0].MessageStatus, rows[1].MessageStatus)
		seen = append(seen, rows[0].MessageStatus)
	}
	require.Equal(t, []int{0, 1, 2, 2}, seen)
	requireFailure(t, b.do(t, http.MethodGet, "/v1/api/report/recipients?bulk_id="+strconv.Itoa(5), key, nil), 404, "404-1")
	requireFailure(t, b.do(t, http.MethodGet, "/v1/api/report/recipients?bulk_id=x", key, nil), 422, "400-2", "bulk_id")
}

func TestFaults(t *testing.T) {
	t.Parallel()

	t.Run("Envelope", func(t *testing.T) {
		t.Parallel()
		b := setup(t, ippanelfake.Config{})
		b.fake.SetFault(ippanelfake.Fault{HTTPStatus: 429, MessageCode: "429-1"})
		requireFailure(t, b.send(t, webservice("+989121234567")), 429, "429-1")
		require.Empty(t, b.fake.Messages())
	})

	t.Run("Raw", func(t *testing.T) {
		t.Parallel()
		b := setup(t, ippanelfake.Config{})
		b.fake.SetFault(ippanelfake.Fault{HTTPStatus: 502, Raw: true, Body: "<html>502</html>"})
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, b.srv.URL+"/v1/api/send", nil)
		require.NoError(t, err)
		status, body := outboundtest.Do(t, b.srv.Client(), req)
		require.Equal(t, 502, status)
		require.Equal(t, "<html>502</html>", string(body))
	})

	t.Run("DelayAfterEffect", func(t *testing.T) {
		t.Parallel()
		b := setup(t, ippanelfake.Config{})
		b.fake.SetFault(ippanelfake.Fault{Delay: 50 * time.Millisecond})
		start := time.Now()
		r := b.send(t, webservice("+989121234567"))
		require.True(t, r.Meta.Status)
		require.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
		require.Len(t, b.fake.Messages(), 1)
	})
}
