package kavenegarfake_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/sms/kavenegar/kavenegarfake"
)

const key = "fake-key"

var now = time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)

type bundle struct {
	fake *kavenegarfake.Fake
	srv  *httptest.Server
}

func setup(t *testing.T, cfg kavenegarfake.Config) *bundle {
	t.Helper()
	cfg.APIKey = key
	if cfg.Templates == nil {
		cfg.Templates = map[string]string{"otp": "کد: %token", "otp2": "کد %token و %token2 برای %token10", "bare": "بدون کد"}
	}
	cfg.Now = func() time.Time { return now }
	fake := kavenegarfake.New(cfg)
	return &bundle{fake: fake, srv: outboundtest.Serve(t, fake)}
}

type reply struct {
	httpStatus int
	Return     struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"return"`
	Entries json.RawMessage `json:"entries"`
}

type entry struct {
	MessageID  int64  `json:"messageid"`
	LocalID    string `json:"localid"`
	Message    string `json:"message"`
	Status     int    `json:"status"`
	StatusText string `json:"statustext"`
	Sender     string `json:"sender"`
	Receptor   string `json:"receptor"`
	Date       int64  `json:"date"`
	Cost       int64  `json:"cost"`
}

// post sends a form to /v1/{k}/{route}.json and decodes the envelope.
func (b *bundle) post(t *testing.T, k, route string, form url.Values) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, b.srv.URL+"/v1/"+k+"/"+route+".json", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(t, req)
}

func (b *bundle) do(t *testing.T, req *http.Request) reply {
	t.Helper()
	status, body := outboundtest.Do(t, b.srv.Client(), req)
	var r reply
	require.NoError(t, json.Unmarshal(body, &r), "body %s", body)
	r.httpStatus = status
	return r
}

func (r reply) entries(t *testing.T) []entry {
	t.Helper()
	var out []entry
	require.NoError(t, json.Unmarshal(r.Entries, &out))
	return out
}

// requireError checks the error shape: HTTP status equal to return.status, null entries.
func requireError(t *testing.T, r reply, status int) {
	t.Helper()
	require.Equal(t, status, r.Return.Status)
	require.Equal(t, status, r.httpStatus)
	require.Equal(t, "null", string(r.Entries))
	require.NotEmpty(t, r.Return.Message)
}

func TestRouting(t *testing.T) {
	t.Parallel()
	b := setup(t, kavenegarfake.Config{})
	requireError(t, b.post(t, "wrong", "sms/send", url.Values{"receptor": {"09121234567"}, "message": {"x"}}), 403)
	requireError(t, b.post(t, key, "sms/nosuch", nil), 404)
	requireError(t, b.post(t, "0", "sms/send", url.Values{"receptor": {"09121234567"}, "message": {"x"}}), 403)
	ok := b.post(t, "0", "utils/getdate", nil)
	require.Equal(t, 200, ok.httpStatus)
	require.JSONEq(t, `{"datetime":`+strconv.FormatInt(now.Unix(), 10)+`}`, string(ok.Entries))

	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, b.srv.URL+"/v1/"+key+"/sms/send.json", nil)
	require.NoError(t, err)
	requireError(t, b.do(t, req), 405)

	// GET with query parameters and capitalised names, as the official Go SDK sends them.
	req, err = http.NewRequestWithContext(t.Context(), http.MethodGet,
		b.srv.URL+"/v1/"+key+"/verify/lookup.json?Receptor=09121234567&Template=otp&Token=1234&Token2=ab&Type=sms", nil)
	require.NoError(t, err)
	r := b.do(t, req)
	require.Equal(t, 200, r.httpStatus)
	msgs := b.fake.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, map[string]string{"token": "1234", "token2": "ab"}, msgs[0].Tokens)
	require.Equal(t, 6, b.fake.Requests())
}

func TestSend(t *testing.T) {
	t.Parallel()
	many := make([]string, 201)
	for i := range many {
		many[i] = "0912" + strconv.Itoa(1000000+i)
	}
	tests := []struct {
		name   string
		cfg    kavenegarfake.Config
		form   url.Values
		status int
	}{
		{"TooManyReceptors", kavenegarfake.Config{}, url.Values{"receptor": {strings.Join(many, ",")}, "message": {"x"}}, 414},
		{"EmptyMessage", kavenegarfake.Config{}, url.Values{"receptor": {"09121234567"}, "message": {" "}}, 413},
		{"MessageTooLong", kavenegarfake.Config{}, url.Values{"receptor": {"09121234567"}, "message": {strings.Repeat("a", 1801)}}, 413},
		{"NoReceptor", kavenegarfake.Config{}, url.Values{"message": {"x"}}, 406},
		{"InvalidReceptor", kavenegarfake.Config{}, url.Values{"receptor": {"0212345678"}, "message": {"x"}}, 411},
		{"PastDate", kavenegarfake.Config{}, url.Values{"receptor": {"09121234567"}, "message": {"x"}, "date": {strconv.FormatInt(now.Unix()-1, 10)}}, 417},
		{"BadDate", kavenegarfake.Config{}, url.Values{"receptor": {"09121234567"}, "message": {"x"}, "date": {"tomorrow"}}, 417},
		{"UnknownTag", kavenegarfake.Config{Tags: []string{"otp"}}, url.Values{"receptor": {"09121234567"}, "message": {"x"}, "tag": {"promo"}}, 607},
		{"TestAccount", kavenegarfake.Config{TestAccountOwner: "+989121234567"}, url.Values{"receptor": {"09121234567,09351234567"}, "message": {"x"}}, 501},
		{"NoCredit", kavenegarfake.Config{Credit: 1000, Cost: 600}, url.Values{"receptor": {"09121234567,09351234567"}, "message": {"x"}}, 418},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.cfg)
			requireError(t, b.post(t, key, "sms/send", tt.form), tt.status)
			require.Empty(t, b.fake.Messages())
		})
	}

	t.Run("OneEntryPerReceptor", func(t *testing.T) {
		t.Parallel()
		b := setup(t, kavenegarfake.Config{FirstMessageID: 10, Cost: 100, Credit: 1000, TestAccountOwner: ""})
		r := b.post(t, key, "sms/send", url.Values{"receptor": {"09121234567, +989351234567,00989011234567"}, "message": {"سلام"}, "sender": {"3000"}})
		require.Equal(t, 200, r.httpStatus)
		require.Equal(t, "تایید شد", r.Return.Message)
		got := r.entries(t)
		require.Len(t, got, 3)
		for i, e := range got {
			require.Equal(t, int64(10+i), e.MessageID)
			require.Equal(t, 1, e.Status)
			require.Equal(t, "3000", e.Sender)
			require.Equal(t, int64(100), e.Cost)
			require.Equal(t, now.Unix(), e.Date)
		}
		require.Equal(t, "+989351234567", got[1].Receptor)
		require.Equal(t, int64(700), b.fake.Credit())
	})

	t.Run("ScheduledInFuture", func(t *testing.T) {
		t.Parallel()
		b := setup(t, kavenegarfake.Config{})
		at := now.Add(time.Hour).Unix()
		r := b.post(t, key, "sms/send", url.Values{"receptor": {"09121234567"}, "message": {"x"}, "date": {strconv.FormatInt(at, 10)}})
		got := r.entries(t)
		require.Len(t, got, 1)
		require.Equal(t, 2, got[0].Status)
		require.Equal(t, at, got[0].Date)
	})

	t.Run("LocalIDReplay", func(t *testing.T) {
		t.Parallel()
		b := setup(t, kavenegarfake.Config{Credit: 10_000, Cost: 1000})
		form := url.Values{"receptor": {"09121234567"}, "message": {"x"}, "localid": {"outbox-1"}}
		first := b.post(t, key, "sms/send", form).entries(t)
		second := b.post(t, key, "sms/send", form).entries(t)
		require.Equal(t, first, second)
		require.Len(t, b.fake.Messages(), 1)
		require.Equal(t, int64(9000), b.fake.Credit())
		mixed := b.post(t, key, "sms/send", url.Values{"receptor": {"09121234567,09351234567"}, "message": {"x"}, "localid": {"outbox-1,outbox-2"}}).entries(t)
		require.Equal(t, first[0], mixed[0])
		require.NotEqual(t, first[0].MessageID, mixed[1].MessageID)
		require.Len(t, b.fake.Messages(), 2)
	})
}

func TestLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		form   url.Values
		status int
	}{
		{"UnknownTemplate", url.Values{"receptor": {"09121234567"}, "template": {"nope"}, "token": {"1234"}}, 424},
		{"TemplateWithoutToken", url.Values{"receptor": {"09121234567"}, "template": {"bare"}, "token": {"1234"}}, 432},
		{"TokenWithSpace", url.Values{"receptor": {"09121234567"}, "template": {"otp"}, "token": {"12 34"}}, 431},
		{"TokenWithUnderscore", url.Values{"receptor": {"09121234567"}, "template": {"otp"}, "token": {"12_34"}}, 431},
		{"TokenWithNewline", url.Values{"receptor": {"09121234567"}, "template": {"otp"}, "token": {"12\n34"}}, 431},
		{"TokenTooLong", url.Values{"receptor": {"09121234567"}, "template": {"otp"}, "token": {strings.Repeat("1", 101)}}, 431},
		{"Token10SixSpaces", url.Values{"receptor": {"09121234567"}, "template": {"otp2"}, "token": {"1"}, "token10": {"a b c d e f g"}}, 431},
		{"CallWithLetters", url.Values{"receptor": {"09121234567"}, "template": {"otp"}, "token": {"12a4"}, "type": {"call"}}, 428},
		{"MissingToken", url.Values{"receptor": {"09121234567"}, "template": {"otp"}}, 406},
		{"InvalidReceptor", url.Values{"receptor": {"12345"}, "template": {"otp"}, "token": {"1234"}}, 411},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, kavenegarfake.Config{})
			requireError(t, b.post(t, key, "verify/lookup", tt.form), tt.status)
			require.Empty(t, b.fake.Messages())
		})
	}

	t.Run("Success", func(t *testing.T) {
		t.Parallel()
		b := setup(t, kavenegarfake.Config{FirstMessageID: 42, LookupLine: "2000"})
		r := b.post(t, key, "verify/lookup", url.Values{
			"receptor": {"09121234567"}, "template": {"otp2"}, "token": {"1234"}, "token2": {"ab"}, "token10": {"a b c d e f"}, "type": {"call"},
		})
		require.Equal(t, 200, r.httpStatus)
		got := r.entries(t)
		require.Equal(t, []entry{{
			MessageID: 42, Message: "کد 1234 و ab برای a b c d e f", Status: 5, StatusText: "ارسال به مخابرات",
			Sender: "2000", Receptor: "09121234567", Date: now.Unix(), Cost: 1170,
		}}, got)
		msgs := b.fake.Messages()
		require.Len(t, msgs, 1)
		require.Equal(t, "call", msgs[0].Type)
		require.Equal(t, "otp2", msgs[0].Template)
	})
}

func TestStatus(t *testing.T) {
	t.Parallel()
	b := setup(t, kavenegarfake.Config{FirstMessageID: 100})
	b.post(t, key, "sms/send", url.Values{"receptor": {"09121234567"}, "message": {"x"}, "localid": {"L1"}})
	b.fake.SetTimeline(1, 5, 11)
	var statuses []int
	for range 4 {
		got := b.post(t, key, "sms/status", url.Values{"messageid": {"100,999"}}).entries(t)
		require.Len(t, got, 2)
		require.Equal(t, int64(999), got[1].MessageID)
		require.Equal(t, 100, got[1].Status)
		statuses = append(statuses, got[0].Status)
	}
	require.Equal(t, []int{1, 5, 11, 11}, statuses)

	local := b.post(t, key, "sms/statuslocalmessageid", url.Values{"localid": {"L1,L9"}}).entries(t)
	require.Len(t, local, 2)
	require.Equal(t, entry{MessageID: 100, LocalID: "L1", Status: 11, StatusText: "نرسیده به گیرنده"}, local[0])
	require.Equal(t, 100, local[1].Status)

	ids := make([]string, 501)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	requireError(t, b.post(t, key, "sms/status", url.Values{"messageid": {strings.Join(ids, ",")}}), 414)

	info := b.post(t, key, "account/info", nil)
	var account struct {
		RemainCredit int64 `json:"remaincredit"`
	}
	require.NoError(t, json.Unmarshal(info.Entries, &account))
	require.Equal(t, int64(1_000_000_000-1170), account.RemainCredit)
}

func TestFaults(t *testing.T) {
	t.Parallel()
	form := url.Values{"receptor": {"09121234567"}, "message": {"x"}}

	t.Run("Status", func(t *testing.T) {
		t.Parallel()
		b := setup(t, kavenegarfake.Config{})
		for _, status := range []int{409, 451} {
			b.fake.SetFault(kavenegarfake.Fault{Status: status})
			requireError(t, b.post(t, key, "sms/send", form), status)
		}
		require.Empty(t, b.fake.Messages())
		b.fake.SetFault(kavenegarfake.Fault{})
		require.Equal(t, 200, b.post(t, key, "sms/send", form).httpStatus)
	})

	t.Run("Raw", func(t *testing.T) {
		t.Parallel()
		b := setup(t, kavenegarfake.Config{})
		b.fake.SetFault(kavenegarfake.Fault{HTTPStatus: 502, Body: "<html>bad gateway</html>"})
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, b.srv.URL+"/v1/"+key+"/sms/send.json", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		status, body := outboundtest.Do(t, b.srv.Client(), req)
		require.Equal(t, 502, status)
		require.Equal(t, "<html>bad gateway</html>", string(body))
		require.Empty(t, b.fake.Messages())
	})

	t.Run("DelayAfterEffect", func(t *testing.T) {
		t.Parallel()
		b := setup(t, kavenegarfake.Config{})
		b.fake.SetFault(kavenegarfake.Fault{Delay: 50 * time.Millisecond})
		start := time.Now()
		r := b.post(t, key, "sms/send", form)
		require.Equal(t, 200, r.httpStatus)
		require.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
		require.Len(t, b.fake.Messages(), 1)
	})

	t.Run("KeyChange", func(t *testing.T) {
		t.Parallel()
		b := setup(t, kavenegarfake.Config{})
		b.fake.SetAPIKey("rotated")
		requireError(t, b.post(t, key, "sms/send", form), 403)
		require.Equal(t, 200, b.post(t, "rotated", "sms/send", form).httpStatus)
	})
}
