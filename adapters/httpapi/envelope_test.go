package httpapi_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
)

// sampleObject uses every wire type of API.md §1.8.
type sampleObject struct {
	ID           core.UserID          `json:"id"`
	BalanceIRR   core.Rial            `json:"balance_irr"`
	Price        core.RialsPerGram    `json:"gold_price_per_gram"`
	GoldBalance  httpapi.Gold         `json:"gold_balance"`
	AmountIRR    httpapi.AmountString `json:"amount_irr"`
	FeePercent   httpapi.Percent      `json:"fee_percent"`
	CreatedAt    httpapi.Timestamp    `json:"created_at"`
	ExecutedAt   httpapi.Timestamp    `json:"executed_at"`
	Description  string               `json:"description"`
	OptionalNote *string              `json:"optional_note"`
}

// listItem is an item of the test list endpoint.
type listItem struct {
	ID int `json:"id"`
}

// envelopeRoutes are the endpoints the envelope golden files are recorded from.
func envelopeRoutes(rt httpapi.Routes) {
	rt.Post("/api/objects/", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteData(w, r, http.StatusCreated, sampleObject{
			ID:          42,
			BalanceIRR:  1_005_000,
			Price:       65_000_000,
			GoldBalance: 327_868,
			AmountIRR:   1_005_000,
			FeePercent:  50,
			CreatedAt:   httpapi.Timestamp(time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC)),
			Description: "خرید طلا <&>",
		})
		return nil
	})
	rt.Delete("/api/objects/{id}/", func(w http.ResponseWriter, r *http.Request) error {
		httpapi.WriteMessage(w, r, http.StatusOK, "حساب بانکی حذف شد.", nil)
		return nil
	})
	rt.Get("/api/items/", func(w http.ResponseWriter, r *http.Request) error {
		p, err := httpapi.ParsePage(r)
		if err != nil {
			return err
		}
		count, err := strconv.Atoi(r.URL.Query().Get("count"))
		if err != nil {
			return core.FieldError("count", err.Error())
		}
		var items []listItem
		for i := p.Offset(); i < min(count, p.Offset()+p.Limit()); i++ {
			items = append(items, listItem{ID: count - i})
		}
		httpapi.WriteList(w, r, p, count, items)
		return nil
	})
	rt.Post("/api/validate/", func(w http.ResponseWriter, r *http.Request) error {
		in, err := httpapi.Decode(r)
		if err != nil {
			return err
		}
		in.Require("phone_number", "password")
		in.Rial("amount_irr")
		if in.Has("amount_irr") && in.Has("gold_amount") {
			in.AddError(core.NonFieldErrors, "send amount_irr or gold_amount, not both")
		}
		return in.Err()
	})
	rt.Get("/api/errors/{name}/", func(w http.ResponseWriter, r *http.Request) error {
		switch r.PathValue("name") {
		case "insufficient":
			return &core.InsufficientBalanceError{Asset: "IRR", Required: 1_005_000, Available: 20_000}
		case "rate":
			return &core.RateLimitedError{RetryAfter: 41500 * time.Millisecond}
		case "kyc":
			return &core.KYCRequiredError{RequiredLevel: 1, CurrentLevel: 0}
		case "token":
			return core.ErrTokenExpired
		case "maintenance":
			return &core.UnavailableError{Err: core.ErrMaintenance, RetryAfter: 2 * time.Minute}
		default:
			return errors.New("pq: connection refused to 10.0.0.5")
		}
	})
	rt.Get("/api/panic/", func(http.ResponseWriter, *http.Request) error {
		panic("boom")
	})
}

func TestGoldenEnvelopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		lang        string
	}{
		{name: "DataCreated", method: http.MethodPost, target: "/api/objects/"},
		{name: "MessageDelete", method: http.MethodDelete, target: "/api/objects/7/", contentType: "application/json"},
		{name: "ListFirstPage", method: http.MethodGet, target: "/api/items/?count=5&page_size=2"},
		{name: "ListMiddlePage", method: http.MethodGet, target: "/api/items/?count=5&page_size=2&page=2"},
		{name: "ListLastPage", method: http.MethodGet, target: "/api/items/?count=5&page_size=2&page=3"},
		{name: "ListEmpty", method: http.MethodGet, target: "/api/items/?count=0"},
		{name: "ListPastTheEnd", method: http.MethodGet, target: "/api/items/?count=5&page=2"},
		{
			name: "ErrorValidation", method: http.MethodPost, target: "/api/validate/",
			contentType: "application/json", body: `{"password":"  ","amount_irr":"12.5","gold_amount":"1"}`,
		},
		{
			name: "ErrorValidationEnglish", method: http.MethodPost, target: "/api/validate/",
			contentType: "application/json", body: `{"amount_irr":-5}`, lang: "en-US,en;q=0.9",
		},
		{name: "ErrorInvalidJSON", method: http.MethodPost, target: "/api/validate/", contentType: "application/json", body: `{"a":`},
		{name: "ErrorUnsupportedMediaType", method: http.MethodPost, target: "/api/validate/", contentType: "text/plain", body: "hello"},
		{name: "ErrorInsufficientBalance", method: http.MethodGet, target: "/api/errors/insufficient/"},
		{name: "ErrorRateLimited", method: http.MethodGet, target: "/api/errors/rate/"},
		{name: "ErrorKYCRequired", method: http.MethodGet, target: "/api/errors/kyc/"},
		{name: "ErrorTokenExpired", method: http.MethodGet, target: "/api/errors/token/"},
		{name: "ErrorMaintenance", method: http.MethodGet, target: "/api/errors/maintenance/"},
		{name: "ErrorInternal", method: http.MethodGet, target: "/api/errors/unknown/"},
		{name: "ErrorPanic", method: http.MethodGet, target: "/api/panic/"},
		{name: "ErrorNotFound", method: http.MethodGet, target: "/api/nothing-here/"},
		{name: "ErrorMethodNotAllowed", method: http.MethodPut, target: "/api/objects/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAPI(t, envelopeRoutes)
			req := httptest.NewRequestWithContext(t.Context(), tt.method, "http://api.talabin.test"+tt.target, stringsReader(tt.body))
			req.Header.Set(httpapi.HeaderRequestID, "golden-"+tt.name)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.lang != "" {
				req.Header.Set("Accept-Language", tt.lang)
			}

			rec := b.serve(t, req)

			require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			body := decodeBody(t, rec)
			require.Equal(t, rec.Code < 300, body["success"], "non-2xx status ⇔ success false")
			requireGolden(t, tt.name, rec)
		})
	}
}
