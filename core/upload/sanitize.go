package upload

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"image/png"
)

// JPEGQuality is the quality images are re-encoded at: high enough to read a national card.
const JPEGQuality = 90

// Sanitize returns what to store for data of kind, with the default limits. See
// [Policy.Sanitize].
func Sanitize(data []byte, kind Kind) ([]byte, error) {
	return Policy{}.Sanitize(data, kind)
}

// Sanitize returns what to store for data of kind, which passed [Policy.Check]. Images are
// decoded and encoded again in the same format, which drops EXIF (GPS position, camera serial),
// ICC profiles, comments and any other chunk or segment; the output holds only pixels. EXIF
// orientation is not applied, so a photo may show rotated. PDFs are returned as checked. The
// pixel budget is checked again first, so a caller that skips Check cannot be made to decode a
// bomb.
func (p Policy) Sanitize(data []byte, kind Kind) ([]byte, error) {
	if !kind.IsImage() {
		if kind != KindPDF {
			return nil, unsupported(ReasonUnknownType, string(kind))
		}
		return data, nil
	}
	cfg, err := decodeConfig(data, kind)
	if err != nil {
		return nil, unsupported(ReasonCorrupt, err.Error())
	}
	if err := p.checkDimensions(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	img, err := decode(data, kind)
	if err != nil {
		return nil, unsupported(ReasonCorrupt, err.Error())
	}
	var out bytes.Buffer
	if kind == KindJPEG {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: JPEGQuality})
	} else {
		err = png.Encode(&out, img)
	}
	if err != nil {
		return nil, fmt.Errorf("re-encode %s: %w", kind, err)
	}
	return out.Bytes(), nil
}

// Accept checks data with p and returns its kind and what to store: [Policy.Check] followed
// by [Policy.Sanitize].
func (p Policy) Accept(data []byte) (Kind, []byte, error) {
	kind, err := p.Check(data)
	if err != nil {
		return "", nil, err
	}
	clean, err := p.Sanitize(data, kind)
	if err != nil {
		return "", nil, err
	}
	return kind, clean, nil
}
