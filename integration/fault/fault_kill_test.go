//go:build integration

package fault_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The environment variables of the SIGKILL run: how many kills (5 by default, as `make test`
// runs it; `make test-soak` sets 20) and the seed of the kill delays, to replay a run.
const (
	envKillPoints = "TALABIN_FAULT_KILL_POINTS"
	envKillSeed   = "TALABIN_FAULT_KILL_SEED"
)

// killTraders place orders at once, one goroutine each.
const killTraders = 8

// TestFaultSIGKILLUnderOrderLoad kills the built app with SIGKILL at random points while
// traders place orders over HTTP, each under an Idempotency-Key of its own, and restarts it
// on the same database each time (issue #9), on PostgreSQL and on the embedded SQLite
// default. After every restart:
//
//   - `talabin ledger verify` exits 0;
//   - every order answered 201 is in the database, completed, with its journal;
//   - replaying the Idempotency-Key of every order answered 201 returns the same order;
//   - the keys whose request got no answer exist completely or not at all: the stored
//     responses and the orders match one to one (a stored response names an order that is
//     there, and no order lacks its response), and replaying such a key answers 201 with
//     the stored order when there is one.
//
// Each kill lands a seeded random delay after the first order of its round was answered;
// the seed is logged, and TALABIN_FAULT_KILL_SEED replays it.
func TestFaultSIGKILLUnderOrderLoad(t *testing.T) {
	t.Parallel()
	points := 5
	if v := os.Getenv(envKillPoints); v != "" {
		var err error
		points, err = strconv.Atoi(v)
		require.NoError(t, err, envKillPoints)
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(envKillSeed); v != "" {
		var err error
		seed, err = strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, envKillSeed)
	}
	t.Logf("%d kills per engine, seed %d (replay with %s=%d)", points, seed, envKillSeed, seed)

	engines := []struct {
		name  string
		store func(t *testing.T, dir string) map[string]string
	}{
		{"postgres", func(t *testing.T, _ string) map[string]string {
			return map[string]string{"DATABASE_URL": newPostgresDSN(t)}
		}},
		{"sqlite", func(_ *testing.T, dir string) map[string]string {
			return map[string]string{"SQLITE_PATH": filepath.Join(dir, "data", "talabin.db")}
		}},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			env := appEnv(e.store(t, dir))
			out, code := runCLI(t, dir, env, "migrate", "up")
			require.Zero(t, code, "talabin migrate up:\n%s", out)
			killRepeatedly(t, dir, env, points, rand.New(rand.NewPCG(seed, 0)))
		})
	}
}

// killRepeatedly starts the app on env's database, puts it under order load and kills it,
// points times, checking the database and the restarted app after every kill.
func killRepeatedly(t *testing.T, dir string, env map[string]string, points int, rng *rand.Rand) {
	t.Helper()
	traders := seedTraders(t, env, killTraders)
	db := openDatabase(t, env)
	client := &http.Client{Timeout: 15 * time.Second}
	var last round
	total := 0
	for point := 0; point <= points; point++ {
		app := startApp(t, dir, fmt.Sprintf("serve-%d", point), env)
		if point == 0 {
			logIn(t, client, app.base, traders)
		} else {
			requireRecovered(t, client, app.base, dir, env, db, traders, last)
			total += len(last.acked)
		}
		if point == points {
			break
		}
		delay := time.Duration(100+rng.IntN(1400)) * time.Millisecond
		last = placeUntilKilled(t, client, app, traders, fmt.Sprintf("kill-%d-", point), delay)
		t.Logf("kill %d/%d, %s after the first order: %d orders answered 201, %d requests unanswered",
			point+1, points, delay, len(last.acked), len(last.unanswered))
	}
	require.Positive(t, total, "no order was answered 201")
}

// keyedOrder is one place_order request: who sent it, its Idempotency-Key and body, and the
// order number of its 201 answer, if it got one.
type keyedOrder struct {
	trader int
	key    string
	body   string
	number string
}

// round is what the traders sent to one incarnation of the app before it was killed.
type round struct {
	acked      []keyedOrder // answered 201
	unanswered []keyedOrder // in flight at the kill: no answer
}

// placeUntilKilled has every trader place orders under new Idempotency-Keys with keyPrefix
// until the app is killed, delay after the first order was answered 201, and returns what
// was sent. Every request must be answered 201 until the kill.
func placeUntilKilled(t *testing.T, client *http.Client, app *appProcess, traders []trader, keyPrefix string, delay time.Duration) round {
	t.Helper()
	var (
		mu       sync.Mutex
		r        round
		answered = make(chan struct{})
		once     sync.Once
		wrong    []string
	)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var wg sync.WaitGroup
	for i, tr := range traders {
		wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				o := keyedOrder{trader: i, key: fmt.Sprintf("%s%d-%d", keyPrefix, i, n), body: orderBody(100_000 + 1_000*(n%900))}
				a := placeOrder(ctx, client, app.base, tr, o.key, o.body)
				mu.Lock()
				switch {
				case a.err == nil && a.status == http.StatusCreated:
					o.number = orderNumber(a.body)
					r.acked = append(r.acked, o)
					once.Do(func() { close(answered) })
				case a.err != nil:
					r.unanswered = append(r.unanswered, o)
				default:
					wrong = append(wrong, fmt.Sprintf("%s: %d %s", o.key, a.status, a.body))
				}
				mu.Unlock()
				if a.err != nil {
					return // the app is gone
				}
			}
		})
	}
	select {
	case <-answered:
	case <-time.After(eventTimeout):
		t.Fatalf("no order was answered 201 within %s", eventTimeout)
	}
	time.Sleep(delay)
	app.kill(t)
	wg.Wait()
	require.Empty(t, wrong, "place_order answered other than 201 before the kill")
	for _, o := range r.acked {
		require.NotEmpty(t, o.number, "a 201 without an order_number (key %s)", o.key)
	}
	return r
}

// requireRecovered checks the restarted app at base and its database after the kill that
// ended last.
func requireRecovered(t *testing.T, client *http.Client, base, dir string, env map[string]string, db *sql.DB, traders []trader, last round) {
	t.Helper()
	requireLedgerVerifies(t, dir, env)
	numbers := make([]string, 0, len(last.acked))
	for _, o := range last.acked {
		numbers = append(numbers, o.number)
	}
	requireOrdersStored(t, db, numbers)
	stored := requireResponsesMatchOrders(t, db)

	for _, o := range last.acked {
		a := placeOrder(t.Context(), client, base, traders[o.trader], o.key, o.body)
		require.NoError(t, a.err)
		require.Equal(t, http.StatusCreated, a.status, a.body)
		require.Equal(t, o.number, orderNumber(a.body), "replaying %s after the restart", o.key)
	}
	committed := 0
	for _, o := range last.unanswered {
		want, kept := stored[o.key]
		a := placeOrder(t.Context(), client, base, traders[o.trader], o.key, o.body)
		require.NoError(t, a.err)
		require.Equal(t, http.StatusCreated, a.status, a.body)
		if kept {
			committed++
			require.Equal(t, want, orderNumber(a.body), "replaying %s, committed before the kill but unanswered", o.key)
		}
	}
	t.Logf("after the restart: ledger verified, %d answered orders present and replayed, "+
		"%d of %d unanswered requests had committed", len(last.acked), committed, len(last.unanswered))
}

// requireResponsesMatchOrders checks that the stored place_order responses and the orders
// match one to one, every response a 201 naming an order that is there with its journal,
// and returns the order number of each Idempotency-Key.
func requireResponsesMatchOrders(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	stored := map[string]string{}
	rows, err := db.QueryContext(t.Context(), `SELECT key, status, body FROM idempotency_records`)
	require.NoError(t, err)
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var key string
		var status int
		var body []byte
		require.NoError(t, rows.Scan(&key, &status, &body))
		require.Equal(t, http.StatusCreated, status, "stored response of %s: %s", key, body)
		stored[key] = orderNumber(string(body))
		require.NotEmpty(t, stored[key], "stored response of %s names no order: %s", key, body)
	}
	require.NoError(t, rows.Err())
	var orders int
	require.NoError(t, db.QueryRowContext(t.Context(), `SELECT count(*) FROM orders`).Scan(&orders))
	distinct := map[string]bool{}
	numbers := make([]string, 0, len(stored))
	for _, n := range stored {
		numbers = append(numbers, n)
		distinct[n] = true
	}
	requireOrdersStored(t, db, numbers)
	require.Len(t, distinct, len(stored), "two stored responses name the same order")
	require.Len(t, stored, orders, "orders without a stored response")
	return stored
}
