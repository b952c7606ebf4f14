package pricing

import (
	"math/bits"
	"slices"
	"time"

	"github.com/talabin/talabin/core"
)

// MaxHistoryPoints is the most points a price history answer carries (API.md §3.8).
const MaxHistoryPoints = 500

// Point is one stored price on the history chart: the price and the id of its record (the
// `id` of a PricePoint, API.md §2; zero when the price was never stored).
type Point struct {
	ID int64
	Price
}

// byTime orders points oldest first; equal times keep their order.
func byTime(a, b Point) int { return a.At.Compare(b.At) }

// Downsample returns at most limit of points, oldest first, for a chart: the oldest and the
// newest are always kept, and the time between them is cut into limit − 2 equal buckets, each
// represented by its newest point (the price the interval closed at); empty buckets yield
// nothing. When points already fit they are returned whole, sorted. A limit of one keeps the
// newest point only; a limit below one yields nothing. points is not modified.
func Downsample(points []Point, limit int) []Point {
	if limit < 1 || len(points) == 0 {
		return nil
	}
	sorted := slices.SortedStableFunc(slices.Values(points), byTime)
	n := len(sorted)
	if n <= limit {
		return sorted
	}
	if limit == 1 {
		return []Point{sorted[n-1]}
	}
	first, last := sorted[0], sorted[n-1]
	out := make([]Point, 0, limit)
	out = append(out, first)
	if limit == 2 {
		return append(out, last)
	}
	buckets := uint64(limit - 2)
	span := uint64(last.At.Sub(first.At)) // ≥ 0: sorted; saturates at about 292 years
	var (
		pending Point
		bucket  uint64
		have    bool
	)
	for _, p := range sorted[1 : n-1] {
		b := bucketOf(uint64(p.At.Sub(first.At)), span, buckets)
		if have && b != bucket {
			out = append(out, pending)
		}
		pending, bucket, have = p, b, true
	}
	if have {
		out = append(out, pending)
	}
	return append(out, last)
}

// bucketOf returns ⌊offset × buckets / span⌋ on 128 bits, capped at buckets − 1; a zero span
// puts everything in the first bucket. offset ≤ span.
func bucketOf(offset, span, buckets uint64) uint64 {
	if buckets == 0 || span == 0 {
		return 0
	}
	hi, lo := bits.Mul64(offset, buckets)
	q, _ := bits.Div64(hi, lo, span) // offset ≤ span, so hi < span
	return min(q, buckets-1)
}

// Candle is the open, high, low and close of the mid price ([Price.Mid]) over one interval
// starting at Start; Count is how many points fell in it.
type Candle struct {
	Start                  time.Time
	Open, High, Low, Close core.RialsPerGram
	Count                  int
}

// Candles groups points into candles of interval, oldest first. Intervals are aligned to
// multiples of interval since the zero time ([time.Time.Truncate]), so hourly candles start on
// the hour and daily candles at 00:00 UTC; intervals without points yield no candle. A
// non-positive interval yields nothing. points is not modified.
func Candles(points []Point, interval time.Duration) []Candle {
	if interval <= 0 || len(points) == 0 {
		return nil
	}
	sorted := slices.SortedStableFunc(slices.Values(points), byTime)
	var out []Candle
	for _, p := range sorted {
		start, mid := p.At.Truncate(interval), p.Mid()
		if len(out) > 0 && out[len(out)-1].Start.Equal(start) {
			c := &out[len(out)-1]
			c.High, c.Low, c.Close = max(c.High, mid), min(c.Low, mid), mid
			c.Count++
			continue
		}
		out = append(out, Candle{Start: start, Open: mid, High: mid, Low: mid, Close: mid, Count: 1})
	}
	return out
}
