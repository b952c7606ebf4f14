package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
)

func TestCSRFTokens(t *testing.T) {
	t.Parallel()
	tokens := csrfTokens{key: []byte(strings.Repeat("k", MinCSRFKeyLen))}
	other := csrfTokens{key: []byte(strings.Repeat("o", MinCSRFKeyLen))}

	session := tokens.forSession("ses_a")
	anonymous := tokens.anonymous()

	require.Equal(t, session, tokens.forSession("ses_a"), "bound tokens are stable for a session")
	require.True(t, tokens.validFor(session, "ses_a"))
	require.False(t, tokens.validFor(session, "ses_b"))
	require.False(t, tokens.validFor(session, ""))
	require.False(t, other.validFor(session, "ses_a"), "another key")
	require.False(t, tokens.validFor(anonymous, "ses_a"), "an anonymous token is bound to no session")
	nonce, mac, ok := strings.Cut(anonymous, ".")
	require.True(t, ok)
	require.Equal(t, tokens.mac(csrfNonceLabel, nonce), mac)
}

// TestCheckCSRFChecksOrigin covers the Origin check of checkCSRF itself: through the router
// the Origin check of cookie mode refuses such requests first.
func TestCheckCSRFChecksOrigin(t *testing.T) {
	t.Parallel()
	a := &Auth{csrf: csrfTokens{key: []byte(strings.Repeat("k", MinCSRFKeyLen))}, origins: originAllowlist{"https://app.example": {}}}
	token := a.csrf.forSession("ses_a")
	newRequest := func(origin string) *http.Request {
		r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/api/x/", nil)
		r.AddCookie(&http.Cookie{Name: cookieCSRF, Value: token}) //nolint:gosec // G124: a request cookie carries no attributes
		r.Header.Set(HeaderCSRFToken, token)
		r.Header.Set("Origin", origin)
		return r
	}

	require.NoError(t, a.checkCSRF(newRequest("https://app.example"), "ses_a"))
	require.ErrorIs(t, a.checkCSRF(newRequest("https://evil.example"), "ses_a"), core.ErrCSRFFailed)
}
