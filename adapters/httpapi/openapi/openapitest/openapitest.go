// Package openapitest checks HTTP exchanges against the API's OpenAPI document (package
// openapi), so that every API test also proves that the answer it got is the documented
// one: the status is documented for the operation (or covered by its default), the content
// type is one the operation's response lists, and the body matches its schema. A request
// for an operation the document lacks fails, unless the router answered it as the unknown
// path (404 not_found) or method (405 method_not_allowed) it is.
package openapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	vErrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/paths"
	"github.com/pb33f/libopenapi-validator/responses"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/talabin/talabin/adapters/httpapi/openapi"
)

// Validator checks exchanges against one OpenAPI document. It is safe for concurrent use.
type Validator struct {
	model     *v3.Document
	options   *config.ValidationOptions
	responses responses.ResponseBodyValidator
	// mu serialises validations: the validator's caches are shared.
	mu sync.Mutex
}

// New returns a validator of doc, a whole OpenAPI 3.1 document (JSON or YAML).
func New(doc []byte) (*Validator, error) {
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("openapitest: %w", err)
	}
	m, err := d.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("openapitest: %w", err)
	}
	opts := []config.Option{config.WithFormatAssertions()}
	v := validator.NewValidatorFromV3Model(&m.Model, opts...)
	return &Validator{
		model:     &m.Model,
		options:   config.NewValidationOptions(opts...),
		responses: v.GetResponseBodyValidator(),
	}, nil
}

// shared is the validator of the embedded document, built once per test binary.
var shared = sync.OnceValues(func() (*Validator, error) {
	doc, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	return New(doc.JSON())
})

// Default returns the validator of the API's document (see [openapi.Load]).
func Default() (*Validator, error) { return shared() }

// Check fails t when res, the answer to req, is not what the API's document says the
// operation answers. It reads res.Body and puts back a reader over the same bytes.
func Check(t testing.TB, req *http.Request, res *http.Response) {
	t.Helper()
	v, err := Default()
	if err != nil {
		t.Fatalf("openapi document: %v", err)
	}
	if err := v.Validate(req, res); err != nil {
		t.Errorf("%v", err)
	}
}

// CheckRecorder is [Check] of a response recorded by httptest.
func CheckRecorder(t testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	res := rec.Result() //nolint:bodyclose // a recorder's body needs no closing
	Check(t, req, res)
}

// maxBodyInMessage bounds how much of a body a failure message quotes.
const maxBodyInMessage = 600

// Validate returns nil when res answers req as the document says, else an error naming the
// operation, the status and every mismatch, with the start of the body. It reads res.Body
// and puts back a reader over the same bytes.
func (v *Validator) Validate(req *http.Request, res *http.Response) error {
	body, err := readBody(res)
	if err != nil {
		return err
	}
	if isPreflight(req) || isHTTPSRedirect(req, res) {
		return nil // answered before routing, on every path; no operation of its own
	}
	method := req.Method
	v.mu.Lock()
	defer v.mu.Unlock()
	r, item, errs, found := v.find(req, true)
	if item == nil {
		// A handler mounted beside the API (the sandbox gateway's page) serves its paths
		// as they are, without the router's trailing slash.
		if r2, item2, errs2, found2 := v.find(req, false); item2 != nil {
			r, item, errs, found = r2, item2, errs2, found2
		}
	}
	where := fmt.Sprintf("%s %s (%d %s)", method, r.URL.Path, res.StatusCode, res.Header.Get("Content-Type"))
	if item == nil || len(errs) > 0 {
		missingOp := len(errs) > 0 && errs[0].ValidationSubType == helpers.ValidationMissingOperation
		if routerRefusal(res, body, missingOp) {
			return nil
		}
		what := "no path in the OpenAPI document matches"
		if missingOp {
			what = "the OpenAPI document has no " + method + " operation on " + found + " for"
		}
		return fmt.Errorf("openapi: %s %s\n%s%s", what, where, describe(errs), quote(body))
	}
	op := helpers.ExtractOperation(r, item)
	documented := documentedResponse(op, res.StatusCode)
	if documented == nil {
		return fmt.Errorf("openapi: %s %s: status %d is not documented and there is no default%s",
			method, found, res.StatusCode, quote(body))
	}
	if method == http.MethodHead {
		return nil
	}
	if documented.Content == nil || documented.Content.Len() == 0 {
		if len(body) > 0 {
			return fmt.Errorf("openapi: %s %s: answered a body the document does not describe (status %d has no content)%s",
				method, found, res.StatusCode, quote(body))
		}
		return nil
	}
	if len(body) == 0 {
		return fmt.Errorf("openapi: %s %s: answered %d with no body; the document describes one", method, found, res.StatusCode)
	}
	if _, errs := v.responses.ValidateResponseBodyWithPathItem(r, res, item, found); len(errs) > 0 {
		return fmt.Errorf("openapi: the answer to %s does not match %s %s:\n%s%s", where, method, found, describe(errs), quote(body))
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	return nil
}

// readBody reads res.Body and replaces it with a reader over the same bytes.
func readBody(res *http.Response) ([]byte, error) {
	if res.Body == nil {
		res.Body = http.NoBody
		return nil, nil
	}
	body, err := io.ReadAll(res.Body)
	if cerr := res.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("openapitest: read the response body: %w", err)
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// isPreflight reports whether req is a CORS preflight.
func isPreflight(req *http.Request) bool {
	return req.Method == http.MethodOptions && req.Header.Get("Access-Control-Request-Method") != ""
}

// isHTTPSRedirect reports whether res sends req, as it was, to HTTPS: the site's redirect of
// plain-HTTP requests, which precedes routing.
func isHTTPSRedirect(req *http.Request, res *http.Response) bool {
	switch res.StatusCode {
	case http.StatusMovedPermanently, http.StatusPermanentRedirect:
		return res.Header.Get("Location") == "https://"+req.Host+req.URL.RequestURI()
	}
	return false
}

// find looks up the documented path item of req, whose path it reads as the router
// routes it: repeated slashes collapsed and, with slash, a trailing slash added, as the
// router's patterns are written. HEAD is looked up as the GET that serves it. It returns
// the request as looked up, the path item (nil when none), the lookup's errors and the
// documented path.
func (v *Validator) find(req *http.Request, slash bool) (*http.Request, *v3.PathItem, []*vErrors.ValidationError, string) {
	r := req.Clone(req.Context())
	p := req.URL.Path
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if slash && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	r.URL.Path, r.URL.RawPath = p, ""
	r.RequestURI = ""
	if r.Method == http.MethodHead {
		r.Method = http.MethodGet
	}
	item, errs, found := paths.FindPath(r, v.model, v.options)
	return r, item, errs, found
}

// routerRefusal reports whether res is the router's own answer to a request no route
// serves: 404 not_found for an unknown path, or 405 method_not_allowed for a known path
// (missingOp) asked with another method, in the error envelope.
func routerRefusal(res *http.Response, body []byte, missingOp bool) bool {
	var env struct {
		Success *bool `json:"success"`
		Error   struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || json.Unmarshal(body, &env) != nil ||
		env.Success == nil || *env.Success {
		return false
	}
	switch {
	case res.StatusCode == http.StatusNotFound:
		return env.Error.Code == "not_found"
	case missingOp && res.StatusCode == http.StatusMethodNotAllowed:
		return env.Error.Code == "method_not_allowed"
	}
	return false
}

// documentedResponse returns the response op documents for status: its own, its range
// (4XX) or the default; nil when none.
func documentedResponse(op *v3.Operation, status int) *v3.Response {
	if op == nil || op.Responses == nil {
		return nil
	}
	if op.Responses.Codes != nil {
		for _, code := range []string{strconv.Itoa(status), strconv.Itoa(status/100) + "XX"} {
			if r, ok := op.Responses.Codes.Get(code); ok && r != nil {
				return r
			}
		}
	}
	return op.Responses.Default
}

// describe lists validation errors, one per line, with their schema failures.
func describe(errs []*vErrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "  - %s", e.Message)
		if e.Reason != "" && e.Reason != e.Message {
			fmt.Fprintf(&b, ": %s", e.Reason)
		}
		b.WriteByte('\n')
		for _, f := range e.SchemaValidationErrors {
			at := f.FieldPath
			if at == "" {
				at = "$"
			}
			fmt.Fprintf(&b, "      at %s: %s\n", at, f.Reason)
		}
	}
	return b.String()
}

// quote returns the start of body for a failure message.
func quote(body []byte) string {
	if len(body) == 0 {
		return "  (empty body)"
	}
	s := string(body)
	if len(s) > maxBodyInMessage {
		s = s[:maxBodyInMessage] + "…"
	}
	return "  body: " + s
}
