package httpjson_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/pricefeed/httpjson"
	"github.com/talabin/talabin/adapters/pricefeed/httpjson/httpjsonfake"
	"github.com/talabin/talabin/core/pricing"
	"github.com/talabin/talabin/ports/pricefeedtest"
)

const (
	testTimeout   = 200 * time.Millisecond
	testThreshold = 3
	testKey       = "pf-test-key"
)

// bundle is one feed and the fake behind it.
type bundle struct {
	fake *httpjsonfake.Fake
	url  string
	feed *httpjson.Feed
}

// setup starts a fake shaped by fakeCfg and returns a feed configured against it with the
// matching paths, unit and header; edit tweaks the feed's config before New.
func setup(t *testing.T, fakeCfg httpjsonfake.Config, edit func(*httpjson.Config)) *bundle {
	t.Helper()
	fakeCfg.Path = "/api/v1/gold"
	fake := httpjsonfake.New(fakeCfg)
	srv := outboundtest.Serve(t, fake)
	cfg := httpjson.Config{
		Name:          "testfeed",
		URL:           srv.URL + "/api/v1/gold?market=tehran",
		HeaderName:    fakeCfg.HeaderName,
		HeaderValue:   fakeCfg.HeaderValue,
		BuyPath:       fakeCfg.BuyPath,
		SellPath:      fakeCfg.SellPath,
		MidPath:       fakeCfg.MidPath,
		TimestampPath: fakeCfg.TimestampPath,
		Timeout:       testTimeout,
		Breaker:       httpjson.BreakerConfig{ConsecutiveFailures: testThreshold, OpenTimeout: time.Minute},
	}
	if cfg.MidPath == "" && cfg.BuyPath == "" {
		cfg.BuyPath, cfg.SellPath = "buy", "sell"
	}
	if fakeCfg.Toman {
		cfg.Unit = httpjson.UnitToman
	}
	if edit != nil {
		edit(&cfg)
	}
	feed, err := httpjson.New(cfg)
	require.NoError(t, err)
	return &bundle{fake: fake, url: srv.URL, feed: feed}
}

// source steers the fake for the conformance suite.
type source struct{ fake *httpjsonfake.Fake }

func (s source) Offer(p pricing.Price) { s.fake.SetPrice(int64(p.Buy), int64(p.Sell), p.At) }

func (s source) Fail(f pricefeedtest.Failure) bool {
	switch f {
	case pricefeedtest.FailNothing:
		s.fake.SetFault(httpjsonfake.Fault{})
	case pricefeedtest.FailServerError:
		s.fake.SetFault(httpjsonfake.Fault{HTTPStatus: 502, Body: "<html><body>502 Bad Gateway</body></html>"})
	case pricefeedtest.FailSlow:
		s.fake.SetFault(httpjsonfake.Fault{Delay: 10 * time.Second})
	case pricefeedtest.FailGarbage:
		s.fake.SetFault(httpjsonfake.Fault{HTTPStatus: 200, Body: `{"data":{"gold18":{"buy":712`})
	case pricefeedtest.FailMissingField:
		s.fake.SetFault(httpjsonfake.Fault{MissingField: true})
	default:
		return false
	}
	return true
}

func (s source) Requests() int { return s.fake.Requests() }

// TestConformance runs the suite over the shapes real feeds use.
func TestConformance(t *testing.T) {
	t.Parallel()
	shapes := []struct {
		name string
		cfg  httpjsonfake.Config
	}{
		{"RialNumbersUnixTime", httpjsonfake.Config{
			BuyPath: "data.gold18.buy", SellPath: "data.gold18.sell", TimestampPath: "data.updated",
		}},
		{"TomanPersianStringsRFC3339", httpjsonfake.Config{
			BuyPath: "result.0.prices.buy", SellPath: "result.0.prices.sell", TimestampPath: "result.0.time",
			Toman: true, Numbers: httpjsonfake.PersianStrings, Timestamps: httpjsonfake.RFC3339,
			HeaderName: "X-Api-Key", HeaderValue: testKey,
		}},
		{"TomanPlainStrings", httpjsonfake.Config{
			BuyPath: "b", SellPath: "s", TimestampPath: "t",
			Toman: true, Numbers: httpjsonfake.PlainStrings,
		}},
	}
	for _, shape := range shapes {
		t.Run(shape.name, func(t *testing.T) {
			t.Parallel()
			pricefeedtest.Run(t, func(t *testing.T) pricefeedtest.Harness {
				b := setup(t, shape.cfg, nil)
				return pricefeedtest.Harness{Feed: b.feed, Source: source{b.fake}, BreakerThreshold: testThreshold}
			})
		})
	}
}
