package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/talabin/talabin/core"
)

// Page sizes of list endpoints (API.md §1.4).
const (
	// DefaultPageSize is the page size when the request names none (the original's PAGE_SIZE).
	DefaultPageSize = 20
	// MaxPageSize is the largest page size; larger requests are served this many items.
	MaxPageSize = 100
)

// maxPageNumber bounds the page number so that [Page.Offset] cannot overflow.
const maxPageNumber = 1 << 31

// Page is the page a list request asks for: Number is 1-based, Size the items per page.
type Page struct {
	Number int
	Size   int
}

// normalized returns p with a number below 1 read as 1 and a size outside 1..MaxPageSize read
// as [DefaultPageSize], as [ParsePage] would have.
func (p Page) normalized() Page {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.Size < 1 || p.Size > MaxPageSize {
		p.Size = DefaultPageSize
	}
	return p
}

// Offset returns how many items come before the page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// Limit returns the most items the page holds.
func (p Page) Limit() int { return p.Size }

// ParsePage reads the page and page_size query parameters of r, after digit normalisation,
// as the original API did: page defaults to 1 and must be a positive integer, otherwise the
// error wraps [core.ErrNotFound] (404 not_found, "invalid page"); a missing, malformed or
// non-positive page_size means [DefaultPageSize] and one above [MaxPageSize] means
// MaxPageSize.
func ParsePage(r *http.Request) (Page, error) {
	q := r.URL.Query()
	p := Page{Number: 1, Size: DefaultPageSize}
	if raw := q.Get("page"); raw != "" {
		n, err := strconv.Atoi(core.NormalizeDigits(raw))
		if err != nil || n < 1 || n > maxPageNumber {
			return Page{}, fmt.Errorf("%w: invalid page %q", core.ErrNotFound, raw)
		}
		p.Number = n
	}
	if raw := q.Get("page_size"); raw != "" {
		if n, err := strconv.Atoi(core.NormalizeDigits(raw)); err == nil && n > 0 {
			p.Size = min(n, MaxPageSize)
		}
	}
	return p, nil
}

// pagination is the "pagination" member of a list response (API.md §1.4).
type pagination struct {
	Count      int     `json:"count"`
	Page       int     `json:"page"`
	PageSize   int     `json:"page_size"`
	TotalPages int     `json:"total_pages"`
	Next       *string `json:"next"`
	Previous   *string `json:"previous"`
}

// listEnvelope is the body of a successful list response: data is the array of items.
type listEnvelope[T any] struct {
	Success    bool       `json:"success"`
	Data       []T        `json:"data"`
	Pagination pagination `json:"pagination"`
}

// WriteList answers r with 200 {"success":true,"data":[items...],"pagination":{...}}: items
// are page p of count items in all; next and previous are absolute URLs of the neighbouring
// pages (the request's URL with page changed, page left out for page 1) or null. A page past
// the end answers 404 not_found instead; page 1 of an empty list is an empty array with
// total_pages 1. A p not made by [ParsePage] is normalised the same way (the zero Page is
// page 1 of DefaultPageSize).
func WriteList[T any](w http.ResponseWriter, r *http.Request, p Page, count int, items []T) {
	p = p.normalized()
	totalPages := max(1, (count+p.Size-1)/p.Size)
	if p.Number > totalPages {
		WriteError(w, r, fmt.Errorf("%w: page %d of %d", core.ErrNotFound, p.Number, totalPages))
		return
	}
	if items == nil {
		items = []T{}
	}
	meta := pagination{Count: count, Page: p.Number, PageSize: p.Size, TotalPages: totalPages}
	if p.Number < totalPages {
		meta.Next = pageURL(r, p.Number+1)
	}
	if p.Number > 1 {
		meta.Previous = pageURL(r, p.Number-1)
	}
	writeJSON(w, r, http.StatusOK, listEnvelope[T]{Success: true, Data: items, Pagination: meta})
}

// pageURL returns the absolute URL of page n of the list r asked for.
func pageURL(r *http.Request, n int) *string {
	q := r.URL.Query()
	if n == 1 {
		q.Del("page")
	} else {
		q.Set("page", strconv.Itoa(n))
	}
	u := url.URL{Scheme: requestScheme(r), Host: r.Host, Path: collapseSlashes(r.URL.Path), RawQuery: q.Encode()}
	s := u.String()
	return &s
}

// requestScheme returns the scheme the client used: https when the connection is TLS or a
// trusted proxy said so in X-Forwarded-Proto (see [isHTTPS]), so the links a client
// behind the TLS-terminating proxy follows stay on HTTPS.
func requestScheme(r *http.Request) string {
	if c := callerOf(r.Context()); r.TLS != nil || (c != nil && c.https) {
		return "https"
	}
	return "http"
}
