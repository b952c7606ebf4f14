package blobtest

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// hostileKeys try to leave the store's namespace or to alias another key.
var hostileKeys = []string{
	"",
	"../escape",
	"kyc/../../escape",
	"kyc/..",
	"..",
	".",
	"/etc/passwd",
	"/tmp/escape",
	`..\escape`,
	`kyc\..\..\escape`,
	`c:\windows\escape`,
	"c:/escape",
	"kyc//double",
	"kyc/",
	"kyc/.hidden",
	"kyc/a\x00b",
	"KYC/upper",
	"kyc/%2e%2e/escape",
}

func keyCases() []testCase {
	return []testCase{
		{"HostileKeysRefused", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			for _, key := range hostileKeys {
				err := s.Put(ctx, key, bytes.NewReader([]byte("x")), 1, "image/png")
				require.ErrorIs(t, err, core.ErrInvalidInput, "Put %q", key)
				_, _, err = s.Get(ctx, key)
				require.ErrorIs(t, err, core.ErrInvalidInput, "Get %q", key)
				_, err = s.Stat(ctx, key)
				require.ErrorIs(t, err, core.ErrInvalidInput, "Stat %q", key)
				err = s.Delete(ctx, key)
				require.ErrorIs(t, err, core.ErrInvalidInput, "Delete %q", key)
			}
		}},
		{"BadContentTypeRefused", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			key := newKey(t, "kyc")
			for _, ct := range []string{"", "image/png\nX: y", "image/png\r"} {
				err := s.Put(ctx, key, bytes.NewReader([]byte("x")), 1, ct)
				require.ErrorIs(t, err, core.ErrInvalidInput, "content type %q", ct)
			}
			_, err := s.Stat(ctx, key)
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
		{"SizeMismatchStoresNothing", func(t *testing.T, s ports.BlobStore) {
			ctx := context.Background()
			for _, tc := range []struct {
				data string
				size int64
			}{{"short", 10}, {"longer than said", 4}, {"x", -1}} {
				key := newKey(t, "kyc")
				err := s.Put(ctx, key, bytes.NewReader([]byte(tc.data)), tc.size, "image/png")
				require.ErrorIs(t, err, core.ErrInvalidInput, "%q with size %d", tc.data, tc.size)
				_, err = s.Stat(ctx, key)
				require.ErrorIs(t, err, core.ErrNotFound, "a failed put leaves nothing")
			}
		}},
		{"CanceledContext", func(t *testing.T, s ports.BlobStore) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			key := newKey(t, "kyc")
			err := s.Put(ctx, key, bytes.NewReader([]byte("x")), 1, "image/png")
			require.ErrorIs(t, err, context.Canceled)
			_, err = s.Stat(context.Background(), key)
			require.ErrorIs(t, err, core.ErrNotFound)
		}},
	}
}
