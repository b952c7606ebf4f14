package upload_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/upload"
)

func TestCheckAcceptsRealFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
		want upload.Kind
	}{
		{"png", pngFile(t, 40, 30), upload.KindPNG},
		{"jpeg", jpegFile(t, 40, 30), upload.KindJPEG},
		{"jpeg with exif", jpegWithExif(t), upload.KindJPEG},
		{"png with text chunk", withPNGChunk(pngFile(t, 8, 8), pngChunk("tEXt", []byte("Comment\x00hello"))), upload.KindPNG},
		{"pdf", pdfFile(""), upload.KindPDF},
		{"pdf with plain flate stream", pdfFile("", flateStream(t, "4 0 << /Type /Font /Subtype /Type1 >>")), upload.KindPDF},
		{"pdf ending in crlf", append(bytes.TrimSuffix(pdfFile(""), []byte("\n")), "\r\n"...), upload.KindPDF},
		{"largest side", pngFile(t, upload.MaxSide, 1), upload.KindPNG},
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

func TestCheckRefusesHostileFiles(t *testing.T) {
	t.Parallel()
	png := pngFile(t, 40, 30)
	jpg := jpegFile(t, 40, 30)
	tests := []struct {
		name    string
		data    []byte
		allowed []upload.Kind
		err     error
		reason  string
	}{
		{"empty", nil, upload.Documents, core.ErrUnsupportedFileType, upload.ReasonEmpty},
		{"gif magic", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonUnknownType},
		{"html named .png", []byte("<html><script>alert(1)</script></html>"), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonUnknownType},
		{"png magic off by one byte", append([]byte("\x89PNG\r\n\x1a\x0b"), png[8:]...), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonUnknownType},
		{"jpeg magic then png body", append([]byte{0xFF, 0xD8, 0xFF}, png[8:]...), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"png magic then jpeg body", append(png[:8:8], jpg[2:]...), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"pdf where only images", pdfFile(""), upload.Images, core.ErrUnsupportedFileType, upload.ReasonNotAllowed},
		{"nothing allowed", png, nil, core.ErrUnsupportedFileType, upload.ReasonNotAllowed},
		{"png with zip appended", append(bytes.Clone(png), zipFile(t)...), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonEmbeddedArchive},
		{"png with zip in a chunk", withPNGChunk(png, pngChunk("zzZp", zipFile(t))), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonEmbeddedArchive},
		{"jpeg with zip appended", append(bytes.Clone(jpg), zipFile(t)...), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonEmbeddedArchive},
		{"pdf with zip inside", pdfFile("", "("+string(zipFile(t))+")"), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonEmbeddedArchive},
		{"png with html after IEND", append(bytes.Clone(png), "<script>alert(1)</script>"...), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonTrailingData},
		{"png with second png after IEND", append(bytes.Clone(png), png...), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonTrailingData},
		{"jpeg with data after EOI", append(bytes.Clone(jpg), "<?php system($_GET[0]); ?>"...), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonTrailingData},
		{"jpeg with second jpeg after EOI", append(bytes.Clone(jpg), jpg...), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonTrailingData},
		{"truncated png", png[:len(png)/2], upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"png without IEND", png[:len(png)-12], upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"png with bad crc", flipByte(png, 40), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"truncated jpeg", jpg[:len(jpg)/2], upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"jpeg without EOI", jpg[:len(jpg)-2], upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"png bomb 100000x100000", pngBomb(t, 100_000, 100_000), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonTooManyPixels},
		{"png bomb 10000x10000", pngBomb(t, 10_000, 10_000), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonTooManyPixels},
		{"png one side too long", pngBomb(t, upload.MaxSide+1, 1), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonTooManyPixels},
		{"png header claims zero width", pngBomb(t, 0, 10), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"pdf with javascript", pdfFile("/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonActiveContent},
		{"pdf with escaped javascript name", pdfFile("/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> "), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonActiveContent},
		{"pdf with launch", pdfFile("/OpenAction << /S /Launch /F (cmd.exe) >> "), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonActiveContent},
		{"pdf with embedded file", pdfFile("/Names << /EmbeddedFiles 4 0 R >> "), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonActiveContent},
		{"pdf with javascript in object stream", pdfFile("", flateStream(t, "5 0 << /S /JavaScript /JS (app.alert(1)) >>")), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonActiveContent},
		{"pdf without %%EOF", bytes.TrimSuffix(pdfFile(""), []byte("%%EOF\n")), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"pdf with data after %%EOF", append(pdfFile(""), "<html>"...), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonTrailingData},
		{"pdf header only", []byte("%PDF-1.4\n%%EOF\n"), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"pdf magic without version", []byte("%PDF-x\nstartxref\n0\n%%EOF\n"), upload.Documents, core.ErrUnsupportedFileType, upload.ReasonCorrupt},
		{"5 MB + 1 byte", oversized(png), upload.Documents, core.ErrFileTooLarge, upload.ReasonTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kind, err := upload.Check(tt.data, tt.allowed...)
			require.ErrorIs(t, err, tt.err)
			var rejected *upload.RejectedError
			require.ErrorAs(t, err, &rejected)
			require.Equal(t, tt.reason, rejected.Reason, "error: %v", err)
			require.Empty(t, kind)
		})
	}
}

func TestCheckSizeLimit(t *testing.T) {
	t.Parallel()
	pdf := pdfFile("")
	padded := func(n int) []byte { // a valid PDF of exactly n bytes: pad inside a comment line
		pad := n - len(pdf) - 2
		return append([]byte("%PDF-1.7\n%"+strings.Repeat("a", pad)+"\n"), pdf[len("%PDF-1.7\n"):]...)
	}
	exact := padded(upload.MaxSize)
	require.Len(t, exact, upload.MaxSize)
	_, err := upload.Check(exact, upload.KindPDF)
	require.NoError(t, err)
	_, err = upload.Check(padded(upload.MaxSize+1), upload.KindPDF)
	require.ErrorIs(t, err, core.ErrFileTooLarge)

	small := upload.Policy{Allowed: upload.Documents, MaxSize: int64(len(pdf) - 1)}
	_, err = small.Check(pdf)
	require.ErrorIs(t, err, core.ErrFileTooLarge)
}

func TestPolicyPixelBudget(t *testing.T) {
	t.Parallel()
	p := upload.Policy{Allowed: upload.Images, MaxPixels: 100, MaxSide: 20}
	_, err := p.Check(pngFile(t, 10, 10))
	require.NoError(t, err)
	_, err = p.Check(pngFile(t, 11, 10))
	require.ErrorIs(t, err, core.ErrUnsupportedFileType)
	_, err = p.Check(jpegFile(t, 21, 1))
	require.ErrorIs(t, err, core.ErrUnsupportedFileType)
}

func TestReadAll(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		size int
		err  error
	}{
		{"empty", 0, nil},
		{"exactly 5 MB", upload.MaxSize, nil},
		{"5 MB + 1 byte", upload.MaxSize + 1, core.ErrFileTooLarge},
		{"far larger", 3 * upload.MaxSize, core.ErrFileTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &countingReader{r: bytes.NewReader(make([]byte, tt.size))}
			data, err := upload.ReadAll(r, 0)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				require.LessOrEqual(t, r.n, upload.MaxSize+1, "read past the cap")
				return
			}
			require.NoError(t, err)
			require.Len(t, data, tt.size)
		})
	}
}

func TestKind(t *testing.T) {
	t.Parallel()
	require.Equal(t, "image/jpeg", upload.KindJPEG.ContentType())
	require.Equal(t, "image/png", upload.KindPNG.ContentType())
	require.Equal(t, "application/pdf", upload.KindPDF.ContentType())
	require.Equal(t, "jpg", upload.KindJPEG.Extension())
	require.Equal(t, "pdf", upload.KindPDF.Extension())
	require.True(t, upload.KindPNG.IsImage())
	require.False(t, upload.KindPDF.IsImage())
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func flipByte(data []byte, i int) []byte {
	out := bytes.Clone(data)
	out[i] ^= 0xFF
	return out
}

// oversized is data padded to 5 MB + 1 byte.
func oversized(data []byte) []byte {
	return append(bytes.Clone(data), make([]byte, upload.MaxSize+1-len(data))...)
}
