package app_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/notify/redisnotify"
	"github.com/talabin/talabin/app"
	"github.com/talabin/talabin/integration/redistest"
)

// reloadCounter reports reloads on a channel; reloads while one is unread merge into it.
type reloadCounter chan struct{}

func (c reloadCounter) Reload(context.Context) error {
	select {
	case c <- struct{}{}:
	default:
	}
	return nil
}

// TestReloadOnNotice shows that a change announced by another instance through Redis makes
// this instance reload at once: the poll interval is an hour, so only the notice can have
// caused the reload.
func TestReloadOnNotice(t *testing.T) {
	t.Parallel()
	here, err := redisnotify.New(redistest.Client(t))
	require.NoError(t, err)
	there, err := redisnotify.New(redistest.Client(t))
	require.NoError(t, err)
	topic := "test-" + rand.Text()
	reloads := make(reloadCounter, 1)
	loop := app.ReloadLoop(reloads, here, topic, time.Hour, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); loop(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	// The subscription starts inside the loop; announce until it is listening.
	require.Eventually(t, func() bool {
		require.NoError(t, there.Notify(t.Context(), topic))
		select {
		case <-reloads:
			return true
		case <-time.After(50 * time.Millisecond):
			return false
		}
	}, waitLimit, time.Millisecond)
}

// TestReloadWithoutNotifier polls on the interval when there is no notifier.
func TestReloadWithoutNotifier(t *testing.T) {
	t.Parallel()
	reloads := make(reloadCounter, 1)
	loop := app.ReloadLoop(reloads, nil, "prices", time.Millisecond, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); loop(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-reloads:
	case <-time.After(waitLimit):
		t.Fatal("no reload on the interval")
	}
}
