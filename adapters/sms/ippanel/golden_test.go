package ippanel_test

import (
	"flag"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/adapters/sms/ippanel"
	"github.com/talabin/talabin/adapters/sms/ippanel/ippanelfake"
	"github.com/talabin/talabin/ports"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the fake's exchanges")

// TestWireGolden records the two sends as the wire carries them, with the Authorization
// header's value read as {API-KEY}.
func TestWireGolden(t *testing.T) {
	t.Parallel()
	smsadaptertest.WireGolden(t, *update, smsadaptertest.GoldenSetup{
		NewFake: func() http.Handler {
			return ippanelfake.New(ippanelfake.Config{
				APIKey:        testKey,
				Patterns:      map[string][]string{testPattern: {"code"}},
				FirstOutboxID: 620000001,
				Now:           func() time.Time { return time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC) },
			})
		},
		NewSender: func(t *testing.T, serverURL string) ports.SMSSender {
			client, err := ippanel.New(ippanel.Config{
				BaseURL: serverURL + "/v1", APIKey: testKey, FromNumber: testLine,
				PatternCode: testPattern, Timeout: time.Second,
			})
			require.NoError(t, err)
			return client
		},
		Headers: []string{"Accept", "Authorization", "Content-Type"},
		Secret:  testKey,
	})
}
