// Package outbound builds the resilience every outbound HTTP adapter owns (STYLE.md §15):
// an HTTP client with explicit timeouts that neither retries, follows redirects, keeps
// cookies nor logs ([NewHTTPClient]); one circuit breaker per upstream that a caller's own
// cancellation does not trip ([NewBreaker], [CallerGone]); and the context of one request,
// bounded and traced so that the adapter can tell "nothing was sent" from "the upstream may
// have acted" ([StartRequest]).
//
// It knows nothing of SMS, payments or prices: each adapter decides which of its errors
// count as the upstream working, and how a failure reads as its port's errors. It is shared
// by the adapters under adapters/ and is not an adapter itself; the test-support package
// outboundtest goes with it.
package outbound
