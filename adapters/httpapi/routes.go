package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/talabin/talabin/core"
)

// HandlerFunc is an API handler. It answers through [WriteData], [WriteMessage] or
// [WriteList] and returns nil, or returns an error, which the router answers with
// [WriteError] (an error returned after the handler started its response is only logged).
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP calls h and answers its error.
func (h HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h(w, r); err != nil {
		WriteError(w, r, err)
	}
}

// RouteOption changes how one route treats its requests.
type RouteOption func(st *requestState)

// BodyLimit caps the JSON and form bodies of a route at n bytes instead of
// [DefaultBodyLimit].
func BodyLimit(n int64) RouteOption {
	return func(st *requestState) { st.limit.plain = n }
}

// MultipartLimit caps the multipart bodies of a route at n bytes, files included, instead of
// [DefaultMultipartLimit].
func MultipartLimit(n int64) RouteOption {
	return func(st *requestState) { st.limit.multipart = n }
}

// QuietLog logs the route's requests at debug level, unless they answered an error through
// [WriteError] or panicked: for endpoints that probes call every few seconds.
func QuietLog() RouteOption {
	return func(st *requestState) { st.quiet = true }
}

// Routes registers handlers on the API router with its conventions (API.md §1.1): a pattern
// is written once, as documented ("/api/auth/login/"), and serves the path with and without
// its trailing slash and with repeated slashes collapsed, without a redirect. Patterns use
// chi's syntax ("/api/trading/orders/{id}/cancel/"; read the parameter with chi.URLParam or
// r.PathValue).
type Routes struct {
	mux         chi.Router
	prefix      string
	middlewares []func(http.Handler) http.Handler
}

// Route calls fn with routes whose patterns start with prefix:
//
//	rt.Route("/api/auth", func(rt httpapi.Routes) {
//		rt.Post("/login/", h.login)
//	})
func (rt Routes) Route(prefix string, fn func(rt Routes)) {
	fn(Routes{mux: rt.mux, prefix: rt.prefix + prefix, middlewares: rt.middlewares})
}

// With returns routes whose handlers run behind middlewares (authentication, rate limits,
// idempotency), in the order given, after the router's own middleware and the route's
// options, so a middleware that decodes the body sees the route's body limits.
func (rt Routes) With(middlewares ...func(http.Handler) http.Handler) Routes {
	return Routes{mux: rt.mux, prefix: rt.prefix, middlewares: append(slices.Clip(rt.middlewares), middlewares...)}
}

// Method registers h for method on pattern. It panics when pattern does not start with '/'
// or is already registered for method, as chi does.
func (rt Routes) Method(method, pattern string, h HandlerFunc, opts ...RouteOption) {
	if !strings.HasPrefix(pattern, "/") {
		panic("httpapi: route pattern must start with '/': " + pattern)
	}
	var handler http.Handler = h
	for i := len(rt.middlewares) - 1; i >= 0; i-- {
		handler = rt.middlewares[i](handler)
	}
	if len(opts) > 0 {
		handler = withRouteOptions(opts, handler)
	}
	rt.mux.Method(method, canonicalPath(rt.prefix+pattern), handler)
}

// Get registers h for GET on pattern.
func (rt Routes) Get(pattern string, h HandlerFunc, opts ...RouteOption) {
	rt.Method(http.MethodGet, pattern, h, opts...)
}

// Post registers h for POST on pattern.
func (rt Routes) Post(pattern string, h HandlerFunc, opts ...RouteOption) {
	rt.Method(http.MethodPost, pattern, h, opts...)
}

// Put registers h for PUT on pattern.
func (rt Routes) Put(pattern string, h HandlerFunc, opts ...RouteOption) {
	rt.Method(http.MethodPut, pattern, h, opts...)
}

// Patch registers h for PATCH on pattern.
func (rt Routes) Patch(pattern string, h HandlerFunc, opts ...RouteOption) {
	rt.Method(http.MethodPatch, pattern, h, opts...)
}

// Delete registers h for DELETE on pattern.
func (rt Routes) Delete(pattern string, h HandlerFunc, opts ...RouteOption) {
	rt.Method(http.MethodDelete, pattern, h, opts...)
}

// Mount serves every request for pattern and the paths below it, whatever the method, with
// h, a plain [http.Handler] that answers as it likes (an HTML page, a redirect) outside the
// API's envelope: no JSON 404 or 405 of its own, no authentication unless rt's middlewares
// add it. The router's own middleware (request id, security headers, access log, panic
// recovery) still runs. It panics when pattern does not start with '/' or is "/", or is
// already mounted, as chi does.
func (rt Routes) Mount(pattern string, h http.Handler) {
	if !strings.HasPrefix(pattern, "/") || collapseSlashes(rt.prefix+pattern) == "/" {
		panic("httpapi: mount pattern must start with '/' and name a path below the root: " + pattern)
	}
	for i := len(rt.middlewares) - 1; i >= 0; i-- {
		h = rt.middlewares[i](h)
	}
	// Without its trailing slash chi mounts the pattern itself, its slash form and the
	// subtree, matching the canonical paths the router routes.
	rt.mux.Mount(strings.TrimSuffix(collapseSlashes(rt.prefix+pattern), "/"), h)
}

// withRouteOptions applies opts to the request state before next runs.
func withRouteOptions(opts []RouteOption, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := stateOf(r.Context()); st != nil {
			for _, o := range opts {
				o(st)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// collapseSlashes replaces every run of '/' in p by one.
func collapseSlashes(p string) string {
	if !strings.Contains(p, "//") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// canonicalPath is the form routes are registered and matched in: slashes collapsed and a
// trailing slash added, so "/api//auth/login" and "/api/auth/login/" are one route.
func canonicalPath(p string) string {
	p = collapseSlashes(p)
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// canonicalRoute makes chi route the canonical form of the request path. The request's URL
// is left as the client sent it.
func canonicalRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rctx := chi.RouteContext(r.Context()); rctx != nil {
			p := r.URL.RawPath
			if p == "" {
				p = r.URL.Path
			}
			rctx.RoutePath = canonicalPath(p)
		}
		next.ServeHTTP(w, r)
	})
}

// notFound answers every path no route matches.
func notFound(w http.ResponseWriter, r *http.Request) {
	WriteError(w, r, core.ErrNotFound)
}

// allowProbeMethods are the methods a 405 response checks for its Allow header.
var allowProbeMethods = []string{
	http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions,
}

// methodNotAllowed answers a path that exists with a method it does not serve, listing the
// methods it does in Allow (HEAD wherever GET is served).
func methodNotAllowed(mux *chi.Mux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		path := canonicalPath(r.URL.Path)
		if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.RoutePath != "" {
			path = rctx.RoutePath
		}
		var allowed []string
		for _, m := range allowProbeMethods {
			if mux.Match(chi.NewRouteContext(), m, path) {
				allowed = append(allowed, m)
				if m == http.MethodGet {
					allowed = append(allowed, http.MethodHead)
				}
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
		}
		WriteError(w, r, core.ErrMethodNotAllowed)
	}
}

// pathParamID reads the path parameter param with parse. Anything parse refuses names no
// object: a 404, as an unknown id would be, never a 400 that tells malformed ids apart.
func pathParamID[T any](r *http.Request, param, what string, parse func(string) (T, error)) (T, error) {
	raw := chi.URLParam(r, param)
	id, err := parse(raw)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%w: %s id %q", core.ErrNotFound, what, raw)
	}
	return id, nil
}
