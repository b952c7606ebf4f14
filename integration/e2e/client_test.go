//go:build integration

package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// response is one answer of the app.
type response struct {
	status int
	header http.Header
	raw    string
	body   map[string]any // the JSON envelope, nil for other bodies
}

// data returns the envelope's data object.
func (r response) data(t *testing.T) map[string]any {
	t.Helper()
	d, ok := r.body["data"].(map[string]any)
	require.True(t, ok, "no data object: %s", r.raw)
	return d
}

// list returns the envelope's data array.
func (r response) list(t *testing.T) []map[string]any {
	t.Helper()
	items, ok := r.body["data"].([]any)
	require.True(t, ok, "no data array: %s", r.raw)
	out := make([]map[string]any, len(items))
	for i, it := range items {
		out[i] = it.(map[string]any)
	}
	return out
}

// code returns the error code of a failure.
func (r response) code(t *testing.T) string {
	t.Helper()
	e, ok := r.body["error"].(map[string]any)
	require.True(t, ok, "no error object: %s", r.raw)
	return e["code"].(string)
}

// client is one person's device: its address as the proxy reports it, and its session.
type client struct {
	s      *stack
	ip     string
	bearer string
}

// newClient returns a client with an address no other client of the test has.
func (s *stack) newClient(t *testing.T) *client {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients++
	require.Less(t, s.clients, 250, "a test has one /24 of client addresses")
	return &client{s: s, ip: s.network + strconv.Itoa(s.clients)}
}

// send sends one request to target, a URL on the public API origin (or a path on it), as
// the TLS proxy in front of the app would pass it on: to the app's plain-HTTP listener with
// the public Host, X-Forwarded-Proto https and the client's address in X-Forwarded-For.
func (s *stack) send(t *testing.T, method, target, contentType string, body io.Reader, bearer, ip string) (response, error) {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	if u.Host != "" {
		require.Equal(t, publicAPI, u.Scheme+"://"+u.Host, "%s is not on the API", target)
	}
	u.Scheme, u.Host = "http", s.addr
	req, err := http.NewRequestWithContext(t.Context(), method, u.String(), body)
	require.NoError(t, err)
	req.Host = apiHost
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-For", ip)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := s.browser.Do(req)
	if err != nil {
		return response{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	r := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if json.Unmarshal(raw, &m) == nil {
			r.body = m
		}
	}
	return r, nil
}

// tryCall sends a JSON request and returns the error of the transport, for polling.
func (s *stack) tryCall(t *testing.T, method, path string, body any, bearer, ip string) (response, error) {
	t.Helper()
	var rd io.Reader
	contentType := ""
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd, contentType = bytes.NewReader(b), "application/json"
	}
	return s.send(t, method, path, contentType, rd, bearer, ip)
}

// call sends a JSON request (body nil for none) as c.
func (c *client) call(t *testing.T, method, path string, body any) response {
	t.Helper()
	r, err := c.s.tryCall(t, method, path, body, c.bearer, c.ip)
	require.NoError(t, err)
	return r
}

// ok sends a JSON request as c and requires the status want.
func (c *client) ok(t *testing.T, want int, method, path string, body any) response {
	t.Helper()
	r := c.call(t, method, path, body)
	require.Equal(t, want, r.status, "%s %s: %s", method, path, r.raw)
	return r
}

// fails sends a JSON request as c and requires the status and error code.
func (c *client) fails(t *testing.T, status int, code, method, path string, body any) {
	t.Helper()
	r := c.call(t, method, path, body)
	require.Equal(t, status, r.status, "%s %s: %s", method, path, r.raw)
	require.Equal(t, code, r.code(t), "%s %s", method, path)
}

// upload posts a multipart form with one file as c.
func (c *client) upload(t *testing.T, path string, fields map[string]string, fileField, fileName string, content []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	fw, err := mw.CreateFormFile(fileField, fileName)
	require.NoError(t, err)
	_, err = fw.Write(content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	r, err := c.s.send(t, http.MethodPost, path, mw.FormDataContentType(), &body, c.bearer, c.ip)
	require.NoError(t, err)
	return r
}

// pngImage and jpegImage return small real images, the kinds a phone's camera uploads.
func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 20))
	for x := range 32 {
		img.Set(x, x%20, color.RGBA{R: 200, G: 160, B: 40, A: 255})
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func jpegImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 24, 24))
	for x := range 24 {
		img.Set(x, 23-x, color.RGBA{R: 30, G: 90, B: 160, A: 255})
	}
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}))
	return b.Bytes()
}

// autoSubmitForm matches the form IDPay's page posts back to the merchant, and its fields.
var (
	autoSubmitForm = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
	hiddenField    = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// postedForm reads the auto-submitting form of a payment page: where the browser posts it
// and what.
func postedForm(t *testing.T, page string) (string, url.Values) {
	t.Helper()
	m := autoSubmitForm.FindStringSubmatch(page)
	require.NotNil(t, m, "no form on the payment page: %s", page)
	fields := url.Values{}
	for _, f := range hiddenField.FindAllStringSubmatch(page, -1) {
		fields.Add(html.UnescapeString(f[1]), html.UnescapeString(f[2]))
	}
	return html.UnescapeString(m[1]), fields
}

// get fetches url outside the app (a gateway's page) without following redirects and
// returns the status, the redirect's target and the body.
func (s *stack) get(t *testing.T, target string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
	require.NoError(t, err)
	resp, err := s.browser.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Location"), string(raw)
}

// nationalID returns a valid random Iranian national id (mod-11 check digit).
func nationalID(t *testing.T) string {
	t.Helper()
	for {
		d := fmt.Sprintf("%09d", randomBelow(t, 1_000_000_000))
		if strings.Count(d, d[:1]) == 9 || d[3:9] == "000000" {
			continue
		}
		sum := 0
		for i := range 9 {
			sum += int(d[i]-'0') * (10 - i)
		}
		check := sum % 11
		if check >= 2 {
			check = 11 - check
		}
		return d + strconv.Itoa(check)
	}
}

// num reads a JSON number field as an int64.
func num(t *testing.T, m map[string]any, key string) int64 {
	t.Helper()
	v, ok := m[key].(float64)
	require.True(t, ok, "%s is not a number in %v", key, m)
	return int64(v)
}

// idOf returns an object's id as it goes in a path.
func idOf(t *testing.T, m map[string]any) string {
	t.Helper()
	return strconv.FormatInt(num(t, m, "id"), 10)
}

// grams writes micrograms as the API does: grams with exactly six decimals.
func grams(micro int64) string {
	return fmt.Sprintf("%d.%06d", micro/1_000_000, micro%1_000_000)
}

// itoa writes a whole number as the API's strings and paths do.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
