package httpapi

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"

	"github.com/swaggest/swgui/v5/static"

	"github.com/talabin/talabin/adapters/httpapi/openapi"
	"github.com/talabin/talabin/core"
)

// docsContentSecurityPolicy is the policy of the docs UI's responses: everything from 'self'
// as on every response, plus what Swagger UI needs that the default refuses: the style
// attributes React sets and the data: images of its stylesheet. Scripts stay 'self' only
// (the page starts Swagger UI from init.js, not an inline script).
const docsContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"

// Content types of the schema and the docs UI's files.
const (
	contentTypeYAML = "application/yaml; charset=utf-8"
	contentTypeHTML = "text/html; charset=utf-8"
	contentTypeJS   = "text/javascript; charset=utf-8"
	contentTypeCSS  = "text/css; charset=utf-8"
	contentTypePNG  = "image/png"
)

// msgSchemaFormat explains the format parameter of /api/schema/.
var msgSchemaFormat = localized{"قالب باید json یا yaml باشد.", "The format must be json or yaml."}

// docsUI holds the page of the docs UI and the script that starts it.
//
//go:embed docsui
var docsUI embed.FS

// docsAsset is one file the docs page loads: in fsys at name, gzip-compressed when gzipped.
type docsAsset struct {
	fsys        fs.FS
	name        string
	contentType string
	gzipped     bool
}

// docsAssets are the files under /api/docs/, each its own route: Swagger UI v5 as swaggest/swgui embeds it
// (compressed), and our init.js. Nothing is fetched from another origin.
var docsAssets = map[string]docsAsset{
	"swagger-ui.css":                  {static.FS, "swagger-ui.css.gz", contentTypeCSS, true},
	"swagger-ui-bundle.js":            {static.FS, "swagger-ui-bundle.js.gz", contentTypeJS, true},
	"swagger-ui-standalone-preset.js": {static.FS, "swagger-ui-standalone-preset.js.gz", contentTypeJS, true},
	"favicon-32x32.png":               {static.FS, "favicon-32x32.png", contentTypePNG, false},
	"favicon-16x16.png":               {static.FS, "favicon-16x16.png", contentTypePNG, false},
	"init.js":                         {docsUI, "docsui/init.js", contentTypeJS, false},
}

// WithDocs adds the API documentation of API.md §3.14: GET /api/schema/, the OpenAPI 3.1
// document as JSON (?format=yaml: YAML), and GET /api/docs/, Swagger UI on it, whose files
// are served from the binary under /api/docs/ ([docsAssets]). With debug they are public; otherwise
// staff only, authenticated as every user route is (401 without credentials, 403
// permission_denied for a customer); a browser reaches them in cookie mode. It fails when
// the embedded document does not load.
func WithDocs(debug bool) RouterOption {
	return func(a *Auth) (func(rt Routes), error) {
		doc, err := openapi.Load()
		if err != nil {
			return nil, err
		}
		page, err := docsUI.ReadFile("docsui/index.html")
		if err != nil {
			return nil, fmt.Errorf("httpapi: docs page: %w", err)
		}
		return func(rt Routes) {
			if debug {
				rt = a.Public(rt)
			} else {
				rt = a.User(rt).With(requireStaff)
			}
			rt.Get("/api/schema/", schemaDocument(doc))
			rt.Get("/api/docs/", func(w http.ResponseWriter, _ *http.Request) error {
				writeDocsFile(w, contentTypeHTML, page)
				return nil
			})
			for name, asset := range docsAssets {
				rt.Get("/api/docs/"+name, asset.serve)
			}
		}, nil
	}
}

// schemaDocument answers GET /api/schema/ with doc as JSON, or as YAML for ?format=yaml;
// another format is a validation_error.
func schemaDocument(doc *openapi.Document) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		switch format := r.URL.Query().Get("format"); strings.ToLower(format) {
		case "", "json":
			w.Header().Set("Content-Type", contentTypeJSON)
			_, _ = w.Write(doc.JSON())
		case "yaml":
			w.Header().Set("Content-Type", contentTypeYAML)
			_, _ = w.Write(doc.YAML())
		default:
			return core.FieldError("format", msgSchemaFormat.in(LanguageOf(r)))
		}
		return nil
	}
}

// serve answers the file, compressed when the client accepts gzip.
func (asset docsAsset) serve(w http.ResponseWriter, r *http.Request) error {
	body, err := fs.ReadFile(asset.fsys, asset.name)
	if err != nil {
		return fmt.Errorf("docs asset %s: %w", asset.name, err)
	}
	if !asset.gzipped {
		writeDocsFile(w, asset.contentType, body)
		return nil
	}
	w.Header().Add("Vary", "Accept-Encoding")
	if acceptsGzip(r) {
		w.Header().Set("Content-Encoding", "gzip")
		writeDocsFile(w, asset.contentType, body)
		return nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("docs asset %s: %w", asset.name, err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("docs asset %s: %w", asset.name, err)
	}
	writeDocsFile(w, asset.contentType, plain)
	return nil
}

// writeDocsFile writes one response of the docs UI under its Content-Security-Policy.
func writeDocsFile(w http.ResponseWriter, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Security-Policy", docsContentSecurityPolicy)
	h.Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body) //nolint:gosec // G705: embedded files of our own, not request data
}

// acceptsGzip reports whether r's Accept-Encoding lists gzip without refusing it (q=0).
func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
