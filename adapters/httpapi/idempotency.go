package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/idempotency"
	"github.com/talabin/talabin/ports"
)

// Headers of idempotent requests (API.md §1.6).
const (
	HeaderIdempotencyKey      = "Idempotency-Key"
	HeaderIdempotencyReplayed = "Idempotency-Replayed"
)

// renderFunc writes the success response of an idempotent operation for its result: the
// handler writes the real response with it and the stored one is rendered by it too, so a
// replay repeats the same bytes.
type renderFunc func(w http.ResponseWriter, r *http.Request, result any)

// idempotentCall reads r's Idempotency-Key and returns the [ports.IdempotentCall] of
// operation op for the decoded body in: the key scoped to the caller (user, or client IP for
// anonymous calls) and op, the fingerprint of the body, and a Respond that renders outcomes
// as this adapter answers them, success through render. Without the header the call is zero
// (no deduplication), or, when keys are required, the error is
// [core.ErrIdempotencyKeyRequired]. A malformed key is [core.ErrIdempotencyKeyInvalid].
func idempotentCall(r *http.Request, in *Body, op string, required bool, render renderFunc) (ports.IdempotentCall, error) {
	values := r.Header.Values(HeaderIdempotencyKey)
	if len(values) == 0 {
		if required {
			return ports.IdempotentCall{}, core.ErrIdempotencyKeyRequired
		}
		return ports.IdempotentCall{}, nil
	}
	if len(values) > 1 {
		return ports.IdempotentCall{}, fmt.Errorf("%w: the header was sent %d times", core.ErrIdempotencyKeyInvalid, len(values))
	}
	key, err := idempotency.NewKey(idempotencyScope(r, op), values[0])
	if err != nil {
		return ports.IdempotentCall{}, err
	}
	fp, err := fingerprint(in)
	if err != nil {
		return ports.IdempotentCall{}, err
	}
	return ports.IdempotentCall{
		Key:         key,
		Fingerprint: fp,
		Respond: func(result any, err error) (idempotency.Response, bool) {
			rec := &responseRecorder{header: http.Header{}}
			if err != nil {
				if !storable(err) {
					return idempotency.Response{}, false
				}
				WriteError(rec, r, err)
			} else {
				render(rec, r, result)
			}
			return idempotency.Response{Status: rec.statusCode(), Body: rec.body.Bytes()}, true
		},
	}, nil
}

// idempotencyScope names the caller and the operation: "user:42:trading.place_order", or
// "ip:203.0.113.7:..." for an anonymous caller.
func idempotencyScope(r *http.Request, op string) string {
	if p, ok := PrincipalOf(r.Context()); ok {
		return "user:" + p.UserID.String() + ":" + op
	}
	return "ip:" + KeyByIP(r) + ":" + op
}

// storable reports whether an error answer is kept for replays (API.md §1.6): 4xx answers
// are, but 401, 403, 429 and the idempotency conflicts themselves, which say nothing about
// the request, are not; neither are 5xx answers, after which nothing was committed.
func storable(err error) bool {
	status, code := ErrorStatus(err)
	switch {
	case status < 400 || status >= 500:
		return false
	case status == http.StatusUnauthorized, status == http.StatusForbidden, status == http.StatusTooManyRequests:
		return false
	}
	return !strings.HasPrefix(code, "idempotency_")
}

// fingerprint hashes the canonical form of a decoded body (API.md §1.6): its fields
// re-serialised as JSON with sorted keys and numbers kept as written, and each uploaded
// file replaced by the SHA-256 of its content.
func fingerprint(in *Body) (idempotency.Fingerprint, error) {
	canonical := make(map[string]any, len(in.d.fields)+len(in.d.files))
	for name, raw := range in.d.fields {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return idempotency.Fingerprint{}, fmt.Errorf("%w: %w", core.ErrInvalidJSON, err)
		}
		canonical[name] = v
	}
	for name, files := range in.d.files {
		sums := make([]string, 0, len(files))
		for _, fh := range files {
			sum, err := fileSHA256(fh)
			if err != nil {
				return idempotency.Fingerprint{}, err
			}
			sums = append(sums, sum)
		}
		canonical[name] = map[string]any{"files_sha256": sums}
	}
	b, err := json.Marshal(canonical) // maps marshal with sorted keys
	if err != nil {
		return idempotency.Fingerprint{}, fmt.Errorf("canonical request body: %w", err)
	}
	return idempotency.FingerprintOf(b), nil
}

// fileSHA256 returns the hex SHA-256 of an uploaded file's content.
func fileSHA256(fh *multipart.FileHeader) (string, error) {
	f, err := fh.Open()
	if err != nil {
		return "", fmt.Errorf("open uploaded file: %w", err)
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read uploaded file: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeReplay answers with a stored response, marked Idempotency-Replayed: true.
func writeReplay(w http.ResponseWriter, resp *idempotency.Response) {
	h := w.Header()
	h.Set("Content-Type", contentTypeJSON)
	h.Set(HeaderIdempotencyReplayed, "true")
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body) //nolint:gosec // G705: a stored JSON body served as application/json with nosniff
}

// responseRecorder captures a response instead of sending it, to store it for replays.
type responseRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rr *responseRecorder) Header() http.Header { return rr.header }

func (rr *responseRecorder) WriteHeader(status int) {
	if rr.status == 0 {
		rr.status = status
	}
}

func (rr *responseRecorder) Write(p []byte) (int, error) {
	if rr.status == 0 {
		rr.status = http.StatusOK
	}
	return rr.body.Write(p)
}

// statusCode returns the recorded status, 200 when none was written.
func (rr *responseRecorder) statusCode() int {
	if rr.status == 0 {
		return http.StatusOK
	}
	return rr.status
}

// answerOutcome answers the outcome of an idempotent use case: its error (answered by the
// router), the stored response of a replay, or the result through render, the same render
// the call's Respond stores, so a replay repeats the first answer byte for byte.
func answerOutcome[T any](w http.ResponseWriter, r *http.Request, out ports.Outcome[T], err error, render renderFunc) error {
	if err != nil {
		return err
	}
	if out.Replayed != nil {
		writeReplay(w, out.Replayed)
		return nil
	}
	render(w, r, out.Result)
	return nil
}
