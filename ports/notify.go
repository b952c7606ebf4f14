package ports

import "context"

// Notifier tells every instance of the app that shared state changed (a new price, trading
// halted), so that each refreshes its in-memory copy at once instead of at its next poll.
// Delivery is best effort: a lost notice only delays a refresh until the poll, so nothing may
// depend on a notice for correctness.
type Notifier interface {
	// Notify announces a change on topic to every subscriber, this instance's included.
	Notify(ctx context.Context, topic string) error
	// Subscribe returns a channel that receives a value after changes announced on topic
	// (several changes close together may arrive as one), until ctx ends, when the channel
	// is closed.
	Subscribe(ctx context.Context, topic string) (<-chan struct{}, error)
}
