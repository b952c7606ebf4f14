package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/talabin/talabin/core"
)

// Body size limits (API.md §1.10). Routes change them with [BodyLimit] and
// [MultipartLimit].
const (
	// DefaultBodyLimit caps JSON and form-urlencoded bodies: 1 MiB.
	DefaultBodyLimit int64 = 1 << 20
	// DefaultMultipartLimit caps multipart/form-data bodies, files included: 12 MiB.
	DefaultMultipartLimit int64 = 12 << 20
)

// bodyLimit is the size cap of a request body by kind.
type bodyLimit struct {
	plain     int64 // JSON, form-urlencoded and anything else
	multipart int64
}

// defaultBodyLimit is the cap of every route without a body option.
var defaultBodyLimit = bodyLimit{plain: DefaultBodyLimit, multipart: DefaultMultipartLimit}

// mediaKind is a request body format the decoder tells apart.
type mediaKind int

const (
	mediaNone mediaKind = iota // no Content-Type
	mediaJSON
	mediaForm
	mediaMultipart
	mediaOther // anything else, including a malformed Content-Type
)

// decodedBody is a request body read into one bag of fields: every value is kept as JSON
// (form and multipart values as JSON strings) so that one set of getters reads them all.
type decodedBody struct {
	fields map[string]json.RawMessage
	files  map[string][]*multipart.FileHeader
}

var emptyBody = &decodedBody{}

// Decode reads the body of r into a [Body] (API.md §1.1). It accepts application/json
// (also any +json type), application/x-www-form-urlencoded and multipart/form-data on every
// route. An empty body, whatever its Content-Type, is an empty object. It fails with an
// error wrapping
//   - [core.ErrInvalidJSON] when a JSON body is malformed (400 invalid_json);
//   - [core.ErrPayloadTooLarge] when the body exceeds the route's limit (413), by default
//     [DefaultBodyLimit], or [DefaultMultipartLimit] for multipart bodies;
//   - [core.ErrUnsupportedMediaType] when a non-empty body has another or no Content-Type (415);
//
// or with a [core.ValidationError] (400 validation_error) when well-formed JSON is not an
// object or a multipart body is malformed. Unknown fields are kept and simply never read,
// so they are ignored. Inside the router the result is cached, so middleware and the handler
// may both call Decode; outside it, call it once.
func Decode(r *http.Request) (*Body, error) {
	st := stateOf(r.Context())
	lang := LanguageOf(r)
	if st != nil && (st.decoded != nil || st.decodeErr != nil) {
		if st.decodeErr != nil {
			return nil, st.decodeErr
		}
		return newBody(st.decoded, lang), nil
	}
	limit := defaultBodyLimit
	if st != nil {
		limit = st.limit
	}
	d, err := decodeBody(r, limit, lang)
	if st != nil {
		st.decoded, st.decodeErr = d, err
	}
	if err != nil {
		return nil, err
	}
	return newBody(d, lang), nil
}

// decodeBody reads r's body by its Content-Type under limit.
func decodeBody(r *http.Request, limit bodyLimit, lang Language) (*decodedBody, error) {
	kind, params := mediaKindOf(r.Header.Get("Content-Type"))
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return emptyBody, nil
	}
	maxBytes := limit.plain
	if kind == mediaMultipart {
		maxBytes = limit.multipart
	}
	if r.ContentLength > maxBytes {
		return nil, fmt.Errorf("%w: content length %d exceeds %d bytes", core.ErrPayloadTooLarge, r.ContentLength, maxBytes)
	}
	body := &cappedReader{r: r.Body, limit: maxBytes}
	switch kind {
	case mediaMultipart:
		return decodeMultipart(r, body, params["boundary"], lang)
	case mediaJSON, mediaForm:
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, readError(body, err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return emptyBody, nil
		}
		if kind == mediaJSON {
			return decodeJSON(data, lang)
		}
		return decodeForm(data), nil
	default:
		var one [1]byte
		n, err := io.ReadFull(body, one[:])
		if n == 0 && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) {
			return emptyBody, nil
		}
		if n == 0 && err != nil {
			return nil, readError(body, err)
		}
		return nil, fmt.Errorf("%w: %q", core.ErrUnsupportedMediaType, r.Header.Get("Content-Type"))
	}
}

// mediaKindOf classifies a Content-Type header value.
func mediaKindOf(contentType string) (mediaKind, map[string]string) {
	if strings.TrimSpace(contentType) == "" {
		return mediaNone, nil
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	switch {
	case err != nil:
		return mediaOther, nil
	case mediaType == "application/json" || strings.HasPrefix(mediaType, "application/") && strings.HasSuffix(mediaType, "+json"):
		return mediaJSON, params
	case mediaType == "application/x-www-form-urlencoded":
		return mediaForm, params
	case mediaType == "multipart/form-data":
		return mediaMultipart, params
	default:
		return mediaOther, params
	}
}

// readError turns a failed body read into the payload-too-large error when the cap was hit.
func readError(body *cappedReader, err error) error {
	if body.exceeded {
		return fmt.Errorf("%w: body exceeds %d bytes", core.ErrPayloadTooLarge, body.limit)
	}
	return fmt.Errorf("read request body: %w", err)
}

// decodeJSON reads a JSON body that must be one object.
func decodeJSON(data []byte, lang Language) (*decodedBody, error) {
	if !json.Valid(data) {
		return nil, core.ErrInvalidJSON
	}
	if bytes.TrimSpace(data)[0] != '{' {
		return nil, core.FieldError(core.NonFieldErrors, msgNotObject.in(lang))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("%w: %w", core.ErrInvalidJSON, err)
	}
	return &decodedBody{fields: fields}, nil
}

// decodeForm reads a form-urlencoded body. As Django's QueryDict did, a field sent several
// times keeps its last value and a malformed pair (a bad %-escape) is skipped rather than
// failing the whole body, which is why url.ParseQuery's error is not returned.
func decodeForm(data []byte) *decodedBody {
	values, _ := url.ParseQuery(string(data))
	return &decodedBody{fields: textFields(values)}
}

// decodeMultipart reads a multipart/form-data body, files included, into memory: the body is
// already capped, so nothing spills to disk. The parsed form is also set as r.MultipartForm.
func decodeMultipart(r *http.Request, body *cappedReader, boundary string, lang Language) (*decodedBody, error) {
	if boundary == "" {
		return nil, core.FieldError(core.NonFieldErrors, msgBadMultipart.in(lang))
	}
	form, err := multipart.NewReader(body, boundary).ReadForm(body.limit)
	if body.exceeded || errors.Is(err, multipart.ErrMessageTooLarge) {
		if form != nil {
			_ = form.RemoveAll()
		}
		return nil, fmt.Errorf("%w: multipart body exceeds %d bytes", core.ErrPayloadTooLarge, body.limit)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", core.FieldError(core.NonFieldErrors, msgBadMultipart.in(lang)), err)
	}
	r.MultipartForm = form
	return &decodedBody{fields: textFields(form.Value), files: form.File}, nil
}

// textFields keeps the last value of every text field as a JSON string.
func textFields(values map[string][]string) map[string]json.RawMessage {
	fields := make(map[string]json.RawMessage, len(values))
	for name, vs := range values {
		if len(vs) == 0 {
			continue
		}
		raw, err := json.Marshal(vs[len(vs)-1])
		if err != nil {
			continue // a Go string always encodes
		}
		fields[name] = raw
	}
	return fields
}

// cappedReader reads at most limit bytes; once the body proves longer it fails and
// remembers that it did.
type cappedReader struct {
	r        io.Reader
	limit    int64
	read     int64
	exceeded bool
}

// errBodyTooLarge is what a [cappedReader] returns once its limit is passed.
var errBodyTooLarge = fmt.Errorf("%w: request body too large", core.ErrPayloadTooLarge)

// Read reads up to the limit and one byte beyond, which is how it tells a body of exactly
// the limit from a longer one.
func (c *cappedReader) Read(p []byte) (int, error) {
	if c.exceeded {
		return 0, errBodyTooLarge
	}
	if left := c.limit - c.read; int64(len(p)) > left+1 {
		p = p[:left+1]
	}
	n, err := c.r.Read(p)
	c.read += int64(n)
	if c.read > c.limit {
		n -= int(c.read - c.limit)
		c.read = c.limit
		c.exceeded = true
		return n, errBodyTooLarge
	}
	return n, err
}
