package upload

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// PDF rules.
const (
	// pdfTailWindow is how near the end the last %%EOF must be.
	pdfTailWindow = 1024
	// pdfInflateBudget caps the bytes inflated from all of a PDF's streams while looking
	// for active content hidden in compressed object streams; more is a decompression bomb.
	pdfInflateBudget = 64 << 20
)

var pdfHeader = regexp.MustCompile(`\A%PDF-[12]\.[0-9]`)

// pdfActiveNames are the PDF names that run code, start programs, carry other files or submit
// data: a document under review must be inert.
var pdfActiveNames = map[string]bool{
	"JavaScript":    true,
	"JS":            true,
	"Launch":        true,
	"EmbeddedFile":  true,
	"EmbeddedFiles": true,
	"RichMedia":     true,
	"XFA":           true,
	"SubmitForm":    true,
	"ImportData":    true,
	"GoToE":         true,
}

// checkPDF checks the header and the trailer and refuses active content, also inside
// Flate-compressed streams. PDFs are not rendered, so this is all the checking they get.
func checkPDF(data []byte) error {
	if !pdfHeader.Match(data) {
		return unsupported(ReasonCorrupt, "pdf header without version")
	}
	tail := data[max(0, len(data)-pdfTailWindow):]
	eof := bytes.LastIndex(tail, []byte("%%EOF"))
	if eof < 0 {
		return unsupported(ReasonCorrupt, "pdf without %%EOF near the end")
	}
	if rest := tail[eof+len("%%EOF"):]; len(bytes.TrimSpace(rest)) != 0 {
		return unsupported(ReasonTrailingData, fmt.Sprintf("%d bytes after pdf %%%%EOF", len(rest)))
	}
	if !bytes.Contains(data, []byte("startxref")) {
		return unsupported(ReasonCorrupt, "pdf without startxref")
	}
	if name, ok := activeName(data); ok {
		return unsupported(ReasonActiveContent, "pdf name /"+name)
	}
	return checkPDFStreams(data)
}

// checkPDFStreams inflates every Flate stream and looks for active names inside.
func checkPDFStreams(data []byte) error {
	budget := int64(pdfInflateBudget)
	for rest := data; ; {
		start, ok := streamStart(rest)
		if !ok {
			return nil
		}
		rest = rest[start:]
		end := bytes.Index(rest, []byte("endstream"))
		if end < 0 {
			return unsupported(ReasonCorrupt, "pdf stream without endstream")
		}
		body := rest[:end]
		rest = rest[end:]
		zr, err := zlib.NewReader(bytes.NewReader(body))
		if err != nil {
			continue // not Flate: images and other encodings carry no PDF objects
		}
		// A stream that fails to inflate part way is still scanned as far as it went.
		plain, _ := io.ReadAll(io.LimitReader(zr, budget+1))
		budget -= int64(len(plain))
		if budget < 0 {
			return unsupported(ReasonCorrupt, "pdf streams inflate past the budget")
		}
		if name, ok := activeName(plain); ok {
			return unsupported(ReasonActiveContent, "pdf name /"+name+" in a compressed stream")
		}
	}
}

// streamStart returns the offset just past the next "stream" keyword and its end of line.
func streamStart(data []byte) (int, bool) {
	keyword := []byte("stream")
	for off := 0; ; {
		i := bytes.Index(data[off:], keyword)
		if i < 0 {
			return 0, false
		}
		at := off + i
		pos := at + len(keyword)
		off = pos
		if at >= 3 && string(data[at-3:at]) == "end" {
			continue
		}
		switch {
		case bytes.HasPrefix(data[pos:], []byte("\r\n")):
			return pos + 2, true
		case bytes.HasPrefix(data[pos:], []byte("\n")):
			return pos + 1, true
		}
	}
}

// activeName reports the first name in data that is in pdfActiveNames, decoding the #xx
// escapes a name may use to hide (/J#61vaScript is /JavaScript).
func activeName(data []byte) (string, bool) {
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], '/')
		if i < 0 {
			return "", false
		}
		start := off + i + 1
		end := start
		for end < len(data) && !isPDFDelimiter(data[end]) {
			end++
		}
		off = end
		if end-start > 64 {
			continue
		}
		if name := decodePDFName(data[start:end]); pdfActiveNames[name] {
			return name, true
		}
	}
}

func isPDFDelimiter(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func decodePDFName(raw []byte) string {
	if bytes.IndexByte(raw, '#') < 0 {
		return string(raw)
	}
	var b []byte
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) {
			if v, err := strconv.ParseUint(string(raw[i+1:i+3]), 16, 8); err == nil {
				b = append(b, byte(v))
				i += 2
				continue
			}
		}
		b = append(b, raw[i])
	}
	return string(b)
}
