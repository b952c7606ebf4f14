package httpapi

import (
	"net/http"
	"strconv"
	"strings"
)

// Language is a language the API answers in (API.md §1.1): Persian by default, English on
// request.
type Language string

// The languages the API speaks.
const (
	// LangFA is Persian, the default.
	LangFA Language = "fa"
	// LangEN is English, chosen with Accept-Language: en.
	LangEN Language = "en"
)

// ParseAcceptLanguage returns the language an Accept-Language header value asks for: the
// supported language ([LangFA] or [LangEN]) with the highest quality, the earlier one on a
// tie. Region subtags are ignored ("en-US" is English). A header that names neither, or
// only with q=0, yields [LangFA].
func ParseAcceptLanguage(header string) Language {
	best, bestQ := LangFA, 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		lang := Language(primary)
		if lang != LangFA && lang != LangEN {
			continue
		}
		q := qualityOf(params)
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// qualityOf returns the q parameter of one Accept-Language entry: 1 when absent, 0 when
// malformed or out of range (such an entry is ignored).
func qualityOf(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}

// LanguageOf returns the language of r: the one the request middleware chose from its
// Accept-Language header, or the header's choice when r did not pass through the router.
func LanguageOf(r *http.Request) Language {
	if st := stateOf(r.Context()); st != nil {
		return st.lang
	}
	return ParseAcceptLanguage(r.Header.Get("Accept-Language"))
}
