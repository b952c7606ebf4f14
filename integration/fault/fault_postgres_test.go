//go:build integration

package fault_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The shape of the PostgreSQL restart run.
const (
	// restartTraders place orders and read their balance at once, one goroutine each.
	restartTraders = 4
	// restartWarmOK is how many requests must succeed before the server is stopped.
	restartWarmOK = 40
	// restartOutageFailures is how many failed requests the outage must cause before the
	// server is started again, so that the load meets the outage whatever the machine's speed.
	restartOutageFailures = 20
	// restartDowntime is how long the server stays down at least, as a restart on a real
	// machine would.
	restartDowntime = 2 * time.Second
	// restartAfterOK is how many requests started after the recovery must succeed before
	// the load stops: the window in which not a single 5xx may appear.
	restartAfterOK = 200
	// restartRecovery bounds how long the app may take to serve again once the database is
	// back, without being restarted.
	restartRecovery = 30 * time.Second
)

// TestFaultPostgresRestartUnderLoad restarts PostgreSQL under the app while traders place
// orders and read balances, and checks that the app rides it out by itself (issue #9):
//
//   - every request that ended before the stop succeeded;
//   - every failure belongs to the outage: it ended after the stop and started before the
//     app served again; the app answered it 503 maintenance (the database is unavailable,
//     not an internal error) or the client lost the connection, never 500;
//   - /readyz went 503 during the outage and is 200 after it;
//   - once the database is back the app serves again within restartRecovery without a
//     restart, and of the restartAfterOK requests that follow not one fails;
//   - `talabin ledger verify` passes and every order answered 201 is in the database with
//     its journal.
//
// The server is a private one (startPrivatePostgres), stopped with pg_ctl -m fast, which
// ends every session as a real restart does: the shared server cannot be restarted, other
// test packages use it meanwhile. The app is the built binary, as deployed.
func TestFaultPostgresRestartUnderLoad(t *testing.T) {
	t.Parallel()
	pg := startPrivatePostgres(t)
	dir := t.TempDir()
	env := appEnv(map[string]string{"DATABASE_URL": pg.DSN()})
	out, code := runCLI(t, dir, env, "migrate", "up")
	require.Zero(t, code, "talabin migrate up:\n%s", out)
	traders := seedTraders(t, env, restartTraders)
	app := startApp(t, dir, "serve", env)
	client := &http.Client{Timeout: 15 * time.Second}
	logIn(t, client, app.base, traders)

	var log requestLog
	ctx, stopLoad := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for i, tr := range traders {
		wg.Go(func() { tradeUntil(ctx, client, app.base, tr, fmt.Sprintf("pg-restart-%d-", i), &log) })
	}
	wg.Go(func() { pollReadiness(ctx, client, app.base, &log) })
	t.Cleanup(func() {
		stopLoad()
		wg.Wait()
	})

	log.waitUntil(t, "the load to run", func(rs []request) bool { return countOK(rs, time.Time{}) >= restartWarmOK })
	outage := time.Now()
	pg.stop(t, "fast")
	log.waitUntil(t, "the outage to reach the load and /readyz", func(rs []request) bool {
		return countFailed(rs, outage) >= restartOutageFailures && slices.ContainsFunc(rs, func(r request) bool {
			return r.readiness && r.end.After(outage) && r.status == http.StatusServiceUnavailable
		})
	})
	time.Sleep(time.Until(outage.Add(restartDowntime)))
	pg.start(t)
	t.Logf("PostgreSQL was down for %s", time.Since(outage).Round(time.Millisecond))

	probe := &http.Client{Timeout: 5 * time.Second}
	require.Eventually(t, func() bool {
		ready, err := getStatus(t.Context(), probe, app.base+"/readyz")
		balance := call(t.Context(), probe, http.MethodGet, app.base+"/api/wallet/balance/", "",
			http.Header{"Authorization": {"Bearer " + traders[0].Token}})
		return err == nil && ready == http.StatusOK && balance.err == nil && balance.status == http.StatusOK
	}, restartRecovery, 100*time.Millisecond, "the app did not serve again once PostgreSQL was back")
	recovered := time.Now()
	t.Logf("the app served again %s after the stop", recovered.Sub(outage).Round(time.Millisecond))
	log.waitUntil(t, "the load after the recovery", func(rs []request) bool { return countOK(rs, recovered) >= restartAfterOK })
	stopLoad()
	wg.Wait()

	requests := log.all()
	var failedDuring, readyDuring int
	var orders []string
	for _, r := range requests {
		switch {
		case r.ok() && r.number != "":
			orders = append(orders, r.number)
		case r.ok():
		case r.end.Before(outage):
			t.Errorf("%s failed before the outage: %s", r, r.outcome())
		case !r.start.Before(recovered):
			t.Errorf("%s failed after the app had recovered: %s", r, r.outcome())
		case r.readiness && r.status == http.StatusServiceUnavailable:
			readyDuring++
		case r.err == nil && (r.status != http.StatusServiceUnavailable || r.code != "maintenance"):
			t.Errorf("%s failed during the outage with %s, want 503 maintenance or a lost connection", r, r.outcome())
		default:
			failedDuring++
		}
	}
	require.Positive(t, failedDuring, "no request failed: the outage did not reach the load")
	require.Positive(t, readyDuring, "/readyz never answered 503 during the outage")
	t.Logf("%d requests: %d failed during the outage (503 maintenance or connection lost), %d orders placed; "+
		"%d requests after the recovery, none failed", len(requests), failedDuring, len(orders), countOK(requests, recovered))

	requireLedgerVerifies(t, dir, env)
	requireOrdersStored(t, openDatabase(t, env), orders)
}

// request is one request of the load, or one /readyz poll.
type request struct {
	what       string // "place_order", "balance" or "readyz"
	readiness  bool
	start, end time.Time
	status     int
	code       string // the error code of an API error answer
	err        error
	number     string // a placed order's number
}

// ok reports whether the request succeeded.
func (r request) ok() bool {
	return r.err == nil && (r.status == http.StatusOK || r.status == http.StatusCreated)
}

func (r request) String() string {
	return fmt.Sprintf("%s started %s", r.what, r.start.Format("15:04:05.000"))
}

// outcome is the answer's status or the transport error.
func (r request) outcome() string {
	if r.err != nil {
		return r.err.Error()
	}
	return fmt.Sprint(r.status, " ", r.code)
}

// requestLog collects the requests of every goroutine of the load.
type requestLog struct {
	mu       sync.Mutex
	requests []request
}

func (l *requestLog) add(r request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = append(l.requests, r)
}

func (l *requestLog) all() []request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.requests)
}

// eventTimeout bounds each wait for the load to reach a state; it only ends a run that is
// stuck.
const eventTimeout = 2 * time.Minute

// waitUntil waits until cond holds for the requests logged so far, failing t after
// eventTimeout.
func (l *requestLog) waitUntil(t *testing.T, what string, cond func([]request) bool) {
	t.Helper()
	deadline := time.Now().Add(eventTimeout)
	for !cond(l.all()) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", eventTimeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// countOK counts the load's successful requests that started at or after since.
func countOK(rs []request, since time.Time) int {
	n := 0
	for _, r := range rs {
		if !r.readiness && r.ok() && !r.start.Before(since) {
			n++
		}
	}
	return n
}

// countFailed counts the load's failed requests that ended after since.
func countFailed(rs []request, since time.Time) int {
	n := 0
	for _, r := range rs {
		if !r.readiness && !r.ok() && r.end.After(since) {
			n++
		}
	}
	return n
}

// tradeUntil has tr place a buy and read its balance, over and over until ctx ends, each
// order under a new Idempotency-Key with keyPrefix, and logs every request.
func tradeUntil(ctx context.Context, client *http.Client, base string, tr trader, keyPrefix string, log *requestLog) {
	auth := http.Header{"Authorization": {"Bearer " + tr.Token}}
	for n := 0; ctx.Err() == nil; n++ {
		start := time.Now()
		a := placeOrder(ctx, client, base, tr, fmt.Sprint(keyPrefix, n), orderBody(100_000+1_000*(n%900)))
		if ctx.Err() != nil {
			return
		}
		r := request{what: "place_order", start: start, end: time.Now(), status: a.status, code: errorCode(a.body), err: a.err}
		if a.status == http.StatusCreated {
			r.number = orderNumber(a.body)
		}
		log.add(r)

		start = time.Now()
		a = call(ctx, client, http.MethodGet, base+"/api/wallet/balance/", "", auth)
		if ctx.Err() != nil {
			return
		}
		log.add(request{what: "balance", start: start, end: time.Now(), status: a.status, code: errorCode(a.body), err: a.err})
	}
}

// pollReadiness asks /readyz every readinessPoll until ctx ends and logs every answer.
func pollReadiness(ctx context.Context, client *http.Client, base string, log *requestLog) {
	for ctx.Err() == nil {
		start := time.Now()
		status, err := getStatus(ctx, client, base+"/readyz")
		if ctx.Err() != nil {
			return
		}
		log.add(request{what: "readyz", readiness: true, start: start, end: time.Now(), status: status, err: err})
		select {
		case <-ctx.Done():
		case <-time.After(readinessPoll):
		}
	}
}

// readinessPoll is the pause between two /readyz polls.
const readinessPoll = 50 * time.Millisecond
