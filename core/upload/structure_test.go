package upload_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/upload"
)

// The structure walks refuse a malformed file at a named step before any decoder sees it;
// each case checks the step's detail, so a refusal by a later check does not pass for it.
func TestCheckRefusesMalformedStructure(t *testing.T) {
	t.Parallel()
	jpegHead := []byte{0xFF, 0xD8}
	pngHead := []byte("\x89PNG\r\n\x1a\n")
	tests := []struct {
		name   string
		data   []byte
		reason string
		detail string
	}{
		{"jpeg with a second SOI", cat(jpegHead, []byte{0xFF, 0xD8, 0xFF, 0xD9}), upload.ReasonCorrupt, "jpeg unexpected marker 0xd8"},
		{"jpeg with marker 00", cat(jpegHead, []byte{0xFF, 0x00, 0xFF, 0xD9}), upload.ReasonCorrupt, "jpeg unexpected marker"},
		{"jpeg of fill bytes only", cat(jpegHead, []byte{0xFF, 0xFF, 0xFF}), upload.ReasonCorrupt, "jpeg truncated"},
		{"jpeg cut inside a segment length", cat(jpegHead, []byte{0xFF, 0xE0, 0x00}), upload.ReasonCorrupt, "jpeg truncated"},
		{"jpeg segment length below 2", cat(jpegHead, []byte{0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xD9}), upload.ReasonCorrupt, "jpeg truncated segment"},
		{"jpeg segment longer than the file", cat(jpegHead, []byte{0xFF, 0xE0, 0xFF, 0xFF, 0x00}), upload.ReasonCorrupt, "jpeg truncated segment"},
		{"jpeg scan with no marker after it", cat(jpegHead, []byte{0xFF, 0xDA, 0x00, 0x02, 'a', 'b', 'c'}), upload.ReasonCorrupt, "jpeg truncated scan"},
		{"jpeg scan ending in fill bytes", cat(jpegHead, []byte{0xFF, 0xDA, 0x00, 0x02, 'a', 0xFF, 0xFF}), upload.ReasonCorrupt, "jpeg truncated scan"},
		{"png chunk longer than the file", cat(pngHead, []byte{0x00, 0x00, 0x10, 0x00}, []byte("IHDR"), make([]byte, 8)), upload.ReasonCorrupt, "png truncated in chunk IHDR"},
		{"png starting with a text chunk", cat(pngHead, pngChunk("tEXt", []byte("a\x00b")), pngChunk("IEND", nil)), upload.ReasonCorrupt, "png does not start with IHDR"},
		{"pdf stream without endstream", pdfFile("", "<< /Length 3 >>\nstream\nabc"), upload.ReasonCorrupt, "pdf stream without endstream"},
		{"pdf streams inflating past 64 MiB", pdfFile("", deflateBomb(t, 65<<20)), upload.ReasonCorrupt, "pdf streams inflate past the budget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kind, err := upload.Check(tt.data, upload.Documents...)
			require.ErrorIs(t, err, core.ErrUnsupportedFileType)
			var rejected *upload.RejectedError
			require.ErrorAs(t, err, &rejected)
			require.Equal(t, tt.reason, rejected.Reason, "error: %v", err)
			require.Contains(t, rejected.Detail, tt.detail)
			require.Empty(t, kind)
		})
	}
}

// A PNG whose chunks are sound but whose pixel data is short passes the walk and the header
// budget, and is refused by the full decode.
func TestCheckRefusesImageThatFailsToDecode(t *testing.T) {
	t.Parallel()
	_, err := upload.Check(pngBomb(t, 64, 64), upload.Images...)
	var rejected *upload.RejectedError
	require.ErrorAs(t, err, &rejected)
	require.Equal(t, upload.ReasonCorrupt, rejected.Reason)
	require.Contains(t, rejected.Detail, "png: ")
}

// What the walks step over without refusing: markers and names that are legal, and streams
// that are not Flate.
func TestCheckAcceptsUnusualButLegalStructure(t *testing.T) {
	t.Parallel()
	jpg := jpegFile(t, 16, 16)
	tests := []struct {
		name string
		data []byte
		want upload.Kind
	}{
		{"jpeg with fill bytes and a stray restart marker after SOI", cat(jpg[:2], []byte{0xFF, 0xFF, 0xD0}, jpg[2:]), upload.KindJPEG},
		{"pdf with a stream that is not Flate", pdfFile("", "<< /Length 3 >>\nstream\nabc\nendstream"), upload.KindPDF},
		{"pdf with a name longer than any active one", pdfFile("/" + strings.Repeat("JavaScript", 7) + " true "), upload.KindPDF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := upload.Check(tt.data, upload.Documents...)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestRejectedErrorMessage(t *testing.T) {
	t.Parallel()
	_, err := upload.Check(nil, upload.Documents...)
	require.EqualError(t, err, core.ErrUnsupportedFileType.Error()+": "+upload.ReasonEmpty)
	_, err = upload.Check([]byte("GIF89a"), upload.Documents...)
	require.EqualError(t, err, core.ErrUnsupportedFileType.Error()+": "+upload.ReasonUnknownType+": no jpeg, png or pdf signature")
}

func TestKindOutsideTheList(t *testing.T) {
	t.Parallel()
	gif := upload.Kind("gif")
	require.Equal(t, "application/octet-stream", gif.ContentType())
	require.Empty(t, gif.Extension())
	require.False(t, gif.IsImage())
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// deflateBomb is a PDF stream object whose Flate body inflates to n zero bytes.
func deflateBomb(t testing.TB, n int) string {
	t.Helper()
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	require.NoError(t, err)
	_, err = zw.Write(make([]byte, n))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return fmt.Sprintf("<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", z.Len(), z.Bytes())
}
