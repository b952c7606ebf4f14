package httpapi

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/talabin/talabin/core"
)

// Body is a decoded request body ([Decode]): one bag of fields whatever the Content-Type,
// read through typed getters that normalise input as API.md §1.1 and §1.8 say and collect
// every problem, by field name, into one [core.ValidationError] ([Body.Err]). Messages are
// in the request's language.
//
// Every getter returns the value and true when the field is present and valid. It returns
// false without an error when the field is absent or null (absent fields are the business
// of [Body.Require]), and false with an error added when the value is invalid. A typical
// handler:
//
//	in, err := httpapi.Decode(r)
//	if err != nil {
//		return err
//	}
//	in.Require("phone_number", "password")
//	phone, _ := in.Phone("phone_number")
//	password, _ := in.String("password", 128)
//	if err := in.Err(); err != nil {
//		return err
//	}
type Body struct {
	d    *decodedBody
	lang Language
	errs *core.ValidationError
}

func newBody(d *decodedBody, lang Language) *Body {
	return &Body{d: d, lang: lang, errs: core.NewValidationError()}
}

// Err returns the [core.ValidationError] holding every problem found so far, or nil.
func (b *Body) Err() error { return b.errs.Err() }

// AddError records message (already in the request's language) for field, for checks the
// getters cannot make, such as rules across fields (under [core.NonFieldErrors]).
func (b *Body) AddError(field, message string) { b.errs.Add(field, message) }

// fail records the localized message for field.
func (b *Body) fail(field string, message localized) { b.errs.Add(field, message.in(b.lang)) }

// raw returns the JSON value of field, when it is present and not null.
func (b *Body) raw(field string) (json.RawMessage, bool) {
	v, ok := b.d.fields[field]
	if !ok || bytes.Equal(v, []byte("null")) {
		return nil, false
	}
	return v, true
}

// Has reports whether field was sent with a value other than null, or as a file.
func (b *Body) Has(field string) bool {
	if _, ok := b.raw(field); ok {
		return true
	}
	return len(b.d.files[field]) > 0
}

// Require records "This field is required." for every field that is absent or null and
// "This field may not be blank." for every one that is a blank string. It reports whether
// all of them are present.
func (b *Body) Require(fields ...string) bool {
	ok := true
	for _, f := range fields {
		if !b.Has(f) {
			b.fail(f, msgRequired)
			ok = false
			continue
		}
		if s, isString := b.text(f); isString && strings.TrimSpace(s) == "" && len(b.d.files[f]) == 0 {
			b.fail(f, msgBlank)
			ok = false
		}
	}
	return ok
}

// text returns field as text when it is a JSON string (unquoted) or a JSON number (its
// literal), and false for anything else, absent fields included.
func (b *Body) text(field string) (string, bool) {
	raw, ok := b.raw(field)
	if !ok {
		return "", false
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false
		}
		return s, true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(raw), true
	default:
		return "", false
	}
}

// textOr reads field as text, recording invalid when it is present but neither a string nor
// a number. The second result is false when there is no usable text.
func (b *Body) textOr(field string, invalid localized) (string, bool) {
	if _, ok := b.raw(field); !ok {
		return "", false
	}
	s, ok := b.text(field)
	if !ok {
		b.fail(field, invalid)
		return "", false
	}
	return s, true
}

// String returns field trimmed of surrounding white space. A JSON number is read as its
// literal text (DRF did the same). A value that is not a string or a number, contains a NUL
// character or is longer than maxLen characters (when maxLen > 0) is invalid. A blank
// string is valid here; [Body.Require] rejects it for required fields.
func (b *Body) String(field string, maxLen int) (string, bool) {
	s, ok := b.textOr(field, msgNotString)
	if !ok {
		return "", false
	}
	return b.checkText(field, strings.TrimSpace(s), maxLen)
}

// checkText applies the NUL and length rules of [Body.String] to s.
func (b *Body) checkText(field, s string, maxLen int) (string, bool) {
	if strings.ContainsRune(s, 0) {
		b.fail(field, msgNullCharacter)
		return "", false
	}
	if maxLen > 0 && utf8.RuneCountInString(s) > maxLen {
		b.errs.Add(field, msgTooLong.withNumber(b.lang, int64(maxLen)))
		return "", false
	}
	return s, true
}

// MaxNameLen is the longest person or place name the API accepts (API.md §1.9).
const MaxNameLen = 100

// Name returns field as a name: [NormalizeName] applied (Arabic letters to their Persian
// forms, trimmed) and at most [MaxNameLen] characters; otherwise as [Body.String].
func (b *Body) Name(field string) (string, bool) {
	s, ok := b.textOr(field, msgNotString)
	if !ok {
		return "", false
	}
	return b.checkText(field, NormalizeName(s), MaxNameLen)
}

// maxPhoneLen bounds the raw phone text; real numbers are at most 14 characters plus
// separators.
const maxPhoneLen = 32

// Phone returns field as raw phone text, trimmed: a string, or a number (9123456789). It is
// only checked for type and length; parsing and validation belong to the caller.
func (b *Body) Phone(field string) (string, bool) {
	s, ok := b.textOr(field, msgNotString)
	if !ok {
		return "", false
	}
	return b.checkText(field, strings.TrimSpace(s), maxPhoneLen)
}

// Bool returns field as a boolean: JSON true or false, the numbers 1 and 0, or (as form
// fields send them) the strings "true", "false", "1", "0", "yes", "no", "on" and "off" in
// any case.
func (b *Body) Bool(field string) (bool, bool) {
	raw, ok := b.raw(field)
	if !ok {
		return false, false
	}
	var text string
	switch raw[0] {
	case 't', 'f':
		return raw[0] == 't', true
	case '"':
		text, _ = b.text(field)
	default:
		text = string(raw)
	}
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "true", "1", "yes", "on":
		return true, true
	case "false", "0", "no", "off":
		return false, true
	}
	b.fail(field, msgNotBool)
	return false, false
}

// Int returns field as an integer: a JSON number or a string, after digit normalisation
// (Persian and Arabic-Indic digits, separators); a fraction of zeros ("5.0") is tolerated,
// any other fraction, an exponent or a value beyond int64 is not.
func (b *Body) Int(field string) (int64, bool) {
	s, ok := b.textOr(field, msgNotInt)
	if !ok {
		return 0, false
	}
	n, ok := parseInt(s)
	if !ok {
		b.fail(field, msgNotInt)
		return 0, false
	}
	return n, true
}

// ID returns field as an object id: an [Body.Int] above zero.
func (b *Body) ID(field string) (int64, bool) {
	s, ok := b.textOr(field, msgNotID)
	if !ok {
		return 0, false
	}
	n, ok := parseInt(s)
	if !ok || n <= 0 {
		b.fail(field, msgNotID)
		return 0, false
	}
	return n, true
}

// parseInt reads an optionally negative decimal integer after digit normalisation, allowing
// a fraction made only of zeros.
func parseInt(s string) (int64, bool) {
	n := strings.ReplaceAll(core.NormalizeDigits(s), "\u066B", ".")
	if whole, frac, found := strings.Cut(n, "."); found {
		if frac == "" || strings.Trim(frac, "0") != "" {
			return 0, false
		}
		n = whole
	}
	if strings.HasPrefix(n, "+") {
		return 0, false
	}
	v, err := strconv.ParseInt(n, 10, 64)
	return v, err == nil
}

// Rial returns field as an amount of money with [core.ParseRial]: a JSON number or a string
// of whole rials (Persian digits and separators normalised, ".0"/".00" tolerated), from 0 to
// [core.MaxRialInput]. Whether zero is allowed is the caller's rule.
func (b *Body) Rial(field string) (core.Rial, bool) {
	s, ok := b.textOr(field, msgAmountInvalid)
	if !ok {
		return 0, false
	}
	v, err := core.ParseRial(s)
	if err != nil {
		b.errs.Add(field, rialProblem(s, b.lang))
		return 0, false
	}
	return v, true
}

// rialProblem explains why [core.ParseRial] rejected s.
func rialProblem(s string, lang Language) string {
	n := strings.ReplaceAll(core.NormalizeDigits(s), "\u066B", ".")
	if strings.HasPrefix(n, "-") {
		return msgAmountNegative.in(lang)
	}
	whole, frac, hasPoint := strings.Cut(n, ".")
	if whole == "" || !asciiDigits(whole) || hasPoint && !asciiDigits(frac) {
		return msgAmountInvalid.in(lang)
	}
	if hasPoint && strings.Trim(frac, "0") != "" {
		return msgAmountWhole.in(lang)
	}
	if v, err := strconv.ParseUint(whole, 10, 64); err != nil || v > uint64(core.MaxRialInput) {
		return msgAmountTooLarge.withNumber(lang, int64(core.MaxRialInput))
	}
	if hasPoint {
		return msgAmountWhole.in(lang) // a fraction of three or more zeros
	}
	return msgAmountInvalid.in(lang) // misplaced thousands separators
}

// goldPlaces is the number of decimals a gold amount may have.
const goldPlaces = 6

// Grams returns field as an amount of gold with [core.ParsePositiveGrams]: a JSON number or
// a string of grams with at most six decimals, more than zero.
func (b *Body) Grams(field string) (core.Microgram, bool) {
	s, ok := b.textOr(field, msgGoldInvalid)
	if !ok {
		return 0, false
	}
	g, err := core.ParsePositiveGrams(s)
	if err != nil {
		b.errs.Add(field, gramsProblem(s, b.lang))
		return 0, false
	}
	return g, true
}

// gramsProblem explains why [core.ParsePositiveGrams] rejected s.
func gramsProblem(s string, lang Language) string {
	n := strings.ReplaceAll(core.NormalizeDigits(s), "\u066B", ".")
	if strings.HasPrefix(n, "-") {
		return msgGoldPositive.in(lang)
	}
	if g, err := core.ParseGrams(s); err == nil && g == 0 {
		return msgGoldPositive.in(lang)
	}
	whole, frac, _ := strings.Cut(n, ".")
	if asciiDigits(whole) && asciiDigits(frac) && len(frac) > goldPlaces {
		return msgGoldPlaces.withNumber(lang, goldPlaces)
	}
	return msgGoldInvalid.in(lang)
}

// asciiDigits reports whether s is made only of ASCII digits (an empty s is).
func asciiDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Enum returns field as one of allowed, compared without regard to case and returned as
// spelled in allowed ("BUY" reads as "buy").
func (b *Body) Enum(field string, allowed ...string) (string, bool) {
	s, ok := b.textOr(field, msgNotString)
	if !ok {
		return "", false
	}
	s = strings.TrimSpace(s)
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			return a, true
		}
	}
	sep := "، "
	if b.lang == LangEN {
		sep = ", "
	}
	b.errs.Add(field, msgBadChoice.withText(b.lang, strings.Join(allowed, sep)))
	return "", false
}

// File returns the file uploaded as field in a multipart body (the first one when several
// were sent); its Size is the byte count. A field sent as text instead of a file, or an
// empty file, is invalid. Type sniffing and per-file limits are the caller's
// ([core.ErrUnsupportedFileType], [core.ErrFileTooLarge]).
func (b *Body) File(field string) (*multipart.FileHeader, bool) {
	files := b.d.files[field]
	if len(files) == 0 {
		if _, ok := b.raw(field); ok {
			b.fail(field, msgNoFile)
		}
		return nil, false
	}
	if files[0].Size == 0 {
		b.fail(field, msgEmptyFile)
		return nil, false
	}
	return files[0], true
}
