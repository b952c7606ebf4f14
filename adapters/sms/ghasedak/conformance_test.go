package ghasedak_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/sms/ghasedak"
	"github.com/talabin/talabin/adapters/sms/ghasedak/ghasedakfake"
	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/ports/smstest"
)

const (
	testKey      = "ghasedak-test-key"
	testTemplate = "talabinOtp"
	testLine     = "30005006"
	testTimeout  = 200 * time.Millisecond
)

// bundle is one client and the fake behind it.
type bundle struct {
	fake   *ghasedakfake.Fake
	url    string
	client *ghasedak.Client
}

// setup starts a fake and returns a client configured against it; edit tweaks the client's
// config before New.
func setup(t *testing.T, fakeCfg ghasedakfake.Config, edit func(*ghasedak.Config)) *bundle {
	t.Helper()
	if fakeCfg.APIKey == "" {
		fakeCfg.APIKey = testKey
	}
	if fakeCfg.Templates == nil {
		fakeCfg.Templates = map[string][]string{testTemplate: {"Code"}}
	}
	fake := ghasedakfake.New(fakeCfg)
	srv := outboundtest.Serve(t, fake)
	cfg := ghasedak.Config{
		BaseURL:     srv.URL + "/Rest/api/v1/WebService",
		APIKey:      testKey,
		LineNumber:  testLine,
		OTPTemplate: testTemplate,
		Timeout:     testTimeout,
		Breaker:     ghasedak.BreakerConfig{ConsecutiveFailures: 3, OpenTimeout: time.Minute},
	}
	if edit != nil {
		edit(&cfg)
	}
	client, err := ghasedak.New(cfg)
	require.NoError(t, err)
	return &bundle{fake: fake, url: srv.URL, client: client}
}

// provider steers the fake for the conformance suite.
type provider struct{ fake *ghasedakfake.Fake }

func (p provider) Fail(f smstest.Failure) bool {
	p.fake.SetAPIKey(testKey)
	p.fake.SetFault(ghasedakfake.Fault{})
	switch f {
	case smstest.FailNothing:
	case smstest.FailRecipientRejected:
		p.fake.SetFault(ghasedakfake.Fault{StatusCode: 400, Message: "شماره گیرنده نامعتبر است"})
	case smstest.FailServerError:
		p.fake.SetFault(ghasedakfake.Fault{HTTPStatus: 503, Body: "<html><body>Service Unavailable</body></html>"})
	case smstest.FailMalformedResponse:
		p.fake.SetFault(ghasedakfake.Fault{HTTPStatus: 200, Body: "<!DOCTYPE html><html>maintenance</html>"})
	case smstest.FailAuth:
		p.fake.SetAPIKey("another-key")
	case smstest.FailRateLimited:
		p.fake.SetFault(ghasedakfake.Fault{StatusCode: 429})
	case smstest.FailSlow:
		p.fake.SetFault(ghasedakfake.Fault{Delay: 10 * time.Second})
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
		case "SendOtpSMS":
			out = append(out, smstest.Message{To: to, Code: m.Inputs["Code"]})
		default:
			out = append(out, smstest.Message{To: to, Text: m.Text})
		}
	}
	return out
}

func (p provider) Requests() int { return p.fake.Requests() }

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, withHTTPStatus := range []bool{false, true} {
		name := "ErrorsInHTTP200"
		if withHTTPStatus {
			name = "ErrorsWithHTTPStatus"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			smstest.Run(t, func(t *testing.T) smstest.Harness {
				b := setup(t, ghasedakfake.Config{ErrorsWithHTTPStatus: withHTTPStatus}, nil)
				return smstest.Harness{Sender: b.client, Provider: provider{b.fake}, BreakerThreshold: 3}
			})
		})
	}
}
