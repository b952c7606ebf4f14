package app

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/talabin/talabin/adapters/sms/console"
	"github.com/talabin/talabin/adapters/sms/failover"
	"github.com/talabin/talabin/adapters/sms/ghasedak"
	"github.com/talabin/talabin/adapters/sms/ippanel"
	"github.com/talabin/talabin/adapters/sms/kavenegar"
	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/ports"
)

// NewSMSSender returns the SMS sender SMS_PROVIDERS selects: the one provider listed, or a
// failover chain over several in the order given, each provider with its own HTTP client,
// timeouts and circuit breaker. The console sender, which logs codes instead of sending
// them, is refused unless cfg.Debug is set, and never chained with real providers. Each
// provider's breaker is watched by breakers (nil: none).
// [config.Load] checks the same rules; they are checked again here because a Config can
// also be built by hand.
func NewSMSSender(cfg config.Config, logger *slog.Logger, breakers *BreakerStates) (ports.SMSSender, error) {
	if len(cfg.SMSProviders) == 0 {
		return nil, errors.New("sms: no provider configured (SMS_PROVIDERS)")
	}
	if len(cfg.SMSProviders) > 1 && slices.Contains(cfg.SMSProviders, config.SMSConsole) {
		return nil, errors.New("sms: the console sender cannot be chained with real providers")
	}
	senders := make([]failover.Named, 0, len(cfg.SMSProviders))
	for _, name := range cfg.SMSProviders {
		s, err := newSMSProvider(cfg, name, logger.With("sms_provider", name), breakers)
		if err != nil {
			return nil, err
		}
		senders = append(senders, failover.Named{Name: name, Sender: s})
	}
	logger.Info("sms providers", "chain", cfg.SMSProviders)
	if len(senders) == 1 {
		return senders[0].Sender, nil
	}
	chain, err := failover.New(senders...)
	if err != nil {
		return nil, fmt.Errorf("sms: %w", err)
	}
	return chain, nil
}

// newSMSProvider builds the sender of the provider called name from its settings in cfg,
// its breaker watched by breakers.
func newSMSProvider(cfg config.Config, name string, logger *slog.Logger, breakers *BreakerStates) (ports.SMSSender, error) {
	var (
		s   ports.SMSSender
		err error
	)
	switch name {
	case config.SMSConsole:
		if !cfg.Debug {
			return nil, errors.New("sms: the console sender logs OTP codes and is refused when DEBUG is false")
		}
		logger.Warn("sms: console sender: messages and OTP codes are logged, not sent (DEBUG mode only)")
		s, err = console.New(logger)
	case config.SMSKavenegar:
		s, err = kavenegar.New(kavenegar.Config{
			BaseURL:     cfg.KavenegarBaseURL,
			APIKey:      cfg.KavenegarAPIKey,
			Sender:      cfg.SMSSender,
			OTPTemplate: cfg.KavenegarOTPTemplate,
			Logger:      logger,
			Breaker:     kavenegar.BreakerConfig{WatchFunc: breakers.WatchFunc()},
		})
	case config.SMSGhasedak:
		s, err = ghasedak.New(ghasedak.Config{
			BaseURL:     cfg.GhasedakBaseURL,
			APIKey:      cfg.GhasedakAPIKey,
			LineNumber:  cfg.GhasedakLineNumber,
			OTPTemplate: cfg.GhasedakOTPTemplate,
			OTPParam:    cfg.GhasedakOTPParam,
			Logger:      logger,
			Breaker:     ghasedak.BreakerConfig{WatchFunc: breakers.WatchFunc()},
		})
	case config.SMSIPPanel:
		s, err = ippanel.New(ippanel.Config{
			BaseURL:      cfg.IPPanelBaseURL,
			APIKey:       cfg.IPPanelAPIKey,
			FromNumber:   cfg.IPPanelSender,
			PatternCode:  cfg.IPPanelOTPPattern,
			PatternParam: cfg.IPPanelOTPParam,
			Logger:       logger,
			Breaker:      ippanel.BreakerConfig{WatchFunc: breakers.WatchFunc()},
		})
	default:
		return nil, fmt.Errorf("sms: unknown provider %q", name)
	}
	if err != nil {
		return nil, fmt.Errorf("sms: %w", err)
	}
	return s, nil
}
