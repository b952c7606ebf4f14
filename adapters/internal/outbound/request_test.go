package outbound_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound"
)

func TestStartRequest(t *testing.T) {
	t.Parallel()
	client := outbound.NewHTTPClient(outbound.Options{Timeout: time.Second})

	t.Run("WrittenAfterExchange", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		t.Cleanup(srv.Close)
		ctx, written, cancel := outbound.StartRequest(t.Context(), time.Second)
		defer cancel()
		require.False(t, written())
		_, err := client.R().SetContext(ctx).SetBody("payload").Post(srv.URL)
		require.NoError(t, err)
		require.True(t, written())
	})

	t.Run("NotWrittenWhenDialFails", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		ctx, written, cancel := outbound.StartRequest(t.Context(), time.Second)
		defer cancel()
		_, err := client.R().SetContext(ctx).Post(srv.URL)
		require.Error(t, err)
		require.False(t, written())
	})

	t.Run("TimeoutCause", func(t *testing.T) {
		t.Parallel()
		ctx, _, cancel := outbound.StartRequest(t.Context(), time.Millisecond)
		defer cancel()
		<-ctx.Done()
		require.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
		cause := context.Cause(ctx)
		require.ErrorIs(t, cause, context.DeadlineExceeded)
		require.EqualError(t, cause, "no answer within 1ms: context deadline exceeded")
	})

	t.Run("CallerCancelIsNotTimeout", func(t *testing.T) {
		t.Parallel()
		parent, cancelParent := context.WithCancel(t.Context())
		ctx, _, cancel := outbound.StartRequest(parent, time.Minute)
		defer cancel()
		cancelParent()
		require.ErrorIs(t, context.Cause(ctx), context.Canceled)
	})
}

func TestWithoutURL(t *testing.T) {
	t.Parallel()
	inner := errors.New("connection refused")
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"URLError", &url.Error{Op: "Post", URL: "https://api.example/v1/SECRET-KEY/sms/send.json", Err: inner}, inner},
		{"WrappedURLError", errors.Join(errors.New("resty"), &url.Error{Op: "Post", URL: "https://x/SECRET-KEY", Err: inner}), inner},
		{"Other", inner, inner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := outbound.WithoutURL(tt.err)
			require.Equal(t, tt.want, got)
			require.NotContains(t, got.Error(), "SECRET-KEY")
		})
	}
}
