// Package httpapi is Talabin's inbound HTTP adapter: the chi router, its handlers and the JSON
// encoding of responses. It talks to the application through inbound ports only; it never
// imports another adapter or the app.
//
// For now it serves the operational endpoints outside the API envelope (API.md §3.14):
// GET /healthz (liveness) and GET /readyz (readiness, see [Readiness]).
package httpapi
