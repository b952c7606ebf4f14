package httpapi_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/core"
)

// decodeJSONBody decodes body as application/json with English messages.
func decodeJSONBody(t *testing.T, body string) *httpapi.Body {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "en")
	in, err := httpapi.Decode(req)
	require.NoError(t, err)
	return in
}

// fieldErrors returns the validation messages collected by in, or nil.
func fieldErrors(t *testing.T, in *httpapi.Body) map[string][]string {
	t.Helper()
	err := in.Err()
	if err == nil {
		return nil
	}
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	return ve.Fields
}

// getterCase is one read of one field through a typed getter.
type getterCase struct {
	name    string
	body    string
	want    any
	wantOK  bool
	wantErr string // the English message for the field, "" for none
}

// runGetterCases reads field "v" of each case's JSON body with get.
func runGetterCases(t *testing.T, cases []getterCase, get func(in *httpapi.Body) (any, bool)) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := decodeJSONBody(t, tt.body)

			got, ok := get(in)

			require.Equal(t, tt.wantOK, ok)
			require.Equal(t, tt.want, got)
			if tt.wantErr == "" {
				require.NoError(t, in.Err())
				return
			}
			require.Equal(t, map[string][]string{"v": {tt.wantErr}}, fieldErrors(t, in))
		})
	}
}

func TestBodyRial(t *testing.T) {
	t.Parallel()
	runGetterCases(t, []getterCase{
		{name: "JSONNumber", body: `{"v":1005000}`, want: core.Rial(1_005_000), wantOK: true},
		{name: "JSONString", body: `{"v":"1005000"}`, want: core.Rial(1_005_000), wantOK: true},
		{name: "PersianDigits", body: `{"v":"۱۰۰۵۰۰۰"}`, want: core.Rial(1_005_000), wantOK: true},
		{name: "ArabicIndicDigits", body: `{"v":"١٠٠٥٠٠٠"}`, want: core.Rial(1_005_000), wantOK: true},
		{name: "CommaSeparators", body: `{"v":"1,005,000"}`, want: core.Rial(1_005_000), wantOK: true},
		{name: "PersianSeparators", body: `{"v":"۱٬۰۰۵٬۰۰۰"}`, want: core.Rial(1_005_000), wantOK: true},
		{name: "Spaces", body: `{"v":" 1 005 000 "}`, want: core.Rial(1_005_000), wantOK: true},
		{name: "ZeroFractionNumber", body: `{"v":1000.0}`, want: core.Rial(1000), wantOK: true},
		{name: "TwoZeroFractionString", body: `{"v":"1000.00"}`, want: core.Rial(1000), wantOK: true},
		{name: "Zero", body: `{"v":0}`, want: core.Rial(0), wantOK: true},
		{name: "Maximum", body: `{"v":1000000000000000}`, want: core.MaxRialInput, wantOK: true},
		{name: "Absent", body: `{}`, want: core.Rial(0)},
		{name: "Null", body: `{"v":null}`, want: core.Rial(0)},
		{
			name: "AboveMaximum", body: `{"v":1000000000000001}`, want: core.Rial(0),
			wantErr: "The amount must not exceed 1000000000000000 rials.",
		},
		{
			name: "FarAboveInt64", body: `{"v":"99999999999999999999999"}`, want: core.Rial(0),
			wantErr: "The amount must not exceed 1000000000000000 rials.",
		},
		{name: "Negative", body: `{"v":-5}`, want: core.Rial(0), wantErr: "The amount cannot be negative."},
		{name: "NegativeString", body: `{"v":"-۵"}`, want: core.Rial(0), wantErr: "The amount cannot be negative."},
		{name: "Fraction", body: `{"v":1000.5}`, want: core.Rial(0), wantErr: "The amount must be a whole number of rials."},
		{name: "PersianFraction", body: `{"v":"۱۰۰۰٫۵"}`, want: core.Rial(0), wantErr: "The amount must be a whole number of rials."},
		{name: "ThreeZeroFraction", body: `{"v":"1000.000"}`, want: core.Rial(0), wantErr: "The amount must be a whole number of rials."},
		{name: "Exponent", body: `{"v":1e6}`, want: core.Rial(0), wantErr: "A valid amount is required."},
		{name: "BadGrouping", body: `{"v":"1,00"}`, want: core.Rial(0), wantErr: "A valid amount is required."},
		{name: "Word", body: `{"v":"ten"}`, want: core.Rial(0), wantErr: "A valid amount is required."},
		{name: "EmptyString", body: `{"v":""}`, want: core.Rial(0), wantErr: "A valid amount is required."},
		{name: "Bool", body: `{"v":true}`, want: core.Rial(0), wantErr: "A valid amount is required."},
		{name: "Object", body: `{"v":{"amount":5}}`, want: core.Rial(0), wantErr: "A valid amount is required."},
	}, func(in *httpapi.Body) (any, bool) { return in.Rial("v") })
}

func TestBodyGrams(t *testing.T) {
	t.Parallel()
	runGetterCases(t, []getterCase{
		{name: "JSONNumber", body: `{"v":0.5}`, want: core.Microgram(500_000), wantOK: true},
		{name: "JSONString", body: `{"v":"0.327868"}`, want: core.Microgram(327_868), wantOK: true},
		{name: "Integer", body: `{"v":2}`, want: core.Microgram(2_000_000), wantOK: true},
		{name: "PersianDecimal", body: `{"v":"۰٫۵"}`, want: core.Microgram(500_000), wantOK: true},
		{name: "OneMicrogram", body: `{"v":"0.000001"}`, want: core.Microgram(1), wantOK: true},
		{name: "Absent", body: `{}`, want: core.Microgram(0)},
		{name: "SevenDecimals", body: `{"v":"0.0000001"}`, want: core.Microgram(0), wantErr: "The gold amount may have at most 6 decimal places."},
		{name: "Zero", body: `{"v":0}`, want: core.Microgram(0), wantErr: "The gold amount must be more than zero."},
		{name: "ZeroString", body: `{"v":"0.000000"}`, want: core.Microgram(0), wantErr: "The gold amount must be more than zero."},
		{name: "Negative", body: `{"v":-0.5}`, want: core.Microgram(0), wantErr: "The gold amount must be more than zero."},
		{name: "Exponent", body: `{"v":1e-3}`, want: core.Microgram(0), wantErr: "A valid gold amount in grams is required."},
		{name: "Word", body: `{"v":"NaN"}`, want: core.Microgram(0), wantErr: "A valid gold amount in grams is required."},
		{name: "Array", body: `{"v":[1]}`, want: core.Microgram(0), wantErr: "A valid gold amount in grams is required."},
	}, func(in *httpapi.Body) (any, bool) { return in.Grams("v") })
}

func TestBodyIntAndID(t *testing.T) {
	t.Parallel()
	t.Run("Int", func(t *testing.T) {
		t.Parallel()
		runGetterCases(t, []getterCase{
			{name: "JSONNumber", body: `{"v":42}`, want: int64(42), wantOK: true},
			{name: "JSONString", body: `{"v":"42"}`, want: int64(42), wantOK: true},
			{name: "PersianDigits", body: `{"v":"۴۲"}`, want: int64(42), wantOK: true},
			{name: "Negative", body: `{"v":-3}`, want: int64(-3), wantOK: true},
			{name: "ZeroFraction", body: `{"v":5.0}`, want: int64(5), wantOK: true},
			{name: "Fraction", body: `{"v":5.5}`, want: int64(0), wantErr: "A valid integer is required."},
			{name: "PlusSign", body: `{"v":"+5"}`, want: int64(0), wantErr: "A valid integer is required."},
			{name: "BeyondInt64", body: `{"v":9223372036854775808}`, want: int64(0), wantErr: "A valid integer is required."},
			{name: "Bool", body: `{"v":false}`, want: int64(0), wantErr: "A valid integer is required."},
		}, func(in *httpapi.Body) (any, bool) { return in.Int("v") })
	})
	t.Run("ID", func(t *testing.T) {
		t.Parallel()
		runGetterCases(t, []getterCase{
			{name: "JSONNumber", body: `{"v":7}`, want: int64(7), wantOK: true},
			{name: "PersianString", body: `{"v":"۷"}`, want: int64(7), wantOK: true},
			{name: "Zero", body: `{"v":0}`, want: int64(0), wantErr: "A valid id (a positive integer) is required."},
			{name: "Negative", body: `{"v":"-7"}`, want: int64(0), wantErr: "A valid id (a positive integer) is required."},
			{name: "Word", body: `{"v":"seven"}`, want: int64(0), wantErr: "A valid id (a positive integer) is required."},
		}, func(in *httpapi.Body) (any, bool) { return in.ID("v") })
	})
}

func TestBodyString(t *testing.T) {
	t.Parallel()
	runGetterCases(t, []getterCase{
		{name: "Trimmed", body: `{"v":"  hey  "}`, want: "hey", wantOK: true},
		{name: "AtMaxLength", body: `{"v":"سلام"}`, want: "سلام", wantOK: true},
		{name: "NumberAsText", body: `{"v":12.5}`, want: "12.5", wantOK: true},
		{name: "Blank", body: `{"v":"   "}`, want: "", wantOK: true},
		{name: "TooLong", body: `{"v":"سلام!"}`, want: "", wantErr: "Ensure this field has no more than 4 characters."},
		{name: "NullCharacter", body: `{"v":"a\u0000b"}`, want: "", wantErr: "Null characters are not allowed."},
		{name: "Bool", body: `{"v":true}`, want: "", wantErr: "Not a valid string."},
		{name: "Array", body: `{"v":["a"]}`, want: "", wantErr: "Not a valid string."},
		{name: "Absent", body: `{"other":"x"}`, want: ""},
	}, func(in *httpapi.Body) (any, bool) { return in.String("v", 4) })
}

func TestBodyName(t *testing.T) {
	t.Parallel()
	runGetterCases(t, []getterCase{
		{name: "ArabicLettersNormalised", body: `{"v":" علي كريمى "}`, want: "علی کریمی", wantOK: true},
		{name: "MaxLength", body: `{"v":"` + strings.Repeat("ی", 100) + `"}`, want: strings.Repeat("ی", 100), wantOK: true},
		{name: "TooLong", body: `{"v":"` + strings.Repeat("ی", 101) + `"}`, want: "", wantErr: "Ensure this field has no more than 100 characters."},
	}, func(in *httpapi.Body) (any, bool) { return in.Name("v") })
}

func TestBodyPhone(t *testing.T) {
	t.Parallel()
	runGetterCases(t, []getterCase{
		{name: "E164", body: `{"v":"+989121234567"}`, want: "+989121234567", wantOK: true},
		{name: "PersianDigitsKeptRaw", body: `{"v":" ۰۹۱۲۱۲۳۴۵۶۷ "}`, want: "۰۹۱۲۱۲۳۴۵۶۷", wantOK: true},
		{name: "Number", body: `{"v":9121234567}`, want: "9121234567", wantOK: true},
		{name: "TooLong", body: `{"v":"` + strings.Repeat("9", 33) + `"}`, want: "", wantErr: "Ensure this field has no more than 32 characters."},
		{name: "Object", body: `{"v":{}}`, want: "", wantErr: "Not a valid string."},
	}, func(in *httpapi.Body) (any, bool) { return in.Phone("v") })
}

func TestBodyBool(t *testing.T) {
	t.Parallel()
	runGetterCases(t, []getterCase{
		{name: "True", body: `{"v":true}`, want: true, wantOK: true},
		{name: "False", body: `{"v":false}`, want: false, wantOK: true},
		{name: "StringTrue", body: `{"v":"True"}`, want: true, wantOK: true},
		{name: "StringOff", body: `{"v":"off"}`, want: false, wantOK: true},
		{name: "One", body: `{"v":1}`, want: true, wantOK: true},
		{name: "Zero", body: `{"v":"0"}`, want: false, wantOK: true},
		{name: "Two", body: `{"v":2}`, want: false, wantErr: "Must be a valid boolean."},
		{name: "Word", body: `{"v":"maybe"}`, want: false, wantErr: "Must be a valid boolean."},
	}, func(in *httpapi.Body) (any, bool) { return in.Bool("v") })
}

func TestBodyEnum(t *testing.T) {
	t.Parallel()
	runGetterCases(t, []getterCase{
		{name: "Exact", body: `{"v":"buy"}`, want: "buy", wantOK: true},
		{name: "UpperCase", body: `{"v":"SELL"}`, want: "sell", wantOK: true},
		{name: "Padded", body: `{"v":" buy "}`, want: "buy", wantOK: true},
		{name: "Unknown", body: `{"v":"hold"}`, want: "", wantErr: "Not a valid choice; expected one of: buy, sell."},
		{name: "Number", body: `{"v":1}`, want: "", wantErr: "Not a valid choice; expected one of: buy, sell."},
	}, func(in *httpapi.Body) (any, bool) { return in.Enum("v", "buy", "sell") })
}

func TestBodyRequire(t *testing.T) {
	t.Parallel()
	in := decodeJSONBody(t, `{"a":"x","b":"  ","c":null,"e":0,"f":false,"unknown":{"nested":[1,2]},"id":9}`)

	ok := in.Require("a", "b", "c", "d", "e", "f")

	require.False(t, ok)
	require.Equal(t, map[string][]string{
		"b": {"This field may not be blank."},
		"c": {"This field is required."},
		"d": {"This field is required."},
	}, fieldErrors(t, in))
	require.True(t, in.Has("a"))
	require.True(t, in.Has("e"))
	require.False(t, in.Has("c"))
	require.True(t, in.Has("unknown"), "unknown fields are kept and ignored, not rejected")
}

func TestBodyCollectsEveryFieldAndCrossFieldErrors(t *testing.T) {
	t.Parallel()
	in := decodeJSONBody(t, `{"amount_irr":"-1","gold_amount":"0","order_type":"hold"}`)

	in.Rial("amount_irr")
	in.Grams("gold_amount")
	in.Enum("order_type", "buy", "sell")
	in.AddError(core.NonFieldErrors, "send amount_irr or gold_amount, not both")

	err := in.Err()
	require.ErrorIs(t, err, core.ErrInvalidInput)
	require.Equal(t, map[string][]string{
		"amount_irr":        {"The amount cannot be negative."},
		"gold_amount":       {"The gold amount must be more than zero."},
		"order_type":        {"Not a valid choice; expected one of: buy, sell."},
		core.NonFieldErrors: {"send amount_irr or gold_amount, not both"},
	}, fieldErrors(t, in))
}

func TestBodyMessagesArePersianByDefault(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/", strings.NewReader(`{"amount":"1.5","title":"abcdef","kind":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	in, err := httpapi.Decode(req)
	require.NoError(t, err)

	in.Rial("amount")
	in.String("title", 5)
	in.Enum("kind", "buy", "sell")
	in.Require("phone")

	require.Equal(t, map[string][]string{
		"amount": {"مبلغ باید عدد صحیح ریال باشد."},
		"title":  {"این فیلد حداکثر ۵ نویسه می\u200cتواند داشته باشد."},
		"kind":   {"گزینهٔ انتخاب\u200cشده معتبر نیست؛ مقدارهای مجاز: buy، sell."},
		"phone":  {"این فیلد الزامی است."},
	}, fieldErrors(t, in))
}

// multipartBody builds a multipart/form-data body with text fields and files.
func multipartBody(t *testing.T, fields map[string]string, files map[string][]byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	for k, content := range files {
		fw, err := mw.CreateFormFile(k, k+".jpg")
		require.NoError(t, err)
		_, err = fw.Write(content)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return buf.String(), mw.FormDataContentType()
}

func TestDecodeFormats(t *testing.T) {
	t.Parallel()
	mpBody, mpType := multipartBody(t,
		map[string]string{"amount": "۱٬۰۰۰", "note": " hi "},
		map[string][]byte{"receipt_image": []byte("\xff\xd8\xff\xe0 fake jpeg")})
	tests := []struct {
		name        string
		contentType string
		body        string
		wantAmount  core.Rial
		wantNote    string
	}{
		{name: "JSON", contentType: "application/json", body: `{"amount":1000,"note":"hi"}`, wantAmount: 1000, wantNote: "hi"},
		{name: "JSONWithCharset", contentType: "application/json; charset=utf-8", body: `{"amount":"1000","note":"hi"}`, wantAmount: 1000, wantNote: "hi"},
		{name: "JSONSuffixType", contentType: "application/merge-patch+json", body: `{"amount":1000,"note":"hi"}`, wantAmount: 1000, wantNote: "hi"},
		{name: "Form", contentType: "application/x-www-form-urlencoded", body: "amount=1%2C000&note=hi", wantAmount: 1000, wantNote: "hi"},
		{name: "FormRepeatedFieldKeepsLast", contentType: "application/x-www-form-urlencoded", body: "amount=5&amount=1000&note=hi", wantAmount: 1000, wantNote: "hi"},
		{name: "Multipart", contentType: mpType, body: mpBody, wantAmount: 1000, wantNote: "hi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)

			in, err := httpapi.Decode(req)

			require.NoError(t, err)
			amount, ok := in.Rial("amount")
			require.True(t, ok)
			require.Equal(t, tt.wantAmount, amount)
			note, ok := in.String("note", 10)
			require.True(t, ok)
			require.Equal(t, tt.wantNote, note)
			require.NoError(t, in.Err())
		})
	}
}

func TestDecodeMultipartFiles(t *testing.T) {
	t.Parallel()
	content := []byte("\x89PNG\r\n\x1a\n fake png")
	body, contentType := multipartBody(t,
		map[string]string{"receipt_text": "not a file"},
		map[string][]byte{"receipt_image": content, "empty": {}})
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept-Language", "en")

	in, err := httpapi.Decode(req)
	require.NoError(t, err)

	fh, ok := in.File("receipt_image")
	require.True(t, ok)
	require.Equal(t, int64(len(content)), fh.Size)
	require.Equal(t, "receipt_image.jpg", fh.Filename)
	f, err := fh.Open()
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, f.Close()) })
	require.True(t, in.Require("receipt_image"))

	_, ok = in.File("receipt_text")
	require.False(t, ok)
	_, ok = in.File("empty")
	require.False(t, ok)
	_, ok = in.File("absent")
	require.False(t, ok)
	require.Equal(t, map[string][]string{
		"receipt_text": {"No file was submitted."},
		"empty":        {"The submitted file is empty."},
	}, fieldErrors(t, in))
}

func TestDecodeEmptyBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
	}{
		{name: "JSONNoBody", method: http.MethodPost, contentType: "application/json"},
		{name: "JSONWhiteSpace", method: http.MethodPost, contentType: "application/json", body: " \n\t "},
		{name: "GETWithJSONContentType", method: http.MethodGet, contentType: "application/json"},
		{name: "DELETEWithJSONContentType", method: http.MethodDelete, contentType: "application/json"},
		{name: "NoContentTypeNoBody", method: http.MethodPost},
		{name: "OtherTypeNoBody", method: http.MethodPost, contentType: "text/plain"},
		{name: "FormNoBody", method: http.MethodPost, contentType: "application/x-www-form-urlencoded"},
		{name: "EmptyObject", method: http.MethodPost, contentType: "application/json", body: "{}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequestWithContext(t.Context(), tt.method, "/", stringsReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}

			in, err := httpapi.Decode(req)

			require.NoError(t, err)
			require.False(t, in.Has("anything"))
			require.NoError(t, in.Err())
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		contentType string
		body        string
		wantErr     error
		wantField   string
	}{
		{name: "MalformedJSON", contentType: "application/json", body: `{"amount":`, wantErr: core.ErrInvalidJSON},
		{name: "TrailingGarbage", contentType: "application/json", body: `{"a":1} x`, wantErr: core.ErrInvalidJSON},
		{name: "TwoObjects", contentType: "application/json", body: `{}{}`, wantErr: core.ErrInvalidJSON},
		{name: "SingleQuotes", contentType: "application/json", body: `{'a':1}`, wantErr: core.ErrInvalidJSON},
		{name: "ByteOrderMark", contentType: "application/json", body: "\ufeff{}", wantErr: core.ErrInvalidJSON},
		{name: "Array", contentType: "application/json", body: `[1,2]`, wantErr: core.ErrInvalidInput, wantField: core.NonFieldErrors},
		{name: "Null", contentType: "application/json", body: `null`, wantErr: core.ErrInvalidInput, wantField: core.NonFieldErrors},
		{name: "Scalar", contentType: "application/json", body: `"text"`, wantErr: core.ErrInvalidInput, wantField: core.NonFieldErrors},
		{name: "TextPlain", contentType: "text/plain", body: `{"a":1}`, wantErr: core.ErrUnsupportedMediaType},
		{name: "NoContentType", body: `{"a":1}`, wantErr: core.ErrUnsupportedMediaType},
		{name: "MalformedContentType", contentType: "application/json; charset", body: `{}`, wantErr: core.ErrUnsupportedMediaType},
		{name: "XML", contentType: "application/xml", body: `<a/>`, wantErr: core.ErrUnsupportedMediaType},
		{name: "MultipartWithoutBoundary", contentType: "multipart/form-data", body: "--x\r\n", wantErr: core.ErrInvalidInput, wantField: core.NonFieldErrors},
		{name: "MultipartMalformed", contentType: "multipart/form-data; boundary=xyz", body: "garbage", wantErr: core.ErrInvalidInput, wantField: core.NonFieldErrors},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/", strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}

			in, err := httpapi.Decode(req)

			require.ErrorIs(t, err, tt.wantErr)
			require.Nil(t, in)
			if tt.wantField != "" {
				var ve *core.ValidationError
				require.ErrorAs(t, err, &ve)
				require.Contains(t, ve.Fields, tt.wantField)
			}
		})
	}
}

// unsizedReader hides the length of its contents, so requests built on it are sent chunked
// (ContentLength -1).
type unsizedReader struct{ r *strings.Reader }

func (u unsizedReader) Read(p []byte) (int, error) { return u.r.Read(p) }

func TestDecodeBodyLimits(t *testing.T) {
	t.Parallel()
	bigJSON := `{"note":"` + strings.Repeat("a", int(httpapi.DefaultBodyLimit)) + `"}`
	fitJSON := `{"note":"` + strings.Repeat("a", int(httpapi.DefaultBodyLimit)-len(`{"note":""}`)) + `"}`
	bigMultipart, mpType := multipartBody(t, nil, map[string][]byte{"f": bytes.Repeat([]byte("x"), int(httpapi.DefaultMultipartLimit))})
	okMultipart, okType := multipartBody(t, nil, map[string][]byte{"f": bytes.Repeat([]byte("x"), 2<<20)})
	tests := []struct {
		name        string
		contentType string
		body        string
		chunked     bool
		wantErr     error
	}{
		{name: "JSONExactlyAtLimit", contentType: "application/json", body: fitJSON},
		{name: "JSONOverLimit", contentType: "application/json", body: bigJSON, wantErr: core.ErrPayloadTooLarge},
		{name: "JSONOverLimitChunked", contentType: "application/json", body: bigJSON, chunked: true, wantErr: core.ErrPayloadTooLarge},
		{name: "JSONAtLimitChunked", contentType: "application/json", body: fitJSON, chunked: true},
		{name: "FormOverLimit", contentType: "application/x-www-form-urlencoded", body: "note=" + strings.Repeat("a", int(httpapi.DefaultBodyLimit)), wantErr: core.ErrPayloadTooLarge},
		{name: "MultipartUnderItsLimit", contentType: okType, body: okMultipart},
		{name: "MultipartOverLimit", contentType: mpType, body: bigMultipart, wantErr: core.ErrPayloadTooLarge},
		{name: "MultipartOverLimitChunked", contentType: mpType, body: bigMultipart, chunked: true, wantErr: core.ErrPayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body = strings.NewReader(tt.body)
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/", body)
			if tt.chunked {
				req = httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/", unsizedReader{body})
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", tt.contentType)

			_, err := httpapi.Decode(req)

			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			require.NotErrorIs(t, err, core.ErrInvalidJSON)
		})
	}
}
