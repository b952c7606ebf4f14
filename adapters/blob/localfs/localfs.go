// Package localfs is the default [ports.BlobStore]: blobs are files under one root folder,
// readable by the app's user only (files 0600, folders 0700). It is storage only and serves
// nothing; documents leave it through an authorized download above the port.
//
// Every access goes through an [os.Root], so even a key that slipped past
// [ports.ValidateBlobKey] or a symlink planted in the folder cannot reach outside the root.
// A blob is written to a temporary file in its folder, synced, and then hard-linked to its
// key, which fails if the key exists: so a blob appears whole or not at all, and exactly one
// of several writers of one key wins. Each file starts with a one-line format tag and a line
// holding the content type, so the type is kept without a second file.
package localfs

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// Permissions of what the store creates.
const (
	fileMode = 0o600
	dirMode  = 0o700
)

// formatTag opens every blob file.
const formatTag = "talabin-blob/1\n"

// Store is a blob store in a local folder.
type Store struct {
	root *os.Root
}

var _ ports.BlobStore = (*Store)(nil)

// New opens a store at dir, creating the folder (0700) if needed. Close releases it.
func New(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("localfs: create root: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("localfs: open root: %w", err)
	}
	return &Store{root: root}, nil
}

// Close releases the root folder.
func (s *Store) Close() error { return s.root.Close() }

// Put stores the blob; see [ports.BlobStore].
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ports.ValidateBlobKey(key); err != nil {
		return err
	}
	if err := ports.ValidateContentType(contentType); err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("%w: blob size %d", core.ErrInvalidInput, size)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := path.Dir(key)
	if err := s.root.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("localfs: create folder of %s: %w", key, err)
	}
	tmp, err := s.writeTemp(ctx, dir, r, size, contentType)
	if err != nil {
		return err
	}
	defer func() { _ = s.root.Remove(tmp) }()
	if err := s.root.Link(tmp, key); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%w: blob %s", core.ErrAlreadyExists, key)
		}
		return fmt.Errorf("localfs: link %s: %w", key, err)
	}
	return s.syncDir(dir)
}

// writeTemp writes the header and exactly size bytes of r to a new temporary file in dir,
// syncs it and returns its name. On failure the file is removed.
func (s *Store) writeTemp(ctx context.Context, dir string, r io.Reader, size int64, contentType string) (_ string, err error) {
	name := path.Join(dir, ".tmp-"+rand.Text())
	f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if err != nil {
		return "", fmt.Errorf("localfs: create temporary file: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("localfs: close temporary file: %w", cerr)
		}
		if err != nil {
			_ = s.root.Remove(name)
		}
	}()
	if _, err := io.WriteString(f, formatTag+contentType+"\n"); err != nil {
		return "", fmt.Errorf("localfs: write header: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(ctxReader{ctx, r}, size+1))
	if err != nil {
		return "", fmt.Errorf("localfs: write blob: %w", err)
	}
	if n != size {
		return "", fmt.Errorf("%w: blob has %s bytes, expected %d", core.ErrInvalidInput, countText(n, size), size)
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("localfs: sync blob: %w", err)
	}
	return name, nil
}

// countText says how many bytes came, without claiming to know the total of a longer stream.
func countText(n, size int64) string {
	if n > size {
		return "more than " + fmt.Sprint(size)
	}
	return fmt.Sprint(n)
}

// syncDir makes the new name in dir durable.
func (s *Store) syncDir(dir string) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return fmt.Errorf("localfs: open folder: %w", err)
	}
	defer func() { _ = d.Close() }()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("localfs: sync folder: %w", err)
	}
	return nil
}

// Get opens the blob; see [ports.BlobStore].
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, ports.BlobInfo, error) {
	f, info, err := s.open(ctx, key)
	if err != nil {
		return nil, ports.BlobInfo{}, err
	}
	return f, info, nil
}

// Stat describes the blob; see [ports.BlobStore].
func (s *Store) Stat(ctx context.Context, key string) (ports.BlobInfo, error) {
	f, info, err := s.open(ctx, key)
	if err != nil {
		return ports.BlobInfo{}, err
	}
	_ = f.Close()
	return info, nil
}

// open opens the blob file and reads its header; the returned reader is at the first byte
// of the blob.
func (s *Store) open(ctx context.Context, key string) (io.ReadCloser, ports.BlobInfo, error) {
	if err := ports.ValidateBlobKey(key); err != nil {
		return nil, ports.BlobInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ports.BlobInfo{}, err
	}
	f, err := s.root.Open(key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isNotDir(err) {
			return nil, ports.BlobInfo{}, fmt.Errorf("%w: blob %s", core.ErrNotFound, key)
		}
		return nil, ports.BlobInfo{}, fmt.Errorf("localfs: open %s: %w", key, err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, ports.BlobInfo{}, fmt.Errorf("localfs: stat %s: %w", key, err)
	}
	if !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, ports.BlobInfo{}, fmt.Errorf("%w: blob %s", core.ErrNotFound, key)
	}
	br := bufio.NewReaderSize(f, 512)
	contentType, headerLen, err := readHeader(br)
	if err != nil {
		_ = f.Close()
		return nil, ports.BlobInfo{}, fmt.Errorf("%w: localfs: blob %s: %w", core.ErrInternal, key, err)
	}
	info := ports.BlobInfo{
		Key:         key,
		Size:        st.Size() - headerLen,
		ContentType: contentType,
		ModTime:     st.ModTime(),
	}
	return readCloser{Reader: br, Closer: f}, info, nil
}

// readHeader reads the format tag and the content type line.
func readHeader(br *bufio.Reader) (contentType string, n int64, err error) {
	tag, err := br.ReadString('\n')
	if err != nil || tag != formatTag {
		return "", 0, errors.New("not a blob file")
	}
	line, err := br.ReadString('\n')
	if err != nil {
		return "", 0, errors.New("blob file without content type")
	}
	return strings.TrimSuffix(line, "\n"), int64(len(tag) + len(line)), nil
}

// Delete removes the blob; see [ports.BlobStore].
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ports.ValidateBlobKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if st, err := s.root.Lstat(key); err == nil && st.IsDir() {
		return nil // a folder of other keys, not a blob
	}
	if err := s.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) && !isNotDir(err) {
		return fmt.Errorf("localfs: delete %s: %w", key, err)
	}
	return nil
}

// isNotDir reports an error from a path whose parent is a file: the key cannot exist.
func isNotDir(err error) bool { return errors.Is(err, syscall.ENOTDIR) }

type readCloser struct {
	io.Reader
	io.Closer
}

// ctxReader stops a long copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
