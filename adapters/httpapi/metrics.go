package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
)

// MetricsEndpoint configures GET /metrics for [NewRouter]; see [Metrics].
type MetricsEndpoint struct {
	// Handler writes the metrics. The app builds it (promhttp.HandlerFor over its registry),
	// so this package does not depend on a metrics library.
	Handler http.Handler
	// Token is the bearer token a scraper must present; empty turns the endpoint off.
	Token string
	// ObserveFunc, when set, is told about every request the router answered, whatever the
	// token, so that the app can count requests by route, status and latency. It runs on the
	// request's goroutine after the response, so it must be quick.
	ObserveFunc func(ServedRequest)
}

// ServedRequest is what the router tells [MetricsEndpoint].ObserveFunc about one request.
type ServedRequest struct {
	// Method is the request's method as the client sent it, which may be any token.
	Method string
	// Route is the pattern of the route that answered, as registered
	// ("/api/trading/orders/{id}/"), never the request's path; "" when no route matched.
	Route string
	// Status is the response's status code.
	Status int
	// Duration is how long the router took to answer.
	Duration time.Duration
}

// Metrics registers GET /metrics (API.md §3.14), outside the envelope: handler answers a
// request whose Authorization is "Bearer <token>"; any other request gets the 404
// not_found envelope of an unknown path, so the endpoint is not advertised. An empty token
// (or a nil handler) registers nothing. Scrapes are logged at debug level ([QuietLog]);
// refused ones are logged as errors are.
func Metrics(handler http.Handler, token string) func(rt Routes) {
	return func(rt Routes) {
		if token == "" || handler == nil {
			return
		}
		want := sha256.Sum256([]byte(token))
		rt.Get("/metrics", func(w http.ResponseWriter, r *http.Request) error {
			if !bearerMatches(r, want) {
				return core.ErrNotFound
			}
			w.Header().Set("Cache-Control", "no-store")
			handler.ServeHTTP(w, r)
			return nil
		}, QuietLog())
	}
}

// bearerMatches reports whether r's Authorization header is a Bearer token whose SHA-256
// is want. Comparing digests in constant time hides the token's length as well as its
// bytes.
func bearerMatches(r *http.Request, want [sha256.Size]byte) bool {
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}
