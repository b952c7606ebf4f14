package identity_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
)

const (
	msgTooShort = "This password is too short. It must contain at least 8 characters."
	msgTooLong  = "This password is too long. It must contain at most 128 characters."
	msgNumeric  = "This password is entirely numeric."
	msgCommon   = "This password is too common."
	msgPhone    = "This password is too similar to the phone number."
)

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		phone    string
		want     []string // messages on "password"; none means valid
	}{
		{name: "Valid", password: "Tala!2024xyz", phone: testPhone},
		{name: "ValidPassphrase", password: "correct horse battery staple", phone: testPhone},
		{name: "ValidPersian", password: "طلای\u200cمن\u200cگران\u200cاست", phone: testPhone},
		{name: "ExactlyEight", password: "kX9!mQ2z", phone: testPhone},
		{name: "Exactly128", password: strings.Repeat("aB3$", 32), phone: testPhone},
		{name: "EightPersianRunes", password: "گلابیسبز", phone: testPhone},
		{name: "NoPhoneGiven", password: "x1234567y"},
		{name: "DigitsWithLetter", password: "7382916a"},

		{name: "Empty", password: "", want: []string{msgTooShort}},
		{name: "SevenChars", password: "kX9!mQ2", want: []string{msgTooShort}},
		{name: "SevenPersianRunesManyBytes", password: "گلابیسب", want: []string{msgTooShort}},
		{name: "ShortOnlyLengthMessage", password: "123", phone: testPhone, want: []string{msgTooShort}},
		{name: "TooLong", password: strings.Repeat("aB3$", 32) + "x", want: []string{msgTooLong}},

		{name: "Numeric", password: "73829164", want: []string{msgNumeric}},
		{name: "NumericPersianDigits", password: "۷۳۸۲۹۱۶۴۵", want: []string{msgNumeric}},
		{name: "NumericWithSpaces", password: "7382 9164 5", want: []string{msgNumeric}},

		{name: "Common", password: "password", want: []string{msgCommon}},
		{name: "CommonUpperCase", password: "PassWord", want: []string{msgCommon}},
		{name: "CommonWithDigits", password: "PASSWORD123", want: []string{msgCommon}},
		{name: "CommonIloveyou", password: "iloveyou", want: []string{msgCommon}},
		{name: "CommonKeyboardWalk", password: "1qaz2wsx", want: []string{msgCommon}},
		{name: "CommonFinglish", password: "doostetdaram", want: []string{msgCommon}},
		{name: "CommonNameSolarYear", password: "Mohammad1370", want: []string{msgCommon}},
		{name: "CommonFootballClub", password: "persepolis", want: []string{msgCommon}},
		{name: "CommonTypedOnPersianLayout", password: "حشسسصخقی", want: []string{msgCommon}},
		{name: "CommonQwertyOnPersianLayout", password: "ضصثقفغعهخح", want: []string{msgCommon}},
		{name: "CommonPersianWord", password: "دوستتدارم", want: []string{msgCommon}},
		{name: "CommonPersianWordWithZWNJ", password: "دوستت\u200cدارم", want: []string{msgCommon}},
		{name: "CommonPersianDigitsSuffix", password: "عاشقتم123", want: []string{msgCommon}},
		{name: "CommonArabicYeh", password: "خدايامرا", want: []string{msgCommon}},
		{name: "RepeatedLetter", password: "zzzzzzzzzz", want: []string{msgCommon}},
		{name: "RepeatedSymbol", password: "!!!!!!!!", want: []string{msgCommon}},
		{name: "OnlySpaces", password: "          ", want: []string{msgCommon}},

		{name: "NumericAndCommon", password: "12345678", want: []string{msgNumeric, msgCommon}},
		{name: "PhoneNumberItself", password: "09121234567", phone: testPhone, want: []string{msgNumeric, msgCommon, msgPhone}},

		{name: "ContainsLastSevenDigits", password: "ab1234567cd", phone: testPhone, want: []string{msgPhone}},
		{name: "ContainsNationalPart", password: "x9121234567", phone: testPhone, want: []string{msgPhone}},
		{name: "ContainsLastSevenPersianDigits", password: "ab۱۲۳۴۵۶۷cd", phone: testPhone, want: []string{msgPhone}},
		{name: "PartOfE164", password: "+9891212", phone: testPhone, want: []string{msgPhone}},
		{name: "PartOfLocalForm", password: "09121234", phone: "09121234567", want: []string{msgNumeric, msgPhone}},
		{name: "NotPartOfPhone", password: "0912123a", phone: "09121234567"},
		{name: "PhoneInLocalForm", password: "ab1234567cd", phone: "09121234567", want: []string{msgPhone}},
		{name: "PhoneInPersianDigits", password: "ab1234567cd", phone: "۰۹۱۲۱۲۳۴۵۶۷", want: []string{msgPhone}},
		{name: "OtherPhone", password: "ab1234567cd", phone: "+989357654321"},
		{name: "SixDigitsOfPhoneAllowed", password: "ab234567cd", phone: testPhone},
		{name: "UnparsablePhoneDigits", password: "zz5550123zz", phone: "+1 415 555 0123", want: []string{msgPhone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := identity.ValidatePassword(tt.password, tt.phone)
			if len(tt.want) == 0 {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, core.ErrInvalidInput)
			var ve *core.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, []string{"password"}, ve.FieldNames())
			require.Equal(t, tt.want, ve.Fields["password"])
		})
	}
}

func TestValidatePasswordField(t *testing.T) {
	t.Parallel()
	err := identity.ValidatePasswordField("new_password", "short", "")
	var ve *core.ValidationError
	require.ErrorAs(t, err, &ve)
	field, msg := ve.First()
	require.Equal(t, "new_password", field)
	require.Equal(t, msgTooShort, msg)
	require.NoError(t, identity.ValidatePasswordField("new_password", "Tala!2024xyz", testPhone))
}

// commonList returns the entries of the bundled list.
func commonList(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("common_passwords.txt")
	require.NoError(t, err)
	var entries []string
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(line, "#") {
			continue
		}
		entries = append(entries, line)
	}
	return entries
}

func TestCommonPasswordList(t *testing.T) {
	t.Parallel()
	entries := commonList(t)
	require.GreaterOrEqual(t, len(entries), 5_000)
	require.LessOrEqual(t, len(entries), 10_000)
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		require.NotEmpty(t, e)
		require.Equal(t, strings.TrimSpace(e), e, "entry %q has surrounding space", e)
		require.Equal(t, strings.ToLower(e), e, "entry %q is not lower case", e)
		require.True(t, utf8.ValidString(e), "entry %q", e)
		require.False(t, seen[e], "entry %q is listed twice", e)
		seen[e] = true
	}
	for _, must := range []string{"password", "123456789", "09121234567", "+989121234567", "qwertyuiop", "iloveyou", "ali1370", "yaali110"} {
		require.True(t, seen[must], "list lacks %q", must)
	}
}

// TestEveryListedPasswordIsRefused checks that the list is really embedded and folded the
// same way as candidates.
func TestEveryListedPasswordIsRefused(t *testing.T) {
	t.Parallel()
	checked := 0
	for _, e := range commonList(t) {
		n := utf8.RuneCountInString(e)
		if n < identity.MinPasswordLength || n > identity.MaxPasswordLength {
			continue
		}
		checked++
		err := identity.ValidatePassword(e, "")
		var ve *core.ValidationError
		require.ErrorAs(t, err, &ve, "entry %q", e)
		require.Contains(t, ve.Fields["password"], msgCommon, "entry %q", e)
		upper := strings.ToUpper(e)
		if utf8.RuneCountInString(upper) == n {
			require.Contains(t, errFields(identity.ValidatePassword(upper, "")), msgCommon, "entry %q in upper case", e)
		}
	}
	require.Greater(t, checked, 3_000)
}

func errFields(err error) []string {
	var ve *core.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	return ve.Fields["password"]
}

func FuzzValidatePassword(f *testing.F) {
	for _, s := range []string{
		"", "password", "Tala!2024xyz", "۱۲۳۴۵۶۷۸", "حشسسصخقی", "\x00\x00\x00\x00\x00\x00\x00\x00",
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", strings.Repeat("a", 200), "+989121234567", "        ",
	} {
		f.Add(s, testPhone)
		f.Add(s, "")
	}
	f.Add("ab1234567", "garbage")
	known := map[string]bool{msgTooShort: true, msgTooLong: true, msgNumeric: true, msgCommon: true, msgPhone: true}
	f.Fuzz(func(t *testing.T, password, phone string) {
		t.Parallel()
		err := identity.ValidatePassword(password, phone)
		n := utf8.RuneCountInString(password)
		if err == nil {
			require.GreaterOrEqual(t, n, identity.MinPasswordLength)
			require.LessOrEqual(t, n, identity.MaxPasswordLength)
			return
		}
		require.ErrorIs(t, err, core.ErrInvalidInput)
		var ve *core.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, []string{"password"}, ve.FieldNames())
		msgs := ve.Fields["password"]
		require.NotEmpty(t, msgs)
		for _, m := range msgs {
			require.True(t, known[m], "unknown message %q", m)
		}
		if n < identity.MinPasswordLength || n > identity.MaxPasswordLength {
			require.Len(t, msgs, 1)
		}
	})
}
