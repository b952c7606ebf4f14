package identity

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

// Bounds of a password, in characters (runes).
const (
	MinPasswordLength = 8
	MaxPasswordLength = 128
)

// The messages [ValidatePassword] adds to its field, one per broken rule. They are the
// original Django validators' sentences, which the web client shows verbatim.
const (
	msgPasswordTooShort = "This password is too short. It must contain at least 8 characters."
	msgPasswordTooLong  = "This password is too long. It must contain at most 128 characters."
	msgPasswordNumeric  = "This password is entirely numeric."
	msgPasswordCommon   = "This password is too common."
	msgPasswordPhone    = "This password is too similar to the phone number."
)

// ValidatePassword checks a new password against the rules of API.md §1.9 and returns a
// [core.ValidationError] on the field "password" listing every broken rule, or nil. phone is
// the account's mobile number in any form [iran.ParseMobile] accepts ("" when unknown). It
// does not hash: hashing belongs to the app.
func ValidatePassword(password, phone string) error {
	return ValidatePasswordField("password", password, phone)
}

// ValidatePasswordField is [ValidatePassword] reporting on field (for example
// "new_password"). The rules:
//
//   - 8 to 128 characters; a password of the wrong length gets only this message;
//   - not entirely numeric (after digit normalisation and dropping separators);
//   - not a common password: not in the bundled list, also when typed with the keyboard
//     switched to Persian ("حشسسصخقی" is "password"), and not one character repeated;
//   - not similar to the phone number: it does not contain the phone's last 7 digits (and so
//     not its 10-digit national part either), and no written form of the phone contains it.
//
// Comparisons are case-insensitive and ignore the digit script.
func ValidatePasswordField(field, password, phone string) error {
	ve := core.NewValidationError()
	switch n := utf8.RuneCountInString(password); {
	case n < MinPasswordLength:
		ve.Add(field, msgPasswordTooShort)
		return ve
	case n > MaxPasswordLength:
		ve.Add(field, msgPasswordTooLong)
		return ve
	}
	folded := foldPassword(password)
	if isNumeric(folded) {
		ve.Add(field, msgPasswordNumeric)
	}
	if isCommonPassword(folded) {
		ve.Add(field, msgPasswordCommon)
	}
	if similarToPhone(folded, phone) {
		ve.Add(field, msgPasswordPhone)
	}
	return ve.Err()
}

// foldPassword returns the form passwords are compared in: Persian and Arabic-Indic digits
// in ASCII, separators dropped ([core.NormalizeDigits]), lower case, and Arabic yeh and kaf
// written as their Persian letters.
func foldPassword(s string) string {
	s = strings.ToLower(core.NormalizeDigits(s))
	return strings.Map(func(r rune) rune {
		switch r {
		case 'ي', 'ى':
			return 'ی'
		case 'ك':
			return 'ک'
		}
		return r
	}, s)
}

// persianKeys maps each letter of the Persian keyboard (ISIRI 9147 and the older Windows
// layout) to the Latin key it sits on, so a password typed with the wrong layout active is
// recognised.
var persianKeys = map[rune]rune{
	'ض': 'q', 'ص': 'w', 'ث': 'e', 'ق': 'r', 'ف': 't', 'غ': 'y', 'ع': 'u', 'ه': 'i', 'خ': 'o',
	'ح': 'p', 'ج': '[', 'چ': ']',
	'ش': 'a', 'س': 's', 'ی': 'd', 'ب': 'f', 'ل': 'g', 'ا': 'h', 'آ': 'h', 'ت': 'j', 'ن': 'k',
	'م': 'l', 'ک': ';', 'گ': '\'',
	'ظ': 'z', 'ط': 'x', 'ز': 'c', 'ژ': 'c', 'ر': 'v', 'ذ': 'b', 'د': 'n', 'پ': 'm', 'ئ': 'm',
	'و': ',',
}

// latinKeys returns folded with every Persian keyboard letter replaced by its Latin key, and
// whether anything was replaced.
func latinKeys(folded string) (string, bool) {
	changed := false
	s := strings.Map(func(r rune) rune {
		if k, ok := persianKeys[r]; ok {
			changed = true
			return k
		}
		return r
	}, folded)
	return s, changed
}

// isNumeric reports whether folded is non-empty and made only of digits.
func isNumeric(folded string) bool {
	if folded == "" {
		return false
	}
	for _, r := range folded {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords is the folded set of common_passwords.txt, built on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 8192)
	for line := range strings.Lines(commonPasswordsText) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[foldPassword(line)] = struct{}{}
	}
	return set
})

// isCommonPassword reports whether folded is in the common list (as typed, or typed with
// the Persian layout active) or is one character repeated (including nothing at all, as
// left by a password of spaces).
func isCommonPassword(folded string) bool {
	set := commonPasswords()
	if _, ok := set[folded]; ok {
		return true
	}
	if latin, changed := latinKeys(folded); changed {
		if _, ok := set[latin]; ok {
			return true
		}
	}
	first, _ := utf8.DecodeRuneInString(folded)
	return strings.Trim(folded, string(first)) == ""
}

// minPhoneFragment is the shortest folded password tested for being part of the phone
// number: shorter fragments are too common in any number to mean anything.
const minPhoneFragment = 4

// similarToPhone reports whether folded contains the last 7 digits of phone (which the
// 10-digit national part also contains), or is itself part of a written form of phone.
func similarToPhone(folded, phone string) bool {
	var forms []string
	var national string
	if m, err := iran.ParseMobile(phone); err == nil {
		national = m.String()[3:]
		forms = []string{m.String(), m.Local(), m.String()[1:], "00" + m.String()[1:]}
	} else {
		national = asciiDigits(core.NormalizeDigits(phone))
		forms = []string{national}
	}
	if len(national) < 7 {
		return false
	}
	if strings.Contains(folded, national[len(national)-7:]) {
		return true
	}
	if utf8.RuneCountInString(folded) < minPhoneFragment {
		return false
	}
	for _, f := range forms {
		if strings.Contains(f, folded) {
			return true
		}
	}
	return false
}

// asciiDigits returns the ASCII digits of s, in order.
func asciiDigits(s string) string {
	var b strings.Builder
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
