// Package smstest is the conformance suite of [ports.SMSSender]. Every SMS adapter runs it
// from its own TestConformance against a fake provider:
//
//	func TestConformance(t *testing.T) {
//		t.Parallel()
//		smstest.Run(t, func(t *testing.T) smstest.Harness {
//			fake := startFake(t)
//			return smstest.Harness{Sender: newClient(t, fake.URL), Provider: fake, BreakerThreshold: 3}
//		})
//	}
//
// The suite checks the port's contract, not a vendor: what the provider received, and how
// each way of failing reads to the caller ([core.ErrInvalidInput], [core.ErrSMSUnavailable]
// or [ports.ErrSMSOutcomeUnknown]), that the breaker opens after repeated failures and then
// fails fast, that a caller's cancellation does not count against the provider, and that a
// sender never resends on its own. New sender behaviour gets a case here first.
package smstest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// Failure is a way the provider behind a harness can fail.
type Failure int

// The failures a [Provider] can be asked to reproduce, with what the suite expects of the
// sender.
const (
	// FailNothing lets the provider accept messages again.
	FailNothing Failure = iota
	// FailRecipientRejected makes the provider refuse the recipient (an invalid or blocked
	// number) in its usual error answer. Expect [core.ErrInvalidInput]; it is no breaker
	// failure.
	FailRecipientRejected
	// FailServerError makes the provider answer HTTP 5xx with a body that is not JSON, without
	// sending. Expect [core.ErrSMSUnavailable].
	FailServerError
	// FailMalformedResponse makes the provider answer HTTP 200 with a body that is not its
	// envelope. Expect [ports.ErrSMSOutcomeUnknown]: success may have been meant.
	FailMalformedResponse
	// FailAuth makes the provider refuse the sender's credentials. Expect
	// [core.ErrSMSUnavailable].
	FailAuth
	// FailRateLimited makes the provider throttle the sender. Expect
	// [core.ErrSMSUnavailable].
	FailRateLimited
	// FailSlow makes the provider accept the message but answer only after the sender's
	// timeout. Expect [ports.ErrSMSOutcomeUnknown] and no second request.
	FailSlow
)

// String names the failure, for subtest names.
func (f Failure) String() string {
	switch f {
	case FailNothing:
		return "Nothing"
	case FailRecipientRejected:
		return "RecipientRejected"
	case FailServerError:
		return "ServerError"
	case FailMalformedResponse:
		return "MalformedResponse"
	case FailAuth:
		return "Auth"
	case FailRateLimited:
		return "RateLimited"
	case FailSlow:
		return "Slow"
	default:
		return fmt.Sprintf("Failure(%d)", int(f))
	}
}

// Message is what the provider received for one accepted message, in the suite's terms.
type Message struct {
	// To is the recipient in E.164 form, as [iran.Mobile.String] writes it.
	To string
	// Code is the one-time code of an OTP; empty for a text.
	Code string
	// Text is the body of a plain text; empty for an OTP.
	Text string
}

// Provider is the fake provider behind a harness: the suite steers and inspects it.
type Provider interface {
	// Fail makes every following request fail the way f says, until Fail(FailNothing). It
	// reports false when the provider cannot fail that way; the cases that need it are then
	// skipped.
	Fail(f Failure) bool
	// Received returns the messages the provider accepted, in the order it accepted them. A
	// message the provider accepted and then answered too slowly for is included.
	Received() []Message
	// Requests returns how many send requests reached the provider, accepted or not.
	Requests() int
}

// Harness is one sender under test and the fake provider behind it. The sender's timeout
// must be short (200 ms is plenty against a local fake) so that [FailSlow] cases finish
// quickly, and its breaker must stay open for longer than the test runs.
type Harness struct {
	// Sender is the sender under test.
	Sender ports.SMSSender
	// Provider steers and inspects the fake behind Sender.
	Provider Provider
	// BreakerThreshold is the number of consecutive failures after which Sender fails fast
	// without calling the provider; 0 when Sender has no breaker (breaker cases are skipped).
	BreakerThreshold int
	// Providers is how many providers stand behind Sender, each faked by Provider together:
	// the chain's length for a failover chain, 1 (or 0) for a single adapter. A failure that
	// reads as [core.ErrSMSUnavailable] is expected to have tried each of them once; any
	// other outcome stops at the first.
	Providers int
}

// providers returns Providers, at least 1.
func (h Harness) providers() int { return max(h.Providers, 1) }

// NewHarnessFunc returns a fresh harness owned by t; it registers its own cleanup.
type NewHarnessFunc func(t *testing.T) Harness

// Run runs every conformance case against harnesses made by newHarness.
func Run(t *testing.T, newHarness NewHarnessFunc) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newHarness)
		})
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, newHarness NewHarnessFunc)
}

// Recipients and contents used by the cases. The text mixes Persian, digits and a newline
// so that encoding mistakes show.
var (
	recipient   = mustMobile("09121234567")
	recipient2  = mustMobile("+989351112233")
	otpCode     = "482913"
	noticeText  = "طلابین: خرید ۱٫۲۵ گرم طلا انجام شد.\nکد پیگیری 7781"
	otpPurpose  = "login"
	cancelAfter = 30 * time.Millisecond
)

func mustMobile(s string) iran.Mobile {
	m, err := iran.ParseMobile(s)
	if err != nil {
		panic(err)
	}
	return m
}

func cases() []testCase {
	return []testCase{
		{"OTPDelivered", testOTPDelivered},
		{"TextDelivered", testTextDelivered},
		{"ConcurrentSends", testConcurrentSends},
		{"InvalidArguments", testInvalidArguments},
		{"CanceledBeforeSend", testCanceledBeforeSend},
		{"Failures", testFailures},
		{"RejectionsDoNotOpenBreaker", testRejectionsDoNotOpenBreaker},
		{"BreakerOpensAndFailsFast", testBreakerOpens},
		{"CallerGivingUpDoesNotOpenBreaker", testCallerGivingUp},
		{"RecoversAfterFailure", testRecoversAfterFailure},
	}
}

// sendFunc is one of the two sends, so that cases run over both.
type sendFunc struct {
	name string
	send func(ctx context.Context, s ports.SMSSender, to iran.Mobile) (ports.SMSReceipt, error)
	want func(to iran.Mobile) Message
}

func sends() []sendFunc {
	return []sendFunc{
		{
			name: "OTP",
			send: func(ctx context.Context, s ports.SMSSender, to iran.Mobile) (ports.SMSReceipt, error) {
				return s.SendOTP(ctx, to, otpCode, otpPurpose)
			},
			want: func(to iran.Mobile) Message { return Message{To: to.String(), Code: otpCode} },
		},
		{
			name: "Text",
			send: func(ctx context.Context, s ports.SMSSender, to iran.Mobile) (ports.SMSReceipt, error) {
				return s.SendText(ctx, to, noticeText)
			},
			want: func(to iran.Mobile) Message { return Message{To: to.String(), Text: noticeText} },
		},
	}
}

func testOTPDelivered(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	receipt, err := h.Sender.SendOTP(t.Context(), recipient, otpCode, otpPurpose)
	require.NoError(t, err)
	require.NotEmpty(t, receipt.Provider)
	require.Equal(t, []Message{{To: recipient.String(), Code: otpCode}}, h.Provider.Received())
	require.Equal(t, 1, h.Provider.Requests())
}

func testTextDelivered(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	receipt, err := h.Sender.SendText(t.Context(), recipient2, noticeText)
	require.NoError(t, err)
	require.NotEmpty(t, receipt.Provider)
	require.Equal(t, []Message{{To: recipient2.String(), Text: noticeText}}, h.Provider.Received())
	require.Equal(t, 1, h.Provider.Requests())
}

// testConcurrentSends sends from many goroutines through one sender; every message arrives
// once, and receipts that carry ids carry distinct ones.
func testConcurrentSends(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	const n = 12
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		receipts []ports.SMSReceipt
		errs     []error
		want     []Message
	)
	for i := range n {
		to := mustMobile(fmt.Sprintf("0912%07d", 1000000+i))
		code := fmt.Sprintf("%06d", 100000+i)
		want = append(want, Message{To: to.String(), Code: code})
		wg.Go(func() {
			r, err := h.Sender.SendOTP(t.Context(), to, code, otpPurpose)
			mu.Lock()
			defer mu.Unlock()
			receipts = append(receipts, r)
			errs = append(errs, err)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.ElementsMatch(t, want, h.Provider.Received())
	require.Equal(t, n, h.Provider.Requests())
	ids := map[string]bool{}
	for _, r := range receipts {
		if r.MessageID == "" {
			continue
		}
		require.False(t, ids[r.MessageID], "message id %s given twice", r.MessageID)
		ids[r.MessageID] = true
	}
}

// testInvalidArguments checks that bad arguments are refused before any request.
func testInvalidArguments(t *testing.T, newHarness NewHarnessFunc) {
	tests := []struct {
		name string
		send func(ctx context.Context, s ports.SMSSender) error
	}{
		{"OTPZeroRecipient", func(ctx context.Context, s ports.SMSSender) error {
			_, err := s.SendOTP(ctx, iran.Mobile{}, otpCode, otpPurpose)
			return err
		}},
		{"OTPEmptyCode", func(ctx context.Context, s ports.SMSSender) error {
			_, err := s.SendOTP(ctx, recipient, "", otpPurpose)
			return err
		}},
		{"OTPCodeTooShort", func(ctx context.Context, s ports.SMSSender) error {
			_, err := s.SendOTP(ctx, recipient, "123", otpPurpose)
			return err
		}},
		{"OTPCodeTooLong", func(ctx context.Context, s ports.SMSSender) error {
			_, err := s.SendOTP(ctx, recipient, "12345678901", otpPurpose)
			return err
		}},
		{"OTPCodeNotDigits", func(ctx context.Context, s ports.SMSSender) error {
			_, err := s.SendOTP(ctx, recipient, "12 456", otpPurpose)
			return err
		}},
		{"OTPCodePersianDigits", func(ctx context.Context, s ports.SMSSender) error {
			_, err := s.SendOTP(ctx, recipient, "۱۲۳۴۵۶", otpPurpose)
			return err
		}},
		{"TextZeroRecipient", func(ctx context.Context, s ports.SMSSender) error {
			_, err := s.SendText(ctx, iran.Mobile{}, noticeText)
			return err
		}},
		{"TextEmpty", func(ctx context.Context, s ports.SMSSender) error {
			_, err := s.SendText(ctx, recipient, "")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			err := tt.send(t.Context(), h.Sender)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.NotErrorIs(t, err, core.ErrSMSUnavailable)
			require.Zero(t, h.Provider.Requests())
			require.Empty(t, h.Provider.Received())
		})
	}
}

// testCanceledBeforeSend checks that a context that already ended stops the send before any
// request and reads as the context's error.
func testCanceledBeforeSend(t *testing.T, newHarness NewHarnessFunc) {
	for _, s := range sends() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			_, err := s.send(ctx, h.Sender, recipient)
			require.ErrorIs(t, err, context.Canceled)
			require.NotErrorIs(t, err, ports.ErrSMSOutcomeUnknown)
			require.Zero(t, h.Provider.Requests())
		})
	}
}

// expectation is how the caller must read one failure.
type expectation int

const (
	expectInvalidInput expectation = iota
	expectUnavailable
	expectUnknown
)

func expectationOf(f Failure) expectation {
	switch f {
	case FailRecipientRejected:
		return expectInvalidInput
	case FailMalformedResponse, FailSlow:
		return expectUnknown
	default:
		return expectUnavailable
	}
}

func requireExpected(t *testing.T, want expectation, err error) {
	t.Helper()
	require.Error(t, err)
	switch want {
	case expectInvalidInput:
		require.ErrorIs(t, err, core.ErrInvalidInput)
		require.NotErrorIs(t, err, core.ErrSMSUnavailable)
		require.NotErrorIs(t, err, ports.ErrSMSOutcomeUnknown)
	case expectUnavailable:
		require.ErrorIs(t, err, core.ErrSMSUnavailable)
		require.NotErrorIs(t, err, core.ErrInvalidInput)
		require.NotErrorIs(t, err, ports.ErrSMSOutcomeUnknown)
	case expectUnknown:
		require.ErrorIs(t, err, ports.ErrSMSOutcomeUnknown)
		require.NotErrorIs(t, err, core.ErrSMSUnavailable)
		require.NotErrorIs(t, err, core.ErrInvalidInput)
	}
}

var failures = []Failure{
	FailRecipientRejected, FailServerError, FailMalformedResponse, FailAuth, FailRateLimited, FailSlow,
}

// testFailures checks how each failure reads, for both sends, and that the sender made one
// request per provider it may try: it never resends on its own, least of all after a
// timeout.
func testFailures(t *testing.T, newHarness NewHarnessFunc) {
	for _, f := range failures {
		for _, s := range sends() {
			t.Run(f.String()+s.name, func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				if !h.Provider.Fail(f) {
					t.Skipf("the provider cannot fail with %s", f)
				}
				receipt, err := s.send(t.Context(), h.Sender, recipient)
				requireExpected(t, expectationOf(f), err)
				require.Zero(t, receipt)
				wantRequests := 1
				if expectationOf(f) == expectUnavailable {
					wantRequests = h.providers()
				}
				require.Equal(t, wantRequests, h.Provider.Requests(), "the sender must not resend on its own")
				if f == FailSlow {
					// The provider took the message; only its answer was late.
					require.Equal(t, []Message{s.want(recipient)}, h.Provider.Received())
				} else {
					require.Empty(t, h.Provider.Received())
				}
			})
		}
	}
}

// testRejectionsDoNotOpenBreaker checks that refusals of a recipient are no breaker failures:
// after more of them than the threshold, the next message still reaches the provider.
func testRejectionsDoNotOpenBreaker(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	if h.BreakerThreshold == 0 {
		t.Skip("the sender has no breaker")
	}
	if !h.Provider.Fail(FailRecipientRejected) {
		t.Skip("the provider cannot reject recipients")
	}
	for range h.BreakerThreshold + 1 {
		_, err := h.Sender.SendOTP(t.Context(), recipient, otpCode, otpPurpose)
		requireExpected(t, expectInvalidInput, err)
	}
	require.True(t, h.Provider.Fail(FailNothing))
	_, err := h.Sender.SendOTP(t.Context(), recipient2, otpCode, otpPurpose)
	require.NoError(t, err)
	require.Equal(t, h.BreakerThreshold+2, h.Provider.Requests())
	require.Equal(t, []Message{{To: recipient2.String(), Code: otpCode}}, h.Provider.Received())
}

// testBreakerOpens checks that BreakerThreshold consecutive failures open the breaker, after
// which sends fail fast with core.ErrSMSUnavailable without calling the provider, even once
// the provider is healthy again (the breaker's open period outlasts the test). Behind a
// chain, every provider's breaker must open.
func testBreakerOpens(t *testing.T, newHarness NewHarnessFunc) {
	for _, f := range []Failure{FailServerError, FailAuth, FailRateLimited, FailSlow} {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if h.BreakerThreshold == 0 {
				t.Skip("the sender has no breaker")
			}
			if h.providers() > 1 && expectationOf(f) == expectUnknown {
				t.Skip("a chain stops at its first provider on an unknown outcome, so only that " +
					"provider's breaker opens and the next one takes over")
			}
			if !h.Provider.Fail(f) {
				t.Skipf("the provider cannot fail with %s", f)
			}
			for i := range h.BreakerThreshold {
				_, err := h.Sender.SendOTP(t.Context(), recipient, otpCode, otpPurpose)
				requireExpected(t, expectationOf(f), err)
				require.GreaterOrEqual(t, h.Provider.Requests(), i+1)
			}
			before := h.Provider.Requests()
			require.True(t, h.Provider.Fail(FailNothing))
			for _, s := range sends() {
				receipt, err := s.send(t.Context(), h.Sender, recipient2)
				requireExpected(t, expectUnavailable, err)
				require.Zero(t, receipt)
			}
			require.Equal(t, before, h.Provider.Requests(), "an open breaker must not call the provider")
		})
	}
}

// testCallerGivingUp checks that a caller who cancels, or whose own deadline passes, while
// the provider is slow gets the context's error, and that this is no breaker failure.
func testCallerGivingUp(t *testing.T, newHarness NewHarnessFunc) {
	tests := []struct {
		name   string
		ctx    func(parent context.Context) (context.Context, context.CancelFunc)
		target error
	}{
		{"Cancel", func(parent context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(parent)
			stop := time.AfterFunc(cancelAfter, cancel)
			return ctx, func() { stop.Stop(); cancel() }
		}, context.Canceled},
		{"Deadline", func(parent context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(parent, cancelAfter)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if h.BreakerThreshold == 0 {
				t.Skip("the sender has no breaker")
			}
			if !h.Provider.Fail(FailSlow) {
				t.Skip("the provider cannot answer slowly")
			}
			for range h.BreakerThreshold + 1 {
				ctx, cancel := tt.ctx(t.Context())
				_, err := h.Sender.SendOTP(ctx, recipient, otpCode, otpPurpose)
				cancel()
				require.ErrorIs(t, err, tt.target)
				require.NotErrorIs(t, err, core.ErrSMSUnavailable)
			}
			require.True(t, h.Provider.Fail(FailNothing))
			before := h.Provider.Requests()
			_, err := h.Sender.SendText(t.Context(), recipient2, noticeText)
			require.NoError(t, err, "a caller giving up must not open the breaker")
			require.Equal(t, before+1, h.Provider.Requests())
		})
	}
}

// testRecoversAfterFailure checks that one failure below the threshold leaves the sender
// usable: the next message goes through once the provider is healthy.
func testRecoversAfterFailure(t *testing.T, newHarness NewHarnessFunc) {
	h := newHarness(t)
	if !h.Provider.Fail(FailServerError) {
		t.Skip("the provider cannot fail with a server error")
	}
	_, err := h.Sender.SendText(t.Context(), recipient, noticeText)
	requireExpected(t, expectUnavailable, err)
	require.True(t, h.Provider.Fail(FailNothing))
	receipt, err := h.Sender.SendText(t.Context(), recipient, noticeText)
	require.NoError(t, err)
	require.NotEmpty(t, receipt.Provider)
	require.Equal(t, []Message{{To: recipient.String(), Text: noticeText}}, h.Provider.Received())
	require.Equal(t, h.providers()+1, h.Provider.Requests())
}
