package upload

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/talabin/talabin/core"
)

// Limits of one file (API.md §1.10).
const (
	// MaxSize is the largest file accepted, in bytes.
	MaxSize = 5 << 20
	// MaxPixels is the largest image accepted, in pixels. A full decode holds up to 8 bytes
	// a pixel (16-bit RGBA PNG), so this bounds the memory a decompression bomb can take.
	MaxPixels = 40_000_000
	// MaxSide is the largest width or height accepted, in pixels.
	MaxSide = 10_000
)

// Policy is what one upload field accepts. The zero value of a limit means its default.
type Policy struct {
	// Allowed are the kinds the field accepts; empty means none.
	Allowed []Kind
	// MaxSize is the largest file in bytes; 0 means [MaxSize].
	MaxSize int64
	// MaxPixels is the largest image in pixels; 0 means [MaxPixels].
	MaxPixels int64
	// MaxSide is the largest width or height in pixels; 0 means [MaxSide].
	MaxSide int
}

// Check decides the kind of data with the default limits and refuses it unless it is one of
// allowed and safe to keep. See [Policy.Check].
func Check(data []byte, allowed ...Kind) (Kind, error) {
	return Policy{Allowed: allowed}.Check(data)
}

// Check decides the kind of data from its bytes and refuses it unless it is one of p.Allowed
// and safe to keep: within the size limit, of a known kind by its magic bytes, structurally
// whole with nothing after its end marker, free of embedded ZIP archives, an image within the
// pixel budget that decodes in full, or a PDF without active content. It returns
// [core.ErrFileTooLarge] or [core.ErrUnsupportedFileType], as a [*RejectedError].
func (p Policy) Check(data []byte) (Kind, error) {
	if max := p.maxSize(); int64(len(data)) > max {
		return "", &RejectedError{Err: core.ErrFileTooLarge, Reason: ReasonTooLarge,
			Detail: fmt.Sprintf("%d bytes, limit %d", len(data), max)}
	}
	if len(data) == 0 {
		return "", unsupported(ReasonEmpty, "")
	}
	kind, ok := sniff(data)
	if !ok {
		return "", unsupported(ReasonUnknownType, "no jpeg, png or pdf signature")
	}
	if !slices.Contains(p.Allowed, kind) {
		return "", unsupported(ReasonNotAllowed, string(kind))
	}
	if hasZIPSignature(data) {
		return "", unsupported(ReasonEmbeddedArchive, "zip signature found")
	}
	var err error
	switch kind {
	case KindJPEG:
		err = checkJPEGStructure(data)
	case KindPNG:
		err = checkPNGStructure(data)
	case KindPDF:
		err = checkPDF(data)
	}
	if err == nil && kind.IsImage() {
		err = p.checkImage(data, kind)
	}
	if err != nil {
		return "", err
	}
	return kind, nil
}

// ReadAll reads r to its end, but no more than maxSize bytes: a longer stream is refused with
// [core.ErrFileTooLarge] without reading the rest. maxSize 0 means [MaxSize].
func ReadAll(r io.Reader, maxSize int64) ([]byte, error) {
	if maxSize <= 0 {
		maxSize = MaxSize
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if int64(len(data)) > maxSize {
		return nil, &RejectedError{Err: core.ErrFileTooLarge, Reason: ReasonTooLarge,
			Detail: fmt.Sprintf("more than %d bytes", maxSize)}
	}
	return data, nil
}

func (p Policy) maxSize() int64 {
	if p.MaxSize > 0 {
		return p.MaxSize
	}
	return MaxSize
}

// Magic bytes of the accepted kinds.
var (
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	magicPNG  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
	magicPDF  = []byte("%PDF-")
)

// sniff names the kind whose signature data starts with.
func sniff(data []byte) (Kind, bool) {
	switch {
	case bytes.HasPrefix(data, magicJPEG):
		return KindJPEG, true
	case bytes.HasPrefix(data, magicPNG):
		return KindPNG, true
	case bytes.HasPrefix(data, magicPDF):
		return KindPDF, true
	}
	return "", false
}

// zipSignatures are the ZIP local file header, central directory header and end of central
// directory record. A ZIP reader looks for the last one from the end of a file, so a ZIP
// hidden in a metadata chunk makes a file that is both an image and an archive. Compressed
// image data holds one of them by chance with odds of about one in a thousand for a 5 MB
// file; such a file is refused too, as the price of refusing every polyglot.
var zipSignatures = [][]byte{
	[]byte("PK\x03\x04"),
	[]byte("PK\x01\x02"),
	[]byte("PK\x05\x06"),
}

func hasZIPSignature(data []byte) bool {
	for _, sig := range zipSignatures {
		if bytes.Contains(data, sig) {
			return true
		}
	}
	return false
}
