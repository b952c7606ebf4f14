package ghasedak_test

import (
	"flag"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/sms/ghasedak"
	"github.com/talabin/talabin/adapters/sms/ghasedak/ghasedakfake"
	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/ports"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the fake's exchanges")

// TestWireGolden records the two sends as the wire carries them, with the ApiKey header's
// value read as {API-KEY}.
func TestWireGolden(t *testing.T) {
	t.Parallel()
	smsadaptertest.WireGolden(t, *update, smsadaptertest.GoldenSetup{
		NewFake: func() http.Handler {
			return ghasedakfake.New(ghasedakfake.Config{
				APIKey:         testKey,
				Templates:      map[string][]string{testTemplate: {"Code"}},
				FirstMessageID: 4000000001,
				Now:            func() time.Time { return time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC) },
			})
		},
		NewSender: func(t *testing.T, serverURL string) ports.SMSSender {
			client, err := ghasedak.New(ghasedak.Config{
				BaseURL: serverURL + "/rest/api/v1/WebService", APIKey: testKey, LineNumber: testLine,
				OTPTemplate: testTemplate, Timeout: time.Second,
			})
			require.NoError(t, err)
			return client
		},
		Headers: []string{"Accept", "Apikey", "Content-Type"},
		Secret:  testKey,
	})
}
