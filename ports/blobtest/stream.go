package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// largeSize is bigger than any upload, to show Put and Get stream rather than buffer.
const largeSize = 24 << 20

func streamCases() []testCase {
	return []testCase{
		{"LargeBlobStreamed", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			key := newKey(t, "large")
			want := sha256.New()
			src := io.TeeReader(&pattern{left: largeSize}, want)
			require.NoError(t, s.Put(ctx, key, struct{ io.Reader }{src}, largeSize, "application/pdf"))

			rc, info, err := s.Get(ctx, key)
			require.NoError(t, err)
			defer func() { require.NoError(t, rc.Close()) }()
			require.Equal(t, int64(largeSize), info.Size)
			got := sha256.New()
			n, err := io.Copy(got, rc)
			require.NoError(t, err)
			require.Equal(t, int64(largeSize), n)
			require.Equal(t, want.Sum(nil), got.Sum(nil))
		}},
		{"ConcurrentPutsOfDifferentKeys", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			const writers = 16
			keys := make([]string, writers)
			for i := range keys {
				keys[i] = newKey(t, "kyc/2026/12")
			}
			var wg sync.WaitGroup
			errs := make([]error, writers)
			for i, key := range keys {
				wg.Go(func() {
					data := []byte(fmt.Sprintf("blob %d", i))
					errs[i] = s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "image/jpeg")
				})
			}
			wg.Wait()
			for i, key := range keys {
				require.NoError(t, errs[i])
				got, _ := readBlob(t, s, key)
				require.Equal(t, fmt.Sprintf("blob %d", i), string(got))
			}
		}},
		{"ConcurrentPutsOfOneKey", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			key := newKey(t, "kyc")
			const writers = 8
			var wg sync.WaitGroup
			errs := make([]error, writers)
			for i := range writers {
				wg.Go(func() {
					data := bytes.Repeat([]byte{byte('a' + i)}, 4096)
					errs[i] = s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "image/png")
				})
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
					continue
				}
				require.ErrorIs(t, err, core.ErrAlreadyExists)
			}
			require.Equal(t, 1, won, "exactly one writer may create the blob: %v", errs)
			got, _ := readBlob(t, s, key)
			require.Len(t, got, 4096)
			require.Equal(t, bytes.Repeat(got[:1], 4096), got, "the blob is one writer's, never a mix")
		}},
	}
}

// pattern yields left bytes of a repeating pattern without holding them.
type pattern struct {
	left int64
	off  byte
}

func (p *pattern) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := min(int64(len(b)), p.left)
	for i := range n {
		b[i] = p.off
		p.off = p.off*31 + 7
	}
	p.left -= n
	return int(n), nil
}
