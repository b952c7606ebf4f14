package openapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi/openapi"
)

// base is a minimal first part: what 00-base.yaml holds, in small.
const base = `openapi: 3.1.0
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Thing: {type: object}
  responses:
    Error: {description: an error}
`

// part returns a part with one GET operation on path answering Thing.
func part(path string) string {
	return `paths:
  ` + path + `:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
`
}

// TestEmbeddedDocumentIsValidOpenAPI31 loads the served document and validates it against
// the OpenAPI 3.1 schema with libopenapi-validator.
func TestEmbeddedDocumentIsValidOpenAPI31(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Load()
	require.NoError(t, err)
	d, err := libopenapi.NewDocument(doc.JSON())
	require.NoError(t, err)
	v, errs := validator.NewValidator(d)
	require.Empty(t, errs)
	ok, verrs := v.ValidateDocument()
	var msgs []string
	for _, e := range verrs {
		msgs = append(msgs, e.Message+": "+e.Reason)
		for _, f := range e.SchemaValidationErrors {
			msgs = append(msgs, "  at "+f.FieldPath+": "+f.Reason)
		}
	}
	require.True(t, ok, strings.Join(msgs, "\n"))
	require.Contains(t, doc.Operations(), openapi.Operation{Method: "GET", Path: "/api/schema/"})
	require.NotContains(t, string(doc.YAML()), "<<:", "merge keys are applied")
}

// TestBuildMergesPartsInNameOrder merges paths of several parts, the same path included
// when its operations differ, and keeps the members' order in JSON.
func TestBuildMergesPartsInNameOrder(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"00-base.yaml": {Data: []byte(base)},
		"20-b.yaml":    {Data: []byte("openapi: 3.1.0\n" + part("/b/"))},
		"10-a.yaml": {Data: []byte(part("/a/") + `  /b/:
    post:
      responses:
        default: {$ref: "#/components/responses/Error"}
components:
  schemas:
    Other: {type: string}
`)},
		"notes.txt": {Data: []byte("not a part")},
	}
	doc, err := openapi.Build(fsys)
	require.NoError(t, err)
	require.Equal(t, []openapi.Operation{{"GET", "/a/"}, {"GET", "/b/"}, {"POST", "/b/"}}, doc.Operations())

	var m map[string]any
	require.NoError(t, json.Unmarshal(doc.JSON(), &m))
	require.Contains(t, m["components"].(map[string]any)["schemas"], "Other")
	js := string(doc.JSON())
	require.Less(t, strings.Index(js, `"openapi"`), strings.Index(js, `"info"`), "the base part's order is kept")
	require.Less(t, strings.Index(js, `"/a/"`), strings.Index(js, `"/b/"`), "10-a.yaml comes before 20-b.yaml")
	require.True(t, strings.HasPrefix(string(doc.YAML()), "openapi: 3.1.0\n"))
}

// TestBuildAppliesAnchorsAndMergeKeys expands a part's aliases and merge keys, so an alias
// path may override members of the operation it copies.
func TestBuildAppliesAnchorsAndMergeKeys(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"00-base.yaml": {Data: []byte(base)},
		"10-a.yaml": {Data: []byte(`paths:
  /a/:
    get: &op
      summary: original
      operationId: a
      responses: &ok
        "200": {description: ok}
  /alias/:
    get:
      <<: *op
      operationId: alias
    post:
      responses: *ok
`)},
	}
	doc, err := openapi.Build(fsys)
	require.NoError(t, err)
	var m struct {
		Paths map[string]map[string]map[string]any `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(doc.JSON(), &m))
	require.Equal(t, "original", m.Paths["/alias/"]["get"]["summary"])
	require.Equal(t, "alias", m.Paths["/alias/"]["get"]["operationId"])
	require.Equal(t, "a", m.Paths["/a/"]["get"]["operationId"])
	require.Equal(t, m.Paths["/a/"]["get"]["responses"], m.Paths["/alias/"]["post"]["responses"])
	require.NotContains(t, string(doc.YAML()), "&op")
	require.NotContains(t, string(doc.YAML()), "*ok")
}

// TestBuildRefusesConflicts names both parts of every duplicate, and refuses documents
// that libopenapi cannot build.
func TestBuildRefusesConflicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		parts map[string]string
		want  []string
	}{
		{
			name:  "DuplicateOperation",
			parts: map[string]string{"10-a.yaml": part("/x/"), "20-b.yaml": part("/x/")},
			want:  []string{"20-b.yaml: path /x/ get is already defined in 10-a.yaml"},
		},
		{
			name:  "DuplicateComponent",
			parts: map[string]string{"10-a.yaml": "components:\n  schemas:\n    Thing: {type: string}\n"},
			want:  []string{"10-a.yaml: component schemas Thing is already defined in 00-base.yaml"},
		},
		{
			name:  "DuplicateInfo",
			parts: map[string]string{"10-a.yaml": "info: {title: U, version: \"2\"}\n"},
			want:  []string{"10-a.yaml: info is already defined in 00-base.yaml"},
		},
		{
			name:  "OtherVersion",
			parts: map[string]string{"10-a.yaml": "openapi: 3.0.3\n"},
			want:  []string{`10-a.yaml: openapi "3.0.3" differs from "3.1.0"`},
		},
		{
			name:  "BrokenReference",
			parts: map[string]string{"10-a.yaml": strings.ReplaceAll(part("/x/"), "schemas/Thing", "schemas/Nothing")},
			want:  []string{"Nothing"},
		},
		{
			name:  "NotYAML",
			parts: map[string]string{"10-a.yaml": "paths: [\n"},
			want:  []string{"10-a.yaml"},
		},
		{
			name:  "PathsNotAMapping",
			parts: map[string]string{"10-a.yaml": "paths: [a]\n"},
			want:  []string{"10-a.yaml: paths is not a mapping"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{"00-base.yaml": {Data: []byte(base)}}
			for name, data := range tt.parts {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := openapi.Build(fsys)
			require.Error(t, err)
			for _, w := range tt.want {
				require.ErrorContains(t, err, w)
			}
		})
	}
}

// TestBuildNeedsParts refuses an empty folder.
func TestBuildNeedsParts(t *testing.T) {
	t.Parallel()
	_, err := openapi.Build(fstest.MapFS{})
	require.ErrorContains(t, err, "no spec/*.yaml parts")
}
