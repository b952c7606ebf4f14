package main

import (
	"go/parser"
	"go/token"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/app/config"
)

// The paths of the config package and the reference, from this package's folder.
const (
	configDir = "../../config"
	docPath   = "../../../docs/configuration.md"
)

func TestConfigurationDocMatchesConfigStruct(t *testing.T) {
	t.Parallel()
	want, err := Generate(configDir)
	require.NoError(t, err)
	got, err := os.ReadFile(docPath)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got),
		"docs/configuration.md differs from app/config.Config: run `make docs` (go run ./app/cmd/envdoc) and commit the result")
}

func TestEveryVariableIsDocumented(t *testing.T) {
	t.Parallel()
	docs, err := fieldDocs(configDir)
	require.NoError(t, err)
	vars, err := variables(docs)
	require.NoError(t, err)
	names := map[string]bool{}
	for _, v := range vars {
		require.False(t, names[v.Name], "%s is listed twice", v.Name)
		names[v.Name] = true
		require.NotEmpty(t, v.Doc, v.Name)
	}
	for _, name := range []string{"SECRET_KEY", "DATABASE_URL", "PRICE_MAX_AGE", "PAYMENT_GATEWAYS"} {
		require.True(t, names[name], "%s is missing", name)
	}
}

// The variable Load names first for an empty production environment is one the reference
// calls required, so the doc comments' wording and Load's rules agree at least there.
func TestFirstProductionRefusalIsMarkedRequired(t *testing.T) {
	t.Parallel()
	_, err := config.Load(map[string]string{"DEBUG": "false"})
	var cerr *config.Error
	require.ErrorAs(t, err, &cerr)
	docs, err := fieldDocs(configDir)
	require.NoError(t, err)
	vars, err := variables(docs)
	require.NoError(t, err)
	for _, v := range vars {
		if v.Name == cerr.Var {
			require.Equal(t, "yes", v.Required, "%s: Load refuses production without it", v.Name)
			return
		}
	}
	t.Fatalf("Load named %s, which the reference does not list", cerr.Var)
}

func TestRequirementReadsDocWording(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     string
		def     string
		options []string
		want    string
	}{
		{"production rule", "SecretKey signs tokens. Required when Debug is false: at least 50 characters.", "", nil, "yes"},
		{"production rule with a clause", "PublicAPIURL is the origin. Required, and https, when Debug is false.", "", nil, "yes"},
		{"lower-case after a semicolon", "Default console when Debug is true; required when Debug is false.", "", nil, "yes"},
		{"another variable's condition", "KavenegarAPIKey is the key; required when SMSProviders lists kavenegar.", "", nil, "conditional"},
		{"required in another sentence than the debug rule", "Required with BLOB_STORE=s3. Refused when Debug is false.", "", nil, "conditional"},
		{"a default wins", "DBPort; then DB_NAME and DB_USER are required.", "5432", nil, "no"},
		{"nothing said", "HTTPAddr is the address.", "", nil, "no"},
		{"tag option", "X is needed.", "", []string{"required"}, "always"},
		{"notEmpty tag option", "X is needed.", "", []string{"notEmpty"}, "always"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, requirement(tt.doc, tt.def, tt.options))
		})
	}
}

func TestFieldsUnderACommentShareIt(t *testing.T) {
	t.Parallel()
	const src = `package p
type Config struct {
	// A and B are both described here.
	A string
	B string

	C string
	// D has its own.
	D string
	E, F string
}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	require.NoError(t, err)
	st := findStruct(f, "Config")
	require.NotNil(t, st)
	docs := structDocs(fset, st)
	shared := fieldDoc{text: "A and B are both described here.\n", owner: "A"}
	own := fieldDoc{text: "D has its own.\n", owner: "D"}
	require.Equal(t, map[string]fieldDoc{"A": shared, "B": shared, "C": {}, "D": own, "E": own, "F": own}, docs)
}

func TestMarkdownNamesVariables(t *testing.T) {
	t.Parallel()
	envNames := map[string]string{"Debug": "DEBUG", "SQLitePath": "SQLITE_PATH"}
	tests := []struct {
		name, doc, want string
	}{
		{"field name", "Required when Debug is false.", "Required when `DEBUG` is false."},
		{"doc link to a field", "the file at [Config.SQLitePath]", "the file at `SQLITE_PATH`"},
		{"doc link elsewhere", "parsed by\n[core.ParseFeePercent].", "parsed by `core.ParseFeePercent`."},
		{"not inside code", "a `Debug` value", "a `Debug` value"},
		{"pipes escaped", "a|b", `a\|b`},
		{"other words kept", "Debugging Load", "Debugging Load"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, markdown(tt.doc, envNames))
		})
	}
}
