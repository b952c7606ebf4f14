package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/talabin/talabin/core"
)

// SiteConfig is what the router knows of the site it serves, checked on every request before
// routing (API.md §1.1). The zero value checks nothing: every host, plain HTTP.
type SiteConfig struct {
	// AllowedHosts are the host names the API answers to, with Django's ALLOWED_HOSTS
	// semantics: "api.example.com" matches that host exactly, ".example.com" matches
	// example.com and every subdomain, "*" matches any host; IP addresses are written as they
	// are (IPv6 in brackets, "[::1]"). Matching ignores case, the port and a trailing dot. A
	// request whose Host header matches none, or is malformed, is answered 400
	// validation_error (details.host). Empty: no check. Host comes from the Host header only,
	// never from X-Forwarded-Host: the proxy must pass the client's Host on. The probes
	// (/healthz, /readyz) are exempt, because load balancers and orchestrators call them by
	// address.
	AllowedHosts []string
	// HTTPSRedirect sends requests that did not arrive over HTTPS to https://: GET and HEAD
	// with 301 Moved Permanently to the same host and path; any other method is refused with
	// 400 validation_error instead of redirected, because a redirect would either drop the
	// body (301) or have the client silently send it again after it already crossed the
	// network in clear text (308). A request is HTTPS when its connection is TLS or when the
	// peer is one of the trusted proxies ([AuthConfig.TrustedProxies]) and the first value
	// of its X-Forwarded-Proto is "https". The probes are exempt.
	HTTPSRedirect bool
}

// msgHostNotAllowed answers a request whose Host header the site does not serve. The host
// itself is not echoed; it goes to the access log.
var msgHostNotAllowed = localized{
	"این سرور به نام میزبان درخواست (سرآیند Host) پاسخ نمی\u200cدهد.",
	"This server does not serve the host name the request was sent to (the Host header).",
}

// hostDetail is the details key of a refused Host header.
const hostDetail = "host"

// maxLoggedHost bounds the client-sent host copied into the error the access log records.
const maxLoggedHost = 200

// probePaths are the canonical paths of the probes, which the site checks leave alone.
var probePaths = map[string]bool{"/healthz/": true, "/readyz/": true}

// isProbe reports whether r asks for a probe.
func isProbe(r *http.Request) bool { return probePaths[canonicalPath(r.URL.Path)] }

// hostAllowlist is a parsed [SiteConfig.AllowedHosts].
type hostAllowlist struct {
	any     bool
	exact   map[string]bool // "api.example.com", "127.0.0.1", "[::1]"
	domains []string        // ".example.com": the domain and its subdomains
}

// newHostAllowlist parses patterns, reporting every malformed one. Patterns are lower-cased,
// a trailing dot dropped and IPv6 addresses written in their canonical form.
func newHostAllowlist(patterns []string) (*hostAllowlist, error) {
	l := &hostAllowlist{exact: make(map[string]bool, len(patterns))}
	var errs []error
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "*" {
			l.any = true
			continue
		}
		domain := strings.HasPrefix(p, ".")
		host, ok := hostName(strings.TrimPrefix(p, "."))
		switch {
		case !ok || (domain && strings.HasPrefix(host, "[")):
			errs = append(errs, fmt.Errorf("allowed host %q must be a host name, an IP address, .domain or *, without a port", p))
		case domain:
			l.domains = append(l.domains, "."+host)
		default:
			l.exact[host] = true
		}
	}
	return l, errors.Join(errs...)
}

// hostName returns s, a host without a port, in the form hosts are compared in: lower case,
// without a trailing dot, an IPv6 address canonical and in brackets. It reports false for
// anything else, as Django's host_validation_re would: only letters, digits, '.' and '-'.
func hostName(s string) (string, bool) {
	s = strings.ToLower(s)
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		addr, err := netip.ParseAddr(s[1 : len(s)-1])
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return "", false
		}
		return "[" + addr.String() + "]", true
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
		return "", false
	}
	return s, true
}

// requestHost splits a Host header into the host name (see [hostName]) and drops the port.
// It reports false for a header that is not host[:port].
func requestHost(header string) (string, bool) {
	host, port := header, ""
	if i := strings.LastIndexByte(header, ':'); i >= 0 && !strings.HasSuffix(header, "]") {
		host, port = header[:i], header[i+1:]
		if port == "" || strings.Trim(port, "0123456789") != "" {
			return "", false
		}
	}
	return hostName(host)
}

// allows reports whether a request with Host header header may be served.
func (l *hostAllowlist) allows(header string) bool {
	host, ok := requestHost(header)
	if !ok {
		return false
	}
	if l.any || l.exact[host] {
		return true
	}
	for _, d := range l.domains {
		if host == d[1:] || strings.HasSuffix(host, d) {
			return true
		}
	}
	return false
}

// check answers 400 validation_error to a request for a host the site does not serve, or
// with a malformed Host header, unless it asks for a probe.
func (l *hostAllowlist) check(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isProbe(r) || l.allows(r.Host) {
			next.ServeHTTP(w, r)
			return
		}
		host := r.Host
		if len(host) > maxLoggedHost {
			host = host[:maxLoggedHost]
		}
		refused := core.FieldError(hostDetail, msgHostNotAllowed.in(LanguageOf(r)))
		WriteError(w, r, fmt.Errorf("host %q is not an allowed host: %w", host, refused))
	})
}

// siteChecks returns the middleware of site and of a's cross-origin rules that runs before
// routing, in order: the host check, the HTTPS redirect and CORS. It fails when an allowed
// host is malformed.
func (a *Auth) siteChecks(site SiteConfig) ([]func(http.Handler) http.Handler, error) {
	var checks []func(http.Handler) http.Handler
	if len(site.AllowedHosts) > 0 {
		hosts, err := newHostAllowlist(site.AllowedHosts)
		if err != nil {
			return nil, fmt.Errorf("httpapi: site config: %w", err)
		}
		checks = append(checks, hosts.check)
	}
	if site.HTTPSRedirect {
		checks = append(checks, redirectToHTTPS(a.proxies))
	}
	return append(checks, corsHandler(a.origins)), nil
}
