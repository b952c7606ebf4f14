package blobtest

import (
	"bytes"
	"context"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// Memory is an in-memory [ports.BlobStore] for service tests, which want uploads without a
// folder or a server. It passes this suite (TestMemory), and a test can list what it holds
// and make its deletes fail. Safe for concurrent use.
type Memory struct {
	mu        sync.Mutex
	blobs     map[string]memoryBlob
	deleteErr error
}

// memoryBlob is one stored blob.
type memoryBlob struct {
	data        []byte
	contentType string
	modTime     time.Time
}

var _ ports.BlobStore = (*Memory)(nil)

// NewMemory returns an empty store.
func NewMemory() *Memory { return &Memory{blobs: map[string]memoryBlob{}} }

// Put stores the size bytes of r under key, once.
func (m *Memory) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ports.ValidateBlobKey(key); err != nil {
		return err
	}
	if err := ports.ValidateContentType(contentType); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if int64(len(data)) != size {
		return core.ErrInvalidInput
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.blobs[key]; ok {
		return core.ErrAlreadyExists
	}
	m.blobs[key] = memoryBlob{data: data, contentType: contentType, modTime: time.Now()}
	return nil
}

// Get opens the blob under key.
func (m *Memory) Get(_ context.Context, key string) (io.ReadCloser, ports.BlobInfo, error) {
	if err := ports.ValidateBlobKey(key); err != nil {
		return nil, ports.BlobInfo{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.blobs[key]
	if !ok {
		return nil, ports.BlobInfo{}, core.ErrNotFound
	}
	info := ports.BlobInfo{Key: key, Size: int64(len(b.data)), ContentType: b.contentType, ModTime: b.modTime}
	return io.NopCloser(bytes.NewReader(b.data)), info, nil
}

// Stat describes the blob under key.
func (m *Memory) Stat(ctx context.Context, key string) (ports.BlobInfo, error) {
	_, info, err := m.Get(ctx, key)
	return info, err
}

// Delete removes the blob under key, or returns the error [Memory.FailDeletes] set.
func (m *Memory) Delete(_ context.Context, key string) error {
	if err := ports.ValidateBlobKey(key); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.deleteErr != nil {
		return m.deleteErr
	}
	delete(m.blobs, key)
	return nil
}

// FailDeletes makes every later Delete return err (nil: succeed again), as a store that is
// down would.
func (m *Memory) FailDeletes(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deleteErr = err
}

// Keys returns the stored keys, sorted.
func (m *Memory) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.blobs))
	for k := range m.blobs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
