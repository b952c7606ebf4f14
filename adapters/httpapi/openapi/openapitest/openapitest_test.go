package openapitest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi/openapi/openapitest"
)

// spec documents a JSON operation with an id, an HTML page and an operation with no body.
const spec = `openapi: 3.1.0
info: {title: T, version: "1"}
paths:
  /things/{id}/:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [success, data]
                additionalProperties: false
                properties:
                  success: {const: true}
                  data:
                    type: object
                    required: [id]
                    properties:
                      id: {type: integer}
        default:
          description: error
          content:
            application/json:
              schema:
                type: object
                required: [success, error]
                properties:
                  success: {const: false}
                  error: {type: object, required: [code]}
  /page/:
    get:
      responses:
        "200":
          description: page
          content:
            text/html:
              schema: {type: string}
  /gone/:
    post:
      responses:
        "303": {description: redirect, no body}
`

const jsonType = "application/json; charset=utf-8"

// TestValidate shows which exchanges pass and why the others fail.
func TestValidate(t *testing.T) {
	t.Parallel()
	v, err := openapitest.New([]byte(spec))
	require.NoError(t, err)
	tests := []struct {
		name         string
		method, path string
		status       int
		contentType  string
		body         string
		location     string
		wantErr      string // "" when valid
	}{
		{name: "Documented", method: "GET", path: "/things/7/", status: 200, contentType: jsonType, body: `{"success":true,"data":{"id":7}}`},
		{name: "WithoutTrailingSlash", method: "GET", path: "/things/7", status: 200, contentType: jsonType, body: `{"success":true,"data":{"id":7}}`},
		{name: "RepeatedSlashes", method: "GET", path: "//things//7", status: 200, contentType: jsonType, body: `{"success":true,"data":{"id":7}}`},
		{name: "DefaultError", method: "GET", path: "/things/7/", status: 404, contentType: jsonType, body: `{"success":false,"error":{"code":"not_found"}}`},
		{name: "HEADOfGET", method: "HEAD", path: "/things/7/", status: 200, contentType: jsonType},
		{name: "HTMLPage", method: "GET", path: "/page/", status: 200, contentType: "text/html; charset=utf-8", body: "<p>hi</p>"},
		{name: "RedirectWithoutBody", method: "POST", path: "/gone/", status: 303, location: "/page/"},
		{name: "UnknownPathAnswered404", method: "GET", path: "/nowhere/", status: 404, contentType: jsonType, body: `{"success":false,"error":{"code":"not_found"}}`},
		{name: "UnknownMethodAnswered405", method: "DELETE", path: "/page/", status: 405, contentType: jsonType, body: `{"success":false,"error":{"code":"method_not_allowed"}}`},
		{name: "HTTPSRedirect", method: "GET", path: "/nowhere/", status: 301, location: "https://api.test/nowhere/"},
		{
			name: "WrongField", method: "GET", path: "/things/7/", status: 200, contentType: jsonType,
			body: `{"success":true,"data":{"id":"7"}}`, wantErr: "at $.data.id",
		},
		{
			name: "UndocumentedField", method: "GET", path: "/things/7/", status: 200, contentType: jsonType,
			body: `{"success":true,"data":{"id":7},"extra":1}`, wantErr: "does not match GET /things/{id}/",
		},
		{
			name: "UndocumentedContentType", method: "GET", path: "/page/", status: 200, contentType: jsonType,
			body: `{}`, wantErr: "does not match GET /page/",
		},
		{name: "UndocumentedStatus", method: "GET", path: "/page/", status: 500, contentType: jsonType, body: `{}`, wantErr: "status 500 is not documented"},
		{name: "MissingBody", method: "GET", path: "/page/", status: 200, contentType: "text/html", wantErr: "with no body"},
		{name: "UndocumentedBody", method: "POST", path: "/gone/", status: 303, contentType: "text/html", body: "<a>x</a>", wantErr: "does not describe"},
		{name: "UndocumentedPath", method: "GET", path: "/nowhere/", status: 200, contentType: jsonType, body: `{}`, wantErr: "no path in the OpenAPI document matches GET /nowhere/"},
		{name: "UndocumentedMethod", method: "POST", path: "/page/", status: 200, contentType: jsonType, body: `{}`, wantErr: "has no POST operation on /page/"},
		{name: "UnknownPath404NotAnEnvelope", method: "GET", path: "/nowhere/", status: 404, contentType: "text/plain", body: "404 page not found", wantErr: "no path"},
		{name: "RedirectElsewhere", method: "GET", path: "/nowhere/", status: 301, location: "https://evil.test/", wantErr: "no path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequestWithContext(t.Context(), tt.method, "http://api.test"+tt.path, nil)
			res := &http.Response{StatusCode: tt.status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(tt.body))}
			if tt.contentType != "" {
				res.Header.Set("Content-Type", tt.contentType)
			}
			if tt.location != "" {
				res.Header.Set("Location", tt.location)
			}
			err := v.Validate(req, res)
			if tt.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, tt.wantErr)
			}
			body, rerr := io.ReadAll(res.Body)
			require.NoError(t, rerr)
			require.Equal(t, tt.body, string(body), "the body is still readable")
		})
	}
}

// TestDefaultLoadsTheAPIDocument builds the validator of the served document.
func TestDefaultLoadsTheAPIDocument(t *testing.T) {
	t.Parallel()
	v, err := openapitest.Default()
	require.NoError(t, err)
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/healthz", nil)
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", jsonType)
	_, _ = rec.WriteString(`{"status":"ok"}`)
	require.NoError(t, v.Validate(req, rec.Result())) //nolint:bodyclose // a recorder's body needs no closing
	openapitest.CheckRecorder(t, req, rec)
}
