package kavenegar_test

import (
	"flag"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/sms/internal/smsadaptertest"
	"github.com/talabin/talabin/adapters/sms/kavenegar"
	"github.com/talabin/talabin/adapters/sms/kavenegar/kavenegarfake"
	"github.com/talabin/talabin/ports"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the fake's exchanges")

// TestWireGolden records the two sends as the wire carries them, with the API key in the
// path read as {API-KEY}.
func TestWireGolden(t *testing.T) {
	t.Parallel()
	smsadaptertest.WireGolden(t, *update, smsadaptertest.GoldenSetup{
		NewFake: func() http.Handler {
			return kavenegarfake.New(kavenegarfake.Config{
				APIKey:         testKey,
				Templates:      map[string]string{testTemplate: "کد ورود شما به طلابین: %token"},
				FirstMessageID: 8792343,
				Now:            func() time.Time { return time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC) },
			})
		},
		NewSender: func(t *testing.T, serverURL string) ports.SMSSender {
			client, err := kavenegar.New(kavenegar.Config{
				BaseURL: serverURL, APIKey: testKey, Sender: "10008663", OTPTemplate: testTemplate, Timeout: time.Second,
			})
			require.NoError(t, err)
			return client
		},
		Headers: []string{"Accept", "Content-Type"},
		Secret:  testKey,
	})
}
