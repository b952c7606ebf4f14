package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
)

// middlewareRoutes covers every kind of response the middleware must decorate.
func middlewareRoutes(rt httpapi.Routes) {
	rt.Get("/ok/", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteData(w, r, http.StatusOK, map[string]string{"request_id": httpapi.RequestID(r.Context()), "lang": string(httpapi.LanguageOf(r))})
		return nil
	})
	rt.Post("/upload/", func(w http.ResponseWriter, r *http.Request) error {
		_, err := httpapi.Decode(r)
		return err
	}, httpapi.BodyLimit(4))
	rt.Get("/panic/", func(http.ResponseWriter, *http.Request) error {
		panic("secret panic value")
	})
	rt.Get("/panic-after-write/", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteData(w, r, http.StatusOK, nil)
		panic("late panic")
	})
}

var generatedID = regexp.MustCompile(`^[A-Z2-7]{26}$`)

func TestRequestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		sent     string
		wantEcho bool
	}{
		{name: "NoneSent"},
		{name: "SaneEchoed", sent: "abc-123_X.y", wantEcho: true},
		{name: "UUIDEchoed", sent: "3f2b8c1e-4a5d-4e6f-9a0b-1c2d3e4f5a6b", wantEcho: true},
		{name: "MaxLengthEchoed", sent: strings.Repeat("a", 128), wantEcho: true},
		{name: "TooLongReplaced", sent: strings.Repeat("a", 129)},
		{name: "SpaceReplaced", sent: "abc 123"},
		{name: "NewlineReplaced", sent: "abc\ninjected"},
		{name: "SlashReplaced", sent: "a/b"},
		{name: "NonASCIIReplaced", sent: "درخواست"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAPI(t, middlewareRoutes)
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/ok/", nil)
			if tt.sent != "" {
				req.Header.Set(httpapi.HeaderRequestID, tt.sent)
			}

			rec := b.serve(t, req)

			got := rec.Header().Get(httpapi.HeaderRequestID)
			if tt.wantEcho {
				require.Equal(t, tt.sent, got)
			} else {
				require.Regexp(t, generatedID, got)
			}
			require.Equal(t, got, decodeBody(t, rec)["data"].(map[string]any)["request_id"], "the context carries the same id")
			require.Equal(t, got, b.accessLine(t)["request_id"])
		})
	}
}

func TestGeneratedRequestIDsDiffer(t *testing.T) {
	t.Parallel()
	b := setupAPI(t, middlewareRoutes)

	first := b.do(t, http.MethodGet, "/ok/", "", "").Header().Get(httpapi.HeaderRequestID)
	second := b.do(t, http.MethodGet, "/ok/", "", "").Header().Get(httpapi.HeaderRequestID)

	require.NotEqual(t, first, second)
}

func TestEveryResponseCarriesHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		wantStatus  int
	}{
		{name: "OK", method: http.MethodGet, target: "/ok/", wantStatus: 200},
		{name: "NotFound", method: http.MethodGet, target: "/missing/", wantStatus: 404},
		{name: "MethodNotAllowed", method: http.MethodDelete, target: "/ok/", wantStatus: 405},
		{name: "PayloadTooLarge", method: http.MethodPost, target: "/upload/", contentType: "application/json", body: `{"a":1}`, wantStatus: 413},
		{name: "UnsupportedMediaType", method: http.MethodPost, target: "/upload/", contentType: "text/csv", body: "a", wantStatus: 415},
		{name: "Panic", method: http.MethodGet, target: "/panic/", wantStatus: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAPI(t, middlewareRoutes)

			rec := b.do(t, tt.method, tt.target, tt.contentType, tt.body)

			require.Equal(t, tt.wantStatus, rec.Code)
			require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			require.Equal(t, "max-age=31536000; includeSubDomains", rec.Header().Get("Strict-Transport-Security"))
			require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			require.Equal(t, "DENY", rec.Header().Get("X-Frame-Options"))
			require.Equal(t, "same-origin", rec.Header().Get("Referrer-Policy"))
			require.NotEmpty(t, rec.Header().Get(httpapi.HeaderRequestID))
			decodeBody(t, rec)
		})
	}
}

func TestPanicRecovery(t *testing.T) {
	t.Parallel()
	b := setupAPI(t, middlewareRoutes)
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/panic/", nil)
	req.Header.Set(httpapi.HeaderRequestID, "panic-1")

	rec := b.serve(t, req)

	require.Equal(t, http.StatusInternalServerError, rec.Code)
	e := errorOf(t, rec)
	require.Equal(t, "internal_error", e["code"])
	require.Equal(t, "panic-1", e["request_id"])
	require.NotContains(t, rec.Body.String(), "secret panic value")
	line := b.accessLine(t)
	require.Equal(t, "ERROR", line["level"])
	require.Contains(t, line["error"], "secret panic value")
	require.Contains(t, line["stack"], "middleware_test.go")
	require.Equal(t, "panic-1", line["request_id"])
	require.Equal(t, "/panic/", line["route"])
}

func TestPanicAfterResponseStarted(t *testing.T) {
	t.Parallel()
	b := setupAPI(t, middlewareRoutes)

	rec := b.do(t, http.MethodGet, "/panic-after-write/", "", "")

	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, map[string]any{"success": true, "data": map[string]any{}}, decodeBody(t, rec), "one body, not two")
	require.Contains(t, b.accessLine(t)["error"], "late panic")
}

func TestAbortHandlerPanicPropagates(t *testing.T) {
	t.Parallel()
	b := setupAPI(t, func(rt httpapi.Routes) {
		rt.Get("/abort/", func(http.ResponseWriter, *http.Request) error {
			panic(http.ErrAbortHandler)
		})
	})

	require.PanicsWithError(t, http.ErrAbortHandler.Error(), func() {
		b.do(t, http.MethodGet, "/abort/", "", "")
	})
}

func TestAccessLog(t *testing.T) {
	t.Parallel()
	b := setupAPI(t, middlewareRoutes, httpapi.Health(discardLogger(), mustReadiness(t)))
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/ok?token=secret-query", nil)
	req.Header.Set(httpapi.HeaderRequestID, "log-1")
	req.Header.Set("Authorization", "Bearer secret-token")

	rec := b.serve(t, req)
	b.do(t, http.MethodGet, "/healthz", "", "")

	var access []map[string]any
	for _, l := range b.logLines(t) {
		if l["msg"] == "http request" {
			access = append(access, l)
		}
	}
	require.Len(t, access, 2)
	line := access[0]
	require.Equal(t, "INFO", line["level"])
	require.Equal(t, "GET", line["method"])
	require.Equal(t, "/ok/", line["route"])
	require.InDelta(t, 200, line["status"], 0)
	require.InDelta(t, rec.Body.Len(), line["bytes"], 0)
	require.Equal(t, "log-1", line["request_id"])
	require.Contains(t, line, "duration")
	require.NotContains(t, b.logs.String(), "secret", "no query strings, headers or bodies")
	require.Equal(t, "DEBUG", access[1]["level"], "probes log at debug level")
	require.Equal(t, "/healthz/", access[1]["route"])
}

func TestLanguageInContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		header   string
		wantLang string
	}{
		{name: "Default", wantLang: "fa"},
		{name: "English", header: "en", wantLang: "en"},
		{name: "PersianPreferred", header: "fa-IR,fa;q=0.9,en;q=0.8", wantLang: "fa"},
		{name: "EnglishPreferred", header: "en-US,en;q=0.9,fa;q=0.8", wantLang: "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAPI(t, middlewareRoutes)
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/ok/", nil)
			if tt.header != "" {
				req.Header.Set("Accept-Language", tt.header)
			}

			rec := b.serve(t, req)

			require.Equal(t, tt.wantLang, decodeBody(t, rec)["data"].(map[string]any)["lang"])
		})
	}
}

func TestParseAcceptLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   httpapi.Language
	}{
		{name: "Empty", header: "", want: httpapi.LangFA},
		{name: "Persian", header: "fa", want: httpapi.LangFA},
		{name: "English", header: "en", want: httpapi.LangEN},
		{name: "EnglishUpperCaseRegion", header: "EN-us", want: httpapi.LangEN},
		{name: "Unsupported", header: "de-DE,fr;q=0.8", want: httpapi.LangFA},
		{name: "UnsupportedThenEnglish", header: "de,en;q=0.5", want: httpapi.LangEN},
		{name: "HigherQualityWins", header: "fa;q=0.4, en;q=0.6", want: httpapi.LangEN},
		{name: "TieKeepsFirst", header: "en, fa", want: httpapi.LangEN},
		{name: "ZeroQualityIgnored", header: "en;q=0", want: httpapi.LangFA},
		{name: "MalformedQualityIgnored", header: "en;q=high", want: httpapi.LangFA},
		{name: "Wildcard", header: "*", want: httpapi.LangFA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, httpapi.ParseAcceptLanguage(tt.header))
		})
	}
}
