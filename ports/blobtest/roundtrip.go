package blobtest

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

func roundTripCases() []testCase {
	return []testCase{
		{"RoundTrip", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			key := newKey(t, "kyc/2026/12")
			data := []byte("\x89PNG\r\n\x1a\n not really an image, the store does not care\x00\xff")
			require.NoError(t, s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "image/png"))

			got, info := readBlob(t, s, key)
			require.Equal(t, data, got)
			require.Equal(t, key, info.Key)
			require.Equal(t, int64(len(data)), info.Size)
			require.Equal(t, "image/png", info.ContentType)
			require.False(t, info.ModTime.IsZero())

			stat, err := s.Stat(ctx, key)
			require.NoError(t, err)
			require.Equal(t, info, stat)
		}},
		{"EmptyBlob", func(t *testing.T, s ports.BlobStore) {
			key := newKey(t, "receipts")
			require.NoError(t, s.Put(context.Background(), key, bytes.NewReader(nil), 0, "application/pdf"))
			got, info := readBlob(t, s, key)
			require.Empty(t, got)
			require.Equal(t, int64(0), info.Size)
		}},
		{"OverwriteRefused", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			key := newKey(t, "kyc")
			require.NoError(t, s.Put(ctx, key, bytes.NewReader([]byte("first")), 5, "image/jpeg"))
			err := s.Put(ctx, key, bytes.NewReader([]byte("second!")), 7, "image/png")
			require.ErrorIs(t, err, core.ErrAlreadyExists)
			got, info := readBlob(t, s, key)
			require.Equal(t, []byte("first"), got, "the first blob must be left as it was")
			require.Equal(t, "image/jpeg", info.ContentType)
		}},
		{"NotFound", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			key := newKey(t, "kyc")
			_, _, err := s.Get(ctx, key)
			require.ErrorIs(t, err, core.ErrNotFound)
			_, err = s.Stat(ctx, key)
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
		{"PrefixIsNoBlob", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			key := newKey(t, "kyc/2026")
			require.NoError(t, s.Put(ctx, key, bytes.NewReader([]byte("x")), 1, "image/png"))
			_, _, err := s.Get(ctx, "kyc/2026")
			require.ErrorIs(t, err, core.ErrNotFound)
			_, err = s.Stat(ctx, "kyc")
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
		{"DeleteIdempotent", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			key := newKey(t, "kyc")
			require.NoError(t, s.Put(ctx, key, bytes.NewReader([]byte("doc")), 3, "application/pdf"))
			require.NoError(t, s.Delete(ctx, key))
			_, _, err := s.Get(ctx, key)
			require.ErrorIs(t, err, core.ErrNotFound)
			require.NoError(t, s.Delete(ctx, key), "a second delete succeeds")
			require.NoError(t, s.Delete(ctx, newKey(t, "never")), "deleting a key never written succeeds")
		}},
		{"PutAfterDelete", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			key := newKey(t, "kyc")
			require.NoError(t, s.Put(ctx, key, bytes.NewReader([]byte("a")), 1, "image/png"))
			require.NoError(t, s.Delete(ctx, key))
			require.NoError(t, s.Put(ctx, key, bytes.NewReader([]byte("bb")), 2, "image/png"))
			got, _ := readBlob(t, s, key)
			require.Equal(t, []byte("bb"), got)
		}},
		{"ReadersAreIndependent", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			key := newKey(t, "kyc")
			require.NoError(t, s.Put(ctx, key, bytes.NewReader([]byte("abc")), 3, "image/png"))
			first, _ := readBlob(t, s, key)
			second, _ := readBlob(t, s, key)
			require.Equal(t, first, second)
		}},
	}
}
