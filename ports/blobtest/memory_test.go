package blobtest_test

import (
	"testing"

	"github.com/talabin/talabin/ports"
	"github.com/talabin/talabin/ports/blobtest"
)

// TestMemory runs the conformance suite against the in-memory store the service tests use.
func TestMemory(t *testing.T) {
	t.Parallel()
	blobtest.Run(t, func(*testing.T) ports.BlobStore { return blobtest.NewMemory() })
}
