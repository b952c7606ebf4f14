package httpapi

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/talabin/talabin/ports"
)

// fileTypes are the content types a stored file (a receipt, an identity document) is served
// with, and its file extension; a stored type outside them is served as
// application/octet-stream, so nothing a browser would render comes back from the blob store.
var fileTypes = map[string]string{
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
	"application/pdf": ".pdf",
}

// writeAttachment streams body, a stored file described by info, outside the envelope as an
// attachment named name plus its extension, never cached or sniffed. It closes body. An error
// after the response started is only logged by the router.
func writeAttachment(w http.ResponseWriter, body io.ReadCloser, info ports.BlobInfo, name string) error {
	defer func() { _ = body.Close() }()
	contentType, _, _ := mime.ParseMediaType(info.ContentType)
	ext, known := fileTypes[contentType]
	if !known {
		contentType = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ext}))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if info.Size > 0 {
		h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	}
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, body); err != nil {
		return fmt.Errorf("stream %s: %w", name, err)
	}
	return nil
}
