package accounts

import (
	"context"
	"log/slog"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/ports"
)

// SecurityLogger receives one line per security event: sign-ins and their failures, codes
// sent and failed, lockouts, session revocations, password changes. It is its own type so
// that an injector tells it from the main logger; a nil Logger discards.
//
// A line carries the event name (as the message and as `event`), the user id when known,
// the phone masked (+98912***4567), the client IP and the request id. It never carries a
// code, a password or a token.
type SecurityLogger struct {
	Logger *slog.Logger
}

// The security events.
const (
	eventRegistered           = "registered"
	eventOTPSent              = "otp_sent"
	eventOTPNotSent           = "otp_not_sent"
	eventOTPSendLimited       = "otp_send_limited"
	eventOTPVerified          = "otp_verified"
	eventOTPFailed            = "otp_failed"
	eventOTPVerifyLocked      = "otp_verify_locked"
	eventPhoneVerified        = "phone_verified"
	eventLoginSucceeded       = "login_succeeded"
	eventLoginFailed          = "login_failed"
	eventLoginLocked          = "login_locked"
	eventRefreshReuse         = "refresh_reuse"
	eventLogout               = "logout"
	eventSessionRevoked       = "session_revoked"
	eventPasswordChanged      = "password_changed"
	eventPasswordChangeFailed = "password_change_failed"
	eventPasswordChangeLocked = "password_change_locked"
	eventPasswordReset        = "password_reset"
	eventPasswordResetFailed  = "password_reset_failed"
)

// securityEvent is one line of the security log.
type securityEvent struct {
	name   string
	level  slog.Level
	client ports.Client
	user   core.UserID
	phone  string
	attrs  []slog.Attr
}

// audit writes e to the security log.
func (s *Service) audit(ctx context.Context, e securityEvent) {
	attrs := make([]slog.Attr, 0, 5+len(e.attrs))
	attrs = append(attrs, slog.String("event", e.name))
	if !e.user.IsZero() {
		attrs = append(attrs, slog.String("user_id", e.user.String()))
	}
	if e.phone != "" {
		attrs = append(attrs, slog.String("phone", maskPhone(e.phone)))
	}
	attrs = append(attrs, slog.String("ip", e.client.IP), slog.String("request_id", e.client.RequestID))
	attrs = append(attrs, e.attrs...)
	s.security.LogAttrs(ctx, e.level, e.name, attrs...)
}

// maskPhone returns phone with its middle digits hidden, "+98912***4567", or "***" when it
// is not a mobile number (it may be anything a client typed).
func maskPhone(phone string) string {
	m, err := iran.ParseMobile(phone)
	if err != nil {
		return "***"
	}
	e := m.String()
	return e[:6] + "***" + e[len(e)-4:]
}

// reason is the attribute that says why an event happened, from an error's text.
func reason(err error) slog.Attr { return slog.String("reason", err.Error()) }
