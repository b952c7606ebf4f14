package ippanel_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/adapters/sms/ippanel"
	"github.com/talabin/talabin/adapters/sms/ippanel/ippanelfake"
	"github.com/talabin/talabin/ports/smstest"
)

const (
	testKey     = "ippanel-test-key"
	testPattern = "p9x2k7"
	testLine    = "+983000505"
	testTimeout = 200 * time.Millisecond
)

// bundle is one client and the fake behind it.
type bundle struct {
	fake   *ippanelfake.Fake
	url    string
	client *ippanel.Client
}

// setup starts a fake and returns a client configured against it; edit tweaks the client's
// config before New.
func setup(t *testing.T, fakeCfg ippanelfake.Config, edit func(*ippanel.Config)) *bundle {
	t.Helper()
	if fakeCfg.APIKey == "" {
		fakeCfg.APIKey = testKey
	}
	if fakeCfg.Patterns == nil {
		fakeCfg.Patterns = map[string][]string{testPattern: {"code"}}
	}
	fake := ippanelfake.New(fakeCfg)
	srv := outboundtest.Serve(t, fake)
	cfg := ippanel.Config{
		BaseURL:     srv.URL + "/v1",
		APIKey:      testKey,
		FromNumber:  testLine,
		PatternCode: testPattern,
		Timeout:     testTimeout,
		Breaker:     ippanel.BreakerConfig{ConsecutiveFailures: 3, OpenTimeout: time.Minute},
	}
	if edit != nil {
		edit(&cfg)
	}
	client, err := ippanel.New(cfg)
	require.NoError(t, err)
	return &bundle{fake: fake, url: srv.URL, client: client}
}

// provider steers the fake for the conformance suite.
type provider struct{ fake *ippanelfake.Fake }

func (p provider) Fail(f smstest.Failure) bool {
	p.fake.SetAPIKey(testKey)
	p.fake.SetFault(ippanelfake.Fault{})
	switch f {
	case smstest.FailNothing:
	case smstest.FailRecipientRejected:
		p.fake.SetFault(ippanelfake.Fault{HTTPStatus: 422, MessageCode: "400-2", Errors: map[string][]string{
			"recipients.0": {"شماره گیرنده در لیست سیاه است"},
		}})
	case smstest.FailServerError:
		p.fake.SetFault(ippanelfake.Fault{HTTPStatus: 500, Raw: true, Body: "<html><body>Server Error</body></html>"})
	case smstest.FailMalformedResponse:
		p.fake.SetFault(ippanelfake.Fault{HTTPStatus: 200, Raw: true, Body: `{"data":{"message_outbox_ids":[1`})
	case smstest.FailAuth:
		p.fake.SetAPIKey("another-key")
	case smstest.FailRateLimited:
		p.fake.SetFault(ippanelfake.Fault{HTTPStatus: 429, MessageCode: "429-1"})
	case smstest.FailSlow:
		p.fake.SetFault(ippanelfake.Fault{Delay: 10 * time.Second})
	default:
		return false
	}
	return true
}

func (p provider) Received() []smstest.Message {
	var out []smstest.Message
	for _, m := range p.fake.Messages() {
		to := smsadaptertest.E164(m.Recipient)
		switch m.SendingType {
		case "pattern":
			out = append(out, smstest.Message{To: to, Code: m.Params["code"]})
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
		b := setup(t, ippanelfake.Config{}, nil)
		return smstest.Harness{Sender: b.client, Provider: provider{b.fake}, BreakerThreshold: 3}
	})
}
