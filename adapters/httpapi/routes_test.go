package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
)

// echoRoutes registers a login-like POST that echoes the phone it read, a GET with a path
// parameter and a prefixed group.
func echoRoutes(rt httpapi.Routes) {
	rt.Post("/api/auth/login/", func(w http.ResponseWriter, r *http.Request) error {
		in, err := httpapi.Decode(r)
		if err != nil {
			return err
		}
		in.Require("phone_number")
		phone, _ := in.Phone("phone_number")
		if err := in.Err(); err != nil {
			return err
		}
		httpapi.WriteData(w, r, http.StatusOK, map[string]string{"phone_number": phone})
		return nil
	})
	rt.Get("/api/trading/orders/{id}/", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteData(w, r, http.StatusOK, map[string]string{"id": chi.URLParam(r, "id")})
		return nil
	})
	rt.Route("/api/wallet", func(rt httpapi.Routes) {
		rt.Get("/balance/", func(w http.ResponseWriter, r *http.Request) error {
			httpapi.WriteData(w, r, http.StatusOK, map[string]string{"route": "balance"})
			return nil
		})
		rt.Post("/withdrawals/{id}/cancel/", func(w http.ResponseWriter, r *http.Request) error {
			httpapi.WriteMessage(w, r, http.StatusOK, "cancelled", nil)
			return nil
		})
		rt.Put("/bank-accounts/{id}/", func(w http.ResponseWriter, r *http.Request) error {
			httpapi.WriteData(w, r, http.StatusOK, map[string]string{"method": r.Method})
			return nil
		})
		rt.Patch("/bank-accounts/{id}/", func(w http.ResponseWriter, r *http.Request) error {
			httpapi.WriteData(w, r, http.StatusOK, map[string]string{"method": r.Method})
			return nil
		})
	})
}

func TestRoutingPathForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		target    string
		wantData  map[string]any
		wantRoute string
	}{
		{name: "AsDocumented", method: http.MethodPost, target: "/api/auth/login/", wantData: map[string]any{"phone_number": "+989121234567"}, wantRoute: "/api/auth/login/"},
		{name: "NoTrailingSlashKeepsBody", method: http.MethodPost, target: "/api/auth/login", wantData: map[string]any{"phone_number": "+989121234567"}, wantRoute: "/api/auth/login/"},
		{name: "DoubleSlashFromBaseURL", method: http.MethodPost, target: "/api//auth/login/", wantData: map[string]any{"phone_number": "+989121234567"}, wantRoute: "/api/auth/login/"},
		{name: "ManySlashes", method: http.MethodPost, target: "//api///auth//login//", wantData: map[string]any{"phone_number": "+989121234567"}, wantRoute: "/api/auth/login/"},
		{name: "PathParameter", method: http.MethodGet, target: "/api/trading/orders/42/", wantData: map[string]any{"id": "42"}, wantRoute: "/api/trading/orders/{id}/"},
		{name: "PathParameterNoSlash", method: http.MethodGet, target: "/api/trading/orders/42", wantData: map[string]any{"id": "42"}, wantRoute: "/api/trading/orders/{id}/"},
		{name: "GroupedRoute", method: http.MethodGet, target: "/api/wallet/balance", wantData: map[string]any{"route": "balance"}, wantRoute: "/api/wallet/balance/"},
		{name: "Put", method: http.MethodPut, target: "/api/wallet/bank-accounts/3", wantData: map[string]any{"method": "PUT"}, wantRoute: "/api/wallet/bank-accounts/{id}/"},
		{name: "Patch", method: http.MethodPatch, target: "/api/wallet/bank-accounts/3/", wantData: map[string]any{"method": "PATCH"}, wantRoute: "/api/wallet/bank-accounts/{id}/"},
		{name: "GroupedRouteWithParameter", method: http.MethodPost, target: "/api/wallet//withdrawals/3/cancel", wantData: map[string]any{}, wantRoute: "/api/wallet/withdrawals/{id}/cancel/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAPI(t, echoRoutes)

			rec := b.do(t, tt.method, tt.target, "application/json", `{"phone_number":"+989121234567"}`)

			require.Equal(t, http.StatusOK, rec.Code, "body: %s", rec.Body.String())
			require.Empty(t, rec.Header().Get("Location"), "never a redirect")
			require.Equal(t, tt.wantData, decodeBody(t, rec)["data"])
			require.Equal(t, tt.wantRoute, b.accessLine(t)["route"])
		})
	}
}

func TestRoutingNotFound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		target string
	}{
		{name: "UnknownPath", method: http.MethodGet, target: "/api/unknown/"},
		{name: "UnknownPathPost", method: http.MethodPost, target: "/api/unknown"},
		{name: "Root", method: http.MethodGet, target: "/"},
		{name: "PrefixOnly", method: http.MethodGet, target: "/api/auth/"},
		{name: "DotSegmentsAreNotResolved", method: http.MethodPost, target: "/api/x/../auth/login/"},
		{name: "ParameterMissing", method: http.MethodGet, target: "/api/trading/orders//"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAPI(t, echoRoutes)

			rec := b.do(t, tt.method, tt.target, "", "")

			require.Equal(t, http.StatusNotFound, rec.Code)
			require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			require.Equal(t, "not_found", errorOf(t, rec)["code"])
			require.Empty(t, rec.Header().Get("Allow"))
		})
	}
}

func TestRoutingMethodNotAllowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		target    string
		wantAllow string
	}{
		{name: "GetOnPostRoute", method: http.MethodGet, target: "/api/auth/login/", wantAllow: "POST"},
		{name: "DeleteOnPostRouteNoSlash", method: http.MethodDelete, target: "/api/auth/login", wantAllow: "POST"},
		{name: "PostOnGetRoute", method: http.MethodPost, target: "/api/trading/orders/5/", wantAllow: "GET, HEAD"},
		{name: "Options", method: http.MethodOptions, target: "/api/wallet/balance/", wantAllow: "GET, HEAD"},
		{name: "UnknownMethod", method: "PROPFIND", target: "/api/wallet/balance/", wantAllow: "GET, HEAD"},
		{name: "SeveralMethods", method: http.MethodPost, target: "/api/wallet/bank-accounts/3/", wantAllow: "PUT, PATCH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAPI(t, echoRoutes)

			rec := b.do(t, tt.method, tt.target, "", "")

			require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
			require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			require.Equal(t, tt.wantAllow, rec.Header().Get("Allow"))
			require.Equal(t, "method_not_allowed", errorOf(t, rec)["code"])
		})
	}
}

func TestRoutingHeadServedByGet(t *testing.T) {
	t.Parallel()
	b := setupAPI(t, echoRoutes)

	rec := b.do(t, http.MethodHead, "/api/wallet/balance", "", "")

	require.Equal(t, http.StatusOK, rec.Code)
}

func TestRoutesRejectsRelativePattern(t *testing.T) {
	t.Parallel()
	require.PanicsWithValue(t, "httpapi: route pattern must start with '/': api/x/", func() {
		setupAPI(t, func(rt httpapi.Routes) {
			rt.Get("api/x/", returning(nil))
		})
	})
}

func TestRoutesWithMiddleware(t *testing.T) {
	t.Parallel()
	requireToken := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "" {
				httpapi.WriteError(w, r, core.ErrNotAuthenticated)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	b := setupAPI(t, func(rt httpapi.Routes) {
		rt.With(requireToken).Route("/api/auth", func(rt httpapi.Routes) {
			rt.Get("/me/", func(w http.ResponseWriter, r *http.Request) error {
				httpapi.WriteData(w, r, http.StatusOK, map[string]int{"id": 1})
				return nil
			})
		})
		rt.Get("/api/prices/gold/current/", func(w http.ResponseWriter, r *http.Request) error {
			httpapi.WriteData(w, r, http.StatusOK, map[string]int{"buy_price": 1})
			return nil
		})
	})

	anonymous := b.do(t, http.MethodGet, "/api/auth/me", "", "")
	public := b.do(t, http.MethodGet, "/api/prices/gold/current", "", "")

	require.Equal(t, http.StatusUnauthorized, anonymous.Code)
	require.Equal(t, "Bearer", anonymous.Header().Get("WWW-Authenticate"))
	require.Equal(t, http.StatusOK, public.Code)
}

func TestRouteBodyLimitOptions(t *testing.T) {
	t.Parallel()
	handler := func(w http.ResponseWriter, r *http.Request) error {
		if _, err := httpapi.Decode(r); err != nil {
			return err
		}
		httpapi.WriteData(w, r, http.StatusOK, nil)
		return nil
	}
	b := setupAPI(t, func(rt httpapi.Routes) {
		rt.Post("/small/", handler, httpapi.BodyLimit(16))
		rt.Post("/upload/", handler, httpapi.MultipartLimit(512))
		rt.Post("/default/", handler)
	})
	smallUpload, mpType := multipartBody(t, map[string]string{"a": "b"}, nil)
	bigUpload, bigType := multipartBody(t, nil, map[string][]byte{"f": []byte(strings.Repeat("x", 1000))})
	tests := []struct {
		name        string
		target      string
		contentType string
		body        string
		wantStatus  int
	}{
		{name: "SmallUnderLimit", target: "/small/", contentType: "application/json", body: `{"a":"b"}`, wantStatus: 200},
		{name: "SmallOverLimit", target: "/small/", contentType: "application/json", body: `{"a":"bbbbbbbbbbbbbbbb"}`, wantStatus: 413},
		{name: "UploadUnderLimit", target: "/upload/", contentType: mpType, body: smallUpload, wantStatus: 200},
		{name: "UploadOverLimit", target: "/upload/", contentType: bigType, body: bigUpload, wantStatus: 413},
		{name: "DefaultAcceptsBoth", target: "/default/", contentType: bigType, body: bigUpload, wantStatus: 200},
		{name: "DefaultOverLimit", target: "/default/", contentType: "application/json", body: `{"a":"` + strings.Repeat("b", int(httpapi.DefaultBodyLimit)) + `"}`, wantStatus: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := b.do(t, http.MethodPost, tt.target, tt.contentType, tt.body)

			require.Equal(t, tt.wantStatus, rec.Code, "body: %s", rec.Body.String())
			require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			if tt.wantStatus == http.StatusRequestEntityTooLarge {
				require.Equal(t, "payload_too_large", errorOf(t, rec)["code"])
			}
		})
	}
}

func TestDecodeIsCachedWithinRequest(t *testing.T) {
	t.Parallel()
	var firstSeen string
	peek := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			in, err := httpapi.Decode(r)
			if err != nil {
				httpapi.WriteError(w, r, err)
				return
			}
			firstSeen, _ = in.String("note", 0)
			in.AddError("note", "seen by middleware")
			next.ServeHTTP(w, r)
		})
	}
	b := setupAPI(t, func(rt httpapi.Routes) {
		rt.With(peek).Post("/x/", func(w http.ResponseWriter, r *http.Request) error {
			in, err := httpapi.Decode(r)
			if err != nil {
				return err
			}
			note, _ := in.String("note", 0)
			if err := in.Err(); err != nil {
				return err
			}
			httpapi.WriteData(w, r, http.StatusOK, map[string]string{"note": note})
			return nil
		})
	})

	ok := b.do(t, http.MethodPost, "/x", "application/json", `{"note":"hello"}`)
	bad := b.do(t, http.MethodPost, "/x", "application/json", `{"note":`)

	require.Equal(t, http.StatusOK, ok.Code, "body: %s", ok.Body.String())
	require.Equal(t, "hello", firstSeen)
	require.Equal(t, map[string]any{"note": "hello"}, decodeBody(t, ok)["data"], "each Decode starts with no errors")
	require.Equal(t, http.StatusBadRequest, bad.Code)
	require.Equal(t, "invalid_json", errorOf(t, bad)["code"])
}

func TestRouteOptionsApplyBeforeMiddleware(t *testing.T) {
	t.Parallel()
	var order []string
	mark := func(name string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				order = append(order, name)
				next.ServeHTTP(w, r)
			})
		}
	}
	decodeFirst := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := httpapi.Decode(r); err != nil {
				httpapi.WriteError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	b := setupAPI(t, func(rt httpapi.Routes) {
		rt.With(mark("outer")).With(mark("inner"), decodeFirst).Post("/x/", func(w http.ResponseWriter, r *http.Request) error {
			order = append(order, "handler")
			httpapi.WriteData(w, r, http.StatusOK, nil)
			return nil
		}, httpapi.BodyLimit(8))
	})

	tooLarge := b.do(t, http.MethodPost, "/x/", "application/json", `{"note":"longer than eight bytes"}`)
	fits := b.do(t, http.MethodPost, "/x/", "application/json", `{}`)

	require.Equal(t, http.StatusRequestEntityTooLarge, tooLarge.Code, "the middleware decoded under the route's limit")
	require.Equal(t, http.StatusOK, fits.Code)
	require.Equal(t, []string{"outer", "inner", "outer", "inner", "handler"}, order)
}

func TestRoutesMount(t *testing.T) {
	t.Parallel()
	tagged := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Tagged", "yes")
			next.ServeHTTP(w, r)
		})
	}
	b := setupAPI(t, func(rt httpapi.Routes) {
		rt.With(tagged).Route("/dev", func(rt httpapi.Routes) {
			rt.Mount("/pages/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				_, _ = w.Write([]byte(r.Method + " " + r.URL.Path)) //nolint:gosec // G705: a test page echoing its own request to the test
			}))
		})
	})

	for _, target := range []string{"/dev/pages", "/dev/pages/", "/dev//pages/a/b", "/dev/pages/a/b/"} {
		rec := b.do(t, http.MethodDelete, target, "", "")
		require.Equal(t, http.StatusOK, rec.Code, target)
		require.Equal(t, "DELETE "+target, rec.Body.String(), "the handler sees the path as sent")
		require.Equal(t, "yes", rec.Header().Get("X-Tagged"))
		require.Equal(t, "text/plain", rec.Header().Get("Content-Type"))
	}
	require.Equal(t, http.StatusNotFound, b.do(t, http.MethodGet, "/dev/other/", "", "").Code)
	require.PanicsWithValue(t, "httpapi: mount pattern must start with '/' and name a path below the root: /", func() {
		setupAPI(t, func(rt httpapi.Routes) { rt.Mount("/", http.NotFoundHandler()) })
	})
}
