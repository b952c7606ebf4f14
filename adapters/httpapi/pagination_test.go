package httpapi_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
)

func TestParsePage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		query    string
		want     httpapi.Page
		wantErr  bool
		wantSkip int
	}{
		{name: "Defaults", query: "", want: httpapi.Page{Number: 1, Size: 20}},
		{name: "PageAndSize", query: "page=3&page_size=10", want: httpapi.Page{Number: 3, Size: 10}, wantSkip: 20},
		{name: "PersianDigits", query: "page=%DB%B2", want: httpapi.Page{Number: 2, Size: 20}, wantSkip: 20},
		{name: "SizeCapped", query: "page_size=1000", want: httpapi.Page{Number: 1, Size: 100}},
		{name: "SizeZeroMeansDefault", query: "page_size=0", want: httpapi.Page{Number: 1, Size: 20}},
		{name: "SizeGarbageMeansDefault", query: "page_size=all", want: httpapi.Page{Number: 1, Size: 20}},
		{name: "PageZero", query: "page=0", wantErr: true},
		{name: "PageNegative", query: "page=-1", wantErr: true},
		{name: "PageGarbage", query: "page=last", wantErr: true},
		{name: "PageHuge", query: "page=99999999999999999999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/transactions/?"+tt.query, nil)

			p, err := httpapi.ParsePage(req)

			if tt.wantErr {
				require.ErrorIs(t, err, core.ErrNotFound)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, p)
			require.Equal(t, tt.wantSkip, p.Offset())
			require.Equal(t, tt.want.Size, p.Limit())
		})
	}
}

func TestWriteListLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		target       string
		tls          bool
		page         httpapi.Page
		count        int
		wantNext     any
		wantPrevious any
	}{
		{
			name:   "KeepsOtherParameters",
			target: "/api/transactions/?transaction_type=deposit&page=2&page_size=5",
			page:   httpapi.Page{Number: 2, Size: 5}, count: 12,
			wantNext:     "http://example.com/api/transactions/?page=3&page_size=5&transaction_type=deposit",
			wantPrevious: "http://example.com/api/transactions/?page_size=5&transaction_type=deposit",
		},
		{
			name:   "HTTPS",
			target: "/api/transactions/", tls: true,
			page: httpapi.Page{Number: 1, Size: 20}, count: 21,
			wantNext: "https://example.com/api/transactions/?page=2",
		},
		{
			name:   "CollapsedPath",
			target: "/api//transactions?page=2",
			page:   httpapi.Page{Number: 2, Size: 20}, count: 40,
			wantPrevious: "http://example.com/api/transactions",
		},
		{
			name:   "SinglePage",
			target: "/api/transactions/",
			page:   httpapi.Page{Number: 1, Size: 20}, count: 20,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "http://example.com"+tt.target, nil)
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			rec := httptest.NewRecorder()

			httpapi.WriteList(rec, req, tt.page, tt.count, []int{1})

			require.Equal(t, http.StatusOK, rec.Code)
			p := decodeBody(t, rec)["pagination"].(map[string]any)
			require.Equal(t, tt.wantNext, p["next"])
			require.Equal(t, tt.wantPrevious, p["previous"])
		})
	}
}

func TestWriteListNilItemsIsEmptyArray(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/transactions/", nil)
	rec := httptest.NewRecorder()

	httpapi.WriteList[string](rec, req, httpapi.Page{Number: 1, Size: 20}, 0, nil)

	body := decodeBody(t, rec)
	require.Equal(t, []any{}, body["data"])
	require.Equal(t, map[string]any{
		"count": 0.0, "page": 1.0, "page_size": 20.0, "total_pages": 1.0, "next": nil, "previous": nil,
	}, body["pagination"])
}

func TestWriteListZeroPage(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/transactions/", nil)
	rec := httptest.NewRecorder()

	httpapi.WriteList(rec, req, httpapi.Page{}, 45, []int{1, 2})

	require.Equal(t, http.StatusOK, rec.Code)
	p := decodeBody(t, rec)["pagination"].(map[string]any)
	require.InDelta(t, 1, p["page"], 0)
	require.InDelta(t, 20, p["page_size"], 0)
	require.InDelta(t, 3, p["total_pages"], 0)
}
