package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/config"
)

// sentryFlushTimeout bounds how long shutdown waits for queued Sentry events.
const sentryFlushTimeout = 2 * time.Second

// sentryTagKeys are the attributes sent as Sentry tags, to search and group by; the other
// attributes that survive scrubbing go in the event's "log" context.
var sentryTagKeys = map[string]bool{requestIDKey: true, "route": true, "method": true}

// Attributes never sent to Sentry: a key equal to one of sensitiveKeys or containing one of
// sensitiveKeyParts (lower-cased). They name phone numbers, codes, tokens, passwords, bank
// and identity numbers, message texts, bodies, client addresses and user agents.
var (
	sensitiveKeys     = map[string]bool{"to": true, "text": true, "ip": true, "user_agent": true}
	sensitiveKeyParts = []string{
		"phone", "mobile", "otp", "code", "token", "password", "secret", "key", "cookie",
		"authorization", "sheba", "iban", "card", "national", "body",
	}
)

// Text that is masked wherever it appears in a message or a value sent to Sentry: runs of
// ten or more digits (phone numbers in any form, national ids, card and account numbers;
// Persian and Arabic digits too), JWTs and bearer credentials.
var (
	longDigits = regexp.MustCompile(`\+?[0-9۰-۹٠-٩]{10,}`)
	jwtLike    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
	bearer     = regexp.MustCompile(`(?i)bearer\s+\S+`)
)

// redacted replaces what scrubbing removes from a text.
const redacted = "[redacted]"

// sentryHandler reports error-level log records to Sentry as events: the message, the error
// attribute as the exception, request_id, route and method as tags, and the other attributes
// in the "log" context, all scrubbed. Sending log records rather than calling Sentry from the code
// that fails keeps adapters and services free of it; a recovered panic arrives as the access
// log's error line with its stack.
//
// An access log line is sent only for a 500: a 502, 503 or 504 answers a dependency outage
// (a stale price, SMS providers down) that the services log themselves and that would
// otherwise send one event per request.
type sentryHandler struct {
	client *sentry.Client
	attrs  []slog.Attr // from WithAttrs, keys prefixed with their groups
	prefix string      // the open groups, "a.b."
}

// newSentryHandler returns the Sentry reporter SENTRY_DSN configures, or nil when it is
// empty: then nothing of Sentry is set up. Events carry SENTRY_ENVIRONMENT and the release
// talabin@<version>.
func newSentryHandler(cfg config.Config, build BuildInfo) (*sentryHandler, error) {
	if cfg.SentryDSN == "" {
		return nil, nil
	}
	env := cfg.SentryEnvironment
	if env == "" {
		env = "production"
		if cfg.Debug {
			env = "development"
		}
	}
	client, err := sentry.NewClient(sentry.ClientOptions{
		Dsn:            cfg.SentryDSN,
		Environment:    env,
		Release:        "talabin@" + build.Version,
		MaxBreadcrumbs: -1,
		BeforeSend:     scrubEvent,
	})
	if err != nil {
		return nil, fmt.Errorf("sentry: %w", err)
	}
	return &sentryHandler{client: client}, nil
}

// flush sends the queued events, waiting at most [sentryFlushTimeout], and closes the client.
// It reports whether every event was sent.
func (h *sentryHandler) flush() bool {
	ok := h.client.Flush(sentryFlushTimeout)
	h.client.Close()
	return ok
}

func (h *sentryHandler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelError
}

func (h *sentryHandler) Handle(_ context.Context, r slog.Record) error {
	attrs := make(map[string]slog.Value, len(h.attrs)+r.NumAttrs())
	for _, a := range h.attrs {
		attrs[a.Key] = a.Value
	}
	r.Attrs(func(a slog.Attr) bool {
		flatten(h.prefix, a, attrs)
		return true
	})
	if status, ok := attrs["status"]; ok && status.Kind() == slog.KindInt64 && status.Int64() != http.StatusInternalServerError {
		return nil
	}
	event := sentry.NewEvent()
	event.Level = sentry.LevelError
	event.Timestamp = r.Time
	event.Logger = "slog"
	event.Message = scrubText(r.Message)
	extra := sentry.Context{}
	for key, v := range attrs {
		if sensitiveKey(key) {
			continue
		}
		value := scrubText(v.String())
		switch {
		case sentryTagKeys[key]:
			event.Tags[key] = value
		default:
			extra[key] = value
		}
	}
	event.Contexts["log"] = extra
	if errValue, ok := extra["error"].(string); ok {
		event.Exception = []sentry.Exception{{Type: event.Message, Value: errValue}}
	}
	h.client.CaptureEvent(event, nil, nil)
	return nil
}

func (h *sentryHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	next := *h
	flat := make(map[string]slog.Value)
	for _, a := range attrs {
		flatten(h.prefix, a, flat)
	}
	next.attrs = append([]slog.Attr(nil), h.attrs...)
	for k, v := range flat {
		next.attrs = append(next.attrs, slog.Attr{Key: k, Value: v})
	}
	return &next
}

func (h *sentryHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	next := *h
	next.prefix = h.prefix + name + "."
	return &next
}

// flatten puts a into out under prefix, the attributes of a group under "group.key".
func flatten(prefix string, a slog.Attr, out map[string]slog.Value) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range v.Group() {
			flatten(p, g, out)
		}
		return
	}
	if a.Key == "" {
		return
	}
	out[prefix+a.Key] = v
}

// sensitiveKey reports whether an attribute named key is never sent to Sentry.
func sensitiveKey(key string) bool {
	key = strings.ToLower(key[strings.LastIndexByte(key, '.')+1:])
	if sensitiveKeys[key] {
		return true
	}
	for _, part := range sensitiveKeyParts {
		if strings.Contains(key, part) {
			return true
		}
	}
	return false
}

// scrubText masks long digit runs, JWTs and bearer credentials in s.
func scrubText(s string) string {
	s = bearer.ReplaceAllString(s, "Bearer "+redacted)
	s = jwtLike.ReplaceAllString(s, redacted)
	return longDigits.ReplaceAllString(s, redacted)
}

// scrubEvent is the last filter before an event leaves, whatever built it: of request data
// only the method, the path and the request id header are kept (no body, query string,
// cookies or other headers), of the user only the id, and no breadcrumbs.
func scrubEvent(event *sentry.Event, _ *sentry.EventHint) *sentry.Event {
	if req := event.Request; req != nil {
		safe := &sentry.Request{Method: req.Method, URL: req.URL}
		if i := strings.IndexAny(safe.URL, "?#"); i >= 0 {
			safe.URL = safe.URL[:i]
		}
		for name, value := range req.Headers {
			if http.CanonicalHeaderKey(name) == http.CanonicalHeaderKey(httpapi.HeaderRequestID) {
				safe.Headers = map[string]string{name: value}
			}
		}
		event.Request = safe
	}
	event.User = sentry.User{ID: event.User.ID}
	event.Breadcrumbs = nil
	return event
}
