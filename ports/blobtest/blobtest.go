// Package blobtest is the conformance suite of [ports.BlobStore]. Every blob store adapter runs
// it from its own TestConformance:
//
//	func TestConformance(t *testing.T) {
//		t.Parallel()
//		blobtest.Run(t, func(t *testing.T) ports.BlobStore { return newStore(t) })
//	}
//
// The suite checks the contract documented on the port through the port only: round trips,
// immutability (a second Put to a key is refused with core.ErrAlreadyExists), not found,
// idempotent delete, refusal of hostile keys, size mismatches, parallel writers, and a large
// blob streamed from a reader that never holds it whole. New store behaviour gets a case here
// first.
package blobtest

import (
	"context"
	"crypto/rand"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/ports"
)

// NewStoreFunc returns a fresh store owned by t; it registers its own cleanup. The store must
// hold no blob another case can see.
type NewStoreFunc func(t *testing.T) ports.BlobStore

// Run runs every conformance case against stores made by newStore.
func Run(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newStore(t))
		})
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, s ports.BlobStore)
}

func cases() []testCase {
	var all []testCase
	all = append(all, roundTripCases()...)
	all = append(all, keyCases()...)
	all = append(all, streamCases()...)
	return all
}

// newKey returns a fresh random key under prefix.
func newKey(t *testing.T, prefix string) string {
	t.Helper()
	key, err := ports.NewBlobKey(prefix, rand.Reader)
	require.NoError(t, err)
	return key
}

// readBlob reads the whole blob under key.
func readBlob(t *testing.T, s ports.BlobStore, key string) ([]byte, ports.BlobInfo) {
	t.Helper()
	rc, info, err := s.Get(context.Background(), key)
	require.NoError(t, err)
	defer func() { require.NoError(t, rc.Close()) }()
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	return data, info
}
