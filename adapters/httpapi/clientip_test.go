package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
)

func TestClientIPThroughTheAPIMiddleware(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []requestOption
		want string
	}{
		{name: "Peer", want: clientAddr},
		{name: "SpoofedForwardedForIgnored", opts: []requestOption{withHeader("X-Forwarded-For", "198.51.100.9")}, want: clientAddr},
		{name: "TrustedProxy", opts: []requestOption{fromPeer(proxyAddr + ":443"), withHeader("X-Forwarded-For", "1.2.3.4, 198.51.100.9")}, want: "198.51.100.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := httpapi.NewAuth(testAuthConfig(newFakeAccounts(), newCountingLimiter()))
			require.NoError(t, err)
			b := setupAPI(t, func(rt httpapi.Routes) {
				a.Public(rt).Get("/api/ip/", func(w http.ResponseWriter, r *http.Request) error {
					httpapi.WriteData(w, r, http.StatusOK, map[string]string{"ip": httpapi.ClientIP(r.Context()), "client": httpapi.ClientOf(r).IP})
					return nil
				})
			})

			rec := send(t, b.handler, http.MethodGet, "/api/ip/", "", tt.opts...)

			require.Equal(t, map[string]any{"ip": tt.want, "client": tt.want}, dataOf(t, rec))
		})
	}
}

func TestClientIPOutsideTheAPIMiddleware(t *testing.T) {
	t.Parallel()
	b := setupAPI(t, func(rt httpapi.Routes) {
		rt.Get("/x/", func(w http.ResponseWriter, r *http.Request) error {
			_, signedIn := httpapi.PrincipalOf(r.Context())
			httpapi.WriteData(w, r, http.StatusOK, map[string]any{"ip": httpapi.ClientIP(r.Context()), "signed_in": signedIn})
			return nil
		})
	})

	rec := send(t, b.handler, http.MethodGet, "/x/", "")

	require.Equal(t, map[string]any{"ip": "", "signed_in": false}, dataOf(t, rec))
}
