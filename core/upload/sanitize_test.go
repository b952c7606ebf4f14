package upload_test

import (
	"bytes"
	"errors"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/upload"
)

func TestSanitizeStripsJPEGExif(t *testing.T) {
	t.Parallel()
	in := jpegWithExif(t)
	require.Contains(t, string(in), "Exif")
	require.Contains(t, string(in), exifSecret)

	kind, out, err := upload.Policy{Allowed: upload.Images}.Accept(in)
	require.NoError(t, err)
	require.Equal(t, upload.KindJPEG, kind)
	require.NotContains(t, string(out), "Exif")
	require.NotContains(t, string(out), exifSecret)
	require.NotContains(t, string(out), "\xFF\xE1", "no APP1 segment may remain")

	img, err := jpeg.Decode(bytes.NewReader(out))
	require.NoError(t, err)
	require.Equal(t, 32, img.Bounds().Dx())
	require.Equal(t, 24, img.Bounds().Dy())
	again, err := upload.Check(out, upload.Images...)
	require.NoError(t, err)
	require.Equal(t, upload.KindJPEG, again)
}

func TestSanitizeStripsPNGChunks(t *testing.T) {
	t.Parallel()
	in := withPNGChunk(pngFile(t, 16, 9), pngChunk("tEXt", []byte("Author\x00"+exifSecret)))
	out, err := upload.Sanitize(in, upload.KindPNG)
	require.NoError(t, err)
	require.NotContains(t, string(out), exifSecret)
	require.NotContains(t, string(out), "tEXt")

	before, err := png.Decode(bytes.NewReader(in))
	require.NoError(t, err)
	after, err := png.Decode(bytes.NewReader(out))
	require.NoError(t, err)
	require.Equal(t, before.Bounds(), after.Bounds())
	require.Equal(t, before.At(5, 3), after.At(5, 3), "png re-encoding is lossless")
}

func TestSanitizeKeepsPDF(t *testing.T) {
	t.Parallel()
	in := pdfFile("")
	out, err := upload.Sanitize(in, upload.KindPDF)
	require.NoError(t, err)
	require.Equal(t, in, out)
}

func TestSanitizeRefusesBombAndUnknownKind(t *testing.T) {
	t.Parallel()
	_, err := upload.Sanitize(pngBomb(t, 100_000, 100_000), upload.KindPNG)
	require.ErrorIs(t, err, core.ErrUnsupportedFileType)
	_, err = upload.Sanitize(pngFile(t, 2, 2), upload.Kind("gif"))
	require.ErrorIs(t, err, core.ErrUnsupportedFileType)
	_, err = upload.Sanitize(pngFile(t, 2, 2), upload.KindJPEG)
	require.ErrorIs(t, err, core.ErrUnsupportedFileType)
}

func FuzzCheck(f *testing.F) {
	png := pngFile(f, 6, 5)
	jpg := jpegFile(f, 6, 5)
	for _, seed := range [][]byte{
		png, jpg, jpegWithExif(f), pdfFile(""), pdfFile("", flateStream(f, "<< /JS (x) >>")),
		png[:30], jpg[:40], pngBomb(f, 100_000, 100_000), append(bytes.Clone(png), zipFile(f)...),
		[]byte("%PDF-1.4\nstartxref\n%%EOF"), {0xFF, 0xD8, 0xFF, 0xD9},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, err := upload.Check(data, upload.Documents...)
		if err != nil {
			require.Empty(t, kind)
			require.True(t, errorIsOneOf(err, core.ErrUnsupportedFileType, core.ErrFileTooLarge), "unexpected error %v", err)
			return
		}
		out, err := upload.Sanitize(data, kind)
		require.NoError(t, err, "accepted %s that Sanitize refuses", kind)
		require.NotEmpty(t, out)
	})
}

func errorIsOneOf(err error, targets ...error) bool {
	for _, target := range targets {
		if errorsIs(err, target) {
			return true
		}
	}
	return false
}

var errorsIs = errors.Is
