package manual_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/payout/manual"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

func request(t *testing.T, reference, code string) ports.PayoutRequest {
	t.Helper()
	s, err := iran.ParseSheba("IR430600500901007959216001")
	require.NoError(t, err)
	return ports.PayoutRequest{Reference: reference, Sheba: s, Amount: 5_000_000, HolderName: "مریم رضایی", TrackingCode: code}
}

func TestPayReturnsTrackingCode(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Digits":        "140312250001234567",
		"PersianDigits": "۱۴۰۳۱۲۲۵۰۰۰۱",
		"WithSpace":     "SATNA 1234",
		"Longest":       strings.Repeat("9", manual.MaxFieldLen),
	}
	for name, code := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := manual.New().Pay(t.Context(), request(t, "wd-1", code))
			require.NoError(t, err)
			require.Equal(t, code, got)
		})
	}
}

func TestPayRefusesMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*ports.PayoutRequest)
	}{
		{"NoTrackingCode", func(p *ports.PayoutRequest) { p.TrackingCode = "" }},
		{"LongTrackingCode", func(p *ports.PayoutRequest) { p.TrackingCode = strings.Repeat("9", manual.MaxFieldLen+1) }},
		{"LongMultibyteTrackingCode", func(p *ports.PayoutRequest) { p.TrackingCode = strings.Repeat("۹", 51) }},
		{"NewLine", func(p *ports.PayoutRequest) { p.TrackingCode = "1234\n5678" }},
		{"Tab", func(p *ports.PayoutRequest) { p.TrackingCode = "1234\t" }},
		{"InvalidUTF8", func(p *ports.PayoutRequest) { p.TrackingCode = "12\xff34" }},
		{"BidiOverride", func(p *ports.PayoutRequest) { p.TrackingCode = "1234\u202e5678" }},
		{"NoReference", func(p *ports.PayoutRequest) { p.Reference = "" }},
		{"LongReference", func(p *ports.PayoutRequest) { p.Reference = strings.Repeat("r", manual.MaxFieldLen+1) }},
		{"ZeroSheba", func(p *ports.PayoutRequest) { p.Sheba = iran.Sheba{} }},
		{"ZeroAmount", func(p *ports.PayoutRequest) { p.Amount = 0 }},
		{"NegativeAmount", func(p *ports.PayoutRequest) { p.Amount = -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := manual.New()
			req := request(t, "wd-1", "1234")
			tt.edit(&req)
			code, err := m.Pay(t.Context(), req)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			require.Empty(t, code)

			// A refused request records nothing: the reference is still free.
			code, err = m.Pay(t.Context(), request(t, "wd-1", "5678"))
			require.NoError(t, err)
			require.Equal(t, "5678", code)
		})
	}
}

func TestPayIdempotent(t *testing.T) {
	t.Parallel()
	m := manual.New()
	first, err := m.Pay(t.Context(), request(t, "wd-1", "1111"))
	require.NoError(t, err)
	require.Equal(t, "1111", first)

	again, err := m.Pay(t.Context(), request(t, "wd-1", "1111"))
	require.NoError(t, err)
	require.Equal(t, "1111", again)

	other, err := m.Pay(t.Context(), request(t, "wd-1", "2222"))
	require.NoError(t, err)
	require.Equal(t, "1111", other, "a repeat returns the first code")

	second, err := m.Pay(t.Context(), request(t, "wd-2", "2222"))
	require.NoError(t, err)
	require.Equal(t, "2222", second, "references are independent")
}

func TestPayConcurrent(t *testing.T) {
	t.Parallel()
	m := manual.New()
	codes := []string{"1111", "2222", "3333", "4444", "5555", "6666", "7777", "8888"}
	got := make([]string, len(codes))
	errs := make([]error, len(codes))
	var wg sync.WaitGroup
	for i, c := range codes {
		req := request(t, "wd-1", c)
		wg.Go(func() { got[i], errs[i] = m.Pay(t.Context(), req) })
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	require.Contains(t, codes, got[0])
	for _, g := range got {
		require.Equal(t, got[0], g, "every caller gets the one code that won")
	}
}

func TestPayContextEnded(t *testing.T) {
	t.Parallel()
	m := manual.New()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := m.Pay(ctx, request(t, "wd-1", "1111"))
	require.ErrorIs(t, err, context.Canceled)

	code, err := m.Pay(t.Context(), request(t, "wd-1", "2222"))
	require.NoError(t, err)
	require.Equal(t, "2222", code, "a canceled call records nothing")
}
