package httpapi

import (
	"context"
	"net/http"
	"net/netip"
	"strings"

	"github.com/talabin/talabin/ports"
)

// caller is what the API middleware learns about who sent a request: the client IP, and the
// principal once authenticated. The client IP middleware puts it in the context; the
// authentication middleware fills it in; the security log reads it after the handler ran.
// Only the request's goroutine touches it.
type caller struct {
	ip        string
	principal ports.Principal
	signedIn  bool
	byCookie  bool // authenticated by the access_token cookie, not a bearer header
	https     bool // reached the site over HTTPS, as [isHTTPS] tells from the trusted proxies
}

// callerKey is the context key of the *caller.
type callerKey struct{}

// callerOf returns the caller of ctx, or nil outside the API middleware.
func callerOf(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// ensureCaller returns r's caller, adding an empty one to r's context when there is none.
func ensureCaller(r *http.Request) (*caller, *http.Request) {
	if c := callerOf(r.Context()); c != nil {
		return c, r
	}
	c := &caller{}
	return c, r.WithContext(context.WithValue(r.Context(), callerKey{}, c))
}

// ClientIP returns the client address of the request ctx belongs to, as taken from the
// trusted proxy chain ([AuthConfig.TrustedProxies]), or "" outside the API middleware or when
// the peer address is not an IP (a Unix socket).
func ClientIP(ctx context.Context) string {
	if c := callerOf(ctx); c != nil {
		return c.ip
	}
	return ""
}

// ClientOf describes the sender of r for the inbound ports: client IP, User-Agent and
// request id.
func ClientOf(r *http.Request) ports.Client {
	return ports.Client{IP: ClientIP(r.Context()), UserAgent: r.UserAgent(), RequestID: RequestID(r.Context())}
}

// clientIP is the first API middleware: it resolves the client address and starts the
// request's [caller].
func (a *Auth) clientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, r := ensureCaller(r)
		c.ip = resolveClientIP(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), a.proxies)
		c.https = isHTTPS(r, a.proxies)
		next.ServeHTTP(w, r)
	})
}

// resolveClientIP returns the client address of a request from peer (the connection's
// remote address) and its X-Forwarded-For headers. Only trusted proxies are believed: when
// the peer is not one of them, X-Forwarded-For is ignored (anyone can send it). Otherwise
// the chain is walked from the right, each trusted hop revealing the one before it, and the
// first untrusted address is the client. A malformed entry stops the walk at the trusted hop
// that passed it on; a chain of trusted hops only yields its leftmost entry. The result is
// "" when peer is not an IP address.
func resolveClientIP(peer string, forwarded []string, trusted []netip.Prefix) string {
	addr, ok := parseHop(peer)
	if !ok {
		return ""
	}
	if !isTrusted(addr, trusted) {
		return addr.String()
	}
	var hops []string
	for _, v := range forwarded {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := addr
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			break
		}
		client = hop
		if !isTrusted(hop, trusted) {
			break
		}
	}
	return client.String()
}

// parseHop reads one address as peers and proxies write it: "203.0.113.7", "2001:db8::1",
// with a port ("203.0.113.7:4711", "[2001:db8::1]:4711") or in brackets. IPv4-mapped IPv6
// addresses are unmapped and zones dropped, so one client has one spelling.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	addr, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		addr = ap.Addr()
	}
	return addr.Unmap().WithZone(""), true
}

// isTrusted reports whether addr is in one of the trusted networks.
func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
