package ports

import (
	"context"
	"encoding/base32"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/talabin/talabin/core"
)

// BlobStore keeps uploaded files (identity documents, receipts, profile images) in private
// storage (ARCHITECTURE.md §5). Nothing in it is publicly reachable: files go out only through
// an authorized download or a short-lived signed URL made above the port. Blobs are immutable:
// a key is written once, so a stored document cannot be swapped after review.
//
// Keys come from [NewBlobKey], never from user input, and every method refuses a key that
// breaks [ValidateBlobKey] with [core.ErrInvalidInput] before touching storage.
type BlobStore interface {
	// Put stores exactly size bytes read from r under key with contentType. It streams: the
	// store need not hold the whole blob in memory. The blob becomes visible all at once or
	// not at all; if r yields more or fewer than size bytes nothing is stored and
	// [core.ErrInvalidInput] is returned. A key that already holds a blob returns
	// [core.ErrAlreadyExists] and leaves that blob as it was. Not idempotent.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get opens the blob under key; the caller closes it. It returns [core.ErrNotFound] when
	// there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, BlobInfo, error)
	// Stat describes the blob under key, or returns [core.ErrNotFound].
	Stat(ctx context.Context, key string) (BlobInfo, error)
	// Delete removes the blob under key. Idempotent: deleting a missing blob succeeds.
	Delete(ctx context.Context, key string) error
}

// BlobInfo describes a stored blob.
type BlobInfo struct {
	Key         string
	Size        int64
	ContentType string
	ModTime     time.Time
}

// Blob key rules.
const (
	// MaxBlobKeyLen is the longest key accepted.
	MaxBlobKeyLen = 256
	// maxContentTypeLen is the longest content type accepted.
	maxContentTypeLen = 127
)

// blobKeyEncoding spells the random part of a key: lowercase, so keys cannot collide on a
// case-insensitive file system, and without padding.
var blobKeyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewBlobKey returns prefix + "/" + 128 random bits in base32 (26 characters), for example
// "kyc/2026/12/3z7q…". prefix is one or more segments chosen by the caller, never by the user
// (a date in it spreads files over folders); it must itself be a valid key. rand is a CSPRNG
// (crypto/rand.Reader) in production.
func NewBlobKey(prefix string, rand io.Reader) (string, error) {
	if err := ValidateBlobKey(prefix); err != nil {
		return "", fmt.Errorf("blob key prefix: %w", err)
	}
	var b [16]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return "", fmt.Errorf("blob key: read random bytes: %w", err)
	}
	return prefix + "/" + blobKeyEncoding.EncodeToString(b[:]), nil
}

// ValidateBlobKey returns [core.ErrInvalidInput] unless key is 1 to [MaxBlobKeyLen] bytes of
// "/"-separated segments, each starting with a lowercase letter or digit and holding only
// lowercase letters, digits, '.', '_' and '-'. So no key is absolute, climbs out with "..",
// uses a backslash or a drive letter, or names a hidden file, on any file system or object
// store.
func ValidateBlobKey(key string) error {
	if key == "" || len(key) > MaxBlobKeyLen {
		return fmt.Errorf("%w: blob key must be 1 to %d bytes", core.ErrInvalidInput, MaxBlobKeyLen)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" {
			return fmt.Errorf("%w: blob key %q has an empty segment", core.ErrInvalidInput, key)
		}
		for i := range len(seg) {
			c := seg[i]
			alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
			if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
				return fmt.Errorf("%w: blob key %q has a bad character at %q", core.ErrInvalidInput, key, seg)
			}
		}
	}
	return nil
}

// ValidateContentType returns [core.ErrInvalidInput] unless contentType is a short printable
// ASCII string, so a store can keep it on one line of metadata.
func ValidateContentType(contentType string) error {
	if contentType == "" || len(contentType) > maxContentTypeLen {
		return fmt.Errorf("%w: content type must be 1 to %d bytes", core.ErrInvalidInput, maxContentTypeLen)
	}
	for i := range len(contentType) {
		if c := contentType[i]; c < 0x20 || c > 0x7E {
			return fmt.Errorf("%w: content type has a control or non-ascii byte", core.ErrInvalidInput)
		}
	}
	return nil
}
