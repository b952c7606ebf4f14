package identity_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSecretsComparedInConstantTime checks the package source: code MACs are compared with
// hmac.Equal inside CodeKeys.Verify, OTP.Verify goes through CodeKeys.Verify, refresh token
// hashes in Session.Rotate are compared with subtle.ConstantTimeCompare, and no file
// compares bytes with a variable-time function.
func TestSecretsComparedInConstantTime(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	calls := map[string][]string{} // "Recv.Func" or "Func" → selector calls inside it
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		require.NoError(t, err)
		f, err := parser.ParseFile(fset, name, src, 0)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			require.NotEqual(t, `"reflect"`, imp.Path.Value, "%s imports reflect", name)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			key := fn.Name.Name
			if fn.Recv != nil {
				key = recvName(fn.Recv.List[0].Type) + "." + key
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if id, ok := call.Fun.(*ast.Ident); ok {
					calls[key] = append(calls[key], id.Name)
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok {
						calls[key] = append(calls[key], x.Name+"."+sel.Sel.Name)
						require.NotEqual(t, "bytes.Equal", x.Name+"."+sel.Sel.Name, "%s uses bytes.Equal", key)
					}
				}
				return true
			})
		}
	}
	require.Contains(t, calls["CodeKeys.Verify"], "hmac.Equal")
	require.Contains(t, calls["OTP.Verify"], "keys.Verify")
	require.Contains(t, calls["equalHash"], "subtle.ConstantTimeCompare")
	require.Contains(t, calls["Session.Rotate"], "equalHash")
}

func recvName(e ast.Expr) string {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
