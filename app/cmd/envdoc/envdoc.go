package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/talabin/talabin/app/config"
	"github.com/talabin/talabin/core"
)

// configType is the struct the reference documents.
var configType = reflect.TypeFor[config.Config]()

// Variable is one row of the reference.
type Variable struct {
	// Name is the environment variable, from the env tag.
	Name string
	// Field is the Go field it fills.
	Field string
	// Type says what the value is, in words ([typeName]).
	Type string
	// Default is the envDefault tag; "" when there is none.
	Default string
	// Required is "always", "yes", "conditional" or "no" ([requirement]).
	Required string
	// Doc is the field's doc comment as Markdown, or, for a field that shares the comment of
	// the field before it, a pointer to that field's variable.
	Doc string
}

// fieldDoc is the doc comment of a field as written above it, and the field that comment
// was written for: fields declared right under a commented one, with no comment and no blank
// line of their own, share its comment (`DBName, DBUser, ... describe ...`).
type fieldDoc struct {
	text  string
	owner string
}

// Generate returns the Markdown reference of [config.Config], reading the doc comments from
// the config package's source in dir.
func Generate(dir string) ([]byte, error) {
	docs, err := fieldDocs(dir)
	if err != nil {
		return nil, err
	}
	vars, err := variables(docs)
	if err != nil {
		return nil, err
	}
	return render(vars), nil
}

// fieldDocs parses the Go files of dir (tests excluded) and returns the doc comment of each
// field of the Config struct by field name.
func fieldDocs(dir string) (map[string]fieldDoc, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name) //nolint:gosec // the config package's own source, named by the caller
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if st := findStruct(f, configType.Name()); st != nil {
			return structDocs(fset, st), nil
		}
	}
	return nil, fmt.Errorf("no struct %s in %s", configType.Name(), dir)
}

// findStruct returns the struct type declared as name in f, or nil.
func findStruct(f *ast.File, name string) *ast.StructType {
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.TYPE {
			continue
		}
		for _, spec := range gen.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok || ts.Name.Name != name {
				continue
			}
			if st, ok := ts.Type.(*ast.StructType); ok {
				return st
			}
		}
	}
	return nil
}

// structDocs returns the doc comment of every named field of st, shared comments included.
func structDocs(fset *token.FileSet, st *ast.StructType) map[string]fieldDoc {
	docs := map[string]fieldDoc{}
	var prev fieldDoc
	prevEnd := -1
	for _, field := range st.Fields.List {
		line := fset.Position(field.Pos()).Line
		doc := fieldDoc{}
		switch {
		case field.Doc != nil:
			doc = fieldDoc{text: field.Doc.Text(), owner: field.Names[0].Name}
		case line == prevEnd+1:
			doc = prev
		}
		for _, n := range field.Names {
			docs[n.Name] = doc
		}
		prev, prevEnd = doc, fset.Position(field.End()).Line
	}
	return docs
}

// variables reads the env tags of Config's fields, in declaration order.
func variables(docs map[string]fieldDoc) ([]Variable, error) {
	envNames := map[string]string{} // field name → variable
	type tagged struct {
		field   reflect.StructField
		name    string
		options []string
	}
	var fields []tagged
	for i := range configType.NumField() {
		f := configType.Field(i)
		parts := strings.Split(f.Tag.Get("env"), ",")
		switch {
		case parts[0] == "-":
			continue
		case parts[0] == "" && f.Type.Kind() == reflect.Struct:
			return nil, fmt.Errorf("field %s: nested structs are not supported; give each field its own env tag", f.Name)
		case parts[0] == "":
			continue // caarlos0/env ignores it too
		}
		envNames[f.Name] = parts[0]
		fields = append(fields, tagged{field: f, name: parts[0], options: parts[1:]})
	}
	var errs []error
	vars := make([]Variable, 0, len(fields))
	for _, t := range fields {
		doc := docs[t.field.Name]
		if doc.text == "" {
			errs = append(errs, fmt.Errorf("field %s (%s) has no doc comment", t.field.Name, t.name))
			continue
		}
		def := t.field.Tag.Get("envDefault")
		v := Variable{
			Name:     t.name,
			Field:    t.field.Name,
			Type:     typeName(t.field.Type),
			Default:  def,
			Required: requirement(doc.text, def, t.options),
		}
		if doc.owner == t.field.Name {
			v.Doc = markdown(doc.text, envNames)
		} else {
			v.Doc = fmt.Sprintf("See `%s`.", envNames[doc.owner])
		}
		vars = append(vars, v)
	}
	return vars, errors.Join(errs...)
}

// Patterns of the doc comments' wording that [requirement] reads.
var (
	requiredInProduction = regexp.MustCompile(`(?i)\brequired\b[^.;]*\bwhen debug is false\b`)
	requiredSometimes    = regexp.MustCompile(`(?i)\brequired\b`)
)

// requirement says whether a variable must be set in production, from its env tag options
// and the wording of its doc comment, which by the package's convention says "required when
// Debug is false" for a variable the production rules of Load demand, and "required when
// (or with) ..." for one demanded only in some configurations.
func requirement(doc, def string, options []string) string {
	for _, o := range options {
		if o == "required" || o == "notEmpty" {
			return "always"
		}
	}
	switch {
	case def != "":
		return "no"
	case requiredInProduction.MatchString(doc):
		return "yes"
	case requiredSometimes.MatchString(doc):
		return "conditional"
	default:
		return "no"
	}
}

// typeName says what a field of type t holds, in the words of an operator.
func typeName(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[time.Duration]():
		return "duration"
	case reflect.TypeFor[slog.Level]():
		return "log level"
	case reflect.TypeFor[core.Rial]():
		return "rials"
	case reflect.TypeFor[core.BasisPoints]():
		return "percentage"
	case reflect.TypeFor[netip.Prefix]():
		return "IP address or CIDR prefix"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return typeName(t.Elem())
	case reflect.Slice:
		return "list of " + typeName(t.Elem())
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	default:
		return t.String()
	}
}

var (
	// docLink is a Go doc link such as [core.ParseFeePercent] or [Config.SQLitePath].
	docLink = regexp.MustCompile(`\[([A-Za-z_][A-Za-z0-9_.]*)\]`)
	// goName is an exported Go identifier, which may name a field.
	goName = regexp.MustCompile(`\b[A-Z][A-Za-z0-9]*\b`)
)

// markdown turns a doc comment into one line of Markdown for a table cell: doc links become
// code, field names become their variables (SMSProviders → `SMS_PROVIDERS`), and pipes are
// escaped.
func markdown(doc string, envNames map[string]string) string {
	text := strings.Join(strings.Fields(doc), " ")
	text = docLink.ReplaceAllStringFunc(text, func(link string) string {
		target := strings.Trim(link, "[]")
		if env, ok := envNames[strings.TrimPrefix(target, configType.Name()+".")]; ok {
			return "`" + env + "`"
		}
		return "`" + target + "`"
	})
	// Only outside code spans: the even pieces between backticks.
	pieces := strings.Split(text, "`")
	for i := 0; i < len(pieces); i += 2 {
		pieces[i] = goName.ReplaceAllStringFunc(pieces[i], func(word string) string {
			if env, ok := envNames[word]; ok {
				return "`" + env + "`"
			}
			return word
		})
	}
	return strings.ReplaceAll(strings.Join(pieces, "`"), "|", `\|`)
}

// header opens the generated file.
const header = `<!-- Code generated by "make docs" (go run ./app/cmd/envdoc) from app/config.Config. DO NOT EDIT. -->

# Configuration reference

Talabin reads its whole configuration from environment variables; in the systemd deployment
they live in ` + "`/etc/talabin/env`" + ` (see [deployment.md](deployment.md)). A variable that is unset
or empty takes its default. A value that breaks a rule stops start-up with one line naming the
variable and the rule, and exit code 2; ` + "`talabin check --deploy`" + ` audits a configuration for
production.

This page is generated from the ` + "`Config`" + ` struct in ` + "`app/config/config.go`" + `: the names and
defaults from its ` + "`env`" + ` and ` + "`envDefault`" + ` tags, the descriptions from the fields' doc comments.
After changing the struct run ` + "`make docs`" + `; a test fails while this page differs from the struct.

- **Type**: lists are comma-separated; a duration is a Go duration such as ` + "`30s`, `5m` or `1h30m`" + `;
  rials are whole numbers (Persian and Arabic digits and thousands separators are accepted); a
  percentage has at most two decimals, such as ` + "`0.5`" + `.
- **Default**: the tag's default. Some variables have a default that depends on ` + "`DEBUG`" + ` or
  on other variables; the description says so.
- **Required in production**: ` + "`yes`" + ` when the app refuses to start with ` + "`DEBUG=false`" + ` and the
  variable unset; ` + "`conditional`" + ` when only some configurations need it (the description says
  which); ` + "`no`" + ` otherwise. It is read from the doc comment's wording ("required when Debug is
  false").

| Variable | Type | Default | Required in production | Description |
|---|---|---|---|---|
`

// render writes the reference.
func render(vars []Variable) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	for _, v := range vars {
		def := "unset"
		if v.Default != "" {
			def = "`" + v.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", v.Name, v.Type, def, v.Required, v.Doc)
	}
	return b.Bytes()
}
