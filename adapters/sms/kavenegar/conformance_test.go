package kavenegar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/adapters/sms/kavenegar"
	"github.com/talabin/talabin/adapters/sms/kavenegar/kavenegarfake"
	"github.com/talabin/talabin/ports/smstest"
)

const (
	testKey      = "3A5B-TEST-KEY"
	testTemplate = "talabin-otp"
	testTimeout  = 200 * time.Millisecond
)

// bundle is one client and the fake behind it.
type bundle struct {
	fake   *kavenegarfake.Fake
	url    string
	client *kavenegar.Client
}

// setup starts a fake and returns a client configured against it; edit tweaks the client's
// config before New.
func setup(t *testing.T, fakeCfg kavenegarfake.Config, edit func(*kavenegar.Config)) *bundle {
	t.Helper()
	if fakeCfg.APIKey == "" {
		fakeCfg.APIKey = testKey
	}
	if fakeCfg.Templates == nil {
		fakeCfg.Templates = map[string]string{testTemplate: "کد ورود شما به طلابین: %token"}
	}
	fake := kavenegarfake.New(fakeCfg)
	srv := outboundtest.Serve(t, fake)
	cfg := kavenegar.Config{
		BaseURL:     srv.URL,
		APIKey:      testKey,
		Sender:      "10008663",
		OTPTemplate: testTemplate,
		Timeout:     testTimeout,
		Breaker:     kavenegar.BreakerConfig{ConsecutiveFailures: 3, OpenTimeout: time.Minute},
	}
	if edit != nil {
		edit(&cfg)
	}
	client, err := kavenegar.New(cfg)
	require.NoError(t, err)
	return &bundle{fake: fake, url: srv.URL, client: client}
}

// provider steers the fake for the conformance suite.
type provider struct{ fake *kavenegarfake.Fake }

func (p provider) Fail(f smstest.Failure) bool {
	p.fake.SetAPIKey(testKey)
	p.fake.SetFault(kavenegarfake.Fault{})
	switch f {
	case smstest.FailNothing:
	case smstest.FailRecipientRejected:
		p.fake.SetFault(kavenegarfake.Fault{Status: 411})
	case smstest.FailServerError:
		p.fake.SetFault(kavenegarfake.Fault{HTTPStatus: 502, Body: "<html><body>502 Bad Gateway</body></html>"})
	case smstest.FailMalformedResponse:
		p.fake.SetFault(kavenegarfake.Fault{HTTPStatus: 200, Body: `{"return":{"status":200,"message":"تایید`})
	case smstest.FailAuth:
		p.fake.SetAPIKey("another-key")
	case smstest.FailRateLimited:
		p.fake.SetFault(kavenegarfake.Fault{Status: 451})
	case smstest.FailSlow:
		p.fake.SetFault(kavenegarfake.Fault{Delay: 10 * time.Second})
	default:
		return false
	}
	return true
}

func (p provider) Received() []smstest.Message {
	var out []smstest.Message
	for _, m := range p.fake.Messages() {
		to := smsadaptertest.E164(m.Receptor)
		switch m.Method {
		case "verify/lookup":
			out = append(out, smstest.Message{To: to, Code: m.Tokens["token"]})
		default:
			out = append(out, smstest.Message{To: to, Text: m.Text})
		}
	}
	return out
}

func (p provider) Requests() int { return p.fake.Requests() }

func TestConformance(t *testing.T) {
	t.Parallel()
	smstest.Run(t, func(t *testing.T) smstest.Harness {
		b := setup(t, kavenegarfake.Config{}, nil)
		return smstest.Harness{Sender: b.client, Provider: provider{b.fake}, BreakerThreshold: 3}
	})
}
