package upload

// Kind is a file type the platform accepts.
type Kind string

// The accepted kinds.
const (
	KindJPEG Kind = "jpeg"
	KindPNG  Kind = "png"
	KindPDF  Kind = "pdf"
)

// Images and Documents are the usual allowed sets: selfies and profile images are images only;
// identity documents and receipts may also be PDFs.
var (
	Images    = []Kind{KindJPEG, KindPNG}
	Documents = []Kind{KindJPEG, KindPNG, KindPDF}
)

// ContentType is the media type to store and serve the kind with.
func (k Kind) ContentType() string {
	switch k {
	case KindJPEG:
		return "image/jpeg"
	case KindPNG:
		return "image/png"
	case KindPDF:
		return "application/pdf"
	}
	return "application/octet-stream"
}

// Extension is the file name extension of the kind, without the dot.
func (k Kind) Extension() string {
	switch k {
	case KindJPEG:
		return "jpg"
	case KindPNG, KindPDF:
		return string(k)
	}
	return ""
}

// IsImage reports whether the kind is a raster image that [Sanitize] re-encodes.
func (k Kind) IsImage() bool { return k == KindJPEG || k == KindPNG }
