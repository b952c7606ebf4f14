package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/talabin/talabin/integration/loadrig"
)

// requestTimeout bounds one request; a slower one counts as an error.
const requestTimeout = 10 * time.Second

// priceObjective is the current price's latency objective, the target README.md's load
// benchmarks hold the endpoint to.
var priceObjective = objective{Name: "p99 ≤ 10 ms", Limit: 10 * time.Millisecond}

// endpoint is one kind of request a scenario sends and the status that answers it well.
type endpoint struct {
	Name   string
	Method string
	Path   string
	Want   uint16
}

// The endpoints the scenarios call; a result is matched to its endpoint by method and path.
var (
	currentPrice = endpoint{"GET prices/gold/current/", http.MethodGet, "/api/prices/gold/current/", http.StatusOK}
	balance      = endpoint{"GET wallet/balance/", http.MethodGet, "/api/wallet/balance/", http.StatusOK}
	transactions = endpoint{"GET transactions/", http.MethodGet, "/api/transactions/", http.StatusOK}
	preview      = endpoint{"POST orders/preview/", http.MethodPost, "/api/trading/orders/preview/", http.StatusOK}
	placeOrder   = endpoint{"POST orders/place_order/", http.MethodPost, "/api/trading/orders/place_order/", http.StatusCreated}
)

// scenario is one load shape.
type scenario struct {
	name string
	// load describes the shape for the reports.
	load string
	// duration is the default length of the measured run.
	duration time.Duration
	// rate is the open loop's requests per second; 0 for a closed loop.
	rate int
	// users is how many logged-in users the rig seeds.
	users     int
	endpoints []endpoint
	objective *objective
	// attack runs the load against base for d and records every result; run makes the
	// warm-up's choices differ from the measured run's.
	attack func(base string, users []loadrig.User, d time.Duration, run uint64, rec *recorder)
}

// allScenarios lists the scenarios in the order `-scenario all` runs them.
func (o options) allScenarios() []scenario {
	seed := o.Seed
	return []scenario{
		{
			name:      "orders",
			load:      fmt.Sprintf("closed loop: %d users, each with its own session and wallet and one request in flight, alternating buy and sell orders", o.Users),
			duration:  30 * time.Second,
			users:     o.Users,
			endpoints: []endpoint{placeOrder},
			attack: func(base string, users []loadrig.User, d time.Duration, run uint64, rec *recorder) {
				attackOrders(base, users, d, seed+run, rec)
			},
		},
		{
			name:      "prices",
			load:      fmt.Sprintf("open loop: a constant %d requests/s on the current price", o.PriceRate),
			duration:  30 * time.Second,
			rate:      o.PriceRate,
			endpoints: []endpoint{currentPrice},
			objective: &priceObjective,
			attack: func(base string, _ []loadrig.User, d time.Duration, _ uint64, rec *recorder) {
				attackOpen(o.PriceRate, d, rec, func(t *vegeta.Target) error {
					t.Method, t.URL = currentPrice.Method, base+currentPrice.Path
					return nil
				})
			},
		},
		{
			name: "mixed",
			load: fmt.Sprintf("open loop: a constant %d requests/s by %d users: 40%% current price, 20%% balance, "+
				"15%% transactions list, 15%% order previews, 10%% buy or sell orders", o.MixedRate, o.Users),
			duration:  60 * time.Second,
			rate:      o.MixedRate,
			users:     o.Users,
			endpoints: []endpoint{currentPrice, balance, transactions, preview, placeOrder},
			attack: func(base string, users []loadrig.User, d time.Duration, run uint64, rec *recorder) {
				attackOpen(o.MixedRate, d, rec, mixedTargeter(base, users, seed+run))
			},
		},
	}
}

// scenarioNames lists the scenarios for the flag's help and errors.
func scenarioNames() string {
	var names []string
	for _, sc := range (options{}).allScenarios() {
		names = append(names, sc.name)
	}
	return strings.Join(names, ", ")
}

// selected returns the scenarios -scenario names, nil for an unknown name.
func (o options) selected() []scenario {
	all := o.allScenarios()
	if o.Scenario == "all" {
		return all
	}
	i := slices.IndexFunc(all, func(sc scenario) bool { return sc.name == o.Scenario })
	if i < 0 {
		return nil
	}
	return all[i : i+1]
}

// maxRate is vegeta's pacer for "as fast as the workers go".
var maxRate = vegeta.ConstantPacer{}

// attackOrders has every user place orders back to back with its own token on its own
// connection, one request in flight each, for d.
func attackOrders(base string, users []loadrig.User, d time.Duration, seed uint64, rec *recorder) {
	var wg sync.WaitGroup
	for i, u := range users {
		atk := vegeta.NewAttacker(
			vegeta.Workers(1), vegeta.MaxWorkers(1), vegeta.Connections(1), vegeta.MaxConnections(1),
			vegeta.KeepAlive(true), vegeta.Timeout(requestTimeout),
		)
		tr := orderTargeter(base, u, rand.New(rand.NewPCG(seed, uint64(i))))
		results := atk.Attack(tr, maxRate, d, "orders")
		wg.Go(func() { rec.drain(results) })
	}
	wg.Wait()
}

// attackOpen sends tr's requests at a constant rate per second for d, whatever the answers'
// latency: vegeta adds workers (and connections) when the ones it has are all waiting.
func attackOpen(rate int, d time.Duration, rec *recorder, tr vegeta.Targeter) {
	atk := vegeta.NewAttacker(vegeta.KeepAlive(true), vegeta.Timeout(requestTimeout))
	rec.drain(atk.Attack(tr, vegeta.ConstantPacer{Freq: rate, Per: time.Second}, d, "open"))
}

// orderTargeter returns user's next order, a buy then a sell and so on, of 100,000 to
// 1,000,000 rials; one attacker worker calls it, so rng and the flip need no lock.
func orderTargeter(base string, u loadrig.User, rng *rand.Rand) vegeta.Targeter {
	header := userHeader(u)
	sell := false
	return func(t *vegeta.Target) error {
		t.Method, t.URL, t.Header = placeOrder.Method, base+placeOrder.Path, header
		t.Body = orderBody(sell, rng)
		sell = !sell
		return nil
	}
}

// mixedTargeter picks each request of the mixed scenario: the endpoint by its share, the
// user at random. Vegeta's workers call it concurrently, so it locks.
func mixedTargeter(base string, users []loadrig.User, seed uint64) vegeta.Targeter {
	headers := make([]http.Header, len(users))
	for i, u := range users {
		headers[i] = userHeader(u)
	}
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, 0))
	return func(t *vegeta.Target) error {
		mu.Lock()
		pick, user, sell := rng.IntN(100), rng.IntN(len(users)), rng.IntN(2) == 1
		body := orderBody(sell, rng)
		mu.Unlock()
		t.Header, t.Body = headers[user], nil
		var ep endpoint
		switch {
		case pick < 40:
			ep, t.Header = currentPrice, nil
		case pick < 60:
			ep = balance
		case pick < 75:
			ep = transactions
		case pick < 90:
			ep, t.Body = preview, body
		default:
			ep, t.Body = placeOrder, body
		}
		t.Method, t.URL = ep.Method, base+ep.Path
		return nil
	}
}

// userHeader is the header of u's authenticated JSON requests.
func userHeader(u loadrig.User) http.Header {
	return http.Header{"Authorization": {"Bearer " + u.Token}, "Content-Type": {"application/json"}}
}

// orderBody is a buy or sell order (or preview) of 100,000 to 1,000,000 rials in steps of
// 1,000.
func orderBody(sell bool, rng *rand.Rand) []byte {
	side := "buy"
	if sell {
		side = "sell"
	}
	return fmt.Appendf(nil, `{"order_type":%q,"amount_irr":%d}`, side, 1000*(100+rng.IntN(901)))
}
