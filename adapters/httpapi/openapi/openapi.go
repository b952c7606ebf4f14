// Package openapi holds the OpenAPI 3.1 document of the HTTP API contract (API.md), served at
// /api/schema/ and read by the docs UI and by the tests that check every API response
// against it (see the openapitest package).
//
// The document is written in parts, spec/*.yaml, embedded in the binary: 00-base.yaml holds
// the info, tags, security schemes and the shared components, and each further file the
// paths of one area of the API with the components only it uses. [Load] merges them in
// file-name order into one document; two parts that define the same operation (path and
// method) or the same component are an error, so the parts can be written independently.
package openapi

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	"go.yaml.in/yaml/v3"
)

//go:embed spec/*.yaml
var specFS embed.FS

// Operation is one method on one documented path, spelled as the router registers it
// ("GET", "/api/auth/sessions/{id}/").
type Operation struct {
	Method string
	Path   string
}

// Document is the merged OpenAPI document.
type Document struct {
	yaml       []byte
	json       []byte
	operations []Operation
}

// YAML returns the document as YAML.
func (d *Document) YAML() []byte { return d.yaml }

// JSON returns the document as JSON, its members in the order of the YAML parts.
func (d *Document) JSON() []byte { return d.json }

// Operations returns every documented operation, sorted by path, then method.
func (d *Document) Operations() []Operation { return slices.Clone(d.operations) }

// load merges the embedded parts once: they cannot change while the process runs.
var load = sync.OnceValues(func() (*Document, error) {
	sub, err := fs.Sub(specFS, "spec")
	if err != nil {
		return nil, err
	}
	return Build(sub)
})

// Load returns the document merged from the embedded parts. It fails when the parts
// conflict or the result is not a valid OpenAPI document.
func Load() (*Document, error) { return load() }

// operationKeys are the members of a path item that are operations.
var operationKeys = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Build merges every *.yaml file at the top of fsys, in file-name order, into one document
// and checks that libopenapi builds it: a YAML error, a duplicate operation or component, a
// broken $ref or an invalid document fails with the names of the files and keys involved.
func Build(fsys fs.FS) (*Document, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("openapi: no spec/*.yaml parts")
	}
	slices.Sort(names)
	m := newMerger()
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", name, err)
		}
		if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
			return nil, fmt.Errorf("openapi: %s: not a YAML mapping", name)
		}
		m.add(name, expandAliases(doc.Content[0]))
	}
	if err := errors.Join(m.errs...); err != nil {
		return nil, err
	}
	out, err := yaml.Marshal(m.root)
	if err != nil {
		return nil, fmt.Errorf("openapi: encode: %w", err)
	}
	if err := check(out); err != nil {
		return nil, err
	}
	var js bytes.Buffer
	if err := writeJSON(&js, m.root); err != nil {
		return nil, fmt.Errorf("openapi: encode json: %w", err)
	}
	return &Document{yaml: out, json: js.Bytes(), operations: operationsOf(m.root)}, nil
}

// check builds the OpenAPI model of doc with libopenapi, which resolves every $ref.
func check(doc []byte) error {
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		return fmt.Errorf("openapi: %w", err)
	}
	if !strings.HasPrefix(d.GetVersion(), "3.1") {
		return fmt.Errorf("openapi: the merged document is %s %s, not OpenAPI 3.1", d.GetSpecInfo().SpecFormat, d.GetVersion())
	}
	if _, err := d.BuildV3Model(); err != nil {
		return fmt.Errorf("openapi: %w", err)
	}
	return nil
}

// merger accumulates the parts into root and the conflicts into errs.
type merger struct {
	root *yaml.Node
	// owner names the part that defined each merged key ("paths /x/ get", "components
	// schemas Foo", "info").
	owner map[string]string
	errs  []error
}

func newMerger() *merger {
	return &merger{root: &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, owner: map[string]string{}}
}

// claim records that part defines key, or an error when another part already did.
func (m *merger) claim(part, key string) bool {
	if first, ok := m.owner[key]; ok {
		m.errs = append(m.errs, fmt.Errorf("openapi: %s: %s is already defined in %s", part, key, first))
		return false
	}
	m.owner[key] = part
	return true
}

// add merges the top-level mapping of one part: paths by operation, components by name,
// every other member (info, servers, tags, ...) whole; the openapi version may repeat.
func (m *merger) add(part string, top *yaml.Node) {
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, val := top.Content[i].Value, top.Content[i+1]
		switch key {
		case "paths":
			m.addPaths(part, val)
		case "components":
			m.addComponents(part, val)
		case "openapi":
			// Parts may name the version, to stand alone in an editor; it must agree.
			if v := member(m.root, key, yaml.ScalarNode); v.Value == "" {
				setMember(m.root, key, val)
			} else if v.Value != val.Value {
				m.errs = append(m.errs, fmt.Errorf("openapi: %s: openapi %q differs from %q", part, val.Value, v.Value))
			}
		default:
			if m.claim(part, key) {
				setMember(m.root, key, val)
			}
		}
	}
}

// addPaths merges the path items of part: a path may appear in several parts as long as
// each operation and each other member of the item is defined once.
func (m *merger) addPaths(part string, paths *yaml.Node) {
	m.addNested(part, paths, "paths", "path")
}

// addComponents merges the components of part, each section (schemas, parameters, ...)
// by name.
func (m *merger) addComponents(part string, comps *yaml.Node) {
	m.addNested(part, comps, "components", "component")
}

// addNested merges node, the top-level member top of part, two levels deep: each of its
// entries (a path, a components section) may appear in several parts, each member of an
// entry (an operation, a component) only in one; label names the entries in errors.
func (m *merger) addNested(part string, node *yaml.Node, top, label string) {
	if node.Kind != yaml.MappingNode {
		m.errs = append(m.errs, fmt.Errorf("openapi: %s: %s is not a mapping", part, top))
		return
	}
	merged := member(m.root, top, yaml.MappingNode)
	for i := 0; i+1 < len(node.Content); i += 2 {
		entry, members := node.Content[i].Value, node.Content[i+1]
		if members.Kind != yaml.MappingNode {
			m.errs = append(m.errs, fmt.Errorf("openapi: %s: %s %s is not a mapping", part, label, entry))
			continue
		}
		into := member(merged, entry, yaml.MappingNode)
		for j := 0; j+1 < len(members.Content); j += 2 {
			name := members.Content[j].Value
			if m.claim(part, label+" "+entry+" "+name) {
				setMember(into, name, members.Content[j+1])
			}
		}
	}
}

// member returns the value of key in mapping n, adding an empty node of kind when absent.
func member(n *yaml.Node, key string, kind yaml.Kind) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	v := &yaml.Node{Kind: kind}
	if kind == yaml.MappingNode {
		v.Tag = "!!map"
	}
	setMember(n, key, v)
	return v
}

// setMember sets key to val in mapping n, replacing an existing value (the empty
// "paths: {}" of a part) or appending.
func setMember(n *yaml.Node, key string, val *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content[i+1] = val
			return
		}
	}
	n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, val)
}

// expandAliases replaces every alias in n by a copy of its anchor's node and applies merge
// keys ("<<: *op" with some members overridden), so that the parts' anchors do not leak
// into the merged document and the JSON form needs no references.
func expandAliases(n *yaml.Node) *yaml.Node {
	switch n.Kind {
	case yaml.AliasNode:
		return expandAliases(n.Alias)
	case yaml.MappingNode:
		return expandMapping(n)
	case yaml.SequenceNode, yaml.DocumentNode:
		c := *n
		c.Anchor = ""
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			c.Content[i] = expandAliases(child)
		}
		return &c
	default:
		c := *n
		c.Anchor = ""
		return &c
	}
}

// expandMapping is [expandAliases] of a mapping: the members of a merge key's mappings
// take its place, except those the mapping itself defines.
func expandMapping(n *yaml.Node) *yaml.Node {
	own := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Tag != "!!merge" {
			own[k.Value] = true
		}
	}
	c := *n
	c.Anchor = ""
	c.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], expandAliases(n.Content[i+1])
		if k.Tag != "!!merge" {
			c.Content = append(c.Content, expandAliases(k), v)
			continue
		}
		sources := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			sources = v.Content
		}
		for _, src := range sources {
			for j := 0; j+1 < len(src.Content); j += 2 {
				if key := src.Content[j].Value; !own[key] {
					own[key] = true
					c.Content = append(c.Content, src.Content[j], src.Content[j+1])
				}
			}
		}
	}
	return &c
}

// writeJSON writes n as JSON, keeping the order of mapping keys.
func writeJSON(b *bytes.Buffer, n *yaml.Node) error {
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			k, err := json.Marshal(n.Content[i].Value)
			if err != nil {
				return err
			}
			b.Write(k)
			b.WriteByte(':')
			if err := writeJSON(b, n.Content[i+1]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, c); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return err
		}
		s, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		b.Write(s)
	default:
		return fmt.Errorf("line %d: unexpected YAML node kind %d", n.Line, n.Kind)
	}
	return nil
}

// operationsOf lists the operations of the merged document.
func operationsOf(root *yaml.Node) []Operation {
	var out []Operation
	paths := member(root, "paths", yaml.MappingNode)
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if k := item.Content[j].Value; slices.Contains(operationKeys, k) {
				out = append(out, Operation{Method: strings.ToUpper(k), Path: paths.Content[i].Value})
			}
		}
	}
	slices.SortFunc(out, func(a, b Operation) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Method, b.Method))
	})
	return out
}
