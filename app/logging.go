package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/config"
)

// LogOutput is where the JSON log is written: os.Stdout in the binary, a buffer in tests.
type LogOutput io.Writer

// requestIDKey is the attribute that carries the request id in every log line of a request.
const requestIDKey = "request_id"

// The attribute that marks the security stream, as [NewSecurityLogger] sets it.
const (
	streamKey      = "log"
	securityStream = "security"
)

// securityLogMode is the mode a SECURITY_LOG file is created with: its lines name users and
// their addresses.
const securityLogMode = 0o600

// NewLogger returns the JSON logger writing to out at LOG_LEVEL. It is passed to every
// component; nothing logs through a package-level logger. Besides out:
//
//   - a line logged with the context of an HTTP request carries that request's request_id,
//     also when a service wrote it;
//   - the security stream ([NewSecurityLogger]) goes to SECURITY_LOG when it is set;
//   - with SENTRY_DSN, error-level lines are also reported to Sentry, scrubbed (see
//     [sentryHandler]).
//
// The cleanup sends the Sentry events still queued (within a short bound) and closes the
// security log file.
func NewLogger(cfg config.Config, out LogOutput, build BuildInfo) (*slog.Logger, func(), error) {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var handler slog.Handler = slog.NewJSONHandler(out, opts)
	securityOut, closeSecurity, err := openSecurityLog(cfg.SecurityLog)
	if err != nil {
		return nil, nil, err
	}
	if securityOut != nil {
		handler = &streamHandler{main: handler, security: slog.NewJSONHandler(securityOut, opts)}
	}
	reporter, err := newSentryHandler(cfg, build)
	if err != nil {
		closeSecurity()
		return nil, nil, err
	}
	if reporter != nil {
		handler = slog.NewMultiHandler(handler, reporter)
	}
	logger := slog.New(&requestIDHandler{next: handler})
	cleanup := func() {
		if reporter != nil && !reporter.flush() {
			logger.Warn("sentry: events still queued at shutdown were dropped")
		}
		closeSecurity()
	}
	return logger, cleanup, nil
}

// openSecurityLog returns the writer SECURITY_LOG names and its closer: nil for "" (the
// security stream stays in the app log), the process's standard output or error for
// "stdout" and "stderr", else the file at that path, created with [securityLogMode] when
// missing and appended to.
func openSecurityLog(dest string) (io.Writer, func(), error) {
	switch dest {
	case "":
		return nil, func() {}, nil
	case "stdout":
		return os.Stdout, func() {}, nil
	case "stderr":
		return os.Stderr, func() {}, nil
	}
	f, err := os.OpenFile(filepath.Clean(dest), os.O_WRONLY|os.O_APPEND|os.O_CREATE, securityLogMode)
	if err != nil {
		return nil, nil, fmt.Errorf("open SECURITY_LOG: %w", err)
	}
	return f, func() { _ = f.Close() }, nil
}

// streamHandler writes the records of the security stream with security and all others with
// main. The stream is the loggers derived with "log":"security" ([NewSecurityLogger]), so its
// writers (the accounts service, the HTTP layer) need not know where it goes.
type streamHandler struct {
	main, security slog.Handler
	isSecurity     bool
	// grouped is set once a group is open: later attributes are nested and do not mark the
	// stream.
	grouped bool
}

func (h *streamHandler) current() slog.Handler {
	if h.isSecurity {
		return h.security
	}
	return h.main
}

func (h *streamHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.current().Enabled(ctx, level)
}

func (h *streamHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.current().Handle(ctx, r)
}

func (h *streamHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	next := *h
	next.main, next.security = h.main.WithAttrs(attrs), h.security.WithAttrs(attrs)
	for _, a := range attrs {
		if !h.grouped && a.Key == streamKey && a.Value.String() == securityStream {
			next.isSecurity = true
		}
	}
	return &next
}

func (h *streamHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	next := *h
	next.main, next.security, next.grouped = h.main.WithGroup(name), h.security.WithGroup(name), true
	return &next
}

// requestIDHandler adds the request id of the request a record was logged in
// ([httpapi.RequestID] of its context) when the record has none, so that the lines a service
// writes during a request are found with the request's access log line.
type requestIDHandler struct {
	next slog.Handler
	// has is set when the logger's own attributes carry a request id.
	has bool
}

func (h *requestIDHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.has {
		return h.next.Handle(ctx, r)
	}
	id := httpapi.RequestID(ctx)
	if id == "" || recordHas(r, requestIDKey) {
		return h.next.Handle(ctx, r)
	}
	r = r.Clone()
	r.AddAttrs(slog.String(requestIDKey, id))
	return h.next.Handle(ctx, r)
}

func (h *requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	next := &requestIDHandler{next: h.next.WithAttrs(attrs), has: h.has}
	for _, a := range attrs {
		if a.Key == requestIDKey {
			next.has = true
		}
	}
	return next
}

func (h *requestIDHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &requestIDHandler{next: h.next.WithGroup(name), has: h.has}
}

// recordHas reports whether r has a top-level attribute named key.
func recordHas(r slog.Record, key string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}
