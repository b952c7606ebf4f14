package talabin_test

// This file enforces the dependency rule of ARCHITECTURE.md §1 on every package of the module,
// including test files and files behind the integration and wireinject build tags:
//
//	core/...        → standard library, core/..., github.com/google/uuid
//	ports/...       → standard library, core/..., ports/...
//	adapters/X/...  → standard library, core, ports, migrations, vendor libraries, X's own
//	                  subtree and the shared helpers above X (see below); never another
//	                  adapter, never app, never Wire
//	app services    → standard library, core, ports, other services, vendor libraries; never
//	                  adapters, the composition root or Wire
//	composition root (app, app/config, app/cmd/...) → anything but integration
//	integration/... → anything (end-to-end suites and their test-support packages)
//	migrations/...  → standard library only (embedded SQL files)
//
// Test files of any package may also import testify and go-cmp, and test files of adapters and
// app packages may import the test-support packages under integration/<name> (such as
// integration/pgtest, which finds the test PostgreSQL); nothing imports the suites in
// integration/ itself. An adapter X is the shortest
// path under adapters/ with at least one folder below adapters/ that is itself a package: so
// adapters/httpapi and adapters/store/postgres are adapters, and adapters/store/postgres/internal
// belongs to adapters/store/postgres. Shared helpers are no adapters: the packages under the
// folders in sharedHelperRoots (adapters/internal/... for every adapter, adapters/sms/internal/...
// for the SMS adapters) hold code several adapters share, and the packages under a root's parent
// folder may import them, as Go's internal rule also demands; they import no adapter themselves.
// golangci-lint's depguard rules approximate this; this test is exact.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const modulePath = "github.com/talabin/talabin"

// buildTagSets are the tag combinations listed, so that files behind a tag are checked too.
var buildTagSets = []string{"", "integration", "wireinject"}

// listedPackage is the part of `go list -json` output the checker reads.
type listedPackage struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// importKind tells production imports from test-file imports.
type importKind int

const (
	productionImport importKind = iota
	testImport
)

// dependencyRule is one row of the rule set: the packages it governs and what they may import.
type dependencyRule struct {
	// name is the layer, shown in violations.
	name string
	// text states the rule in words, shown in violations.
	text string
	// governs reports whether the rule applies to the package at rel (the import path relative
	// to the module, "" for the module root).
	governs func(rel string) bool
	// allows reports whether the package at rel may import imp (a full import path).
	allows func(c *checker, rel, imp string, kind importKind) bool
}

// rules is the rule set, in order: the first rule that governs a package applies.
var rules = []dependencyRule{
	{
		name:    "core",
		text:    "core imports only the standard library, core/... and github.com/google/uuid",
		governs: func(rel string) bool { return under(rel, "core") },
		allows: func(_ *checker, _, imp string, kind importKind) bool {
			return isStdlib(imp) || underModule(imp, "core") || imp == "github.com/google/uuid" || isTestLib(imp, kind)
		},
	},
	{
		name: "ports",
		text: "ports import only the standard library, core/... and ports/... " +
			"(conformance packages ports/<name>test may add testify and go-cmp)",
		governs: func(rel string) bool { return under(rel, "ports") },
		allows: func(_ *checker, rel, imp string, kind importKind) bool {
			if isConformancePackage(rel) {
				kind = testImport
			}
			return isStdlib(imp) || underModule(imp, "core") || underModule(imp, "ports") || isTestLib(imp, kind)
		},
	},
	{
		name: "adapters",
		text: "an adapter imports the standard library, core, ports, migrations, vendor libraries, its own subtree " +
			"and the shared helpers above it (adapters/internal/...; adapters/sms/internal/... for SMS adapters) " +
			"(its tests also integration/<name> test support); never another adapter, app, the integration suites or Wire",
		governs: func(rel string) bool { return under(rel, "adapters") },
		allows: func(c *checker, rel, imp string, kind importKind) bool {
			dep, internal := moduleRel(imp)
			if !internal {
				return !isWire(imp)
			}
			return under(dep, "core") || under(dep, "ports") || under(dep, "migrations") ||
				under(dep, c.adapterUnit(rel)) || isSharedHelper(rel, dep) || isTestSupport(dep, kind)
		},
	},
	{
		name:    "composition root",
		text:    "the composition root (app, app/config, app/cmd/...) may import anything but integration (its tests: integration/<name> test support)",
		governs: isCompositionRoot,
		allows: func(_ *checker, _, imp string, kind importKind) bool {
			dep, internal := moduleRel(imp)
			return !internal || !under(dep, "integration") || isTestSupport(dep, kind)
		},
	},
	{
		name: "app services",
		text: "an app service imports the standard library, core, ports, other app services and vendor libraries " +
			"(its tests also integration/<name> test support); never adapters, the composition root or Wire",
		governs: func(rel string) bool { return under(rel, "app") },
		allows: func(_ *checker, _, imp string, kind importKind) bool {
			dep, internal := moduleRel(imp)
			if !internal {
				return !isWire(imp)
			}
			return under(dep, "core") || under(dep, "ports") || under(dep, "app") && !isCompositionRoot(dep) ||
				isTestSupport(dep, kind)
		},
	},
	{
		name:    "integration",
		text:    "integration suites and test-support packages may import anything",
		governs: func(rel string) bool { return under(rel, "integration") },
		allows:  func(*checker, string, string, importKind) bool { return true },
	},
	{
		name:    "migrations",
		text:    "migrations import only the standard library",
		governs: func(rel string) bool { return under(rel, "migrations") },
		allows: func(_ *checker, _, imp string, kind importKind) bool {
			return isStdlib(imp) || isTestLib(imp, kind)
		},
	},
	{
		name:    "module root",
		text:    "the module root holds only repository-wide tests",
		governs: func(rel string) bool { return rel == "" },
		allows: func(_ *checker, _, imp string, kind importKind) bool {
			return kind == testImport
		},
	},
}

// violation is one import that breaks the rule governing its importer.
type violation struct {
	pkg, imp, rule, text string
	kind                 importKind
}

func (v violation) String() string {
	where := ""
	if v.kind == testImport {
		where = " (in a test file)"
	}
	if v.imp == "" {
		return fmt.Sprintf("package %s is not governed by any dependency rule: add one to dependency_rule_test.go", v.pkg)
	}
	return fmt.Sprintf("package %s imports %s%s: violates rule %q: %s", v.pkg, v.imp, where, v.rule, v.text)
}

// checker applies the rules to a set of module packages.
type checker struct {
	// packages holds the module-relative paths of every package, to find adapter units.
	packages map[string]bool
}

func newChecker(pkgs []listedPackage) *checker {
	c := &checker{packages: make(map[string]bool)}
	for _, p := range pkgs {
		if rel, ok := moduleRel(p.ImportPath); ok {
			c.packages[rel] = true
		}
	}
	return c
}

// check returns every violation among pkgs' imports.
func (c *checker) check(pkgs []listedPackage) []violation {
	var out []violation
	for _, p := range pkgs {
		rel, ok := moduleRel(p.ImportPath)
		if !ok {
			continue
		}
		rule, ok := governing(rel)
		if !ok {
			out = append(out, violation{pkg: p.ImportPath})
			continue
		}
		lists := []struct {
			imports []string
			kind    importKind
		}{{p.Imports, productionImport}, {p.TestImports, testImport}, {p.XTestImports, testImport}}
		for _, l := range lists {
			for _, imp := range l.imports {
				if imp == p.ImportPath || rule.allows(c, rel, imp, l.kind) {
					continue
				}
				out = append(out, violation{pkg: p.ImportPath, imp: imp, rule: rule.name, text: rule.text, kind: l.kind})
			}
		}
	}
	return out
}

// adapterUnit returns the adapter that the package at rel (under adapters/) belongs to.
func (c *checker) adapterUnit(rel string) string {
	parts := strings.Split(rel, "/")
	for n := 2; n <= len(parts); n++ {
		if prefix := strings.Join(parts[:n], "/"); c.packages[prefix] {
			return prefix
		}
	}
	return rel
}

func governing(rel string) (dependencyRule, bool) {
	for _, r := range rules {
		if r.governs(rel) {
			return r, true
		}
	}
	return dependencyRule{}, false
}

// under reports whether rel is dir or inside it.
func under(rel, dir string) bool { return rel == dir || strings.HasPrefix(rel, dir+"/") }

// moduleRel returns imp relative to the module and whether imp is in the module.
func moduleRel(imp string) (string, bool) {
	if imp == modulePath {
		return "", true
	}
	rel, ok := strings.CutPrefix(imp, modulePath+"/")
	return rel, ok
}

func underModule(imp, dir string) bool {
	rel, ok := moduleRel(imp)
	return ok && under(rel, dir)
}

// sharedHelperRoots are the folders of helpers that adapters share (outbound HTTP resilience,
// SMS argument checks, test support for fakes): packages, not adapters, that the packages under
// the folder's parent may import. Each entry widens the rule, so add one only for helpers that
// several adapters really share.
var sharedHelperRoots = []string{"adapters/internal", "adapters/sms/internal"}

// isSharedHelper reports whether dep is a shared helper that the package at rel may import: it
// lies under a root of sharedHelperRoots, and rel under that root's parent.
func isSharedHelper(rel, dep string) bool {
	for _, root := range sharedHelperRoots {
		if under(dep, root) && under(rel, path.Dir(root)) {
			return true
		}
	}
	return false
}

func isCompositionRoot(rel string) bool {
	return rel == "app" || under(rel, "app/config") || under(rel, "app/cmd")
}

// isConformancePackage reports whether rel is a port's shared test suite, e.g. ports/storetest.
func isConformancePackage(rel string) bool {
	last := rel[strings.LastIndex(rel, "/")+1:]
	return under(rel, "ports") && last != "ports" && strings.HasSuffix(last, "test")
}

// isStdlib reports whether imp is in the standard library: its first element has no dot.
func isStdlib(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".") && imp != "C"
}

// isTestSupport reports whether a test file may import the module package dep: a test-support
// package under integration/, such as integration/pgtest, but not the suites in integration/.
func isTestSupport(dep string, kind importKind) bool {
	return kind == testImport && strings.HasPrefix(dep, "integration/")
}

func isWire(imp string) bool { return under(imp, "github.com/google/wire") }

// isTestLib reports whether imp is a testing library that test files may import.
func isTestLib(imp string, kind importKind) bool {
	return kind == testImport &&
		(under(imp, "github.com/stretchr/testify") || under(imp, "github.com/google/go-cmp"))
}

// listModule runs `go list` over the module with the given build tags.
func listModule(t *testing.T, tags string) []listedPackage {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), "go", "list", "-e", "-tags="+tags,
		"-json=ImportPath,Imports,TestImports,XTestImports", "./...")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "go list -tags=%q: %s", tags, stderr.String())
	var pkgs []listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		var p listedPackage
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestDependencyRule checks every package of the module against the rule set.
func TestDependencyRule(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for _, tags := range buildTagSets {
		pkgs := listModule(t, tags)
		paths := make([]string, 0, len(pkgs))
		for _, p := range pkgs {
			paths = append(paths, p.ImportPath)
		}
		// Guard against a listing that silently found nothing to check.
		require.Contains(t, paths, modulePath+"/app", "go list -tags=%q did not list the module", tags)
		require.Contains(t, paths, modulePath+"/core", "go list -tags=%q did not list the module", tags)
		for _, v := range newChecker(pkgs).check(pkgs) {
			if msg := v.String(); !seen[msg] {
				seen[msg] = true
				t.Errorf("dependency rule: %s (build tags %q)", msg, tags)
			}
		}
	}
}

// TestDependencyRuleChecker feeds the checker fake import lists, so that it is known to fail on
// a violation and cannot pass silently.
func TestDependencyRuleChecker(t *testing.T) {
	t.Parallel()
	m := func(rel string) string { return modulePath + "/" + rel }
	tests := []struct {
		name     string
		pkg      string
		imports  []string
		tests    []string
		wantRule string // "" when the imports are allowed
	}{
		{name: "CoreImportsStdlib", pkg: "core", imports: []string{"fmt", "math/bits"}},
		{name: "CoreImportsCore", pkg: "core/ledger", imports: []string{m("core"), m("core/iran")}},
		{name: "CoreImportsUUID", pkg: "core", imports: []string{"github.com/google/uuid"}},
		{name: "CoreTestImportsTestify", pkg: "core", tests: []string{"github.com/stretchr/testify/require"}},
		{name: "CoreImportsApp", pkg: "core", imports: []string{m("app")}, wantRule: "core"},
		{name: "CoreImportsPorts", pkg: "core/ledger", imports: []string{m("ports")}, wantRule: "core"},
		{name: "CoreImportsVendor", pkg: "core", imports: []string{"github.com/shopspring/decimal"}, wantRule: "core"},
		{name: "CoreImportsTestifyOutsideTests", pkg: "core", imports: []string{"github.com/stretchr/testify/require"}, wantRule: "core"},
		{name: "CoreImportsCgo", pkg: "core", imports: []string{"C"}, wantRule: "core"},
		{name: "PortsImportCore", pkg: "ports", imports: []string{"context", m("core"), m("core/ledger")}},
		{name: "PortsImportVendor", pkg: "ports", imports: []string{"github.com/jackc/pgx/v5"}, wantRule: "ports"},
		{name: "PortsImportAdapter", pkg: "ports", imports: []string{m("adapters/store/sqlite")}, wantRule: "ports"},
		{name: "ConformanceSuiteImportsTestify", pkg: "ports/storetest", imports: []string{m("ports"), "github.com/stretchr/testify/require"}},
		{name: "PortsImportTestifyOutsideSuite", pkg: "ports", imports: []string{"github.com/stretchr/testify/require"}, wantRule: "ports"},
		{name: "AdapterImportsPortsAndVendor", pkg: "adapters/store/postgres", imports: []string{m("ports"), m("core"), "github.com/jackc/pgx/v5", m("migrations")}},
		{name: "AdapterImportsOwnSubtree", pkg: "adapters/store/postgres", imports: []string{m("adapters/store/postgres/internal/dbsqlc")}},
		{name: "AdapterSubpackageImportsOwnRoot", pkg: "adapters/store/postgres/internal/dbsqlc", imports: []string{m("adapters/store/postgres")}},
		{name: "AdapterTestImportsConformance", pkg: "adapters/store/sqlite", tests: []string{m("ports/storetest")}},
		{name: "PostgresImportsSQLite", pkg: "adapters/store/postgres", imports: []string{m("adapters/store/sqlite")}, wantRule: "adapters"},
		{name: "HTTPAPIImportsStore", pkg: "adapters/httpapi", imports: []string{m("adapters/store/postgres")}, wantRule: "adapters"},
		{name: "AdapterTestImportsOtherAdapter", pkg: "adapters/httpapi", tests: []string{m("adapters/store/sqlite")}, wantRule: "adapters"},
		{name: "AdapterImportsApp", pkg: "adapters/httpapi", imports: []string{m("app/config")}, wantRule: "adapters"},
		{name: "AdapterImportsSharedHelpers", pkg: "adapters/sms/kavenegar", imports: []string{m("adapters/internal/outbound"), m("adapters/sms/internal/smsadapter")}},
		{name: "FakeImportsSharedTestSupport", pkg: "adapters/sms/kavenegar/kavenegarfake", imports: []string{m("adapters/internal/outbound/outboundtest")}},
		{name: "AnyAdapterImportsAdaptersInternal", pkg: "adapters/store/postgres", tests: []string{m("adapters/internal/outbound/outboundtest")}},
		{name: "SharedHelperImportsSharedHelper", pkg: "adapters/sms/internal/smsadapter", imports: []string{m("adapters/internal/outbound"), m("core"), m("ports")}},
		{name: "SMSAdapterImportsSMSAdapter", pkg: "adapters/sms/ghasedak", imports: []string{m("adapters/sms/kavenegar")}, wantRule: "adapters"},
		{name: "SMSAdapterTestImportsOtherFake", pkg: "adapters/sms/ghasedak", tests: []string{m("adapters/sms/kavenegar/kavenegarfake")}, wantRule: "adapters"},
		{name: "StoreImportsSMSHelpers", pkg: "adapters/store/postgres", imports: []string{m("adapters/sms/internal/smsadapter")}, wantRule: "adapters"},
		{name: "SharedHelperImportsAdapter", pkg: "adapters/internal/outbound", imports: []string{m("adapters/sms/kavenegar")}, wantRule: "adapters"},
		{name: "SMSHelperImportsSMSAdapter", pkg: "adapters/sms/internal/smsadaptertest", imports: []string{m("adapters/sms/kavenegar/kavenegarfake")}, wantRule: "adapters"},
		{name: "AdapterImportsOtherAdaptersInternal", pkg: "adapters/store/sqlite", imports: []string{m("adapters/store/postgres/internal/dbsqlc")}, wantRule: "adapters"},
		{name: "CoreImportsSharedHelpers", pkg: "core", imports: []string{m("adapters/internal/outbound")}, wantRule: "core"},
		{name: "ServiceImportsSharedHelpers", pkg: "app/trading", imports: []string{m("adapters/internal/outbound")}, wantRule: "app services"},
		{name: "AdapterImportsWire", pkg: "adapters/httpapi", imports: []string{"github.com/google/wire"}, wantRule: "adapters"},
		{name: "RootImportsAdaptersAndWire", pkg: "app", imports: []string{m("adapters/httpapi"), m("adapters/store/sqlite"), "github.com/google/wire"}},
		{name: "CLIImportsApp", pkg: "app/cmd/talabin", imports: []string{m("app"), m("app/config")}},
		{name: "RootImportsIntegration", pkg: "app", imports: []string{m("integration")}, wantRule: "composition root"},
		{name: "ServiceImportsPorts", pkg: "app/trading", imports: []string{m("core"), m("ports"), m("app/identity"), "github.com/riverqueue/river"}},
		{name: "ServiceImportsAdapter", pkg: "app/trading", imports: []string{m("adapters/store/sqlite")}, wantRule: "app services"},
		{name: "ServiceImportsWire", pkg: "app/trading", imports: []string{"github.com/google/wire"}, wantRule: "app services"},
		{name: "ServiceImportsConfig", pkg: "app/trading", imports: []string{m("app/config")}, wantRule: "app services"},
		{name: "ServiceImportsRoot", pkg: "app/trading", imports: []string{m("app")}, wantRule: "app services"},
		{name: "IntegrationImportsAnything", pkg: "integration", tests: []string{m("app"), m("adapters/store/postgres")}},
		{name: "AdapterTestImportsTestSupport", pkg: "adapters/store/postgres", tests: []string{m("integration/pgtest")}},
		{name: "AdapterTestImportsSuites", pkg: "adapters/store/postgres", tests: []string{m("integration")}, wantRule: "adapters"},
		{name: "AdapterImportsTestSupportOutsideTests", pkg: "adapters/store/postgres", imports: []string{m("integration/pgtest")}, wantRule: "adapters"},
		{name: "ServiceTestImportsTestSupport", pkg: "app/trading", tests: []string{m("integration/pgtest")}},
		{name: "RootTestImportsTestSupport", pkg: "app", tests: []string{m("integration/pgtest")}},
		{name: "CoreTestImportsTestSupport", pkg: "core/ledger", tests: []string{m("integration/pgtest")}, wantRule: "core"},
		{name: "MigrationsImportEmbed", pkg: "migrations", imports: []string{"embed"}},
		{name: "MigrationsImportCore", pkg: "migrations", imports: []string{m("core")}, wantRule: "migrations"},
		{name: "ModuleRootTestImportsAnything", pkg: "", tests: []string{"os/exec", "github.com/stretchr/testify/require"}},
		{name: "UngovernedPackage", pkg: "helpers", imports: []string{"fmt"}, wantRule: "ungoverned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			importPath := modulePath
			if tt.pkg != "" {
				importPath = m(tt.pkg)
			}
			// The listing includes the adapter roots, as go list would for a real tree.
			pkgs := []listedPackage{
				{ImportPath: importPath, Imports: tt.imports, XTestImports: tt.tests},
				{ImportPath: m("adapters/httpapi")},
				{ImportPath: m("adapters/store/postgres")},
				{ImportPath: m("adapters/store/postgres/internal/dbsqlc")},
				{ImportPath: m("adapters/store/sqlite")},
				{ImportPath: m("adapters/sms/kavenegar")},
				{ImportPath: m("adapters/sms/kavenegar/kavenegarfake")},
				{ImportPath: m("adapters/sms/ghasedak")},
				{ImportPath: m("adapters/internal/outbound")},
				{ImportPath: m("adapters/internal/outbound/outboundtest")},
				{ImportPath: m("adapters/sms/internal/smsadapter")},
				{ImportPath: m("adapters/sms/internal/smsadaptertest")},
			}

			got := newChecker(pkgs).check(pkgs)

			if tt.wantRule == "" {
				require.Empty(t, got)
				return
			}
			require.NotEmpty(t, got, "the checker must report this violation")
			msg := got[0].String()
			require.Contains(t, msg, importPath)
			if tt.wantRule == "ungoverned" {
				require.Contains(t, msg, "not governed by any dependency rule")
				return
			}
			require.Equal(t, tt.wantRule, got[0].rule)
			require.Contains(t, msg, fmt.Sprintf("violates rule %q", tt.wantRule))
			bad := slices.Concat(tt.imports, tt.tests)
			require.Contains(t, bad, got[0].imp)
		})
	}
}

// TestEveryRuleIsReachable keeps the ordered rule set honest: each rule governs some package
// that no earlier rule takes.
func TestEveryRuleIsReachable(t *testing.T) {
	t.Parallel()
	examples := map[string]string{
		"core":             "core/ledger",
		"ports":            "ports/storetest",
		"adapters":         "adapters/httpapi",
		"composition root": "app/cmd/talabin",
		"app services":     "app/trading",
		"integration":      "integration",
		"migrations":       "migrations/postgres",
		"module root":      "",
	}
	require.Len(t, examples, len(rules))
	for _, r := range rules {
		rel, ok := examples[r.name]
		require.True(t, ok, "no example for rule %q", r.name)
		got, ok := governing(rel)
		require.True(t, ok)
		require.Equal(t, r.name, got.name, "package %q", rel)
	}
}
