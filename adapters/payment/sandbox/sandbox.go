// Package sandbox is the development [ports.PaymentGateway]: a gateway that lives inside the
// app (ARCHITECTURE.md §5). Request opens a session in memory and sends the buyer to a page
// the [Gateway] itself serves as an [http.Handler], where a person pays or cancels; the page
// then returns the browser to the callback URL with Authority and Status, as ZarinPal does.
// Verify and Inquire read the same memory, so the whole deposit flow runs offline.
//
// No money moves and anyone who can reach the page can "pay", which is why it is for
// development only: the composition root refuses it when DEBUG is off.
//
// Sessions are kept for [SessionRetention] and dropped after that when a new one is opened;
// at most maxSessions are held, beyond which Request reads as [core.ErrGatewayUnavailable].
// A restart forgets every session.
package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/talabin/talabin/adapters/internal/payadapter"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// ProviderName is the gateway's name in [ports.PaymentGateway.Name] and in errors.
const ProviderName = "sandbox"

// CardPANMasked is the card every sandbox payment is made with, as Verify reports it.
const CardPANMasked = "603799******0590"

// cardPAN is the card behind [CardPANMasked], hashed for [ports.Verification.CardHash].
const cardPAN = "6037991234560590"

// maxSessions bounds the sessions held at once, so a loop of requests cannot exhaust memory.
const maxSessions = 10_000

// authorityPattern is an authority the sandbox issues: SBX and 32 lowercase hex digits.
var authorityPattern = regexp.MustCompile(`^SBX[0-9a-f]{32}$`)

// hostPattern is a host (and port) that may appear in a Content-Security-Policy unquoted.
var hostPattern = regexp.MustCompile(`^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// cardHash is the hash Verify reports for [CardPANMasked].
var cardHash = func() string {
	sum := sha256.Sum256([]byte(cardPAN))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}()

// status is where a session is in its life. An open session past its TTL is expired; that
// is read from the clock, not stored.
type status int

const (
	statusOpen status = iota + 1
	statusPaid
	statusVerified
	statusCanceled
)

// session is one payment session.
type session struct {
	authority   string
	orderID     string
	amount      core.Rial
	callbackURL *url.URL
	description string
	token       string // the page's anti-forgery token
	opened      time.Time
	status      status
	refID       string
}

// expired reports whether s is still open after its time to pay.
func (s *session) expired(now time.Time, ttl time.Duration) bool {
	return s.status == statusOpen && !now.Before(s.opened.Add(ttl))
}

// Gateway is the in-process payment gateway and the handler of its payment page. Build it
// with [New]; it is safe for concurrent use.
type Gateway struct {
	cfg      Config
	requests atomic.Int64

	mu       sync.Mutex
	sessions map[string]*session
	order    []string // authorities in the order opened, for dropping old sessions
}

var (
	_ ports.PaymentGateway = (*Gateway)(nil)
	_ http.Handler         = (*Gateway)(nil)
)

// New validates cfg, fills its defaults and returns a gateway.
func New(cfg Config) (*Gateway, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Gateway{cfg: cfg.withDefaults(), sessions: map[string]*session{}}, nil
}

// Name returns [ProviderName].
func (g *Gateway) Name() string { return ProviderName }

// Requests returns how many Request, Verify and Inquire calls got past their argument checks:
// the calls a remote gateway would have received. Tests read it; the page and [Gateway.Settle]
// do not count.
func (g *Gateway) Requests() int { return int(g.requests.Load()) }

// Request opens a session and returns the page to send the buyer to. See
// [ports.PaymentGateway.Request]. Besides the port's checks it refuses, with
// [core.ErrInvalidInput], a callback URL with user info, a host a browser policy cannot name,
// or its own Authority or Status parameters, which the return would duplicate.
func (g *Gateway) Request(ctx context.Context, req ports.PaymentRequest) (ports.PaymentSession, error) {
	if err := payadapter.CheckRequest(ProviderName, req); err != nil {
		return ports.PaymentSession{}, err
	}
	callback, err := checkCallback(req.CallbackURL)
	if err != nil {
		return ports.PaymentSession{}, err
	}
	if err := g.begin(ctx, "request"); err != nil {
		return ports.PaymentSession{}, err
	}

	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.cfg.Clock.Now()
	g.dropOld(now)
	if len(g.sessions) >= maxSessions {
		return ports.PaymentSession{}, fmt.Errorf("%s: request: %w: %d sessions open", ProviderName, core.ErrGatewayUnavailable, maxSessions)
	}
	random, err := g.random(32)
	if err != nil {
		return ports.PaymentSession{}, fmt.Errorf("%s: request: %w: %w", ProviderName, core.ErrGatewayUnavailable, err)
	}
	authority := "SBX" + hex.EncodeToString(random[:16])
	if _, dup := g.sessions[authority]; dup {
		return ports.PaymentSession{}, fmt.Errorf("%s: request: %w: authority collision", ProviderName, core.ErrGatewayUnavailable)
	}
	g.sessions[authority] = &session{
		authority: authority, orderID: req.OrderID, amount: req.Amount, callbackURL: callback,
		description: req.Description, token: hex.EncodeToString(random[16:]), opened: now, status: statusOpen,
	}
	g.order = append(g.order, authority)
	return ports.PaymentSession{Authority: authority, RedirectURL: g.cfg.BaseURL + g.cfg.PathPrefix + authority}, nil
}

// Verify settles the session. See [ports.PaymentGateway.Verify]: a session whose order id or
// amount is not the request's reads as [ports.ErrPaymentMismatch] in any state, an open,
// expired or canceled one as [ports.PaymentNotPaid], and a paid one as [ports.PaymentPaid]
// the first time, with a new reference id, and [ports.PaymentAlreadyVerified] after.
func (g *Gateway) Verify(ctx context.Context, req ports.VerifyRequest) (ports.Verification, error) {
	if err := checkAuthority(req.Authority); err != nil {
		return ports.Verification{}, err
	}
	if err := payadapter.CheckOrderID(ProviderName, req.OrderID); err != nil {
		return ports.Verification{}, err
	}
	if req.Amount <= 0 {
		return ports.Verification{}, fmt.Errorf("%s: %w: amount must be positive", ProviderName, core.ErrInvalidInput)
	}
	if err := g.begin(ctx, "verify"); err != nil {
		return ports.Verification{}, err
	}

	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.sessions[req.Authority]
	if !ok {
		return ports.Verification{}, fmt.Errorf("%s: verify: %w: authority %s", ProviderName, core.ErrNotFound, req.Authority)
	}
	if s.orderID != req.OrderID || s.amount != req.Amount {
		return ports.Verification{}, fmt.Errorf("%s: verify: %w: session is order %q of %d rials",
			ProviderName, ports.ErrPaymentMismatch, s.orderID, s.amount)
	}
	switch s.status {
	case statusPaid:
		random, err := g.random(8)
		if err != nil {
			return ports.Verification{}, fmt.Errorf("%s: verify: %w: %w", ProviderName, core.ErrGatewayUnavailable, err)
		}
		// Twelve digits without a leading zero, like a bank's reference.
		s.refID = fmt.Sprint(100_000_000_000 + binary.BigEndian.Uint64(random)%900_000_000_000)
		s.status = statusVerified
		return g.verification(ports.PaymentPaid, s), nil
	case statusVerified:
		return g.verification(ports.PaymentAlreadyVerified, s), nil
	default:
		return ports.Verification{Status: ports.PaymentNotPaid}, nil
	}
}

func (g *Gateway) verification(st ports.PaymentStatus, s *session) ports.Verification {
	return ports.Verification{Status: st, RefID: s.refID, CardPANMasked: CardPANMasked, CardHash: cardHash, Amount: s.amount}
}

// Inquire reads the session's state. See [ports.PaymentGateway.Inquire]: an expired session
// reads as [ports.PaymentFailed], a session of another order as [ports.ErrPaymentMismatch].
func (g *Gateway) Inquire(ctx context.Context, req ports.InquiryRequest) (ports.Inquiry, error) {
	if err := checkAuthority(req.Authority); err != nil {
		return ports.Inquiry{}, err
	}
	if err := payadapter.CheckOrderID(ProviderName, req.OrderID); err != nil {
		return ports.Inquiry{}, err
	}
	if err := g.begin(ctx, "inquiry"); err != nil {
		return ports.Inquiry{}, err
	}

	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.sessions[req.Authority]
	if !ok {
		return ports.Inquiry{}, fmt.Errorf("%s: inquiry: %w: authority %s", ProviderName, core.ErrNotFound, req.Authority)
	}
	if s.orderID != req.OrderID {
		return ports.Inquiry{}, fmt.Errorf("%s: inquiry: %w: session is order %q", ProviderName, ports.ErrPaymentMismatch, s.orderID)
	}
	state := ports.PaymentFailed
	switch {
	case s.expired(g.cfg.Clock.Now(), g.cfg.SessionTTL):
	case s.status == statusOpen:
		state = ports.PaymentPending
	case s.status == statusPaid:
		state = ports.PaymentAwaitingVerify
	case s.status == statusVerified:
		state = ports.PaymentVerified
	}
	return ports.Inquiry{State: state, Amount: s.amount}, nil
}

// Settle plays the buyer on the payment page without HTTP: it pays (paid) or cancels the
// session and returns the callback URL the page would send the browser to. Only an open
// session can be settled: an unknown or expired one reads as [core.ErrNotFound], a settled
// one as [core.ErrInvalidState], a malformed authority as [core.ErrInvalidInput].
func (g *Gateway) Settle(authority string, paid bool) (callbackURL string, err error) {
	if err := checkAuthority(authority); err != nil {
		return "", err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s, err := g.openSession(authority)
	if err != nil {
		return "", err
	}
	if s.status != statusOpen {
		return "", fmt.Errorf("%s: settle: %w: session already settled", ProviderName, core.ErrInvalidState)
	}
	return g.settle(s, paid), nil
}

// openSession returns the session unless it is unknown or expired. g.mu is held.
func (g *Gateway) openSession(authority string) (*session, error) {
	s, ok := g.sessions[authority]
	if !ok {
		return nil, fmt.Errorf("%s: %w: authority %s", ProviderName, core.ErrNotFound, authority)
	}
	if s.expired(g.cfg.Clock.Now(), g.cfg.SessionTTL) {
		return nil, fmt.Errorf("%s: %w: session expired", ProviderName, core.ErrNotFound)
	}
	return s, nil
}

// settle moves the open session s to paid or canceled and returns the callback URL with
// Authority and Status appended to the callback's own query, which is kept byte for byte
// (it may be signed). g.mu is held.
func (g *Gateway) settle(s *session, paid bool) string {
	st := "NOK"
	s.status = statusCanceled
	if paid {
		st, s.status = "OK", statusPaid
	}
	u := *s.callbackURL
	ours := url.Values{"Authority": {s.authority}, "Status": {st}}.Encode()
	if u.RawQuery == "" {
		u.RawQuery = ours
	} else {
		u.RawQuery += "&" + ours
	}
	u.ForceQuery = false
	return u.String()
}

// begin ends a call whose caller has given up, and counts the others.
func (g *Gateway) begin(ctx context.Context, method string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %s: %w", ProviderName, method, err)
	}
	g.requests.Add(1)
	return nil
}

// random reads n bytes from the configured source. g.mu is held, so a source that is not safe
// for concurrent use is still read by one goroutine at a time.
func (g *Gateway) random(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(g.cfg.Rand, b); err != nil {
		return nil, fmt.Errorf("read random: %w", err)
	}
	return b, nil
}

// dropOld forgets sessions opened [SessionRetention] or longer before now. g.mu is held.
func (g *Gateway) dropOld(now time.Time) {
	cutoff := now.Add(-SessionRetention)
	n := 0
	for n < len(g.order) {
		s, ok := g.sessions[g.order[n]]
		if ok && s.opened.After(cutoff) {
			break
		}
		delete(g.sessions, g.order[n])
		n++
	}
	if n > 0 {
		g.order = append(g.order[:0:0], g.order[n:]...)
	}
}

// checkAuthority refuses an authority the sandbox cannot have issued.
func checkAuthority(authority string) error {
	if !authorityPattern.MatchString(authority) {
		return fmt.Errorf("%s: %w: malformed authority", ProviderName, core.ErrInvalidInput)
	}
	return nil
}

// checkCallback parses a callback URL [payadapter.CheckRequest] accepted and applies the
// sandbox's own rules (see [Gateway.Request]).
func checkCallback(raw string) (*url.URL, error) {
	bad := func(why string) (*url.URL, error) {
		return nil, fmt.Errorf("%s: %w: callback url %s", ProviderName, core.ErrInvalidInput, why)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("unreadable")
	}
	if u.User != nil {
		return bad("has user info")
	}
	if !hostPattern.MatchString(u.Host) {
		return bad("has an unusual host")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("has a bad query")
	}
	if q.Has("Authority") || q.Has("Status") {
		return bad("already carries Authority or Status")
	}
	return u, nil
}
