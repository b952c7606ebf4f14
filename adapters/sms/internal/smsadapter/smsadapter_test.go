package smsadapter_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/adapters/sms/internal/smsadapter"
	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

var to = smsadaptertest.Recipient

func TestChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		check   func() error
		wantErr string // "" when the arguments are valid
	}{
		{"OTPValid", func() error { return smsadapter.CheckOTP("p", to, "482913") }, ""},
		{"OTPShortest", func() error { return smsadapter.CheckOTP("p", to, "0000") }, ""},
		{"OTPLongest", func() error { return smsadapter.CheckOTP("p", to, "1234567890") }, ""},
		{"OTPZeroRecipient", func() error { return smsadapter.CheckOTP("p", iran.Mobile{}, "482913") }, "p: invalid input: recipient is required"},
		{"OTPEmptyCode", func() error { return smsadapter.CheckOTP("p", to, "") }, "p: invalid input: code must be 4 to 10 digits"},
		{"OTPCodeTooShort", func() error { return smsadapter.CheckOTP("p", to, "123") }, "p: invalid input: code must be 4 to 10 digits"},
		{"OTPCodeTooLong", func() error { return smsadapter.CheckOTP("p", to, "12345678901") }, "p: invalid input: code must be 4 to 10 digits"},
		{"OTPCodeWithSpace", func() error { return smsadapter.CheckOTP("p", to, "12 456") }, "p: invalid input: code must be ascii digits"},
		{"OTPCodePersianDigits", func() error { return smsadapter.CheckOTP("p", to, "۱۲۳۴") }, "p: invalid input: code must be ascii digits"},
		{"TextValid", func() error { return smsadapter.CheckText("p", to, "سلام") }, ""},
		{"TextZeroRecipient", func() error { return smsadapter.CheckText("p", iran.Mobile{}, "سلام") }, "p: invalid input: recipient is required"},
		{"TextEmpty", func() error { return smsadapter.CheckText("p", to, "") }, "p: invalid input: text is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.check()
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.EqualError(t, err, tt.wantErr)
		})
	}
}

func TestTransportError(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	cause := &url.Error{Op: "Post", URL: "https://api.example/v1/SECRET-KEY/sms/send.json", Err: errors.New("connection reset")}
	tests := []struct {
		name           string
		ctx            context.Context
		written        bool
		want           error
		wantText       string
		wantCallerGone bool
	}{
		{"NotWritten", t.Context(), false, core.ErrSMSUnavailable, "p: sms/send: sms provider unavailable: connection reset", false},
		{"Written", t.Context(), true, ports.ErrSMSOutcomeUnknown, "p: sms/send: sms outcome unknown: connection reset", false},
		{"CallerGoneBeforeWrite", canceled, false, context.Canceled, "p: sms/send: context canceled", true},
		{"CallerGoneAfterWrite", canceled, true, ports.ErrSMSOutcomeUnknown, "p: sms/send: sms outcome unknown: connection reset", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := smsadapter.TransportError(tt.ctx, "p", "sms/send", tt.written, cause)
			require.ErrorIs(t, err, tt.want)
			require.EqualError(t, err, tt.wantText)
			require.Equal(t, tt.wantCallerGone, outbound.IsCallerGone(err))
		})
	}
}

func TestUnreadableAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		httpStatus int
		want       error
	}{
		{200, ports.ErrSMSOutcomeUnknown},
		{202, ports.ErrSMSOutcomeUnknown},
		{504, ports.ErrSMSOutcomeUnknown},
		{307, core.ErrSMSUnavailable},
		{404, core.ErrSMSUnavailable},
		{500, core.ErrSMSUnavailable},
		{502, core.ErrSMSUnavailable},
	}
	for _, tt := range tests {
		err := smsadapter.UnreadableAnswer("p", "send", tt.httpStatus)
		require.ErrorIs(t, err, tt.want, "HTTP status %d", tt.httpStatus)
		require.NotErrorIs(t, err, core.ErrInvalidInput)
	}
}

// TestCall checks the breaker smsadapter builds and how Call reads it: refusals of the
// message do not open it, failures do, and an open breaker reads as unavailable without a
// call; an ended context stops the call before the breaker.
func TestCall(t *testing.T) {
	t.Parallel()
	b := smsadapter.NewBreaker("p", outbound.BreakerConfig{ConsecutiveFailures: 2, OpenTimeout: time.Minute}, nil)
	calls := 0
	call := func(ctx context.Context, err error) error {
		_, got := smsadapter.Call(ctx, b, "p", "send", func() (ports.SMSReceipt, error) {
			calls++
			return ports.SMSReceipt{}, err
		})
		return got
	}
	refused := errors.Join(core.ErrInvalidInput, errors.New("status 411"))
	down := errors.Join(core.ErrSMSUnavailable, errors.New("status 502"))

	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	err := call(canceled, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.EqualError(t, err, "p: send: context canceled")
	require.Zero(t, calls)

	for range 3 {
		require.ErrorIs(t, call(t.Context(), refused), core.ErrInvalidInput)
	}
	require.Equal(t, gobreaker.StateClosed, b.State())
	for range 2 {
		require.ErrorIs(t, call(t.Context(), down), core.ErrSMSUnavailable)
	}
	require.Equal(t, 5, calls)

	err = call(t.Context(), nil)
	require.ErrorIs(t, err, core.ErrSMSUnavailable)
	require.ErrorIs(t, err, gobreaker.ErrOpenState)
	require.EqualError(t, err, "p: send: sms provider unavailable: circuit breaker is open")
	require.Equal(t, 5, calls)
}
