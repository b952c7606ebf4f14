package httpjsonfake_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/pricefeed/httpjson/httpjsonfake"
)

var at = time.Date(2026, 3, 21, 8, 59, 0, 0, time.UTC)

// get serves fake for the test, GETs path from it with header and returns the answer.
func get(t *testing.T, fake *httpjsonfake.Fake, path string, header http.Header) (int, string) {
	t.Helper()
	srv := outboundtest.Serve(t, fake)
	req := outboundtest.NewJSONRequest(t, http.MethodGet, srv.URL+path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	status, body := outboundtest.Do(t, srv.Client(), req)
	return status, string(body)
}

func TestShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       httpjsonfake.Config
		buy, sell int64
		want      string
	}{
		{"Default", httpjsonfake.Config{}, 71_250_000, 72_100_000, `{"buy":71250000,"sell":72100000}`},
		{"Nested", httpjsonfake.Config{BuyPath: "data.gold18.buy", SellPath: "data.gold18.sell", TimestampPath: "data.ts"},
			71_250_000, 72_100_000, `{"data":{"gold18":{"buy":71250000,"sell":72100000},"ts":1774083540}}`},
		{"Arrays", httpjsonfake.Config{BuyPath: "items.1.buy", SellPath: "items.1.sell"},
			1, 2, `{"items":[null,{"buy":1,"sell":2}]}`},
		{"RootArray", httpjsonfake.Config{BuyPath: "0", SellPath: "1"}, 1, 2, `[1,2]`},
		{"Toman", httpjsonfake.Config{Toman: true}, 71_250_005, 72_100_000, `{"buy":7125000.5,"sell":7210000}`},
		{"Mid", httpjsonfake.Config{MidPath: "price"}, 71_250_005, 72_100_000, `{"price":71675002.5}`},
		{"MidToman", httpjsonfake.Config{MidPath: "price", Toman: true}, 71_250_005, 72_100_000, `{"price":7167500.25}`},
		{"PlainStrings", httpjsonfake.Config{Numbers: httpjsonfake.PlainStrings}, 71_250_000, -5, `{"buy":"71250000","sell":"-5"}`},
		{"PersianStrings", httpjsonfake.Config{Numbers: httpjsonfake.PersianStrings, Toman: true},
			71_250_005, 1_000, `{"buy":"۷٬۱۲۵٬۰۰۰٫۵","sell":"۱۰۰"}`},
		{"RFC3339", httpjsonfake.Config{TimestampPath: "t", Timestamps: httpjsonfake.RFC3339}, 1, 2,
			`{"buy":1,"sell":2,"t":"2026-03-21T12:29:00+03:30"}`},
		{"Absurd", httpjsonfake.Config{}, 1_000_000_000_000_000, 0, `{"buy":1000000000000000,"sell":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := httpjsonfake.New(tt.cfg)
			fake.SetPrice(tt.buy, tt.sell, at)
			status, body := get(t, fake, "/", nil)
			require.Equal(t, http.StatusOK, status)
			require.JSONEq(t, tt.want, body)
		})
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		path       string
		header     http.Header
		priced     bool
		wantStatus int
	}{
		{"NoPriceYet", "/gold", http.Header{"X-Api-Key": {"k"}}, false, http.StatusServiceUnavailable},
		{"WrongPath", "/silver", http.Header{"X-Api-Key": {"k"}}, true, http.StatusNotFound},
		{"MissingKey", "/gold", nil, true, http.StatusUnauthorized},
		{"WrongKey", "/gold", http.Header{"X-Api-Key": {"other"}}, true, http.StatusUnauthorized},
		{"Accepted", "/gold?x=1", http.Header{"X-Api-Key": {"k"}}, true, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := httpjsonfake.New(httpjsonfake.Config{Path: "/gold", HeaderName: "X-Api-Key", HeaderValue: "k"})
			if tt.priced {
				fake.SetPrice(1, 2, at)
			}
			status, _ := get(t, fake, tt.path, tt.header)
			require.Equal(t, tt.wantStatus, status)
			require.Equal(t, 1, fake.Requests())
		})
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()

	t.Run("RawAnswer", func(t *testing.T) {
		t.Parallel()
		fake := httpjsonfake.New(httpjsonfake.Config{})
		fake.SetPrice(1, 2, at)
		fake.SetFault(httpjsonfake.Fault{HTTPStatus: http.StatusBadGateway, Body: "<html>502</html>"})
		status, body := get(t, fake, "/", nil)
		require.Equal(t, http.StatusBadGateway, status)
		require.Equal(t, "<html>502</html>", body)
	})

	t.Run("MissingField", func(t *testing.T) {
		t.Parallel()
		fake := httpjsonfake.New(httpjsonfake.Config{TimestampPath: "ts"})
		fake.SetPrice(1, 2, at)
		fake.SetFault(httpjsonfake.Fault{MissingField: true})
		status, body := get(t, fake, "/", nil)
		require.Equal(t, http.StatusOK, status)
		require.JSONEq(t, `{"ts":1774083540}`, body)
	})

	t.Run("TimesHeals", func(t *testing.T) {
		t.Parallel()
		fake := httpjsonfake.New(httpjsonfake.Config{})
		fake.SetPrice(1, 2, at)
		fake.SetFault(httpjsonfake.Fault{HTTPStatus: http.StatusInternalServerError, Times: 2})
		srv := outboundtest.Serve(t, fake)
		var statuses []int
		for range 3 {
			status, _ := outboundtest.Do(t, srv.Client(), outboundtest.NewJSONRequest(t, http.MethodGet, srv.URL, nil))
			statuses = append(statuses, status)
		}
		require.Equal(t, []int{500, 500, 200}, statuses)
		require.Equal(t, 3, fake.Requests())
	})

	t.Run("CloseEndsHang", func(t *testing.T) {
		t.Parallel()
		fake := httpjsonfake.New(httpjsonfake.Config{})
		fake.SetPrice(1, 2, at)
		fake.SetFault(httpjsonfake.Fault{Delay: time.Hour})
		srv := outboundtest.Serve(t, fake)
		done := make(chan error, 1)
		go func() {
			req := outboundtest.NewJSONRequest(t, http.MethodGet, srv.URL, nil)
			resp, err := srv.Client().Do(req) //nolint:gosec // G704: the test's own server
			if err == nil {
				err = resp.Body.Close()
			}
			done <- err
		}()
		require.Eventually(t, func() bool { return fake.Requests() == 1 }, 5*time.Second, time.Millisecond)
		fake.Close()
		require.NoError(t, <-done, "the held answer ends with Close")
	})
}
