package redisnotify_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/notify/redisnotify"
	"github.com/talabin/talabin/integration/redistest"
)

// waitLimit bounds every wait; generous, so only a lost notice fails.
const waitLimit = 10 * time.Second

func receive(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case _, ok := <-ch:
		require.True(t, ok, "channel closed instead of delivering")
	case <-time.After(waitLimit):
		t.Fatal("no notice")
	}
}

// TestNoticeReachesOtherInstance runs two notifiers on two connections, as two app
// instances would: a change announced on one reaches the other's subscription and its own.
func TestNoticeReachesOtherInstance(t *testing.T) {
	t.Parallel()
	a, err := redisnotify.New(redistest.Client(t))
	require.NoError(t, err)
	b, err := redisnotify.New(redistest.Client(t))
	require.NoError(t, err)
	topic := "test-" + rand.Text()

	atB, err := b.Subscribe(t.Context(), topic)
	require.NoError(t, err)
	atA, err := a.Subscribe(t.Context(), topic)
	require.NoError(t, err)
	require.NoError(t, a.Notify(t.Context(), topic))
	receive(t, atB)
	receive(t, atA)

	other, err := b.Subscribe(t.Context(), topic+"-other")
	require.NoError(t, err)
	require.NoError(t, a.Notify(t.Context(), topic))
	receive(t, atB)
	select {
	case <-other:
		t.Fatal("a notice on one topic reached another")
	default:
	}
}

// TestPrefixesSeparateDeployments runs two notifiers with different prefixes on one Redis,
// as staging and production sharing it would: neither hears the other's notices on the same
// topic.
func TestPrefixesSeparateDeployments(t *testing.T) {
	t.Parallel()
	staging, err := redisnotify.New(redistest.Client(t), redisnotify.WithPrefix("staging:"))
	require.NoError(t, err)
	production, err := redisnotify.New(redistest.Client(t))
	require.NoError(t, err)
	topic := "test-" + rand.Text()

	atProduction, err := production.Subscribe(t.Context(), topic)
	require.NoError(t, err)
	atStaging, err := staging.Subscribe(t.Context(), topic)
	require.NoError(t, err)
	require.NoError(t, staging.Notify(t.Context(), topic))
	receive(t, atStaging)
	require.NoError(t, production.Notify(t.Context(), topic))
	receive(t, atProduction)
	select {
	case <-atStaging:
		t.Fatal("production's notice reached staging")
	case <-atProduction:
		t.Fatal("staging's notice reached production")
	default:
	}
}

// TestNoticesCoalesce shows that a burst of notices never blocks the subscription: the
// reader gets at least one, and a notice sent later still arrives.
func TestNoticesCoalesce(t *testing.T) {
	t.Parallel()
	n, err := redisnotify.New(redistest.Client(t))
	require.NoError(t, err)
	topic := "test-" + rand.Text()
	ch, err := n.Subscribe(t.Context(), topic)
	require.NoError(t, err)
	for range 5 {
		require.NoError(t, n.Notify(t.Context(), topic))
	}
	receive(t, ch)
	require.NoError(t, n.Notify(t.Context(), topic))
	receive(t, ch)
}

// TestSubscriptionEndsWithContext closes the channel when the subscriber's context ends.
func TestSubscriptionEndsWithContext(t *testing.T) {
	t.Parallel()
	n, err := redisnotify.New(redistest.Client(t))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := n.Subscribe(ctx, "test-"+rand.Text())
	require.NoError(t, err)
	cancel()
	select {
	case _, ok := <-ch:
		require.False(t, ok)
	case <-time.After(waitLimit):
		t.Fatal("channel not closed")
	}
}

func TestNewNeedsClient(t *testing.T) {
	t.Parallel()
	_, err := redisnotify.New(nil)
	require.Error(t, err)
}
