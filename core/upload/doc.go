// Package upload decides whether an uploaded file is safe to keep (API.md §1.10). The type is
// decided from the bytes alone, never from the file name or the client's content type: JPEG and
// PNG must decode in full within a pixel budget, PDF must have a PDF header and trailer and no
// active content. Polyglots (a file that is also a ZIP, or carries bytes after its end marker),
// truncated files and oversized files are refused. [Sanitize] then re-encodes images, which
// drops EXIF and every other metadata chunk, so what is stored is what was decoded.
//
// Every refusal matches [core.ErrUnsupportedFileType] or [core.ErrFileTooLarge] and is a
// [*RejectedError] naming a stable reason for logs.
package upload
