// Package console is the development adapter of [ports.SMSSender]: it sends nothing and
// writes each message to a [slog.Logger] instead, OTP codes included, so that a developer
// can sign in without an SMS provider. It is the only adapter that ever logs a code, which
// is why it is for development only: the app refuses to start with it in production
// (ARCHITECTURE.md §6), and it must never be wired behind a failover chain of real providers.
package console

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"

	"github.com/talabin/talabin/adapters/sms/internal/smsadapter"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// ProviderName is the name the sender gives in [ports.SMSReceipt.Provider].
const ProviderName = "console"

// Log messages of the records the sender writes.
const (
	OTPLogMessage  = "sms otp (development console, not sent)"
	TextLogMessage = "sms text (development console, not sent)"
)

// Sender writes messages to a logger instead of sending them. It is safe for concurrent use.
type Sender struct {
	logger *slog.Logger
	seq    atomic.Int64
}

var _ ports.SMSSender = (*Sender)(nil)

// New returns a sender that writes to logger at Info level.
func New(logger *slog.Logger) (*Sender, error) {
	if logger == nil {
		return nil, errors.New("console: logger is required")
	}
	return &Sender{logger: logger}, nil
}

// SendOTP logs the recipient, the code and the purpose. It fails only on invalid arguments
// or an ended context; see [ports.SMSSender.SendOTP].
func (s *Sender) SendOTP(ctx context.Context, to iran.Mobile, code, purpose string) (ports.SMSReceipt, error) {
	if err := ctx.Err(); err != nil {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %w", ProviderName, err)
	}
	if err := smsadapter.CheckOTP(ProviderName, to, code); err != nil {
		return ports.SMSReceipt{}, err
	}
	id := s.nextID()
	s.logger.InfoContext(ctx, OTPLogMessage,
		"to", to.String(), "code", code, "purpose", purpose, "message_id", id)
	return ports.SMSReceipt{Provider: ProviderName, MessageID: id}, nil
}

// SendText logs the recipient and the text. It fails only on invalid arguments or an ended
// context; see [ports.SMSSender.SendText].
func (s *Sender) SendText(ctx context.Context, to iran.Mobile, text string) (ports.SMSReceipt, error) {
	if err := ctx.Err(); err != nil {
		return ports.SMSReceipt{}, fmt.Errorf("%s: %w", ProviderName, err)
	}
	if err := smsadapter.CheckText(ProviderName, to, text); err != nil {
		return ports.SMSReceipt{}, err
	}
	id := s.nextID()
	s.logger.InfoContext(ctx, TextLogMessage, "to", to.String(), "text", text, "message_id", id)
	return ports.SMSReceipt{Provider: ProviderName, MessageID: id}, nil
}

func (s *Sender) nextID() string {
	return "console-" + strconv.FormatInt(s.seq.Add(1), 10)
}
