package app

import (
	"testing"

	"github.com/getsentry/sentry-go"
	"github.com/stretchr/testify/require"
)

// TestScrubEventKeepsOnlySafeRequestData shows the last filter before an event leaves: of
// request data attached by any means only the method, the path and the request id header
// stay; of the user only the id; no breadcrumbs.
func TestScrubEventKeepsOnlySafeRequestData(t *testing.T) {
	t.Parallel()
	event := &sentry.Event{
		Request: &sentry.Request{
			Method:      "POST",
			URL:         "https://api.example.com/api/auth/verify-otp/?phone=09121234567",
			Data:        `{"phone_number":"09121234567","code":"905717"}`,
			QueryString: "phone=09121234567",
			Cookies:     "refresh_token=secret",
			Headers: map[string]string{
				"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig",
				"X-Request-Id":  "req-1",
				"Cookie":        "refresh_token=secret",
			},
			Env: map[string]string{"REMOTE_ADDR": "192.0.2.7"},
		},
		User:        sentry.User{ID: "u1", Email: "a@example.com", IPAddress: "192.0.2.7"},
		Breadcrumbs: []*sentry.Breadcrumb{{Message: "login +989121234567"}},
	}

	got := scrubEvent(event, nil)

	require.Equal(t, &sentry.Request{
		Method:  "POST",
		URL:     "https://api.example.com/api/auth/verify-otp/",
		Headers: map[string]string{"X-Request-Id": "req-1"},
	}, got.Request)
	require.Equal(t, sentry.User{ID: "u1"}, got.User)
	require.Empty(t, got.Breadcrumbs)
}
