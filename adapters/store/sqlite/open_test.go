package sqlite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOpenRefusesUnusablePaths checks that Open fails, naming the step, when the database
// cannot be created or is not a database, rather than handing out a store whose first
// transaction fails.
func TestOpenRefusesUnusablePaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(t *testing.T) string // returns the path to open
		want  string
	}{
		{"DirectoryUnderAFile", func(t *testing.T) string {
			file := filepath.Join(t.TempDir(), "file")
			require.NoError(t, os.WriteFile(file, nil, 0o600))
			return filepath.Join(file, "data", "talabin.db")
		}, "sqlite: create database directory"},
		{"NotADatabase", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "talabin.db")
			require.NoError(t, os.WriteFile(path, []byte(strings.Repeat("not a database\n", 512)), 0o600))
			return path
		}, "sqlite: open: file is not a database"},
		{"PathIsADirectory", func(t *testing.T) string {
			return t.TempDir()
		}, "sqlite: open: unable to open database file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Open(t.Context(), tt.setup(t), Options{})
			require.ErrorContains(t, err, tt.want)
			require.Nil(t, s)
		})
	}
}
