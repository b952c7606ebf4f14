package httpapi

import "strings"

// nameReplacer maps the Arabic letters Persian keyboards and pasted text often carry to their
// Persian forms: ي (U+064A) and ى (U+0649) to ی (U+06CC), ك (U+0643) to ک (U+06A9).
var nameReplacer = strings.NewReplacer("\u064A", "\u06CC", "\u0649", "\u06CC", "\u0643", "\u06A9")

// NormalizeName returns a person's or place's name as stored (API.md §1.9): Arabic yeh,
// alef maksura and kaf replaced by their Persian forms and surrounding white space trimmed.
// Length is checked by the caller ([Body.Name] allows [MaxNameLen] characters).
func NormalizeName(s string) string {
	return strings.TrimSpace(nameReplacer.Replace(s))
}
