package failover_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/adapters/sms/failover"
	"github.com/talabin/talabin/adapters/sms/internal/smsadapter"
	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/smstest"
)

var to = smsadaptertest.Recipient

// stub is a sender that answers every call with err, or with a receipt naming it.
type stub struct {
	name  string
	err   error
	calls atomic.Int32
	// onCall runs on every call, before the answer.
	onCall func()
}

func (s *stub) SendOTP(context.Context, iran.Mobile, string, string) (ports.SMSReceipt, error) {
	return s.answer()
}

func (s *stub) SendText(context.Context, iran.Mobile, string) (ports.SMSReceipt, error) {
	return s.answer()
}

func (s *stub) answer() (ports.SMSReceipt, error) {
	s.calls.Add(1)
	if s.onCall != nil {
		s.onCall()
	}
	if s.err != nil {
		return ports.SMSReceipt{}, s.err
	}
	return ports.SMSReceipt{Provider: s.name, MessageID: s.name + "-1"}, nil
}

func TestNew(t *testing.T) {
	t.Parallel()
	a, b := &stub{name: "a"}, &stub{name: "b"}
	tests := []struct {
		name    string
		senders []failover.Named
		wantErr string
	}{
		{"One", []failover.Named{{"a", a}}, ""},
		{"Two", []failover.Named{{"a", a}, {"b", b}}, ""},
		{"None", nil, "at least one sender"},
		{"NoName", []failover.Named{{"", a}}, "has no name"},
		{"NilSender", []failover.Named{{"a", nil}}, "is nil"},
		{"DuplicateName", []failover.Named{{"a", a}, {"a", b}}, "used twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := failover.New(tt.senders...)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, c)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			require.Nil(t, c)
		})
	}
}

// TestMovesOnOnlyWhenUnavailable checks, for each way the first sender can answer, whether
// the chain tries the second and what it returns.
func TestMovesOnOnlyWhenUnavailable(t *testing.T) {
	t.Parallel()
	unavailable := fmt.Errorf("first: %w: status 409", core.ErrSMSUnavailable)
	tests := []struct {
		name       string
		firstErr   error
		wantSecond bool
		wantErr    error // nil when the send succeeds
	}{
		{"Success", nil, false, nil},
		{"Unavailable", unavailable, true, nil},
		{"OutcomeUnknown", fmt.Errorf("first: %w: %w", ports.ErrSMSOutcomeUnknown, context.DeadlineExceeded), false, ports.ErrSMSOutcomeUnknown},
		{"UnknownEvenIfAlsoUnavailable", fmt.Errorf("%w: %w", ports.ErrSMSOutcomeUnknown, core.ErrSMSUnavailable), false, ports.ErrSMSOutcomeUnknown},
		{"InvalidInput", fmt.Errorf("first: %w: status 411", core.ErrInvalidInput), false, core.ErrInvalidInput},
		{"Canceled", fmt.Errorf("first: %w", context.Canceled), false, context.Canceled},
		{"Unclassified", errors.New("unexpected"), false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			first, second := &stub{name: "first", err: tt.firstErr}, &stub{name: "second"}
			c, err := failover.New(failover.Named{Name: "first", Sender: first}, failover.Named{Name: "second", Sender: second})
			require.NoError(t, err)
			for _, send := range []func() (ports.SMSReceipt, error){
				func() (ports.SMSReceipt, error) { return c.SendOTP(t.Context(), to, "123456", "login") },
				func() (ports.SMSReceipt, error) { return c.SendText(t.Context(), to, "سلام") },
			} {
				receipt, err := send()
				switch {
				case tt.firstErr == nil:
					require.NoError(t, err)
					require.Equal(t, "first", receipt.Provider)
				case tt.wantSecond:
					require.NoError(t, err)
					require.Equal(t, "second", receipt.Provider)
				default:
					require.Error(t, err)
					require.ErrorIs(t, err, tt.firstErr)
					if tt.wantErr != nil {
						require.ErrorIs(t, err, tt.wantErr)
					}
					require.Contains(t, err.Error(), "failover: first: ")
					require.Zero(t, receipt)
				}
			}
			require.Equal(t, int32(2), first.calls.Load())
			if tt.wantSecond {
				require.Equal(t, int32(2), second.calls.Load())
			} else {
				require.Zero(t, second.calls.Load())
			}
		})
	}
}

func TestAllUnavailable(t *testing.T) {
	t.Parallel()
	a := &stub{err: fmt.Errorf("kavenegar: %w: status 451", core.ErrSMSUnavailable)}
	b := &stub{err: fmt.Errorf("ghasedak: %w: breaker open", core.ErrSMSUnavailable)}
	c, err := failover.New(failover.Named{Name: "a", Sender: a}, failover.Named{Name: "b", Sender: b})
	require.NoError(t, err)
	_, err = c.SendOTP(t.Context(), to, "123456", "login")
	require.ErrorIs(t, err, core.ErrSMSUnavailable)
	require.NotErrorIs(t, err, ports.ErrSMSOutcomeUnknown)
	require.ErrorIs(t, err, a.err)
	require.ErrorIs(t, err, b.err)
	require.Equal(t, "failover: every sender failed: a: kavenegar: sms provider unavailable: status 451; "+
		"b: ghasedak: sms provider unavailable: breaker open", err.Error())
}

// TestStopsAfterUnavailable checks that a later sender's refusal is returned as it is, with
// the earlier unavailable senders only in the text, so that it does not read as unavailable.
func TestStopsAfterUnavailable(t *testing.T) {
	t.Parallel()
	a := &stub{err: fmt.Errorf("%w: down", core.ErrSMSUnavailable)}
	b := &stub{err: fmt.Errorf("%w: status 411", core.ErrInvalidInput)}
	last := &stub{name: "last"}
	c, err := failover.New(failover.Named{Name: "a", Sender: a}, failover.Named{Name: "b", Sender: b}, failover.Named{Name: "last", Sender: last})
	require.NoError(t, err)
	_, err = c.SendText(t.Context(), to, "سلام")
	require.ErrorIs(t, err, core.ErrInvalidInput)
	require.NotErrorIs(t, err, core.ErrSMSUnavailable)
	require.Equal(t, "failover: b: invalid input: status 411 (after unavailable senders: a: sms provider unavailable: down)", err.Error())
	require.Zero(t, last.calls.Load())
}

// TestStopsWhenCallerGivesUp checks that the chain does not try the next sender once the
// caller's context has ended.
func TestStopsWhenCallerGivesUp(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	first := &stub{err: fmt.Errorf("%w: connection refused", core.ErrSMSUnavailable), onCall: cancel}
	second := &stub{name: "second"}
	c, err := failover.New(failover.Named{Name: "first", Sender: first}, failover.Named{Name: "second", Sender: second})
	require.NoError(t, err)
	_, err = c.SendOTP(ctx, to, "123456", "login")
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, second.calls.Load())
}

// memProvider is an in-memory provider behind its own breaker, standing in for an adapter
// and its fake in the conformance run of the chain: it validates like an adapter, fails as
// steered, and answers FailSlow only after its timeout.
type memProvider struct {
	name    string
	timeout time.Duration
	breaker *gobreaker.CircuitBreaker[ports.SMSReceipt]

	mu       sync.Mutex
	failure  smstest.Failure
	received []smstest.Message
	requests int
}

// newMemProvider returns a provider whose breaker, argument checks and reading of an open
// breaker are the adapters' own (smsadapter).
func newMemProvider(name string, threshold uint32) *memProvider {
	return &memProvider{
		name:    name,
		timeout: 200 * time.Millisecond,
		breaker: smsadapter.NewBreaker(name, outbound.BreakerConfig{ConsecutiveFailures: threshold, OpenTimeout: time.Minute}, nil),
	}
}

func (p *memProvider) SendOTP(ctx context.Context, to iran.Mobile, code, _ string) (ports.SMSReceipt, error) {
	if err := smsadapter.CheckOTP(p.name, to, code); err != nil {
		return ports.SMSReceipt{}, err
	}
	return p.send(ctx, smstest.Message{To: to.String(), Code: code})
}

func (p *memProvider) SendText(ctx context.Context, to iran.Mobile, text string) (ports.SMSReceipt, error) {
	if err := smsadapter.CheckText(p.name, to, text); err != nil {
		return ports.SMSReceipt{}, err
	}
	return p.send(ctx, smstest.Message{To: to.String(), Text: text})
}

func (p *memProvider) send(ctx context.Context, m smstest.Message) (ports.SMSReceipt, error) {
	return smsadapter.Call(ctx, p.breaker, p.name, "send", func() (ports.SMSReceipt, error) { return p.deliver(ctx, m) })
}

func (p *memProvider) deliver(ctx context.Context, m smstest.Message) (ports.SMSReceipt, error) {
	p.mu.Lock()
	p.requests++
	failure := p.failure
	if failure == smstest.FailNothing || failure == smstest.FailSlow {
		p.received = append(p.received, m)
	}
	id := strconv.Itoa(len(p.received))
	p.mu.Unlock()
	switch failure {
	case smstest.FailNothing:
		return ports.SMSReceipt{Provider: p.name, MessageID: p.name + "-" + id}, nil
	case smstest.FailRecipientRejected:
		return ports.SMSReceipt{}, fmt.Errorf("%s: %w: recipient refused", p.name, core.ErrInvalidInput)
	case smstest.FailMalformedResponse:
		return ports.SMSReceipt{}, fmt.Errorf("%s: %w: unreadable answer", p.name, ports.ErrSMSOutcomeUnknown)
	case smstest.FailSlow:
		timer := time.NewTimer(p.timeout)
		defer timer.Stop()
		select {
		case <-timer.C:
			return ports.SMSReceipt{}, fmt.Errorf("%s: %w: %w", p.name, ports.ErrSMSOutcomeUnknown, context.DeadlineExceeded)
		case <-ctx.Done():
			return ports.SMSReceipt{}, outbound.CallerGone(fmt.Errorf("%s: %w: %w", p.name, ports.ErrSMSOutcomeUnknown, ctx.Err()))
		}
	default:
		return ports.SMSReceipt{}, fmt.Errorf("%s: %w: %s", p.name, core.ErrSMSUnavailable, failure)
	}
}

// chainProvider steers every provider of a chain together.
type chainProvider []*memProvider

func (c chainProvider) Fail(f smstest.Failure) bool {
	for _, p := range c {
		p.mu.Lock()
		p.failure = f
		p.mu.Unlock()
	}
	return true
}

func (c chainProvider) Received() []smstest.Message {
	var out []smstest.Message
	for _, p := range c {
		p.mu.Lock()
		out = append(out, p.received...)
		p.mu.Unlock()
	}
	return out
}

func (c chainProvider) Requests() int {
	n := 0
	for _, p := range c {
		p.mu.Lock()
		n += p.requests
		p.mu.Unlock()
	}
	return n
}

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2} {
		t.Run(strconv.Itoa(size)+"Senders", func(t *testing.T) {
			t.Parallel()
			smstest.Run(t, func(t *testing.T) smstest.Harness {
				var providers chainProvider
				var named []failover.Named
				for i := range size {
					p := newMemProvider("mem"+strconv.Itoa(i), 3)
					providers = append(providers, p)
					named = append(named, failover.Named{Name: p.name, Sender: p})
				}
				c, err := failover.New(named...)
				require.NoError(t, err)
				return smstest.Harness{Sender: c, Provider: providers, BreakerThreshold: 3, Providers: size}
			})
		})
	}
}

// TestOpenBreakerHandsOver checks the chain's purpose end to end: once the first provider's
// breaker is open, messages go to the second without touching the first.
func TestOpenBreakerHandsOver(t *testing.T) {
	t.Parallel()
	first, second := newMemProvider("first", 2), newMemProvider("second", 2)
	c, err := failover.New(failover.Named{Name: "first", Sender: first}, failover.Named{Name: "second", Sender: second})
	require.NoError(t, err)
	chainProvider{first}.Fail(smstest.FailServerError)
	for range 2 {
		receipt, err := c.SendOTP(t.Context(), to, "123456", "login")
		require.NoError(t, err)
		require.Equal(t, "second", receipt.Provider)
	}
	chainProvider{first}.Fail(smstest.FailNothing)
	receipt, err := c.SendText(t.Context(), to, "سلام")
	require.NoError(t, err)
	require.Equal(t, "second", receipt.Provider)
	require.Equal(t, 2, chainProvider{first}.Requests(), "an open breaker must keep the first provider out")
	require.Equal(t, 3, chainProvider{second}.Requests())
}
