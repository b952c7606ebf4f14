package httpjson

import (
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		json string // one JSON value
		want string // the exact value as a fraction, "" for an error
	}{
		{"Integer", `71250000`, "71250000/1"},
		{"Zero", `0`, "0/1"},
		{"Fraction", `7125000.25`, "28500001/4"},
		{"Exponent", `7.125e7`, "71250000/1"},
		{"NegativeExponent", `5e-1`, "1/2"},
		{"ExponentAtBound", `1e18`, "1000000000000000000/1"},
		{"ExponentBeyondBound", `1e19`, ""},
		{"Negative", `-1`, ""},
		{"NegativeZero", `-0`, ""},
		{"String", `"71250000"`, "71250000/1"},
		{"StringGrouped", `"71,250,000.5"`, "142500001/2"},
		{"StringPersian", `"۷۱٬۲۵۰٬۰۰۰٫۵"`, "142500001/2"},
		{"StringArabicIndic", `"٧١٢٥٠٠٠٠"`, "71250000/1"},
		{"StringSpaces", `"  71250000  "`, "71250000/1"},
		{"StringTrailingPoint", `"71250000."`, "71250000/1"},
		{"StringLeadingPoint", `".5"`, ""},
		{"StringExponent", `"1e3"`, ""},
		{"StringTwoPoints", `"1.2.3"`, ""},
		{"StringTooManyDecimals", `"1.0000000000000000001"`, ""},
		{"StringMaxDecimals", `"1.000000000000000001"`, "1000000000000000001/1000000000000000000"},
		{"StringAboveParseRialMax", `"1000000000000001"`, ""},
		{"StringNaN", `"NaN"`, ""},
		{"StringInfinity", `"Infinity"`, ""},
		{"StringHex", `"0x10"`, ""},
		{"StringPlus", `"+5"`, ""},
		{"Null", `null`, ""},
		{"True", `true`, ""},
		{"Object", `{}`, ""},
		{"Array", `[1]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseAmount(gjson.Parse(tt.json))
			if tt.want == "" {
				require.Error(t, err)
				require.NotErrorIs(t, err, core.ErrInvalidInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got.String())
		})
	}
}

func TestRounding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		r         *big.Rat
		floor     int64
		ceil      int64
		fitsInt64 bool
	}{
		{"Whole", big.NewRat(7, 1), 7, 7, true},
		{"Half", big.NewRat(15, 2), 7, 8, true},
		{"Tiny", big.NewRat(1, 1_000_000), 0, 1, true},
		{"Zero", new(big.Rat), 0, 0, true},
		{"TooLarge", new(big.Rat).SetInt(pow10(19)), 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, okF := floor(tt.r)
			c, okC := ceil(tt.r)
			require.Equal(t, tt.fitsInt64, okF)
			require.Equal(t, tt.fitsInt64, okC)
			if tt.fitsInt64 {
				require.Equal(t, tt.floor, f)
				require.Equal(t, tt.ceil, c)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	require.Equal(t, `"abc"`, quote("abc"))
	long := "۰۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹"
	q := quote(long)
	require.Equal(t, strconv.Quote(long[:40])+"…", q)
}

// FuzzParseAmount checks that reading any value, as a JSON literal or as a string, never
// panics, and that whatever is read is a non-negative number below the bound the parser
// keeps to (10^15 × 10^18), so that no answer makes the feed compute with huge values.
func FuzzParseAmount(f *testing.F) {
	for _, seed := range []string{
		"71250000", "7125000.5", "7.125e7", "1e-18", "-1", "", ".", "e", "1e", "1e+", "0.",
		"۷۱٬۲۵۰٬۰۰۰٫۵", "٧١٢٥", "7,12,50", "1,000.000,5", "1.2.3", "NaN", "1e999999999",
		"99999999999999999999999999", "\u200c1\u200e2", "١٬٠٠٠", "1\u066b5",
	} {
		f.Add(seed)
	}
	bound := new(big.Rat).SetInt(pow10(15 + maxExponent + 1))
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range []gjson.Result{
			gjson.Parse(s),
			gjson.Parse(strconv.Quote(s)),
			{Type: gjson.String, Str: s},
			{Type: gjson.Number, Raw: s},
		} {
			r, err := parseAmount(v)
			if err != nil {
				require.NotErrorIs(t, err, core.ErrInvalidInput)
				continue
			}
			require.GreaterOrEqual(t, r.Sign(), 0)
			require.Negative(t, r.Cmp(bound), "%s is beyond the bound", r.RatString())
		}
	})
}

// FuzzRead checks that no answer body makes the feed panic, and that whatever it accepts is
// a usable price within its bounds.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		`{"data":{"buy":71250000,"sell":72100000,"ts":1774083540}}`,
		`{"data":{"buy":"۷۱٬۲۵۰٬۰۰۰","sell":"72,100,000.5","ts":"2026-03-21T08:59:00Z"}}`,
		`{"data":{"buy":0,"sell":-1}}`, `{"data":{"buy":1e18,"sell":9e18}}`, `[]`, `{`, ``, `null`,
		`{"data":{"buy":72100000,"sell":71250000,"ts":1774083540}}`,
		`{"data":{"mid":7167500.25,"ts":"1774083540.5"}}`,
	} {
		f.Add([]byte(seed))
	}
	now := time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC)
	feeds := []*Feed{
		fuzzFeed(f, Config{BuyPath: "data.buy", SellPath: "data.sell", TimestampPath: "data.ts"}),
		fuzzFeed(f, Config{BuyPath: "data.buy", SellPath: "data.sell", Unit: UnitToman, MinPrice: 1_000_000, MaxPrice: 1_000_000_000}),
		fuzzFeed(f, Config{MidPath: "data.mid", SpreadBasisPoints: 75, TimestampPath: "data.ts"}),
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, feed := range feeds {
			p, err := feed.read(body, now)
			if err != nil {
				require.NotErrorIs(t, err, core.ErrInvalidInput)
				continue
			}
			require.NoError(t, ports.CheckFeedPrice(p))
			require.GreaterOrEqual(t, p.Buy, feed.cfg.MinPrice)
			require.LessOrEqual(t, p.Sell, feed.cfg.MaxPrice)
			require.False(t, p.At.After(now.Add(FutureTolerance)))
		}
	})
}

func fuzzFeed(tb testing.TB, cfg Config) *Feed {
	tb.Helper()
	cfg.URL = "https://prices.example.ir/gold"
	feed, err := New(cfg)
	require.NoError(tb, err)
	return feed
}
