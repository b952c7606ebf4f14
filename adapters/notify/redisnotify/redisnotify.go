// Package redisnotify is the Redis adapter of [ports.Notifier]: a notice is a PUBLISH on a
// channel named after its topic, and every instance SUBSCRIBEs, so a change made on one
// instance reaches all of them within a round trip. Redis pub/sub keeps nothing: an instance
// that is disconnected misses notices and relies on its poll, as the port allows.
package redisnotify

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/talabin/talabin/ports"
)

// DefaultPrefix is the default namespace of the channels ([WithPrefix]).
const DefaultPrefix = "talabin:"

// Notifier is a [ports.Notifier] over one Redis client. It is safe for concurrent use.
type Notifier struct {
	client   redis.UniversalClient
	channels string // put before every topic: the namespace and "notify:"
}

var _ ports.Notifier = (*Notifier)(nil)

// Option configures [New].
type Option func(n *Notifier)

// WithPrefix namespaces the channels with prefix (channel prefix + "notify:" + topic)
// instead of [DefaultPrefix], so that deployments sharing one Redis, such as staging and
// production, do not hear each other's notices.
func WithPrefix(prefix string) Option {
	return func(n *Notifier) { n.channels = prefix + "notify:" }
}

// New returns a notifier publishing and subscribing through client, which the caller owns
// and closes.
func New(client redis.UniversalClient, opts ...Option) (*Notifier, error) {
	if client == nil {
		return nil, errors.New("redisnotify: client is required")
	}
	n := &Notifier{client: client, channels: DefaultPrefix + "notify:"}
	for _, o := range opts {
		o(n)
	}
	return n, nil
}

// Notify publishes a notice on topic's channel.
func (n *Notifier) Notify(ctx context.Context, topic string) error {
	if err := n.client.Publish(ctx, n.channels+topic, "changed").Err(); err != nil {
		return fmt.Errorf("redisnotify: publish %s: %w", topic, err)
	}
	return nil
}

// Subscribe subscribes to topic's channel and forwards each notice, coalescing notices that
// arrive while the previous one is still unread, until ctx ends. It returns once Redis
// confirmed the subscription, so a notice published after it returns is not missed.
func (n *Notifier) Subscribe(ctx context.Context, topic string) (<-chan struct{}, error) {
	sub := n.client.Subscribe(ctx, n.channels+topic)
	if _, err := sub.Receive(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("redisnotify: subscribe %s: %w", topic, err), sub.Close())
	}
	out := make(chan struct{}, 1)
	messages := sub.Channel()
	go func() {
		defer close(out)
		defer func() { _ = sub.Close() }()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-messages:
				if !ok {
					return
				}
				select {
				case out <- struct{}{}:
				default: // a notice is already waiting; one refresh covers both
				}
			}
		}
	}()
	return out, nil
}
