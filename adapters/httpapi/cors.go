package httpapi

import (
	"net/http"

	"github.com/rs/cors"
)

// CORS rules of API.md §1.1. HEAD, a method browsers never preflight, is listed so that a
// cross-origin HEAD gets the same headers as its GET.
var (
	corsMethods = []string{
		http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions,
	}
	corsAllowedHeaders = []string{
		"Authorization", "Content-Type", "Accept", "Accept-Language",
		HeaderIdempotencyKey, HeaderCSRFToken, HeaderAuthMode, HeaderRequestID,
	}
	corsExposedHeaders = []string{
		"Retry-After", HeaderRequestID, HeaderIdempotencyReplayed,
		HeaderRateLimitLimit, HeaderRateLimitRemaining, HeaderRateLimitReset,
	}
)

// corsMaxAge is how long, in seconds, a browser may cache a preflight's answer.
const corsMaxAge = 600

// corsHandler answers cross-origin requests from the exact origins of origins, the same
// allowlist as cookie mode's: a preflight (OPTIONS with Access-Control-Request-Method) is
// answered 204 before routing, with the allowed method and headers, credentials and
// max-age 600 when the origin, method and headers are allowed and with no CORS header
// otherwise; an actual request gets Access-Control-Allow-Origin (the origin itself, never
// "*"), Allow-Credentials and Expose-Headers when its origin is allowed. Every answer varies
// by Origin. Origins are compared as [originAllowlist.allows] does, so an empty allowlist
// allows none (the library's own default would allow all).
func corsHandler(origins originAllowlist) func(http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowOriginFunc:  origins.allows,
		AllowedMethods:   corsMethods,
		AllowedHeaders:   corsAllowedHeaders,
		ExposedHeaders:   corsExposedHeaders,
		AllowCredentials: true,
		MaxAge:           corsMaxAge,
	}).Handler
}
