package console_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/sms/console"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/smstest"
)

// recordHandler keeps every record it is given.
type recordHandler struct {
	mu      *sync.Mutex
	records *[]slog.Record
}

func newRecordHandler() recordHandler {
	return recordHandler{mu: &sync.Mutex{}, records: &[]slog.Record{}}
}

func (h recordHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h recordHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.records = append(*h.records, r.Clone())
	return nil
}

func (h recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordHandler) WithGroup(string) slog.Handler      { return h }

func (h recordHandler) all() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]slog.Record(nil), *h.records...)
}

func attrs(r slog.Record) map[string]string {
	out := map[string]string{}
	r.Attrs(func(a slog.Attr) bool {
		out[a.Key] = a.Value.String()
		return true
	})
	return out
}

// provider reads the logged messages back for the conformance suite. The console cannot
// fail the way a provider does, so every failure case is skipped.
type provider struct{ h recordHandler }

func (p provider) Fail(f smstest.Failure) bool { return f == smstest.FailNothing }

func (p provider) Received() []smstest.Message {
	var out []smstest.Message
	for _, r := range p.h.all() {
		a := attrs(r)
		switch r.Message {
		case console.OTPLogMessage:
			out = append(out, smstest.Message{To: a["to"], Code: a["code"]})
		case console.TextLogMessage:
			out = append(out, smstest.Message{To: a["to"], Text: a["text"]})
		}
	}
	return out
}

func (p provider) Requests() int { return len(p.h.all()) }

func TestConformance(t *testing.T) {
	t.Parallel()
	smstest.Run(t, func(t *testing.T) smstest.Harness {
		h := newRecordHandler()
		s, err := console.New(slog.New(h))
		require.NoError(t, err)
		return smstest.Harness{Sender: s, Provider: provider{h}}
	})
}

func TestNewRequiresLogger(t *testing.T) {
	t.Parallel()
	s, err := console.New(nil)
	require.Error(t, err)
	require.Nil(t, s)
}

// TestLogsTheCode checks what a developer reads: the code, the number and the purpose at
// Info level, and distinct message ids.
func TestLogsTheCode(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	s, err := console.New(slog.New(slog.NewTextHandler(&buf, nil)))
	require.NoError(t, err)
	to, err := iran.ParseMobile("09121234567")
	require.NoError(t, err)
	first, err := s.SendOTP(t.Context(), to, "482913", "password_reset")
	require.NoError(t, err)
	second, err := s.SendText(t.Context(), to, "خرید انجام شد")
	require.NoError(t, err)
	require.Equal(t, ports.SMSReceipt{Provider: "console", MessageID: "console-1"}, first)
	require.Equal(t, ports.SMSReceipt{Provider: "console", MessageID: "console-2"}, second)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2)
	require.Contains(t, lines[0], "level=INFO")
	require.Contains(t, lines[0], "to=+989121234567")
	require.Contains(t, lines[0], "code=482913")
	require.Contains(t, lines[0], "purpose=password_reset")
	require.Contains(t, lines[1], `text="خرید انجام شد"`)
}
