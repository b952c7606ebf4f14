package ports

import (
	"context"
	"errors"

	"github.com/talabin/talabin/core/iran"
)

// ErrSMSOutcomeUnknown is returned by an [SMSSender] when the request reached the provider
// but no usable answer came back: the sender's timeout or the caller's context ended after
// the request was written, the connection broke while the answer was read, the provider
// answered success in a form that could not be read, or a proxy in front of it timed out
// (HTTP 504). The message may or may not have been sent. It deliberately does not match
// [core.ErrSMSUnavailable]: a caller that resends on "unavailable" must not resend here, or
// the user may receive two codes (or two notices). The error wraps the cause as well, so
// errors.Is(err, context.Canceled) tells a caller's own cancellation apart.
var ErrSMSOutcomeUnknown = errors.New("sms outcome unknown")

// SMSSender sends SMS messages to Iranian mobile numbers through one provider (an adapter
// under adapters/sms) or a chain of them (adapters/sms/failover). Adapters only translate to
// their provider; the caller decides what to send, when to send it, and whether to send it
// again.
//
// Both methods return one of these, matched with errors.Is:
//   - [core.ErrInvalidInput] when an argument is invalid (zero number, a code that is not 4 to
//     10 ASCII digits, empty text) or when the provider refused this recipient or message (an
//     invalid or blocked number, a message too long or with forbidden content). Nothing was
//     sent, and neither a resend nor another provider will help.
//   - [core.ErrSMSUnavailable] when the provider certainly did not take the message: it could
//     not be reached before the request was written, answered with a server error, throttled
//     us, refused our account (credentials, credit, line, template), or the sender's circuit
//     breaker is open and no request was made. Trying another provider, or the same one
//     later, is safe.
//   - [ErrSMSOutcomeUnknown] when the message may have been sent (see its doc).
//   - the context's error when ctx ended before the request was written; nothing was sent.
//
// Neither method is idempotent: a call that returns [ErrSMSOutcomeUnknown] may have delivered
// the message, and calling again may deliver it twice. Never retry blindly; senders never
// retry a send on their own. Implementations are safe for concurrent use.
type SMSSender interface {
	// SendOTP sends the one-time code to the number to, through the provider's template route
	// (Kavenegar verify/lookup, Ghasedak OTP template, IPPanel pattern), which providers
	// deliver with priority and outside advertising filters. code is 4 to 10 ASCII digits;
	// purpose is the OTP type of API.md §3 ("registration", "login", "password_reset",
	// "phone_verification"), which an adapter may map to its own template and otherwise
	// ignores. The code is never logged, except by the development-only console adapter. It
	// returns the errors listed on [SMSSender] and is not idempotent.
	SendOTP(ctx context.Context, to iran.Mobile, code, purpose string) (SMSReceipt, error)

	// SendText sends text as a plain SMS from the configured line (notices, receipts). text
	// must not be empty; its length limit is the provider's, and a provider's refusal of it
	// reads as [core.ErrInvalidInput]. It returns the errors listed on [SMSSender] and is not
	// idempotent.
	SendText(ctx context.Context, to iran.Mobile, text string) (SMSReceipt, error)
}

// SMSReceipt tells which provider accepted a message and how it knows the message.
type SMSReceipt struct {
	// Provider names the provider that accepted the message: "kavenegar", "ghasedak",
	// "ippanel" or "console".
	Provider string
	// MessageID is the provider's id of the message, for delivery-status lookups and support
	// requests; empty when the provider gives none.
	MessageID string
}
