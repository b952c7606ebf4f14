package s3_test

import (
	"testing"

	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/blobtest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	blobtest.Run(t, func(t *testing.T) ports.BlobStore {
		return newStore(t, newFake(t), nil)
	})
}

func TestConformanceWithPrefix(t *testing.T) {
	t.Parallel()
	blobtest.Run(t, func(t *testing.T) ports.BlobStore {
		return newStore(t, newFake(t), func(c *s3Config) { c.Prefix = "talabin/test" })
	})
}
