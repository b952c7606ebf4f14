package upload

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
)

// checkImage refuses an image whose header claims more pixels than the budget before any
// pixel is decoded, then decodes it in full, which refuses truncated and corrupt data.
func (p Policy) checkImage(data []byte, kind Kind) error {
	cfg, err := decodeConfig(data, kind)
	if err != nil {
		return unsupported(ReasonCorrupt, err.Error())
	}
	if err := p.checkDimensions(cfg.Width, cfg.Height); err != nil {
		return err
	}
	if _, err := decode(data, kind); err != nil {
		return unsupported(ReasonCorrupt, err.Error())
	}
	return nil
}

func (p Policy) checkDimensions(w, h int) error {
	maxSide, maxPixels := p.MaxSide, p.MaxPixels
	if maxSide <= 0 {
		maxSide = MaxSide
	}
	if maxPixels <= 0 {
		maxPixels = MaxPixels
	}
	if w <= 0 || h <= 0 {
		return unsupported(ReasonCorrupt, fmt.Sprintf("empty image %dx%d", w, h))
	}
	if w > maxSide || h > maxSide || int64(w)*int64(h) > maxPixels {
		return unsupported(ReasonTooManyPixels,
			fmt.Sprintf("%dx%d, limit %d a side and %d pixels", w, h, maxSide, maxPixels))
	}
	return nil
}

func decodeConfig(data []byte, kind Kind) (image.Config, error) {
	if kind == KindJPEG {
		return jpeg.DecodeConfig(bytes.NewReader(data))
	}
	return png.DecodeConfig(bytes.NewReader(data))
}

func decode(data []byte, kind Kind) (image.Image, error) {
	if kind == KindJPEG {
		return jpeg.Decode(bytes.NewReader(data))
	}
	return png.Decode(bytes.NewReader(data))
}

// checkPNGStructure walks the chunks: the first is IHDR, every CRC matches, and the file ends
// right after IEND, so nothing can ride along after the image.
func checkPNGStructure(data []byte) error {
	pos := len(magicPNG)
	for first := true; ; first = false {
		if len(data)-pos < 12 {
			return unsupported(ReasonCorrupt, "png truncated")
		}
		n := binary.BigEndian.Uint32(data[pos:])
		typ := string(data[pos+4 : pos+8])
		if n > 1<<31-1 || uint64(n) > uint64(len(data)-pos-12) {
			return unsupported(ReasonCorrupt, "png truncated in chunk "+typ)
		}
		end := pos + 8 + int(n)
		if crc32.ChecksumIEEE(data[pos+4:end]) != binary.BigEndian.Uint32(data[end:]) {
			return unsupported(ReasonCorrupt, "png bad crc in chunk "+typ)
		}
		if first && typ != "IHDR" {
			return unsupported(ReasonCorrupt, "png does not start with IHDR")
		}
		pos = end + 4
		if typ == "IEND" {
			if pos != len(data) {
				return unsupported(ReasonTrailingData, fmt.Sprintf("%d bytes after png IEND", len(data)-pos))
			}
			return nil
		}
	}
}

// JPEG markers the structure walk needs.
const (
	jpegSOS = 0xDA
	jpegEOI = 0xD9
	jpegSOI = 0xD8
	jpegTEM = 0x01
)

// checkJPEGStructure walks the segments and the entropy-coded scans to the first EOI and
// refuses anything after it.
func checkJPEGStructure(data []byte) error {
	pos := 2 // after SOI
	for {
		if pos >= len(data) || data[pos] != 0xFF {
			return unsupported(ReasonCorrupt, "jpeg truncated or marker expected")
		}
		for pos < len(data) && data[pos] == 0xFF { // fill bytes
			pos++
		}
		if pos >= len(data) {
			return unsupported(ReasonCorrupt, "jpeg truncated")
		}
		marker := data[pos]
		pos++
		switch {
		case marker == jpegEOI:
			if pos != len(data) {
				return unsupported(ReasonTrailingData, fmt.Sprintf("%d bytes after jpeg EOI", len(data)-pos))
			}
			return nil
		case marker >= 0xD0 && marker <= 0xD7, marker == jpegTEM:
			continue // standalone markers
		case marker == 0x00, marker == jpegSOI:
			return unsupported(ReasonCorrupt, fmt.Sprintf("jpeg unexpected marker %#02x", marker))
		}
		if len(data)-pos < 2 {
			return unsupported(ReasonCorrupt, "jpeg truncated")
		}
		n := int(binary.BigEndian.Uint16(data[pos:]))
		if n < 2 || n > len(data)-pos {
			return unsupported(ReasonCorrupt, "jpeg truncated segment")
		}
		pos += n
		if marker == jpegSOS {
			next, ok := skipEntropyCoded(data, pos)
			if !ok {
				return unsupported(ReasonCorrupt, "jpeg truncated scan")
			}
			pos = next
		}
	}
}

// skipEntropyCoded returns the position of the marker that ends the scan starting at pos,
// stepping over stuffed bytes (FF 00), restart markers and fill bytes.
func skipEntropyCoded(data []byte, pos int) (int, bool) {
	for {
		i := bytes.IndexByte(data[pos:], 0xFF)
		if i < 0 {
			return 0, false
		}
		pos += i
		j := pos + 1
		for j < len(data) && data[j] == 0xFF {
			j++
		}
		if j >= len(data) {
			return 0, false
		}
		if m := data[j]; m == 0x00 || m >= 0xD0 && m <= 0xD7 {
			pos = j + 1
			continue
		}
		return pos, true
	}
}
