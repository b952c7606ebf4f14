package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/talabin/talabin/integration/loadrig"
)

// requestTimeout bounds one request; a slower one counts as an error.
const requestTimeout = 10 * time.Second

// outcome summarises one attack.
type outcome struct {
	Name     string
	Elapsed  time.Duration
	Requests int
	// OK counts the answers with the expected status; every other result is an error.
	OK     int
	Errors int
	// Codes counts the answers by status (0: no answer, e.g. a timeout).
	Codes map[uint16]int
	// FirstError is one failed result, for the report.
	FirstError string
	P50, P99   time.Duration
	Max        time.Duration
	// CPUBusy is the share of the machine's CPU time (every core, database included) that
	// was busy during the attack, from 0 to 1.
	CPUBusy float64

	placeOrders, keyed bool
}

// Rate is the answers with the expected status per second.
func (o outcome) Rate() float64 {
	if o.Elapsed <= 0 {
		return 0
	}
	return float64(o.OK) / o.Elapsed.Seconds()
}

// collector gathers the results of one or more attackers into an [outcome].
type collector struct {
	want      uint16
	mu        sync.Mutex
	latencies []time.Duration
	out       outcome
}

func newCollector(name string, want uint16) *collector {
	return &collector{want: want, out: outcome{Name: name, Codes: map[uint16]int{}}}
}

// drain adds every result of ch.
func (c *collector) drain(ch <-chan *vegeta.Result) {
	lat := make([]time.Duration, 0, 1<<14)
	var ok, failed int
	codes := map[uint16]int{}
	first := ""
	for r := range ch {
		lat = append(lat, r.Latency)
		codes[r.Code]++
		if r.Code == c.want && r.Error == "" {
			ok++
			continue
		}
		failed++
		if first == "" {
			first = fmt.Sprintf("%d %s %.200s", r.Code, r.Error, r.Body)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.latencies = append(c.latencies, lat...)
	c.out.OK += ok
	c.out.Errors += failed
	for k, v := range codes {
		c.out.Codes[k] += v
	}
	if c.out.FirstError == "" {
		c.out.FirstError = first
	}
}

// finish computes the percentiles; elapsed is the attack's wall time.
func (c *collector) finish(elapsed time.Duration) outcome {
	slices.Sort(c.latencies)
	o := c.out
	o.Elapsed = elapsed
	o.Requests = len(c.latencies)
	if n := len(c.latencies); n > 0 {
		// Nearest rank: the smallest latency that q of the requests did not exceed.
		at := func(q float64) time.Duration { return c.latencies[max(0, int(math.Ceil(q*float64(n)))-1)] }
		o.P50, o.P99, o.Max = at(0.50), at(0.99), c.latencies[n-1]
	}
	return o
}

// maxRate is vegeta's pacer for "as fast as the workers go".
var maxRate = vegeta.ConstantPacer{}

// attackPrice sends GET prices/gold/current/ as fast as conns keep-alive connections allow,
// one request in flight on each, for d.
func attackPrice(base string, conns int, d time.Duration) outcome {
	url := base + "/api/prices/gold/current/"
	atk := vegeta.NewAttacker(
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.KeepAlive(true), vegeta.Timeout(requestTimeout),
	)
	target := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: url})
	c := newCollector("GET prices/gold/current/", http.StatusOK)
	start := time.Now()
	c.drain(atk.Attack(target, maxRate, d, "price"))
	return c.finish(time.Since(start))
}

// attackPlace has every user place buy orders of 100,000 to 1,000,000 rials back to back
// with its own token on its own connection, for d: len(users) concurrent traders. With
// keyed, each request carries an Idempotency-Key of its own, made unique by run.
func attackPlace(base string, users []loadrig.User, d time.Duration, keyed bool, run string, seed uint64) outcome {
	name := "POST place_order/"
	if keyed {
		name += " + Idempotency-Key"
	}
	c := newCollector(name, http.StatusCreated)
	var wg sync.WaitGroup
	start := time.Now()
	for i, u := range users {
		atk := vegeta.NewAttacker(
			vegeta.Workers(1), vegeta.MaxWorkers(1), vegeta.Connections(1), vegeta.MaxConnections(1),
			vegeta.KeepAlive(true), vegeta.Timeout(requestTimeout),
		)
		tr := placeTargeter(base, u, keyed, run, rand.New(rand.NewPCG(seed, uint64(i))))
		results := atk.Attack(tr, maxRate, d, "place")
		wg.Go(func() { c.drain(results) })
	}
	wg.Wait()
	o := c.finish(time.Since(start))
	o.placeOrders, o.keyed = true, keyed
	return o
}

// placeTargeter returns user's next buy order; one attacker worker calls it, so rng and
// the counter need no lock.
func placeTargeter(base string, u loadrig.User, keyed bool, run string, rng *rand.Rand) vegeta.Targeter {
	url := base + "/api/trading/orders/place_order/"
	header := http.Header{
		"Authorization": {"Bearer " + u.Token},
		"Content-Type":  {"application/json"},
	}
	keyPrefix := "bench-" + run + "-" + strconv.FormatInt(int64(u.ID), 10) + "-"
	n := 0
	return func(t *vegeta.Target) error {
		amount := 1000 * (100 + rng.IntN(901)) // 100,000 to 1,000,000 rials in steps of 1,000
		t.Method, t.URL = http.MethodPost, url
		t.Body = fmt.Appendf(nil, `{"order_type":"buy","amount_irr":%d}`, amount)
		t.Header = header
		if keyed {
			n++
			t.Header = header.Clone()
			t.Header.Set("Idempotency-Key", keyPrefix+strconv.Itoa(n))
		}
		return nil
	}
}
