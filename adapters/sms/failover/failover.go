// Package failover chains SMS senders into one [ports.SMSSender]: a message goes to the
// first sender, and to the next only when the previous one certainly did not take it.
//
// The chain moves on when a sender returns [core.ErrSMSUnavailable]: its breaker is open,
// the provider could not be reached, answered with a server error, throttled us or refused
// our account. It stops and returns the sender's error otherwise:
//   - on [ports.ErrSMSOutcomeUnknown] (for example a timeout after the request was sent),
//     because the first provider may have delivered the message and the next one would
//     deliver it a second time;
//   - on [core.ErrInvalidInput], because the recipient or the message is at fault and no
//     provider will accept it;
//   - when the caller's context has ended.
//
// The chain adds no retries, breakers or timeouts of its own: each sender brings its own
// (see adapters/sms/kavenegar and its siblings). The console sender must not be put in a
// chain with real providers.
package failover

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// Named is one sender of a chain and the name its errors carry.
type Named struct {
	// Name identifies the sender in errors, e.g. "kavenegar".
	Name string
	// Sender is the sender.
	Sender ports.SMSSender
}

// Chain tries its senders in order. Build it with [New]; it is safe for concurrent use when
// its senders are.
type Chain struct {
	senders []Named
}

var _ ports.SMSSender = (*Chain)(nil)

// New returns a chain over senders, tried in the order given. It needs at least one sender,
// each with a non-empty, unique name.
func New(senders ...Named) (*Chain, error) {
	if len(senders) == 0 {
		return nil, errors.New("failover: at least one sender is required")
	}
	seen := make(map[string]bool, len(senders))
	for i, s := range senders {
		switch {
		case s.Name == "":
			return nil, fmt.Errorf("failover: sender %d has no name", i)
		case s.Sender == nil:
			return nil, fmt.Errorf("failover: sender %q is nil", s.Name)
		case seen[s.Name]:
			return nil, fmt.Errorf("failover: sender name %q is used twice", s.Name)
		}
		seen[s.Name] = true
	}
	return &Chain{senders: append([]Named(nil), senders...)}, nil
}

// SendOTP sends the code through the first sender that takes it. See
// [ports.SMSSender.SendOTP] and the package doc for when the chain moves on; not idempotent.
func (c *Chain) SendOTP(ctx context.Context, to iran.Mobile, code, purpose string) (ports.SMSReceipt, error) {
	return c.send(ctx, func(s ports.SMSSender) (ports.SMSReceipt, error) {
		return s.SendOTP(ctx, to, code, purpose)
	})
}

// SendText sends the text through the first sender that takes it. See
// [ports.SMSSender.SendText] and the package doc for when the chain moves on; not idempotent.
func (c *Chain) SendText(ctx context.Context, to iran.Mobile, text string) (ports.SMSReceipt, error) {
	return c.send(ctx, func(s ports.SMSSender) (ports.SMSReceipt, error) {
		return s.SendText(ctx, to, text)
	})
}

// send runs one send along the chain. The error it returns is classified by what stopped
// the chain only (a sender's error, or the caller's context before the next sender); the
// errors of earlier, unavailable senders are kept as text.
func (c *Chain) send(ctx context.Context, send func(ports.SMSSender) (ports.SMSReceipt, error)) (ports.SMSReceipt, error) {
	var unavailable []error
	for _, s := range c.senders {
		if err := ctx.Err(); err != nil {
			return ports.SMSReceipt{}, stopped("", err, unavailable)
		}
		receipt, err := send(s.Sender)
		if err == nil {
			return receipt, nil
		}
		if errors.Is(err, ports.ErrSMSOutcomeUnknown) || !errors.Is(err, core.ErrSMSUnavailable) {
			return ports.SMSReceipt{}, stopped(s.Name, err, unavailable)
		}
		unavailable = append(unavailable, fmt.Errorf("%s: %w", s.Name, err))
	}
	return ports.SMSReceipt{}, &allUnavailableError{errs: unavailable}
}

// stopped is the error of a chain that stopped at the sender named name (or before any
// sender, when name is empty) with err.
func stopped(name string, err error, unavailable []error) error {
	prefix := "failover: "
	if name != "" {
		prefix += name + ": "
	}
	if len(unavailable) == 0 {
		return fmt.Errorf("%s%w", prefix, err)
	}
	return fmt.Errorf("%s%w (after unavailable senders: %s)", prefix, err, joinText(unavailable))
}

// allUnavailableError is the error of a chain whose every sender was unavailable; it
// matches [core.ErrSMSUnavailable] through each sender's error.
type allUnavailableError struct{ errs []error }

func (e *allUnavailableError) Error() string {
	return "failover: every sender failed: " + joinText(e.errs)
}

func (e *allUnavailableError) Unwrap() []error { return e.errs }

// joinText writes errs on one line.
func joinText(errs []error) string {
	texts := make([]string, len(errs))
	for i, err := range errs {
		texts[i] = err.Error()
	}
	return strings.Join(texts, "; ")
}
