package httpapi_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
)

// wireCase is one value and its expected JSON.
type wireCase struct {
	name  string
	value any
	want  string
}

func TestWireTypes(t *testing.T) {
	t.Parallel()
	tehranSummer2021 := time.Date(2021, 7, 1, 12, 0, 0, 0, time.UTC)
	tests := []wireCase{
		{name: "Money", value: core.Rial(1_005_000), want: `1005000`},
		{name: "MoneyMaximum", value: core.MaxRialInput, want: `1000000000000000`},
		{name: "PricePerGram", value: core.RialsPerGram(65_000_000), want: `65000000`},
		{name: "UserID", value: core.UserID(42), want: `42`},
		{name: "Gold", value: httpapi.Gold(327_868), want: `"0.327868"`},
		{name: "GoldZero", value: httpapi.Gold(0), want: `"0.000000"`},
		{name: "GoldWholeGrams", value: httpapi.Gold(12_500_000), want: `"12.500000"`},
		{name: "GoldNegative", value: httpapi.Gold(-1), want: `"-0.000001"`},
		{name: "AmountString", value: httpapi.AmountString(1_005_000), want: `"1005000"`},
		{name: "AmountStringZero", value: httpapi.AmountString(0), want: `"0"`},
		{name: "Percent", value: httpapi.Percent(50), want: `"0.50"`},
		{name: "PercentWhole", value: httpapi.Percent(10_000), want: `"100.00"`},
		{name: "TimestampFromUTC", value: httpapi.Timestamp(time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC)), want: `"2025-03-01T14:30:00+03:30"`},
		{name: "TimestampDropsFraction", value: httpapi.Timestamp(time.Date(2025, 3, 1, 11, 0, 0, 999, time.UTC)), want: `"2025-03-01T14:30:00+03:30"`},
		{name: "TimestampZeroIsNull", value: httpapi.Timestamp(time.Time{}), want: `null`},
		{name: "TimestampInStruct", value: struct {
			At httpapi.Timestamp `json:"at"`
		}{}, want: `{"at":null}`},
		{name: "GoldInStruct", value: struct {
			G httpapi.Gold `json:"gold_balance"`
		}{G: 1}, want: `{"gold_balance":"0.000001"}`},
	}
	if time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC).In(mustTehran(t)).Format("-07:00") == "+04:30" {
		// With the zone database, historical daylight saving time is kept.
		tests = append(tests, wireCase{name: "TimestampHistoricalDST", value: httpapi.Timestamp(tehranSummer2021), want: `"2021-07-01T16:30:00+04:30"`})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(tt.value)

			require.NoError(t, err)
			require.JSONEq(t, tt.want, string(got))
			require.Equal(t, tt.want, string(got))
		})
	}
}

// mustTehran loads Asia/Tehran, or a fixed +03:30 when the zone database is missing.
func mustTehran(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		return time.FixedZone("+0330", 3*60*60+30*60)
	}
	return loc
}

func TestFormatTime(t *testing.T) {
	t.Parallel()
	got := httpapi.FormatTime(time.Date(2025, 12, 31, 21, 0, 0, 0, time.UTC))

	require.Equal(t, "2026-01-01T00:30:00+03:30", got)
	parsed, err := time.Parse(time.RFC3339, got)
	require.NoError(t, err)
	require.True(t, parsed.Equal(time.Date(2025, 12, 31, 21, 0, 0, 0, time.UTC)))
}

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "ArabicYeh", in: "علي", want: "علی"},
		{name: "ArabicAlefMaksura", in: "مصطفى", want: "مصطفی"},
		{name: "ArabicKaf", in: "كريم", want: "کریم"},
		{name: "Trimmed", in: "  سارا \t", want: "سارا"},
		{name: "AlreadyPersian", in: "کیمیا", want: "کیمیا"},
		{name: "Latin", in: " Ali ", want: "Ali"},
		{name: "InnerSpacesKept", in: "محمد  علی", want: "محمد  علی"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, httpapi.NormalizeName(tt.in))
		})
	}
}
