package upload_test

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"
)

// gradient is a small image with varied pixels, so encoders cannot collapse it.
func gradient(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x * 7), G: uint8(y * 13), B: uint8(x + y), A: 255})
		}
	}
	return img
}

func pngFile(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, gradient(w, h)))
	return b.Bytes()
}

func jpegFile(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, gradient(w, h), &jpeg.Options{Quality: 80}))
	return b.Bytes()
}

// pngChunk is one PNG chunk with its length and a correct CRC.
func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}

// withPNGChunk inserts chunk right after IHDR (signature 8 bytes, IHDR 25 bytes).
func withPNGChunk(file, chunk []byte) []byte {
	const afterIHDR = 8 + 25
	return bytes.Join([][]byte{file[:afterIHDR], chunk, file[afterIHDR:]}, nil)
}

// pngBomb is a well-formed PNG header claiming w×h pixels, with a tiny IDAT: decoding it in
// full would allocate w×h×4 bytes.
func pngBomb(t testing.TB, w, h uint32) []byte {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, deflate, no filter, no interlace
	var idat bytes.Buffer
	zw := zlib.NewWriter(&idat)
	_, err := zw.Write(make([]byte, 1024))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", idat.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

// zipFile is a real ZIP archive holding one file.
func zipFile(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("payload.html")
	require.NoError(t, err)
	_, err = w.Write([]byte("<script>alert(1)</script>"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

// exifSecret is the text planted in metadata; it must not survive Sanitize.
const exifSecret = "GPS 35.6892N 51.3890E serial-SN123456"

// jpegWithExif inserts an APP1 Exif segment (a minimal TIFF header and the secret) after SOI.
func jpegWithExif(t testing.TB) []byte {
	t.Helper()
	payload := append([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00"), exifSecret...)
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	seg = append(seg, payload...)
	file := jpegFile(t, 32, 24)
	return bytes.Join([][]byte{file[:2], seg, file[2:]}, nil)
}

// pdfFile is a minimal valid one-page PDF whose page content is content, with a correct
// cross-reference table. extra is added to the catalog dictionary.
func pdfFile(catalogExtra string, objects ...string) []byte {
	objs := append([]string{
		"<< /Type /Catalog /Pages 2 0 R " + catalogExtra + ">>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
	}, objects...)
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// flateStream is a PDF stream object whose Flate-compressed body is plain.
func flateStream(t testing.TB, plain string) string {
	t.Helper()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, err := zw.Write([]byte(plain))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return fmt.Sprintf("<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream",
		z.Len(), z.Bytes())
}
