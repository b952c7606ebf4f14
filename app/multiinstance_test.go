package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/big"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	redislimit "github.com/talabin/talabin/adapters/ratelimit/redis"
	"github.com/talabin/talabin/adapters/store/postgres"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/integration/redistest"
	"github.com/talabin/talabin/ports"
)

// These tests run two instances of the wired app side by side, as a deployment behind a load
// balancer does: one PostgreSQL database, one Redis, one SECRET_KEY, and each instance with
// its own HTTP listener, job workers and memory. The test plays the load balancer: the
// instances trust 127.0.0.1 as their proxy, and every request names its client in
// X-Forwarded-For, so each simulated client has an address of its own and this run's rate
// limits in the shared Redis are its own.

// Intervals of the periodic jobs the pair runs: short, so that several periods pass during
// the test (PAYMENT_RECONCILE_INTERVAL may not go below 5s).
const (
	priceRefreshEvery     = time.Second
	paymentReconcileEvery = 5 * time.Second
)

// revocationMargin is added to the documented revocation bound when polling the other
// instance: the bound counts from that instance's last read of the session, which precedes
// the logout, so the margin only absorbs the latency of the probes themselves.
const revocationMargin = 2 * time.Second

// clusterPassword is the password of every user the cluster tests sign up.
const clusterPassword = "Gold-Bar-2026"

// cluster is two running instances of the app over one database and one Redis.
type cluster struct {
	nodes [2]liveApp
	// side is a store on the shared database, for what no endpoint offers (funding a wallet).
	side app.Database
	// db reads River's tables and counts rows.
	db *pgxpool.Pool
	// network is this run's /24 of client addresses ("10.x.y."), phones its block of phone
	// numbers ("912" and 3 digits): the rate limit keys in Redis that carry them are this
	// run's.
	network, phones string
	clients         atomic.Int32

	mu    sync.Mutex
	users []core.UserID // signed up so far, whose per-user rate limit keys cleanup deletes
}

// agent is one simulated user agent: its address and its (possibly unregistered) phone.
type agent struct {
	ip, phone09, phone98 string
}

// startCluster starts two instances built from one configuration on a fresh database and the
// test Redis, until the test ends. Each gets its own listener on 127.0.0.1:0.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	dsn := pgtest.New(t, pgtest.Options{Migrate: migratePostgres})
	redisURL := testRedisURL(t)
	rdb := redistest.Client(t)
	c := &cluster{
		network: fmt.Sprintf("10.%d.%d.", randomBelow(t, 256), randomBelow(t, 256)),
		phones:  fmt.Sprintf("912%03d", randomBelow(t, 1000)),
	}
	t.Cleanup(func() { c.forgetRateLimits(t, rdb) })

	environ := map[string]string{
		"DATABASE_URL":               dsn,
		"REDIS_URL":                  redisURL,
		"SECRET_KEY":                 rand.Text() + rand.Text() + rand.Text(),
		"TRUSTED_PROXIES":            "127.0.0.1",
		"OTP_EXPOSE_CODE":            "true",
		"BLOB_DIR":                   t.TempDir(),
		"PRICE_REFRESH_INTERVAL":     priceRefreshEvery.String(),
		"PAYMENT_RECONCILE_INTERVAL": paymentReconcileEvery.String(),
	}
	for i := range c.nodes {
		c.nodes[i] = startApp(t, maps.Clone(environ))
	}
	c.side = openSide(t, func() (app.Database, error) {
		return postgres.Open(t.Context(), dsn, postgres.Options{MaxConns: 2})
	})
	db, err := pgxpool.New(t.Context(), dsn)
	require.NoError(t, err)
	t.Cleanup(db.Close)
	c.db = db
	return c
}

// randomBelow returns a random number in [0, n).
func randomBelow(t *testing.T, n int64) int64 {
	t.Helper()
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	require.NoError(t, err)
	return v.Int64()
}

// newClient returns an agent with an address and a phone number no other agent of the run
// has.
func (c *cluster) newClient(t *testing.T) agent {
	t.Helper()
	n := c.clients.Add(1)
	require.Less(t, n, int32(255), "a run has one /24 of client addresses")
	national := fmt.Sprintf("%s%04d", c.phones, n)
	return agent{ip: c.network + strconv.Itoa(int(n)), phone09: "0" + national, phone98: "+98" + national}
}

// forgetRateLimits deletes the rate limit state this run left in Redis: the keys of its
// client addresses, phone numbers and users. Keys are redis_rate's "rate:", the limiter's
// prefix, the limit's name, ":" and the counted key; nothing else is touched.
func (c *cluster) forgetRateLimits(t *testing.T, rdb *redis.Client) {
	prefix := "rate:" + redislimit.DefaultPrefix
	patterns := []string{prefix + "*:" + c.network + "*", prefix + "*" + c.phones + "*"}
	c.mu.Lock()
	for _, u := range c.users {
		patterns = append(patterns, prefix+"*:"+u.String())
	}
	c.mu.Unlock()
	ctx := context.WithoutCancel(t.Context())
	for _, p := range patterns {
		iter := rdb.Scan(ctx, 0, p, 1000).Iterator()
		for iter.Next(ctx) {
			require.NoError(t, rdb.Del(ctx, iter.Val()).Err())
		}
		require.NoError(t, iter.Err())
	}
}

// signUp registers cl on one instance and verifies its phone on the other, with the code
// OTP_EXPOSE_CODE returns.
func (c *cluster) signUp(t *testing.T, cl agent) {
	t.Helper()
	hc := &http.Client{}
	r := c.nodes[0].call(t, hc, http.MethodPost, "/api/auth/register/", map[string]any{
		"phone_number": cl.phone09, "password": clusterPassword, "password_confirm": clusterPassword, "first_name": "سارا",
	}, "X-Forwarded-For", cl.ip)
	require.Equal(t, http.StatusCreated, r.status, r.raw)
	code, ok := r.data(t)["debug_code"].(string)
	require.True(t, ok, "no debug_code in %s", r.raw)
	r = c.nodes[1].call(t, hc, http.MethodPost, "/api/auth/verify-otp/",
		map[string]any{"phone_number": cl.phone98, "code": code, "otp_type": "registration"}, "X-Forwarded-For", cl.ip)
	require.Equal(t, http.StatusOK, r.status, r.raw)
}

// signedIn is a signed-in user.
type signedIn struct {
	user    core.UserID
	bearer  string // the Authorization header value
	refresh string
}

// login signs cl in on instance node.
func (c *cluster) login(t *testing.T, node int, cl agent) signedIn {
	t.Helper()
	r := c.nodes[node].call(t, &http.Client{}, http.MethodPost, "/api/auth/login/",
		map[string]any{"phone_number": cl.phone98, "password": clusterPassword}, "X-Forwarded-For", cl.ip)
	require.Equal(t, http.StatusOK, r.status, r.raw)
	tokens := r.data(t)["tokens"].(map[string]any)
	s := signedIn{
		user:    core.UserID(r.data(t)["user"].(map[string]any)["id"].(float64)),
		bearer:  "Bearer " + tokens["access"].(string),
		refresh: tokens["refresh"].(string),
	}
	c.mu.Lock()
	c.users = append(c.users, s.user)
	c.mu.Unlock()
	return s
}

// fund credits user's wallet through the ledger, as a verified deposit would.
func (c *cluster) fund(t *testing.T, user core.UserID, amount core.Rial) {
	t.Helper()
	require.NoError(t, c.side.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		j, err := ledger.DepositJournal(user, ledger.ExternalAccount(ledger.IRR), amount, "multi-instance-"+user.String())
		if err != nil {
			return err
		}
		_, err = tx.Ledger().Post(ctx, j)
		return err
	}))
}

// send is [liveApp.call] without t, for goroutines and require.Eventually's condition,
// where a failing require would not stop the test.
func (l liveApp) send(ctx context.Context, method, path string, body any, headers ...string) (apiResponse, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return apiResponse{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, l.base+path, rd)
	if err != nil {
		return apiResponse{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Client{Timeout: waitLimit}).Do(req)
	if err != nil {
		return apiResponse{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return apiResponse{}, err
	}
	r := apiResponse{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		return r, fmt.Errorf("body %q: %w", raw, err)
	}
	return r, nil
}

// codeOf returns the envelope's error code, "" when there is none.
func codeOf(r apiResponse) string {
	e, _ := r.body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// TestMultiInstance runs two instances on different ports sharing PostgreSQL and Redis, and
// checks what a horizontally scaled deployment relies on: rate limits count across both,
// periodic jobs are scheduled once per period for the pair, a session revoked on one is
// refused by the other within the documented bound, and orders spread over both (with
// Idempotency-Key replays crossing instances) keep the ledger verified.
func TestMultiInstance(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	t.Run("RateLimitsCountAcrossInstances", c.rateLimitsCountAcrossInstances)
	t.Run("PeriodicJobsScheduledOncePerPeriod", c.periodicJobsScheduledOncePerPeriod)
	t.Run("RevocationReachesOtherInstance", c.revocationReachesOtherInstance)
	t.Run("OrdersOverBothKeepLedgerVerified", c.ordersOverBothKeepLedgerVerified)
}

// rateLimitsCountAcrossInstances spends one client address's login budget (API.md §1.7) by
// alternating the instances: each answer announces the budget both have spent, and the
// attempt after it is refused on either instance. Another address is not affected.
func (c *cluster) rateLimitsCountAcrossInstances(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	login := httpapi.DefaultAuthLimits().Login
	ip := c.newClient(t).ip
	attempt := func(node int) apiResponse {
		// A phone of its own per attempt, so that the per-phone limit on failed sign-ins
		// never answers first.
		cl := c.newClient(t)
		return c.nodes[node].call(t, hc, http.MethodPost, "/api/auth/login/",
			map[string]any{"phone_number": cl.phone98, "password": clusterPassword}, "X-Forwarded-For", ip)
	}
	for i := range login.Rate {
		r := attempt(i % 2)
		require.Equal(t, http.StatusUnauthorized, r.status, "attempt %d: %s", i+1, r.raw)
		require.Equal(t, "invalid_credentials", r.errorCode(t))
		require.Equal(t, strconv.Itoa(login.Rate), r.header.Get(httpapi.HeaderRateLimitLimit))
		require.Equal(t, strconv.Itoa(login.Rate-1-i), r.header.Get(httpapi.HeaderRateLimitRemaining),
			"attempt %d on instance %d counts what both instances allowed", i+1, i%2)
	}
	for node := range c.nodes {
		r := attempt(node)
		require.Equal(t, http.StatusTooManyRequests, r.status, "instance %d: %s", node, r.raw)
		require.Equal(t, "rate_limit_exceeded", r.errorCode(t))
		retry, err := strconv.Atoi(r.header.Get("Retry-After"))
		require.NoError(t, err, "Retry-After %q", r.header.Get("Retry-After"))
		require.Positive(t, retry)
	}

	other := c.newClient(t)
	r := c.nodes[1].call(t, hc, http.MethodPost, "/api/auth/login/",
		map[string]any{"phone_number": other.phone98, "password": clusterPassword}, "X-Forwarded-For", other.ip)
	require.Equal(t, http.StatusUnauthorized, r.status, "the limit is per address: %s", r.raw)
}

// periodicJobsScheduledOncePerPeriod waits for several periods of the periodic jobs and
// reads what was scheduled from river_job. Both instances run job workers, but only River's
// elected leader schedules periodic jobs. If each instance scheduled its own, every period
// would hold two jobs of a kind at two phases; so the check is that consecutive jobs of a
// kind are at least one interval apart (a single scheduler spaces them exactly one interval
// apart), and that the hourly quote purge, which the scheduler inserts when it starts, exists
// once. Counting per wall-clock window instead would depend on where the windows fall.
func (c *cluster) periodicJobsScheduledOncePerPeriod(t *testing.T) {
	t.Parallel()
	every := map[string]time.Duration{"price_refresh": priceRefreshEvery, "payment_reconcile": paymentReconcileEvery}
	kinds := []string{"price_refresh", "payment_reconcile", "quote_purge", "kyc_inquiry_retry"}
	scheduled := func(ctx context.Context) (map[string][]time.Time, error) {
		rows, err := c.db.Query(ctx,
			`SELECT kind, scheduled_at FROM river_job WHERE kind = ANY($1) ORDER BY kind, scheduled_at`, kinds)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := make(map[string][]time.Time)
		for rows.Next() {
			var (
				kind string
				at   time.Time
			)
			if err := rows.Scan(&kind, &at); err != nil {
				return nil, err
			}
			out[kind] = append(out[kind], at)
		}
		return out, rows.Err()
	}
	require.Eventually(t, func() bool {
		jobs, err := scheduled(t.Context())
		return err == nil && len(jobs["price_refresh"]) >= 5 && len(jobs["payment_reconcile"]) >= 2
	}, jobWaitLimit, 100*time.Millisecond, "the periodic jobs were not scheduled for several periods")

	jobs, err := scheduled(t.Context())
	require.NoError(t, err)
	for _, kind := range kinds {
		t.Logf("%s: %d scheduled %v", kind, len(jobs[kind]), jobs[kind])
	}
	for kind, interval := range every {
		at := jobs[kind]
		for i := 1; i < len(at); i++ {
			// scheduled_at keeps microseconds, so an exact interval may read a microsecond short.
			require.GreaterOrEqual(t, at[i].Sub(at[i-1]), interval-time.Millisecond,
				"%s jobs %d and %d are less than one period apart: %v", kind, i-1, i, at)
		}
	}
	require.Len(t, jobs["quote_purge"], 1, "the hourly purge runs once when the scheduler starts")
	require.LessOrEqual(t, len(jobs["kyc_inquiry_retry"]), 1, "at most one per minute")

	var leaders int
	require.NoError(t, c.db.QueryRow(t.Context(), `SELECT count(*) FROM river_leader`).Scan(&leaders))
	require.Equal(t, 1, leaders, "one instance holds the leadership")
}

// revocationReachesOtherInstance signs a user in on one instance and uses the access token
// on the other, which remembers the session as active; after a logout on the first, the first
// refuses the token at once and the other within [ports.RevocationCacheTTL].
func (c *cluster) revocationReachesOtherInstance(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	cl := c.newClient(t)
	c.signUp(t, cl)
	s := c.login(t, 0, cl)
	a, b := c.nodes[0], c.nodes[1]

	r := b.call(t, hc, http.MethodGet, "/api/auth/me/", nil, "Authorization", s.bearer, "X-Forwarded-For", cl.ip)
	require.Equal(t, http.StatusOK, r.status, r.raw)

	r = a.call(t, hc, http.MethodPost, "/api/auth/logout/", map[string]any{"refresh": s.refresh},
		"Authorization", s.bearer, "X-Forwarded-For", cl.ip)
	require.Equal(t, http.StatusOK, r.status, r.raw)

	r = a.call(t, hc, http.MethodGet, "/api/auth/me/", nil, "Authorization", s.bearer, "X-Forwarded-For", cl.ip)
	require.Equal(t, http.StatusUnauthorized, r.status, "the revoking instance refuses at once: %s", r.raw)
	require.Equal(t, "token_revoked", r.errorCode(t))
	r = b.call(t, hc, http.MethodPost, "/api/auth/token/refresh/", map[string]any{"refresh": s.refresh}, "X-Forwarded-For", cl.ip)
	require.Equal(t, http.StatusUnauthorized, r.status, "refresh reads the store: %s", r.raw)
	require.Equal(t, "token_revoked", r.errorCode(t))

	var last apiResponse
	require.Eventually(t, func() bool {
		got, err := b.send(t.Context(), http.MethodGet, "/api/auth/me/", nil, "Authorization", s.bearer, "X-Forwarded-For", cl.ip)
		if err != nil {
			return false
		}
		last = got
		return got.status == http.StatusUnauthorized && codeOf(got) == "token_revoked"
	}, ports.RevocationCacheTTL+revocationMargin, 50*time.Millisecond,
		"the other instance still accepts the revoked session")
	require.Equal(t, "Bearer", last.header.Get("WWW-Authenticate"))
}

// placement is one order request sent from a goroutine and its answer.
type placement struct {
	user, node int
	body       map[string]any
	key        string // Idempotency-Key, "" for none
	resp       apiResponse
	err        error
}

// placeAll sends every placement at once, each to its instance.
func (c *cluster) placeAll(t *testing.T, sessions []signedIn, ips []string, ps []placement) {
	t.Helper()
	var wg sync.WaitGroup
	for i := range ps {
		p := &ps[i]
		wg.Go(func() {
			headers := []string{"Authorization", sessions[p.user].bearer, "X-Forwarded-For", ips[p.user]}
			if p.key != "" {
				headers = append(headers, "Idempotency-Key", p.key)
			}
			p.resp, p.err = c.nodes[p.node].send(t.Context(), http.MethodPost, "/api/trading/orders/place_order/", p.body, headers...)
		})
	}
	wg.Wait()
	for _, p := range ps {
		require.NoError(t, p.err)
	}
}

// ordersOverBothKeepLedgerVerified has several users place orders on both instances at once:
// buys and sells without a key, and a buy whose Idempotency-Key goes to both instances at
// the same moment and is replayed on each afterwards. Each key yields one order; the orders
// in the database are exactly the acknowledged ones; every wallet holds its funding less
// what its orders cost; and the ledger verifies.
func (c *cluster) ordersOverBothKeepLedgerVerified(t *testing.T) {
	t.Parallel()
	const (
		users               = 6
		funds     core.Rial = 20_000_000
		sellGrams           = "0.004"
	)
	hc := &http.Client{}
	sessions := make([]signedIn, users)
	ips := make([]string, users)
	for u := range users {
		cl := c.newClient(t)
		c.signUp(t, cl)
		sessions[u] = c.login(t, u%2, cl)
		ips[u] = cl.ip
		c.fund(t, sessions[u].user, funds)
	}
	buy := func(amount int) map[string]any { return map[string]any{"order_type": "buy", "amount_irr": amount} }
	key := func(u int) string { return "multi-instance-buy-" + strconv.Itoa(u) }

	var buys []placement
	for u := range users {
		buys = append(buys,
			placement{user: u, node: u % 2, body: buy(1_000_000)},
			placement{user: u, node: (u + 1) % 2, body: buy(2_000_000)},
			placement{user: u, node: 0, body: buy(1_500_000), key: key(u)},
			placement{user: u, node: 1, body: buy(1_500_000), key: key(u)},
		)
	}
	c.placeAll(t, sessions, ips, buys)

	keyed := make(map[int]apiResponse) // each user's keyed buy, as first answered
	for _, p := range buys {
		if p.key == "" {
			require.Equal(t, http.StatusCreated, p.resp.status, "user %d on instance %d: %s", p.user, p.node, p.resp.raw)
			continue
		}
		if p.resp.status == http.StatusConflict {
			require.Equal(t, "idempotency_in_progress", codeOf(p.resp), p.resp.raw)
			continue
		}
		require.Equal(t, http.StatusCreated, p.resp.status, "user %d on instance %d: %s", p.user, p.node, p.resp.raw)
		if p.resp.header.Get("Idempotency-Replayed") == "true" {
			continue
		}
		_, twice := keyed[p.user]
		require.False(t, twice, "user %d: both instances ran the keyed buy", p.user)
		keyed[p.user] = p.resp
	}
	require.Len(t, keyed, users, "every keyed buy ran on one instance")
	for u := range users {
		for node := range c.nodes {
			r := c.nodes[node].call(t, hc, http.MethodPost, "/api/trading/orders/place_order/", buy(1_500_000),
				"Authorization", sessions[u].bearer, "X-Forwarded-For", ips[u], "Idempotency-Key", key(u))
			require.Equal(t, http.StatusCreated, r.status, r.raw)
			require.Equal(t, "true", r.header.Get("Idempotency-Replayed"), "instance %d", node)
			require.JSONEq(t, keyed[u].raw, r.raw, "instance %d replays the stored answer", node)
		}
	}
	r := c.nodes[1].call(t, hc, http.MethodPost, "/api/trading/orders/place_order/", buy(1_600_000),
		"Authorization", sessions[0].bearer, "X-Forwarded-For", ips[0], "Idempotency-Key", key(0))
	require.Equal(t, http.StatusConflict, r.status, r.raw)
	require.Equal(t, "idempotency_key_reused", r.errorCode(t))

	var sells []placement
	for u := range users {
		for node := range c.nodes {
			sells = append(sells, placement{user: u, node: node, body: map[string]any{"order_type": "sell", "gold_amount": sellGrams}})
		}
	}
	c.placeAll(t, sessions, ips, sells)
	for _, p := range sells {
		require.Equal(t, http.StatusCreated, p.resp.status, "user %d on instance %d: %s", p.user, p.node, p.resp.raw)
	}

	// What each user was acknowledged: its orders by id, and the rials they moved.
	acknowledged := make([]map[float64]bool, users)
	balance := make([]float64, users)
	for u := range users {
		acknowledged[u] = map[float64]bool{}
		balance[u] = float64(funds)
	}
	all := map[float64]bool{}
	for _, p := range append(buys, sells...) {
		if p.resp.status != http.StatusCreated || p.resp.header.Get("Idempotency-Replayed") == "true" {
			continue
		}
		d, ok := p.resp.body["data"].(map[string]any)
		require.True(t, ok, p.resp.raw)
		require.Equal(t, "completed", d["status"], p.resp.raw)
		id := d["id"].(float64)
		acknowledged[p.user][id], all[id] = true, true
		if d["order_type"] == "buy" {
			balance[p.user] -= d["total_amount"].(float64)
		} else {
			balance[p.user] += d["total_amount"].(float64)
		}
	}
	require.Len(t, all, users*5, "two plain buys, one keyed buy and two sells per user")

	for u := range users {
		node := c.nodes[(u+1)%2]
		r := node.call(t, hc, http.MethodGet, "/api/trading/orders/", nil, "Authorization", sessions[u].bearer, "X-Forwarded-For", ips[u])
		require.Equal(t, http.StatusOK, r.status, r.raw)
		listed := map[float64]bool{}
		for _, item := range r.body["data"].([]any) {
			listed[item.(map[string]any)["id"].(float64)] = true
		}
		require.Equal(t, acknowledged[u], listed, "user %d's orders are the acknowledged ones", u)

		r = node.call(t, hc, http.MethodGet, "/api/wallet/balance/", nil, "Authorization", sessions[u].bearer, "X-Forwarded-For", ips[u])
		require.Equal(t, http.StatusOK, r.status, r.raw)
		require.InDelta(t, balance[u], r.data(t)["balance_irr"], 0, "user %d's wallet", u)
	}
	var orders int
	require.NoError(t, c.db.QueryRow(t.Context(), `SELECT count(*) FROM orders`).Scan(&orders))
	require.Equal(t, len(all), orders, "every order in the database was acknowledged once")

	report, err := app.VerifyLedger(t.Context(), c.side)
	require.NoError(t, err)
	require.True(t, report.OK(), report.String())
}
