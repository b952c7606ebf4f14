package accounts_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/accounts"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/integration/accountstest"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/ratelimittest"
)

// Passwords that pass the rules of API.md §1.9.
const (
	testPassword  = "Tr1cky-Passw0rd"
	otherPassword = "An0ther-Secret!"
)

// cheapPasswords keeps argon2id fast in tests.
var cheapPasswords = accounts.PasswordConfig{Memory: 256, Time: 1, Threads: 1}

// codeKey is the tests' OTP code key.
var codeKey = identity.CodeKey{ID: "k1", Secret: bytes.Repeat([]byte{7}, identity.MinCodeKeyLen)}

// logBuffer collects a logger's lines; it is safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logger returns a JSON logger into b at debug level without timestamps (so that no digit
// run in them can pass for a code).
func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

// serviceBundle is what the service tests share: one service over a migrated in-memory
// store, the in-memory limiter and a clock that moves only when told to.
type serviceBundle struct {
	clock       *ratelimittest.Clock
	store       *accountstest.Store
	limiter     ports.RateLimiter
	cfg         accounts.ServiceConfig
	access      *accounts.AccessTokens
	hasher      *accounts.PasswordHasher
	derivations *atomic.Int64
	security    *logBuffer
	main        *logBuffer
	svc         *accounts.Service
}

// testConfig returns the service configuration of the tests: every secret set, codes
// exposed so that tests can read them.
func testConfig(t *testing.T) accounts.ServiceConfig {
	t.Helper()
	keys, err := identity.NewCodeKeys(codeKey)
	require.NoError(t, err)
	return accounts.ServiceConfig{
		CodeKeys:      keys,
		SuccessorKey:  testSecret(3),
		ResetTokenKey: testSecret(4),
		SMSSealKey:    testSecret(5),
		ExposeCodes:   true,
	}
}

// setupService returns a bundle whose configuration configure (if any) adjusted.
func setupService(t *testing.T, configure ...func(*accounts.ServiceConfig)) *serviceBundle {
	t.Helper()
	b := &serviceBundle{
		clock:       ratelimittest.NewClock(),
		derivations: &atomic.Int64{},
		security:    &logBuffer{},
		main:        &logBuffer{},
		cfg:         testConfig(t),
	}
	for _, f := range configure {
		f(&b.cfg)
	}
	b.store = accountstest.NewStore(t, b.clock)
	b.limiter = accountstest.NewLimiter(t, b.clock)
	var err error
	b.access, err = accounts.NewAccessTokens(accounts.AccessTokenConfig{
		Key: testSecret(2), Issuer: testIssuer, Audience: testAudience, Clock: b.clock,
	})
	require.NoError(t, err)
	b.hasher, err = accounts.NewPasswordHasher(cheapPasswords)
	require.NoError(t, err)
	accounts.CountDerivations(b.hasher, b.derivations)
	b.svc = b.newService(t)
	return b
}

// newService returns another instance of the service over the same store and limiter, as
// a second app instance would run.
func (b *serviceBundle) newService(t *testing.T) *accounts.Service {
	t.Helper()
	svc, err := accounts.NewService(b.cfg, b.store, b.limiter, b.clock, b.access, b.hasher,
		accounts.SecurityLogger{Logger: b.security.logger()}, b.main.logger())
	require.NoError(t, err)
	return svc
}

// client returns a client at ip.
func client(ip string) ports.Client {
	return ports.Client{IP: ip, UserAgent: "test-agent/1.0", RequestID: "req-" + ip}
}

// defaultClient is the client of most calls.
var defaultClient = client("203.0.113.7")

// testPhone returns the i-th test mobile number, in E.164 form.
func testPhone(i int) string { return fmt.Sprintf("+98912%07d", i) }

// register signs phone up with testPassword and returns the registration code.
func (b *serviceBundle) register(t *testing.T, phone string) string {
	t.Helper()
	sent, err := b.svc.Register(t.Context(), ports.RegisterInput{
		Phone: phone, Password: testPassword, PasswordConfirm: testPassword, Client: defaultClient,
	})
	require.NoError(t, err)
	require.Len(t, sent.DebugCode, identity.CodeLength)
	return sent.DebugCode
}

// verify checks code for phone and purpose from c.
func (b *serviceBundle) verify(t *testing.T, phone, code string, purpose identity.Purpose, c ports.Client) (ports.VerifyOTPResult, error) {
	t.Helper()
	return b.svc.VerifyOTP(t.Context(), ports.VerifyOTPInput{Phone: phone, Code: code, Purpose: purpose, Client: c})
}

// signUp registers phone and verifies it, returning the user.
func (b *serviceBundle) signUp(t *testing.T, phone string) identity.User {
	t.Helper()
	code := b.register(t, phone)
	res, err := b.verify(t, phone, code, identity.PurposeRegistration, defaultClient)
	require.NoError(t, err)
	require.True(t, res.PhoneVerified)
	return b.user(t, phone)
}

// user reads the account of phone.
func (b *serviceBundle) user(t *testing.T, phone string) identity.User {
	t.Helper()
	var u identity.User
	require.NoError(t, b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		u, err = tx.Users().GetByPhone(ctx, phone)
		return err
	}))
	return u
}

// login signs phone in with password.
func (b *serviceBundle) login(t *testing.T, phone, password string) (ports.SignIn, error) {
	t.Helper()
	return b.svc.Login(t.Context(), ports.LoginInput{Phone: phone, Password: password, Client: defaultClient})
}

// mustLogin signs phone in with testPassword.
func (b *serviceBundle) mustLogin(t *testing.T, phone string) ports.SignIn {
	t.Helper()
	in, err := b.login(t, phone, testPassword)
	require.NoError(t, err)
	return in
}

// sendOTP asks for a code for phone and purpose from c.
func (b *serviceBundle) sendOTP(t *testing.T, phone string, purpose identity.Purpose, c ports.Client) (ports.OTPSent, error) {
	t.Helper()
	return b.svc.SendOTP(t.Context(), ports.SendOTPInput{Phone: phone, Purpose: purpose, Client: c})
}

// principal authenticates the access token of in.
func (b *serviceBundle) principal(t *testing.T, in ports.SignIn) ports.Principal {
	t.Helper()
	p, err := b.svc.Authenticate(t.Context(), in.Tokens.Access)
	require.NoError(t, err)
	p.Client = defaultClient
	return p
}

// disable disables the account of phone, as staff would.
func (b *serviceBundle) disable(t *testing.T, phone string) {
	t.Helper()
	id := b.user(t, phone).ID()
	require.NoError(t, b.store.InTx(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		u, err := tx.Users().GetForUpdate(ctx, id)
		if err != nil {
			return err
		}
		u.Disable(b.clock.Now())
		return tx.Users().Update(ctx, u)
	}))
}

// latestOTP reads the latest usable code of phone and purpose.
func (b *serviceBundle) latestOTP(t *testing.T, phone string, purpose identity.Purpose) (*identity.OTP, error) {
	t.Helper()
	var otp *identity.OTP
	err := b.store.Snapshot(t.Context(), func(ctx context.Context, tx ports.Tx) error {
		var err error
		otp, err = tx.OTPs().Latest(ctx, phone, purpose)
		return err
	})
	return otp, err
}

// wrongCode returns a code that is not code.
func wrongCode(code string) string {
	last := (code[len(code)-1]-'0'+1)%10 + '0'
	return code[:len(code)-1] + string(rune(last))
}

// requireRateLimited checks that err is a rate limit denial.
func requireRateLimited(t *testing.T, err error) {
	t.Helper()
	var rl *core.RateLimitedError
	require.ErrorAs(t, err, &rl)
	require.Positive(t, rl.RetryAfter)
}

// requireLogged checks that log holds a line with every fragment.
func requireLogged(t *testing.T, log *logBuffer, fragments ...string) {
	t.Helper()
	for line := range strings.Lines(log.String()) {
		all := true
		for _, f := range fragments {
			if !strings.Contains(line, f) {
				all = false
				break
			}
		}
		if all {
			return
		}
	}
	require.Failf(t, "no log line", "no line with %q in:\n%s", fragments, log.String())
}

// recordingReader is a CSPRNG that remembers what it handed out.
type recordingReader struct {
	mu  sync.Mutex
	out bytes.Buffer
}

func (r *recordingReader) Read(p []byte) (int, error) {
	n, err := io.ReadFull(rand.Reader, p)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out.Write(p[:n])
	return n, err
}

func (r *recordingReader) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.out.Bytes()...)
}

// advance moves the clock forward by d.
func (b *serviceBundle) advance(d time.Duration) { b.clock.Advance(d) }
