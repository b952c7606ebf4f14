//go:build integration

package e2e_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/payment/idpay/idpayfake"
	"github.com/talabin/talabin/adapters/payment/zarinpal/zarinpalfake"
	"github.com/talabin/talabin/adapters/pricefeed/httpjson/httpjsonfake"
	redislimit "github.com/talabin/talabin/adapters/ratelimit/redis"
	"github.com/talabin/talabin/adapters/sms/kavenegar/kavenegarfake"
	"github.com/talabin/talabin/integration/appbinary"
	"github.com/talabin/talabin/integration/pgtest"
	"github.com/talabin/talabin/integration/redistest"
)

// The public origin of the API as the gateways and the browser see it, behind the pretend
// TLS proxy, and the web client's origin the deposit returns end on.
const (
	apiHost   = "api.talabin.test"
	publicAPI = "https://" + apiHost
	webApp    = "https://app.talabin.test"
)

// Provider credentials the app is configured with and the fakes accept.
const (
	kavenegarKey = "e2e-kavenegar-key"
	otpTemplate  = "talabin-otp"
	merchantID   = "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
	idpayKey     = "6a7b8c9d-0e1f-2a3b-4c5d-6e7f8a9b0c1d"
)

// The gold price the feed serves, rials per gram: odd figures, so that every rounding
// rule of the orders shows.
const (
	feedBuy  = 71_234_567
	feedSell = 72_345_679
)

// providers are the fake provider servers of one test.
type providers struct {
	sms      *kavenegarfake.Fake
	zarinpal *zarinpalfake.Fake
	idpay    *idpayfake.Fake
	price    *httpjsonfake.Fake
	environ  map[string]string // the settings that point the app at them
}

// startProviders starts the fakes until t ends.
func startProviders(t *testing.T) *providers {
	t.Helper()
	p := &providers{
		sms:      kavenegarfake.New(kavenegarfake.Config{APIKey: kavenegarKey, Templates: map[string]string{otpTemplate: "کد تأیید طلابین: %token"}}),
		zarinpal: zarinpalfake.New(zarinpalfake.Config{Merchants: []string{merchantID}, CallbackHosts: []string{apiHost}}),
		idpay:    idpayfake.New(idpayfake.Config{APIKeys: []string{idpayKey}, CallbackHosts: []string{apiHost}}),
		price:    httpjsonfake.New(httpjsonfake.Config{Path: "/v1/gold", BuyPath: "data.gold18.buy", SellPath: "data.gold18.sell", TimestampPath: "data.ts"}),
	}
	p.price.SetPrice(feedBuy, feedSell, time.Now())
	serve := func(h http.Handler, closeFake func()) string {
		srv := httptest.NewServer(h)
		t.Cleanup(func() { closeFake(); srv.Close() })
		return srv.URL
	}
	sms := serve(p.sms, p.sms.Close)
	zp := serve(p.zarinpal, p.zarinpal.Close)
	idp := serve(p.idpay, p.idpay.Close)
	feed := serve(p.price, p.price.Close)
	p.environ = map[string]string{
		"SMS_PROVIDERS":             "kavenegar",
		"KAVENEGAR_API_KEY":         kavenegarKey,
		"KAVENEGAR_BASE_URL":        sms,
		"KAVENEGAR_OTP_TEMPLATE":    otpTemplate,
		"PAYMENT_GATEWAYS":          "zarinpal,idpay",
		"ZARINPAL_MERCHANT_ID":      merchantID,
		"ZARINPAL_BASE_URL":         zp + "/pg/v4/payment",
		"ZARINPAL_STARTPAY_URL":     zp + "/pg/StartPay/",
		"IDPAY_API_KEY":             idpayKey,
		"IDPAY_BASE_URL":            idp + "/v1.1",
		"PRICE_FEEDS":               "httpjson",
		"PRICE_FEED_URL":            feed + "/v1/gold",
		"PRICE_FEED_BUY_PATH":       "data.gold18.buy",
		"PRICE_FEED_SELL_PATH":      "data.gold18.sell",
		"PRICE_FEED_TIMESTAMP_PATH": "data.ts",
	}
	return p
}

// smsCount returns how many messages the SMS provider accepted for phone09.
func (p *providers) smsCount(phone09 string) int {
	n := 0
	for _, m := range p.sms.Messages() {
		if m.Receptor == phone09 {
			n++
		}
	}
	return n
}

// codeWait bounds the wait for an SMS that the app sends from a background job.
const codeWait = 30 * time.Second

// smsCode waits until the provider has accepted a one-time code for phone09 after its first
// seen messages, and returns the newest, as the phone's owner reads it. Other texts (the
// app's notices) are skipped.
func (p *providers) smsCode(t *testing.T, phone09 string, seen int) string {
	t.Helper()
	deadline := time.Now().Add(codeWait)
	for {
		code, n := "", 0
		for _, m := range p.sms.Messages() {
			if m.Receptor != phone09 {
				continue
			}
			if n++; n > seen && m.Method == "verify/lookup" {
				require.Equal(t, otpTemplate, m.Template)
				code = m.Tokens["token"]
			}
		}
		if code != "" {
			require.Regexp(t, `^[0-9]{6}$`, code)
			return code
		}
		if time.Now().After(deadline) {
			t.Fatalf("no code reached the SMS provider for %s within %s (it has %d messages)", phone09, codeWait, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// store is where a test's app keeps its data.
type store struct {
	environ map[string]string
	redis   bool // whether the app shares rate limits through the test Redis
}

// postgresStore returns a fresh PostgreSQL database, migrated by the binary itself, and the
// test Redis.
func postgresStore(t *testing.T) store {
	t.Helper()
	dsn := pgtest.New(t, pgtest.Options{Migrate: func(ctx context.Context, dsn string) error {
		cmd := exec.CommandContext(ctx, appbinary.Path(t), "migrate", "up") //nolint:gosec // the binary this run built
		cmd.Env = []string{"DEBUG=true", "DATABASE_URL=" + dsn}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("talabin migrate up: %w\n%s", err, out)
		}
		return nil
	}})
	redistest.Client(t) // skips, or fails under CI, without Redis
	url := os.Getenv(redistest.EnvRedisURL)
	if url == "" {
		url = redistest.DefaultRedisURL
	}
	return store{environ: map[string]string{"DATABASE_URL": dsn, "REDIS_URL": url}, redis: true}
}

// sqliteStore returns the embedded default store in a temporary folder, rate limits in
// memory.
func sqliteStore(t *testing.T) store {
	t.Helper()
	return store{environ: map[string]string{"SQLITE_PATH": filepath.Join(t.TempDir(), "data", "talabin.db")}}
}

// randomBelow returns a random number in [0, n).
func randomBelow(t *testing.T, n int64) int64 {
	t.Helper()
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	require.NoError(t, err)
	return v.Int64()
}

// stack is one test's running app with its providers.
type stack struct {
	*providers
	environ map[string]string // the app's whole environment
	addr    string            // where the app listens, 127.0.0.1:port
	logPath string
	browser *http.Client // never follows redirects: the test looks at each hop

	// Each test's clients come from their own /24 and its phones from their own block, so
	// that rate limits shared through Redis never meet another test's or run's.
	network, phones string
	mu              sync.Mutex
	clients         int
	users           []int64
}

// productionEnviron is a production configuration (DEBUG=false) that passes
// `talabin check --deploy` with warnings only, minus the store and the providers.
func productionEnviron(t *testing.T) map[string]string {
	return map[string]string{
		"DEBUG":                  "false",
		"SECRET_KEY":             rand.Text() + rand.Text() + rand.Text(),
		"ALLOWED_HOSTS":          apiHost,
		"PUBLIC_API_URL":         publicAPI,
		"WEB_APP_URL":            webApp,
		"TRUSTED_PROXIES":        "127.0.0.1",
		"SECURE_SSL_REDIRECT":    "true",
		"BLOB_DIR":               filepath.Join(t.TempDir(), "blobs"),
		"PRICE_REFRESH_INTERVAL": "1s",
		"LOG_LEVEL":              "info",
		"SHUTDOWN_TIMEOUT":       "5s",
	}
}

// startStack starts the providers and the app on st, with gold grams in the house treasury
// (recorded by `talabin treasury in`, as an operator does) and the staff accounts created by `talabin admin create`, and stops them when t ends.
func startStack(t *testing.T, st store, staff []staffAccount, treasuryGrams int64) *stack {
	t.Helper()
	s := &stack{
		providers: startProviders(t),
		network:   fmt.Sprintf("10.%d.%d.", randomBelow(t, 256), randomBelow(t, 256)),
		phones:    fmt.Sprintf("0912%03d", randomBelow(t, 1000)),
		browser:   &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
	s.environ = productionEnviron(t)
	for _, m := range []map[string]string{st.environ, s.providers.environ} {
		for k, v := range m {
			s.environ[k] = v
		}
	}
	port := freePort(t)
	s.addr = "127.0.0.1:" + strconv.Itoa(port)
	s.environ["HTTP_ADDR"] = s.addr
	if st.redis {
		rdb := redistest.Client(t)
		t.Cleanup(func() { s.forgetRateLimits(t, rdb) })
	}

	s.run(t, "", 0, "migrate", "up")
	if treasuryGrams > 0 {
		out := s.run(t, "", 0, "treasury", "in", "--grams", strconv.FormatInt(treasuryGrams, 10),
			"--reference", "e2e-treasury", "--reason", "metal bought for the journey")
		require.Contains(t, out, "treasury in")
	}
	for _, a := range staff {
		out := s.run(t, a.password+"\n", 0, "admin", "create", "--phone", a.phone09, "--role", a.role, "--reason", "e2e staff")
		require.Contains(t, out, "ready")
	}
	s.serve(t)
	return s
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

// environList returns the app's environment as exec wants it: nothing of the test's own
// environment leaks in.
func (s *stack) environList() []string {
	out := make([]string, 0, len(s.environ))
	for k, v := range s.environ {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// run runs the binary with args and stdin to the end, requires exit code want and returns
// its standard output and error together.
func (s *stack) run(t *testing.T, stdin string, want int, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), appbinary.Path(t), args...) //nolint:gosec // the binary this run built
	cmd.Env = s.environList()
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "talabin %s", strings.Join(args, " "))
		code = exit.ExitCode()
	}
	require.Equal(t, want, code, "talabin %s:\n%s", strings.Join(args, " "), out)
	return string(out)
}

// startupTimeout bounds how long the app may take to listen and to take its first price.
const startupTimeout = 60 * time.Second

// serve starts `talabin serve` until t ends, then waits until it is ready and has taken the
// feed's price.
func (s *stack) serve(t *testing.T) {
	t.Helper()
	s.logPath = filepath.Join(t.TempDir(), "talabin.log")
	logFile, err := os.Create(s.logPath)
	require.NoError(t, err)
	cmd := exec.CommandContext(context.WithoutCancel(t.Context()), appbinary.Path(t), "serve") //nolint:gosec // the binary this run built
	cmd.Env = s.environList()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			t.Logf("talabin serve: %v", err)
		case <-time.After(startupTimeout):
			_ = cmd.Process.Kill()
			t.Logf("talabin serve killed: %v", <-exited)
		}
		_ = logFile.Close()
		if t.Failed() {
			log, _ := os.ReadFile(s.logPath)
			if len(log) > 20_000 {
				log = log[len(log)-20_000:]
			}
			t.Logf("talabin serve log (tail):\n%s", log)
		}
	})

	deadline := time.Now().Add(startupTimeout)
	for {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(s.logPath)
			t.Fatalf("talabin serve exited before it was ready: %v\n%s", err, log)
		default:
		}
		r, err := s.tryCall(t, http.MethodGet, "/api/prices/gold/current/", nil, "", s.network+"254")
		if err == nil && r.status == http.StatusOK && r.body != nil {
			d := r.data(t)
			if d["source"] == "httpjson" && d["sell_price"] == float64(feedSell) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app did not serve the feed's price within %s: %v %+v", startupTimeout, err, r)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// forgetRateLimits deletes the rate limit state this test left in Redis: the keys of its
// client addresses, phone numbers and users, and nothing else. Keys are redis_rate's "rate:",
// the limiter's prefix, the limit's name, ":" and the counted key.
func (s *stack) forgetRateLimits(t *testing.T, rdb *redis.Client) {
	prefix := "rate:" + redislimit.DefaultPrefix
	patterns := []string{prefix + "*:" + s.network + "*", prefix + "*" + s.phones[1:] + "*"}
	s.mu.Lock()
	for _, id := range s.users {
		patterns = append(patterns, prefix+"*:"+strconv.FormatInt(id, 10))
	}
	s.mu.Unlock()
	ctx := context.WithoutCancel(t.Context())
	for _, p := range patterns {
		iter := rdb.Scan(ctx, 0, p, 1000).Iterator()
		for iter.Next(ctx) {
			require.NoError(t, rdb.Del(ctx, iter.Val()).Err())
		}
		require.NoError(t, iter.Err())
	}
}
