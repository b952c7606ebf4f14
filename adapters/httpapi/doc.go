// Package httpapi is Talabin's inbound HTTP adapter: the chi router, its middleware, the
// decoding of requests and the encoding of responses of the API contract (API.md §1). It
// talks to the application through inbound ports only; it never imports another adapter or
// the app.
//
// The pieces handlers are written on:
//   - [NewMux] builds the router with the API's middleware (request id, security headers,
//     access log, panic recovery, path normalisation, JSON 404/405); [Routes] registers
//     handlers once per documented path ("/api/auth/login/"), which then also serves the
//     path without its trailing slash and with doubled slashes.
//   - A [HandlerFunc] returns an error instead of answering it; [WriteError] maps core errors
//     through one table (errors.go) to a status and a stable code of API.md §1.3.
//   - [Decode] reads JSON, form and multipart bodies into one [Body], whose typed getters
//     (String, Name, Phone, Bool, Int, ID, Rial, Grams, Enum, File) normalise input and
//     collect a core.ValidationError.
//   - [WriteData], [WriteMessage] and [WriteList] write the success envelopes; [Gold],
//     [AmountString], [Percent] and [Timestamp] are the wire types of API.md §1.8.
//   - Messages are Persian unless Accept-Language asks for English ([LanguageOf]).
//
// [NewRouter] serves the operational endpoints outside the envelope (API.md §3.14):
// GET /healthz (liveness), GET /readyz (readiness, see [Readiness]) and GET /metrics (for a
// scraper with the metrics token, see [Metrics]).
package httpapi
