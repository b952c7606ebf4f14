package localfs_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/blob/localfs"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/blobtest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	blobtest.Run(t, func(t *testing.T) ports.BlobStore {
		s, _ := newStore(t)
		return s
	})
}

// newStore opens a store in a fresh folder and returns it with the folder.
func newStore(t *testing.T) (*localfs.Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "blobs")
	s, err := localfs.New(dir)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s, dir
}

func putKey(t *testing.T, s *localfs.Store, prefix string, data []byte) string {
	t.Helper()
	key, err := ports.NewBlobKey(prefix, rand.Reader)
	require.NoError(t, err)
	require.NoError(t, s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), "image/png"))
	return key
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t)
	key := putKey(t, s, "kyc/2026/12", []byte("secret document"))

	st, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o700), st.Mode().Perm(), "root folder")
	for _, sub := range []string{"kyc", "kyc/2026", "kyc/2026/12"} {
		st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(sub)))
		require.NoError(t, err)
		require.Equal(t, fs.FileMode(0o700), st.Mode().Perm(), sub)
	}
	st, err = os.Stat(filepath.Join(dir, filepath.FromSlash(key)))
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), st.Mode().Perm(), "blob file")
}

func TestNoTemporaryFilesLeft(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t)
	ctx := context.Background()
	key := putKey(t, s, "kyc", []byte("one"))
	require.ErrorIs(t, s.Put(ctx, key, bytes.NewReader([]byte("two")), 3, "image/png"), core.ErrAlreadyExists)
	other, err := ports.NewBlobKey("kyc", rand.Reader)
	require.NoError(t, err)
	require.ErrorIs(t, s.Put(ctx, other, bytes.NewReader([]byte("short")), 99, "image/png"), core.ErrInvalidInput)
	require.ErrorIs(t, s.Put(ctx, other, failingReader{}, 5, "image/png"), errBoom)

	entries, err := os.ReadDir(filepath.Join(dir, "kyc"))
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the stored blob remains: %v", entries)
	require.Equal(t, filepath.Base(key), entries[0].Name())
}

func TestSymlinkOutOfRootRefused(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t)
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "passwd"), []byte(formatTag+"text/plain\nroot:x:0:0"), 0o600))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "link")))
	ctx := context.Background()

	_, _, err := s.Get(ctx, "link/passwd")
	require.Error(t, err)
	require.NotErrorIs(t, err, core.ErrNotFound, "the escape is an error, not a missing blob")
	require.Error(t, s.Put(ctx, "link/planted", bytes.NewReader([]byte("x")), 1, "image/png"))
	_, err = os.Stat(filepath.Join(outside, "planted"))
	require.ErrorIs(t, err, fs.ErrNotExist, "nothing may be written outside the root")
}

func TestForeignFileIsInternalError(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stray"), []byte("no header"), 0o600))
	_, _, err := s.Get(context.Background(), "stray")
	require.ErrorIs(t, err, core.ErrInternal)
}

func TestReopenKeepsBlobs(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t)
	key := putKey(t, s, "receipts", []byte("kept"))
	again, err := localfs.New(dir)
	require.NoError(t, err)
	defer func() { require.NoError(t, again.Close()) }()
	info, err := again.Stat(context.Background(), key)
	require.NoError(t, err)
	require.Equal(t, int64(4), info.Size)
	require.Equal(t, "image/png", info.ContentType)
}

// formatTag mirrors the store's file header, to plant a file that would parse.
const formatTag = "talabin-blob/1\n"

var errBoom = errors.New("boom")

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errBoom }
