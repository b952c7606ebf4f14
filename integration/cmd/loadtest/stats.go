package main

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// sample is one request's outcome, kept small: a long run records every request.
type sample struct {
	// At is when the request was sent, from the start of the run.
	At      time.Duration
	Latency time.Duration
	Code    uint16
	// Endpoint indexes the scenario's endpoints; -1 for a request that matches none.
	Endpoint int
	OK       bool
}

// recorder collects the results of a run's attackers.
type recorder struct {
	endpoints []endpoint
	start     time.Time

	mu      sync.Mutex
	samples []sample
	// firstError is one failed result per endpoint, for the report.
	firstError map[int]string
}

// newRecorder starts recording a run that begins now.
func newRecorder(endpoints []endpoint) *recorder {
	return &recorder{endpoints: endpoints, start: time.Now(), firstError: map[int]string{}}
}

// drain records every result of ch.
func (rec *recorder) drain(ch <-chan *vegeta.Result) {
	batch := make([]sample, 0, 1024)
	flush := func() {
		rec.mu.Lock()
		rec.samples = append(rec.samples, batch...)
		rec.mu.Unlock()
		batch = batch[:0]
	}
	for r := range ch {
		s := sample{At: r.Timestamp.Sub(rec.start), Latency: r.Latency, Code: r.Code, Endpoint: rec.classify(r)}
		s.OK = s.Endpoint >= 0 && r.Error == "" && r.Code == rec.endpoints[s.Endpoint].Want
		if !s.OK {
			rec.mu.Lock()
			if _, seen := rec.firstError[s.Endpoint]; !seen {
				rec.firstError[s.Endpoint] = fmt.Sprintf("%d %s %.200s", r.Code, r.Error, r.Body)
			}
			rec.mu.Unlock()
		}
		if batch = append(batch, s); len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
}

// classify returns the index of r's endpoint, or -1.
func (rec *recorder) classify(r *vegeta.Result) int {
	u, err := url.Parse(r.URL)
	if err != nil {
		return -1
	}
	return slices.IndexFunc(rec.endpoints, func(e endpoint) bool { return e.Method == r.Method && e.Path == u.Path })
}

// count returns how many of the recorded requests to ep answered its success status.
func (rec *recorder) count(ep int) int64 {
	var n int64
	for _, s := range rec.samples {
		if s.Endpoint == ep && s.OK {
			n++
		}
	}
	return n
}

// stats are the figures of a set of requests.
type stats struct {
	Name      string  `json:"name"`
	Requests  int     `json:"requests"`
	OK        int     `json:"ok"`
	Errors    int     `json:"errors"`
	Rate      float64 `json:"requests_per_second"`
	OKRate    float64 `json:"ok_per_second"`
	LatencyMS latency `json:"latency_ms"`
	// Statuses counts the answers by HTTP status; "0" is no answer (a timeout or a refused
	// connection).
	Statuses   map[string]int `json:"statuses"`
	FirstError string         `json:"first_error,omitempty"`
	PerSecond  []second       `json:"per_second"`
}

// latency holds percentiles in milliseconds.
type latency struct {
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
}

// second is one second of a run: the requests sent in it and their latencies.
type second struct {
	T        int     `json:"t"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	P50      float64 `json:"p50_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
}

// summarise computes the figures of samples over a run of elapsed whose requests were sent
// over seconds seconds.
func summarise(name string, samples []sample, elapsed time.Duration, seconds int) stats {
	st := stats{Name: name, Requests: len(samples), Statuses: map[string]int{}, PerSecond: []second{}}
	lat := make([]time.Duration, len(samples))
	var sum time.Duration
	for i, s := range samples {
		lat[i] = s.Latency
		sum += s.Latency
		st.Statuses[strconv.Itoa(int(s.Code))]++
		if s.OK {
			st.OK++
		}
	}
	st.Errors = st.Requests - st.OK
	if elapsed > 0 {
		st.Rate = float64(st.Requests) / elapsed.Seconds()
		st.OKRate = float64(st.OK) / elapsed.Seconds()
	}
	if len(lat) == 0 {
		return st
	}
	slices.Sort(lat)
	st.LatencyMS = latency{
		Mean: millis(sum / time.Duration(len(lat))),
		P50:  millis(quantile(lat, 0.50)), P95: millis(quantile(lat, 0.95)),
		P99: millis(quantile(lat, 0.99)), Max: millis(lat[len(lat)-1]),
	}
	st.PerSecond = perSecond(samples, seconds)
	return st
}

// perSecond buckets samples by the second they were sent in, n seconds; the last takes
// the few sent just after the run's end (the pacer's last tick).
func perSecond(samples []sample, n int) []second {
	buckets := make([][]sample, max(n, 1))
	for _, s := range samples {
		i := min(max(0, int(s.At/time.Second)), len(buckets)-1)
		buckets[i] = append(buckets[i], s)
	}
	out := make([]second, len(buckets))
	for i, b := range buckets {
		out[i] = second{T: i, Requests: len(b)}
		lat := make([]time.Duration, len(b))
		for j, s := range b {
			lat[j] = s.Latency
			if !s.OK {
				out[i].Errors++
			}
		}
		if len(lat) == 0 {
			continue
		}
		slices.Sort(lat)
		out[i].P50, out[i].P99, out[i].Max = millis(quantile(lat, 0.50)), millis(quantile(lat, 0.99)), millis(lat[len(lat)-1])
	}
	return out
}

// quantile is the nearest-rank quantile of sorted: the smallest latency that q of the
// requests did not exceed.
func quantile(sorted []time.Duration, q float64) time.Duration {
	return sorted[max(0, int(math.Ceil(q*float64(len(sorted))))-1)]
}

// millis converts d to milliseconds rounded to microseconds.
func millis(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// objective is a scenario's latency target on the 99th percentile of its requests.
type objective struct {
	Name    string        `json:"name"`
	Limit   time.Duration `json:"-"`
	LimitMS float64       `json:"p99_limit_ms"`
	P99MS   float64       `json:"p99_ms"`
	Met     bool          `json:"met"`
}

// judge returns o measured against the run's total figures.
func (o objective) judge(total stats) objective {
	o.LimitMS, o.P99MS = millis(o.Limit), total.LatencyMS.P99
	o.Met = total.Requests > 0 && total.LatencyMS.P99 <= o.LimitMS
	return o
}
