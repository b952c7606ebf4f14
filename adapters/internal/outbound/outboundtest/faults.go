package outboundtest

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Faults is the switch a provider fake steers its misbehaviour with. F is the fake's own
// Fault type: the fault set with [Faults.Set] is shown by every following request until the
// next Set. Faults also counts the requests that reached the fake and holds answers back
// ([Faults.Hold]) until a delay passes, the client goes away or the switch is closed. The
// zero value is ready to use; it is safe for concurrent use.
type Faults[F any] struct {
	mu       sync.Mutex
	fault    F
	requests int
	closed   chan struct{} // made on first use, closed by Close
	once     sync.Once
}

// Set makes every following request show fault; the zero F heals the fake.
func (s *Faults[F]) Set(fault F) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = fault
}

// Begin counts one request and returns the fault it must show.
func (s *Faults[F]) Begin() F {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	return s.fault
}

// Requests returns how many requests have begun.
func (s *Faults[F]) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Hold waits d and reports whether the answer should still be written: false when ctx (the
// request's context) ends or the switch is closed first.
func (s *Faults[F]) Hold(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done():
		return false
	}
}

// Close ends every held answer at once, and every later one at its start.
func (s *Faults[F]) Close() {
	done := s.done()
	s.once.Do(func() { close(done) })
}

func (s *Faults[F]) done() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed == nil {
		s.closed = make(chan struct{})
	}
	return s.closed
}

// WriteJSON answers with status and v encoded as JSON under contentType (the provider's
// exact Content-Type, which golden files record), or with a 500 when v cannot be encoded.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
