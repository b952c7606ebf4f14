package pricing_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/pricing"
)

// series returns n points one minute apart from t0, with ids 1..n and a mid price rising by
// 1,000 rials a point.
func series(n int) []pricing.Point {
	points := make([]pricing.Point, n)
	for i := range points {
		mid := core.RialsPerGram(3_000_000 + 1_000*i)
		points[i] = pricing.Point{ID: int64(i + 1), Price: price(mid-10_000, mid+10_000, t0.Add(time.Duration(i)*time.Minute))}
	}
	return points
}

func ids(points []pricing.Point) []int64 {
	out := make([]int64, len(points))
	for i, p := range points {
		out[i] = p.ID
	}
	return out
}

func TestDownsample(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		points []pricing.Point
		limit  int
		want   []int64
	}{
		{name: "Empty", points: nil, limit: 500, want: nil},
		{name: "OnePoint", points: series(1), limit: 500, want: []int64{1}},
		{name: "FitsWhole", points: series(5), limit: 5, want: []int64{1, 2, 3, 4, 5}},
		{name: "LimitZero", points: series(5), limit: 0, want: nil},
		{name: "LimitOneKeepsNewest", points: series(5), limit: 1, want: []int64{5}},
		{name: "LimitTwoKeepsEnds", points: series(5), limit: 2, want: []int64{1, 5}},
		// 11 points over 10 minutes, 3 interior buckets of 10/3 minutes: offsets 1–3 → 0,
		// 4–6 → 1, 7–9 → 2; each bucket keeps its newest point.
		{name: "EvenBuckets", points: series(11), limit: 5, want: []int64{1, 4, 7, 10, 11}},
		// The last interior point (offset 9 of 10) lands in the last bucket, not past it.
		{name: "NinetyNinePoints", points: series(99), limit: 4, want: []int64{1, 49, 98, 99}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := pricing.Downsample(tt.points, tt.limit)
			if tt.want == nil {
				require.Empty(t, got)
				return
			}
			require.Equal(t, tt.want, ids(got))
		})
	}
}

func TestDownsampleSkipsEmptyBuckets(t *testing.T) {
	t.Parallel()

	// Two clusters far apart: the buckets between them are empty and yield nothing.
	points := append(series(10), pricing.Point{ID: 99, Price: price(1, 2, t0.Add(1000*time.Hour))})
	got := pricing.Downsample(points, 6)
	require.Equal(t, []int64{1, 10, 99}, ids(got))
}

func TestDownsampleSortsWithoutModifying(t *testing.T) {
	t.Parallel()

	points := series(20)
	shuffled := slices.Clone(points)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) {
		shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
	})
	before := slices.Clone(shuffled)
	require.Equal(t, pricing.Downsample(points, 6), pricing.Downsample(shuffled, 6))
	require.Equal(t, before, shuffled)
	require.Equal(t, ids(points), ids(pricing.Downsample(shuffled, 20)))
}

func TestDownsampleSameInstant(t *testing.T) {
	t.Parallel()

	points := series(10)
	for i := range points {
		points[i].At = t0
	}
	require.Equal(t, []int64{1, 9, 10}, ids(pricing.Downsample(points, 4)))
}

// TestDownsampleProperty checks on seeded random histories that the result never exceeds the
// limit, is oldest first, keeps the oldest and newest points, and holds only input points.
func TestDownsampleProperty(t *testing.T) {
	t.Parallel()

	const seed = 20_251_204
	rng := rand.New(rand.NewPCG(seed, 500))
	for i := range 1_000 {
		n := rng.IntN(2_000)
		points := make([]pricing.Point, n)
		for j := range points {
			at := t0.Add(time.Duration(rng.Int64N(int64(30 * 24 * time.Hour))))
			points[j] = pricing.Point{ID: int64(j + 1), Price: price(3_000_000, 3_100_000, at)}
		}
		limit := 1 + rng.IntN(pricing.MaxHistoryPoints)
		got := pricing.Downsample(points, limit)
		msg := []any{"seed %d case %d: n=%d limit=%d", seed, i, n, limit}
		require.LessOrEqual(t, len(got), limit, msg...)
		if n <= limit {
			require.Len(t, got, n, msg...)
		}
		if n == 0 {
			continue
		}
		sorted := slices.SortedStableFunc(slices.Values(points), func(a, b pricing.Point) int { return a.At.Compare(b.At) })
		require.Equal(t, sorted[n-1], got[len(got)-1], msg...)
		if limit >= 2 {
			require.Equal(t, sorted[0], got[0], msg...)
		}
		require.True(t, slices.IsSortedFunc(got, func(a, b pricing.Point) int { return a.At.Compare(b.At) }), msg...)
		seen := map[int64]bool{}
		for _, p := range got {
			require.False(t, seen[p.ID], msg...)
			seen[p.ID] = true
			require.Equal(t, points[p.ID-1], p, msg...)
		}
	}
}

func TestCandles(t *testing.T) {
	t.Parallel()

	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	mid := func(m core.RialsPerGram, when time.Time) pricing.Point {
		return pricing.Point{Price: price(m-1_000, m+1_001, when)} // Mid = ⌊(2m+1)/2⌋ = m
	}
	tests := []struct {
		name     string
		points   []pricing.Point
		interval time.Duration
		want     []pricing.Candle
	}{
		{name: "Empty", points: nil, interval: time.Hour, want: nil},
		{name: "ZeroInterval", points: []pricing.Point{mid(3_000_000, t0)}, interval: 0, want: nil},
		{name: "OnePoint", points: []pricing.Point{mid(3_000_000, at(25))}, interval: time.Hour,
			want: []pricing.Candle{{Start: t0, Open: 3_000_000, High: 3_000_000, Low: 3_000_000, Close: 3_000_000, Count: 1}}},
		{
			name: "TwoHoursWithGapAndUnsortedInput",
			points: []pricing.Point{
				mid(3_050_000, at(10)), mid(3_000_000, at(0)), mid(3_100_000, at(30)), mid(2_950_000, at(59)),
				mid(3_200_000, at(180)), mid(3_150_000, at(200)),
			},
			interval: time.Hour,
			want: []pricing.Candle{
				{Start: t0, Open: 3_000_000, High: 3_100_000, Low: 2_950_000, Close: 2_950_000, Count: 4},
				{Start: at(180), Open: 3_200_000, High: 3_200_000, Low: 3_150_000, Close: 3_150_000, Count: 2},
			},
		},
		{
			name:     "AlignedToIntervalNotFirstPoint",
			points:   []pricing.Point{mid(3_000_000, at(14)), mid(3_010_000, at(16))},
			interval: 15 * time.Minute,
			want: []pricing.Candle{
				{Start: at(0), Open: 3_000_000, High: 3_000_000, Low: 3_000_000, Close: 3_000_000, Count: 1},
				{Start: at(15), Open: 3_010_000, High: 3_010_000, Low: 3_010_000, Close: 3_010_000, Count: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, pricing.Candles(tt.points, tt.interval))
		})
	}
}
