package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// NewRouter returns the HTTP handler of the API: [NewMux] with the operational endpoints of
// API.md §3.14, GET /healthz and GET /readyz (see [Health]) and GET /metrics (see
// [Metrics]; off when metrics.Token is empty; metrics.ObserveFunc sees every request), the
// identity endpoints of API.md §3.1 configured by auth (see [NewAuth]; a nil auth.Logger
// means logger), and the route groups opts add (e.g. [WithTrading]). It fails when auth or
// an option is invalid. It checks no host and redirects nothing: it is [NewSiteRouter] with
// a zero [SiteConfig]. CORS follows auth.AllowedOrigins.
func NewRouter(logger *slog.Logger, readiness *Readiness, auth AuthConfig, metrics MetricsEndpoint, opts ...RouterOption) (http.Handler, error) {
	return NewSiteRouter(logger, readiness, auth, metrics, SiteConfig{}, opts...)
}

// NewSiteRouter is [NewRouter] for the site site describes: before routing, every request's
// Host is checked against site.AllowedHosts and plain-HTTP requests are sent to HTTPS when
// site.HTTPSRedirect is set (see [SiteConfig]). It also fails when an allowed host is
// malformed.
func NewSiteRouter(logger *slog.Logger, readiness *Readiness, auth AuthConfig, metrics MetricsEndpoint, site SiteConfig, opts ...RouterOption) (http.Handler, error) {
	if auth.Logger == nil {
		auth.Logger = logger
	}
	a, err := NewAuth(auth)
	if err != nil {
		return nil, err
	}
	register := []func(rt Routes){Health(logger, readiness), Metrics(metrics.Handler, metrics.Token), a.Routes}
	for _, o := range opts {
		routes, err := o(a)
		if err != nil {
			return nil, err
		}
		register = append(register, routes)
	}
	checks, err := a.siteChecks(site)
	if err != nil {
		return nil, err
	}
	return newMux(logger, metrics.ObserveFunc, checks, register...), nil
}

// RouterOption adds a route group to [NewRouter], behind the router's [Auth].
type RouterOption func(a *Auth) (func(rt Routes), error)

// WithTrading adds the price, trading, wallet, transaction and staff trading endpoints
// configured by cfg (see [NewTrading]).
func WithTrading(cfg TradingConfig) RouterOption {
	return func(a *Auth) (func(rt Routes), error) {
		t, err := NewTrading(a, cfg)
		if err != nil {
			return nil, err
		}
		return t.Routes, nil
	}
}

// WithHandler mounts h at pattern and every path below it (see [Routes.Mount]), with no
// authentication and outside the API's envelope: for pages the app serves beside the API,
// such as the development sandbox gateway's payment page at /sandbox/pay/. It fails when
// pattern does not start with '/', is "/" or h is nil.
func WithHandler(pattern string, h http.Handler) RouterOption {
	return func(*Auth) (func(rt Routes), error) {
		if !strings.HasPrefix(pattern, "/") || collapseSlashes(pattern) == "/" || h == nil {
			return nil, fmt.Errorf("httpapi: handler at %q needs a pattern below the root and a handler", pattern)
		}
		return func(rt Routes) { rt.Mount(pattern, h) }, nil
	}
}

// NewMux returns a chi router with the API's middleware and conventions, on which each
// register function adds its routes. Every request, routed or not, passes through, in order:
//   - the request context: X-Request-ID echoed when sane (≤ 128 characters of A–Z, a–z,
//     0–9, '.', '_', '-') or generated, on every response and in the context ([RequestID]);
//     the language of Accept-Language ([LanguageOf]); the default body limits;
//   - the security headers of API.md §1.1;
//   - the access log, one slog line per request (logger);
//   - panic recovery: a 500 internal_error envelope, the panic logged with its stack;
//   - in the routers of [NewRouter] and [NewSiteRouter], the site checks: the host allowlist
//     and the HTTPS redirect of [SiteConfig], then CORS;
//   - path normalisation: trailing slash optional, repeated slashes collapsed ([Routes]);
//   - HEAD served by GET routes.
//
// Unknown paths answer 404 not_found and known paths with another method 405
// method_not_allowed with an Allow header, both as JSON envelopes.
func NewMux(logger *slog.Logger, register ...func(rt Routes)) http.Handler {
	return newMux(logger, nil, nil, register...)
}

// newMux is [NewMux] whose access log also tells observe (when not nil) about every request,
// and whose requests pass checks after panic recovery and before routing.
func newMux(logger *slog.Logger, observe func(ServedRequest), checks []func(http.Handler) http.Handler, register ...func(rt Routes)) http.Handler {
	mux := chi.NewRouter()
	mux.Use(requestContext, secureHeaders, accessLog(logger, observe), recoverer)
	mux.Use(checks...)
	mux.Use(canonicalRoute, middleware.GetHead)
	mux.NotFound(notFound)
	mux.MethodNotAllowed(methodNotAllowed(mux))
	rt := Routes{mux: mux}
	for _, reg := range register {
		reg(rt)
	}
	return mux
}
