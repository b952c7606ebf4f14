package httpjson_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/pricefeed/httpjson"
	"github.com/talabin/talabin/adapters/pricefeed/httpjson/httpjsonfake"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports"
)

// now is the feeds' clock in these tests; at is a price's observation a minute earlier.
var (
	now = time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)
	at  = now.Add(-time.Minute)
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// withClock sets the feed's clock to now.
func withClock(c *httpjson.Config) { c.Clock = fixedClock{now} }

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	valid := httpjson.Config{URL: "https://prices.example.ir/api/gold", BuyPath: "buy", SellPath: "sell"}
	tests := []struct {
		name    string
		edit    func(*httpjson.Config)
		wantErr string
	}{
		{"Minimal", func(*httpjson.Config) {}, ""},
		{"Full", func(c *httpjson.Config) {
			c.Name = "tgju"
			c.URL = "http://127.0.0.1:8080/v1/gold?key=abc"
			c.HeaderName, c.HeaderValue = "Authorization", "Bearer abc"
			c.BuyPath, c.SellPath = "data.items.0.buy", "data.items.0.sell"
			c.Unit = httpjson.UnitToman
			c.TimestampPath = "data.updated_at"
			c.MinPrice, c.MaxPrice = 10_000_000, 1_000_000_000
			c.Timeout = 2 * time.Second
			c.Breaker = httpjson.BreakerConfig{ConsecutiveFailures: 2, OpenTimeout: time.Second}
			c.Logger = slog.New(slog.DiscardHandler)
			c.Clock = fixedClock{now}
		}, ""},
		{"MidWithSpread", func(c *httpjson.Config) {
			c.BuyPath, c.SellPath, c.MidPath, c.SpreadBasisPoints = "", "", "price", pricing.MaxSpread
		}, ""},
		{"PersianKey", func(c *httpjson.Config) { c.BuyPath = "طلا.خرید" }, ""},
		{"MissingURL", func(c *httpjson.Config) { c.URL = "" }, "url is required"},
		{"RelativeURL", func(c *httpjson.Config) { c.URL = "prices.example.ir/gold" }, "absolute http or https"},
		{"FTPURL", func(c *httpjson.Config) { c.URL = "ftp://prices.example.ir/gold" }, "absolute http or https"},
		{"URLFragment", func(c *httpjson.Config) { c.URL += "#top" }, "fragment"},
		{"HeaderValueWithoutName", func(c *httpjson.Config) { c.HeaderValue = "abc" }, "without a header name"},
		{"BadHeaderName", func(c *httpjson.Config) { c.HeaderName, c.HeaderValue = "X Api Key", "abc" }, "not a valid HTTP header name"},
		{"HeaderValueNewline", func(c *httpjson.Config) { c.HeaderName, c.HeaderValue = "X-Key", "a\r\nb" }, "control characters"},
		{"NoPaths", func(c *httpjson.Config) { c.BuyPath, c.SellPath = "", "" }, "are required"},
		{"OnlyBuyPath", func(c *httpjson.Config) { c.SellPath = "" }, "sell path: path is empty"},
		{"MidAndSides", func(c *httpjson.Config) { c.MidPath = "price" }, "not both"},
		{"SpreadWithoutMid", func(c *httpjson.Config) { c.SpreadBasisPoints = 100 }, "only to a mid path"},
		{"NegativeSpread", func(c *httpjson.Config) {
			c.BuyPath, c.SellPath, c.MidPath, c.SpreadBasisPoints = "", "", "price", -1
		}, "outside 0..10000"},
		{"SpreadAboveMax", func(c *httpjson.Config) {
			c.BuyPath, c.SellPath, c.MidPath, c.SpreadBasisPoints = "", "", "price", pricing.MaxSpread+1
		}, "outside 0..10000"},
		{"EmptySegment", func(c *httpjson.Config) { c.BuyPath = "data..buy" }, "empty segment"},
		{"TrailingDot", func(c *httpjson.Config) { c.BuyPath = "data." }, "empty segment"},
		{"Wildcard", func(c *httpjson.Config) { c.BuyPath = "data.*.buy" }, "object keys and array indexes"},
		{"Query", func(c *httpjson.Config) { c.BuyPath = `items.#(name=="gold18").buy` }, "object keys and array indexes"},
		{"Modifier", func(c *httpjson.Config) { c.SellPath = "@reverse.0" }, "object keys and array indexes"},
		{"Pipe", func(c *httpjson.Config) { c.SellPath = "a|b" }, "object keys and array indexes"},
		{"Escape", func(c *httpjson.Config) { c.SellPath = `a\.b` }, "object keys and array indexes"},
		{"BadTimestampPath", func(c *httpjson.Config) { c.TimestampPath = "t.#" }, "timestamp path"},
		{"BadUnit", func(c *httpjson.Config) { c.Unit = "dollar" }, `unit "dollar"`},
		{"NegativeMin", func(c *httpjson.Config) { c.MinPrice = -1 }, "min price must not be negative"},
		{"MaxAboveSanityBound", func(c *httpjson.Config) { c.MaxPrice = ports.MaxFeedPrice + 1 }, "max price"},
		{"MinAboveMax", func(c *httpjson.Config) { c.MinPrice, c.MaxPrice = 10, 9 }, "min price is above max price"},
		{"MinAboveDefaultMax", func(c *httpjson.Config) { c.MinPrice = ports.MaxFeedPrice + 1 }, "min price is above max price"},
		{"NegativeTimeout", func(c *httpjson.Config) { c.Timeout = -time.Second }, "timeout"},
		{"NegativeOpenTimeout", func(c *httpjson.Config) { c.Breaker.OpenTimeout = -time.Second }, "open timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.edit(&cfg)
			err := cfg.Validate()
			feed, newErr := httpjson.New(cfg)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.NoError(t, newErr)
				require.NotEmpty(t, feed.Name())
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			require.ErrorContains(t, newErr, tt.wantErr)
			require.Nil(t, feed)
		})
	}
}

func TestDefaultName(t *testing.T) {
	t.Parallel()
	feed, err := httpjson.New(httpjson.Config{URL: "https://prices.example.ir", BuyPath: "b", SellPath: "s"})
	require.NoError(t, err)
	require.Equal(t, httpjson.DefaultName, feed.Name())
}

// TestShapes checks that the feed reads the price back from each shape the fake can write:
// paths through objects and arrays, units, number styles, timestamps, and a mid price opened
// by a spread, rounded buy down and sell up.
func TestShapes(t *testing.T) {
	t.Parallel()
	const buy, sell = 71_250_005, 72_100_000
	tests := []struct {
		name     string
		fake     httpjsonfake.Config
		edit     func(*httpjson.Config)
		wantBuy  core.RialsPerGram
		wantSell core.RialsPerGram
	}{
		{"FlatRial", httpjsonfake.Config{}, nil, buy, sell},
		{"NestedObjects", httpjsonfake.Config{BuyPath: "data.gold18.buy", SellPath: "data.gold18.sell"}, nil, buy, sell},
		{"ArrayIndexes", httpjsonfake.Config{BuyPath: "items.2.buy", SellPath: "items.2.sell"}, nil, buy, sell},
		{"RootArray", httpjsonfake.Config{BuyPath: "0.prices.1", SellPath: "0.prices.0"}, nil, buy, sell},
		{"PersianKeys", httpjsonfake.Config{BuyPath: "طلا.خرید", SellPath: "طلا.فروش"}, nil, buy, sell},
		{"TomanNumbers", httpjsonfake.Config{Toman: true}, nil, buy, sell},
		{"TomanPlainStrings", httpjsonfake.Config{Toman: true, Numbers: httpjsonfake.PlainStrings}, nil, buy, sell},
		{"TomanPersianStrings", httpjsonfake.Config{Toman: true, Numbers: httpjsonfake.PersianStrings}, nil, buy, sell},
		{"RialPersianStrings", httpjsonfake.Config{Numbers: httpjsonfake.PersianStrings}, nil, buy, sell},
		{"MidNoSpread", httpjsonfake.Config{MidPath: "price"}, nil, 71_675_002, 71_675_003},
		{"MidSpread", httpjsonfake.Config{MidPath: "data.price"}, func(c *httpjson.Config) {
			c.SpreadBasisPoints = 150
		}, 71_137_439, 72_212_566},
		{"MidOddSpread", httpjsonfake.Config{MidPath: "price"}, func(c *httpjson.Config) {
			c.SpreadBasisPoints = 25
		}, 71_585_408, 71_764_597},
		{"MidOddSpreadToman", httpjsonfake.Config{MidPath: "price", Toman: true}, func(c *httpjson.Config) {
			c.SpreadBasisPoints = 25
		}, 71_585_408, 71_764_597},
		{"MidSpreadPersian", httpjsonfake.Config{MidPath: "price", Toman: true, Numbers: httpjsonfake.PersianStrings}, func(c *httpjson.Config) {
			c.SpreadBasisPoints = 150
		}, 71_137_439, 72_212_566},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.fake, func(c *httpjson.Config) {
				withClock(c)
				if tt.edit != nil {
					tt.edit(c)
				}
			})
			b.fake.SetPrice(buy, sell, at)
			got, err := b.feed.Fetch(t.Context())
			require.NoError(t, err)
			require.Equal(t, pricing.Price{Buy: tt.wantBuy, Sell: tt.wantSell, Source: "testfeed", At: now}, got)
			require.GreaterOrEqual(t, got.Spread(), core.RialsPerGram(0))
		})
	}
}

// TestMidSpreadExample checks the documented example: mid 3,000,000 and 200 bp.
func TestMidSpreadExample(t *testing.T) {
	t.Parallel()
	b := setup(t, httpjsonfake.Config{MidPath: "price"}, func(c *httpjson.Config) {
		withClock(c)
		c.SpreadBasisPoints = 200
	})
	b.fake.SetPrice(3_000_000, 3_000_000, at)
	got, err := b.feed.Fetch(t.Context())
	require.NoError(t, err)
	require.Equal(t, core.RialsPerGram(2_970_000), got.Buy)
	require.Equal(t, core.RialsPerGram(3_030_000), got.Sell)
}

// serveBody returns a feed (buy, sell, ts paths) against a fake that answers every request
// with 200 and body.
func serveBody(t *testing.T, body string, edit func(*httpjson.Config)) *bundle {
	t.Helper()
	b := setup(t, httpjsonfake.Config{}, func(c *httpjson.Config) {
		withClock(c)
		c.TimestampPath = "ts"
		if edit != nil {
			edit(c)
		}
	})
	b.fake.SetFault(httpjsonfake.Fault{HTTPStatus: http.StatusOK, Body: body})
	return b
}

// TestNumbers checks how values are read, and that every unusable one reads as an
// unavailable price.
func TestNumbers(t *testing.T) {
	t.Parallel()
	const ts = `"ts": 1774083540`
	tests := []struct {
		name     string
		body     string
		wantBuy  core.RialsPerGram // 0: unavailable
		wantSell core.RialsPerGram
		wantErr  string
	}{
		{"Integers", `{"buy": 71250000, "sell": 72100000, ` + ts + `}`, 71_250_000, 72_100_000, ""},
		{"TrailingZeroFraction", `{"buy": 71250000.0, "sell": 72100000.00, ` + ts + `}`, 71_250_000, 72_100_000, ""},
		{"FractionsRoundForPlatform", `{"buy": 71250000.9, "sell": 72100000.1, ` + ts + `}`, 71_250_000, 72_100_001, ""},
		{"Exponent", `{"buy": 7.125e7, "sell": 7.21E+7, ` + ts + `}`, 71_250_000, 72_100_000, ""},
		{"NegativeExponent", `{"buy": 712500000e-1, "sell": 721000000E-1, ` + ts + `}`, 71_250_000, 72_100_000, ""},
		{"StringWithCommas", `{"buy": "71,250,000", "sell": " 72,100,000 ", ` + ts + `}`, 71_250_000, 72_100_000, ""},
		{"PersianDigits", `{"buy": "۷۱۲۵۰۰۰۰", "sell": "٧٢١٠٠٠٠٠", ` + ts + `}`, 71_250_000, 72_100_000, ""},
		{"PersianDecimal", `{"buy": "۷۱٬۲۵۰٬۰۰۰٫۵", "sell": "۷۲٬۱۰۰٬۰۰۰٫۵", ` + ts + `}`, 71_250_000, 72_100_001, ""},
		{"Missing", `{"sell": 72100000, ` + ts + `}`, 0, 0, `value at "buy" is missing`},
		{"Null", `{"buy": null, "sell": 72100000, ` + ts + `}`, 0, 0, `value at "buy" is null`},
		{"Boolean", `{"buy": true, "sell": 72100000, ` + ts + `}`, 0, 0, "is a boolean"},
		{"Object", `{"buy": {"v": 1}, "sell": 72100000, ` + ts + `}`, 0, 0, "is an object"},
		{"Array", `{"buy": [71250000], "sell": 72100000, ` + ts + `}`, 0, 0, "is an array"},
		{"EmptyString", `{"buy": "", "sell": 72100000, ` + ts + `}`, 0, 0, "not a non-negative decimal"},
		{"Words", `{"buy": "71250000 rial", "sell": 72100000, ` + ts + `}`, 0, 0, "not a non-negative decimal"},
		{"NegativeNumber", `{"buy": -71250000, "sell": 72100000, ` + ts + `}`, 0, 0, "not a non-negative decimal"},
		{"NegativeString", `{"buy": "-71250000", "sell": 72100000, ` + ts + `}`, 0, 0, "not a non-negative decimal"},
		{"ExponentInString", `{"buy": "7.125e7", "sell": 72100000, ` + ts + `}`, 0, 0, "not a non-negative decimal"},
		{"BadGrouping", `{"buy": "7,12,50,000", "sell": 72100000, ` + ts + `}`, 0, 0, "not a non-negative decimal"},
		{"EuropeanDecimal", `{"buy": "71.250.000,5", "sell": 72100000, ` + ts + `}`, 0, 0, "not a non-negative decimal"},
		{"SeparatorInFraction", `{"buy": "71250000.000,5", "sell": 72100000, ` + ts + `}`, 0, 0, "not a non-negative decimal"},
		{"HugeExponent", `{"buy": 1e400, "sell": 1e400, ` + ts + `}`, 0, 0, "not a non-negative decimal"},
		{"HugeNumber", `{"buy": 99999999999999999999999, "sell": 1, ` + ts + `}`, 0, 0, "not a non-negative decimal"},
		{"AboveSanityBound", `{"buy": 1e15, "sell": 1e15, ` + ts + `}`, 0, 0, "sanity bound"},
		{"AbsurdlyLarge", `{"buy": 1e18, "sell": 99e18, ` + ts + `}`, 0, 0, "absurdly large"},
		{"Zero", `{"buy": 0, "sell": 72100000, ` + ts + `}`, 0, 0, "more than zero"},
		{"BelowOne", `{"buy": 0.4, "sell": 0.6, ` + ts + `}`, 0, 0, "more than zero"},
		{"SellBelowBuy", `{"buy": 72100000, "sell": 71250000, ` + ts + `}`, 0, 0, "below buy price"},
		{"NotJSON", `<html>maintenance</html>`, 0, 0, "not json"},
		{"TruncatedJSON", `{"buy": 71250000, "sell": 72100`, 0, 0, "not json"},
		{"Empty", ``, 0, 0, "not json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := serveBody(t, tt.body, nil)
			got, err := b.feed.Fetch(t.Context())
			if tt.wantErr != "" {
				requireUnavailable(t, got, err)
				require.ErrorContains(t, err, tt.wantErr)
				require.True(t, strings.HasPrefix(err.Error(), "testfeed: price unavailable: "), err.Error())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantBuy, got.Buy)
			require.Equal(t, tt.wantSell, got.Sell)
		})
	}
}

func requireUnavailable(t *testing.T, got pricing.Price, err error) {
	t.Helper()
	require.ErrorIs(t, err, core.ErrPriceUnavailable)
	require.NotErrorIs(t, err, core.ErrInvalidInput)
	require.Zero(t, got)
}

// TestTimestamps checks the forms an observation time may take, and the ones refused.
func TestTimestamps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		ts      string // the JSON value of "ts", or "" for none
		want    time.Time
		wantErr string
	}{
		{"UnixNumber", `1774083540`, at, ""},
		{"UnixString", `"1774083540"`, at, ""},
		{"UnixPersianString", `"۱۷۷۴۰۸۳۵۴۰"`, at, ""},
		{"UnixFraction", `1774083540.25`, at.Add(250 * time.Millisecond), ""},
		{"RFC3339UTC", `"2026-03-21T08:59:00Z"`, at, ""},
		{"RFC3339Tehran", `"2026-03-21T12:29:00+03:30"`, at, ""},
		{"RFC3339Nano", `"2026-03-21T08:59:00.5Z"`, at.Add(500 * time.Millisecond), ""},
		{"WithinFutureTolerance", `1774083900`, now.Add(5 * time.Minute), ""},
		{"Missing", ``, time.Time{}, `timestamp at "ts" is missing`},
		{"Null", `null`, time.Time{}, "is null"},
		{"Zero", `0`, time.Time{}, "out of range"},
		{"Negative", `-5`, time.Time{}, "not a non-negative decimal"},
		{"Milliseconds", `1774083540000`, time.Time{}, "out of range"},
		{"BeyondFutureTolerance", `1774083901`, time.Time{}, "ahead of the clock"},
		{"RFC3339Epoch", `"1970-01-01T00:00:00Z"`, time.Time{}, "out of range"},
		{"NotATime", `"yesterday"`, time.Time{}, "neither unix seconds nor an rfc 3339 time"},
		{"Boolean", `false`, time.Time{}, "is a boolean, not a time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := `{"buy": 71250000, "sell": 72100000}`
			if tt.ts != "" {
				body = `{"buy": 71250000, "sell": 72100000, "ts": ` + tt.ts + `}`
			}
			b := serveBody(t, body, nil)
			got, err := b.feed.Fetch(t.Context())
			if tt.wantErr != "" {
				requireUnavailable(t, got, err)
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.True(t, tt.want.Equal(got.At), "got %s, want %s", got.At, tt.want)
			require.Equal(t, time.UTC, got.At.Location())
		})
	}
}

func TestNoTimestampPathUsesClock(t *testing.T) {
	t.Parallel()
	b := serveBody(t, `{"buy": 71250000, "sell": 72100000, "ts": "garbage"}`, func(c *httpjson.Config) {
		c.TimestampPath = ""
	})
	got, err := b.feed.Fetch(t.Context())
	require.NoError(t, err)
	require.Equal(t, now, got.At)
}

// TestConfiguredBounds checks MinPrice and MaxPrice, inclusive, on both sides.
func TestConfiguredBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		buy     int64
		sell    int64
		wantErr bool
	}{
		{"Inside", 71_250_000, 72_100_000, false},
		{"AtBounds", 10_000_000, 100_000_000, false},
		{"BuyBelowMin", 9_999_999, 72_100_000, true},
		{"SellAboveMax", 71_250_000, 100_000_001, true},
		{"TomanMistakeReadAsRial", 7_125_000, 7_210_000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, httpjsonfake.Config{}, func(c *httpjson.Config) {
				withClock(c)
				c.MinPrice, c.MaxPrice = 10_000_000, 100_000_000
			})
			b.fake.SetPrice(tt.buy, tt.sell, at)
			got, err := b.feed.Fetch(t.Context())
			if tt.wantErr {
				requireUnavailable(t, got, err)
				require.ErrorContains(t, err, "outside the configured bounds")
				return
			}
			require.NoError(t, err)
			require.Equal(t, core.RialsPerGram(tt.buy), got.Buy)
		})
	}
}

func TestDefaultBoundIsSanityBound(t *testing.T) {
	t.Parallel()
	b := setup(t, httpjsonfake.Config{}, withClock)
	b.fake.SetPrice(int64(ports.MaxFeedPrice), int64(ports.MaxFeedPrice), at)
	got, err := b.feed.Fetch(t.Context())
	require.NoError(t, err)
	require.Equal(t, ports.MaxFeedPrice, got.Sell)
}

// TestStatuses checks that every answer but a 2xx reads as unavailable after one request:
// redirects are not followed, and 4xx answers are no exception.
func TestStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{
		http.StatusMovedPermanently, http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound,
		http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout,
	} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			b := setup(t, httpjsonfake.Config{}, withClock)
			b.fake.SetPrice(71_250_000, 72_100_000, at)
			b.fake.SetFault(httpjsonfake.Fault{HTTPStatus: status, Body: `{"buy": 1, "sell": 2}`})
			got, err := b.feed.Fetch(t.Context())
			requireUnavailable(t, got, err)
			require.ErrorContains(t, err, "HTTP status")
			require.Equal(t, 1, b.fake.Requests())
		})
	}
}

// TestFourHundredsOpenBreaker checks the documented choice: a 4xx (here a wrong key) counts
// against the breaker like any other failure.
func TestFourHundredsOpenBreaker(t *testing.T) {
	t.Parallel()
	b := setup(t, httpjsonfake.Config{HeaderName: "X-Api-Key", HeaderValue: testKey}, func(c *httpjson.Config) {
		withClock(c)
		c.HeaderValue = "wrong-key"
	})
	b.fake.SetPrice(71_250_000, 72_100_000, at)
	for range testThreshold {
		_, err := b.feed.Fetch(t.Context())
		require.ErrorContains(t, err, "HTTP status 401")
	}
	_, err := b.feed.Fetch(t.Context())
	require.ErrorIs(t, err, core.ErrPriceUnavailable)
	require.ErrorContains(t, err, "circuit breaker is open")
	require.Equal(t, testThreshold, b.fake.Requests())
}

// TestDroppedConnection checks that the feed itself never repeats a request: a connection
// closed without an answer fails the fetch. The one resend that happens is the HTTP
// transport's own, of a GET sent on a kept-alive connection the server had closed.
func TestDroppedConnection(t *testing.T) {
	t.Parallel()
	t.Run("FreshConnection", func(t *testing.T) {
		t.Parallel()
		b := setup(t, httpjsonfake.Config{}, withClock)
		b.fake.SetPrice(71_250_000, 72_100_000, at)
		b.fake.SetFault(httpjsonfake.Fault{Drop: true})
		got, err := b.feed.Fetch(t.Context())
		requireUnavailable(t, got, err)
		require.Equal(t, 1, b.fake.Requests())
	})
	t.Run("StaleKeptAliveConnection", func(t *testing.T) {
		t.Parallel()
		b := setup(t, httpjsonfake.Config{}, withClock)
		b.fake.SetPrice(71_250_000, 72_100_000, at)
		_, err := b.feed.Fetch(t.Context())
		require.NoError(t, err)
		b.fake.SetFault(httpjsonfake.Fault{Drop: true, Times: 1})
		got, err := b.feed.Fetch(t.Context())
		require.NoError(t, err)
		require.Equal(t, core.RialsPerGram(71_250_000), got.Buy)
		require.Equal(t, 3, b.fake.Requests(), "one fetch, one drop, one resend by the transport")
	})
}

// TestUnreachable checks a feed whose server is gone: unavailable, with the URL (which may
// hold a key) kept out of the error.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	feed, err := httpjson.New(httpjson.Config{
		Name: "gone", URL: srv.URL + "/gold?api_key=" + testKey, BuyPath: "buy", SellPath: "sell",
		Timeout: testTimeout,
	})
	require.NoError(t, err)
	got, err := feed.Fetch(t.Context())
	requireUnavailable(t, got, err)
	require.NotContains(t, err.Error(), testKey)
	require.NotContains(t, err.Error(), srv.URL)
}

// TestSendsHeaderAndGET checks the request a feed makes: a GET of the configured URL, with
// its query, the auth header, Accept and the feed's User-Agent.
func TestSendsHeaderAndGET(t *testing.T) {
	t.Parallel()
	var got *http.Request
	fake := httpjsonfake.New(httpjsonfake.Config{Path: "/v1/gold", HeaderName: "Authorization", HeaderValue: "Bearer " + testKey})
	fake.SetPrice(71_250_000, 72_100_000, at)
	srv := outboundtest.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(r.Context())
		fake.ServeHTTP(w, r)
	}))
	feed, err := httpjson.New(httpjson.Config{
		URL: srv.URL + "/v1/gold?symbol=IR_GOLD_18K", HeaderName: "Authorization", HeaderValue: "Bearer " + testKey,
		BuyPath: "buy", SellPath: "sell", Timeout: testTimeout,
	})
	require.NoError(t, err)
	p, err := feed.Fetch(t.Context())
	require.NoError(t, err)
	require.Equal(t, httpjson.DefaultName, p.Source)
	require.Equal(t, http.MethodGet, got.Method)
	require.Equal(t, "/v1/gold?symbol=IR_GOLD_18K", got.URL.RequestURI())
	require.Equal(t, "Bearer "+testKey, got.Header.Get("Authorization"))
	require.Equal(t, "application/json", got.Header.Get("Accept"))
	require.Equal(t, httpjson.UserAgent, got.Header.Get("User-Agent"))
}
