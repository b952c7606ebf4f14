package payment_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
	"github.com/talabin/talabin/core/payment"
)

const (
	shebaParsian = "IR820540102680020817909002" // bank 054
	shebaMellat  = "IR430120000000000000000001" // bank 012
	shebaSepah   = "IR560150000000000000000007" // bank 015
	shebaUnknown = "IR470990000000001234567890" // bank 099, not in the bank table
	cardMelli    = "6037991199500590"
	fullName     = "رضا کریمی"
)

func mustSheba(t *testing.T, s string) iran.Sheba {
	t.Helper()
	sh, err := iran.ParseSheba(s)
	require.NoError(t, err)
	return sh
}

func mustCard(t *testing.T, s string) iran.Card {
	t.Helper()
	c, err := iran.ParseCard(s)
	require.NoError(t, err)
	return c
}

func TestNewBankAccount(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		in       payment.BankAccountInput
		fullName string
		// want is the record expected apart from User, Sheba, Card and times, which the test
		// fills in.
		want  payment.BankAccountRecord
		sheba string
		card  string
	}{
		{
			name: "Parsian", in: payment.BankAccountInput{Sheba: shebaParsian}, fullName: " " + fullName + " ",
			sheba: shebaParsian,
			want:  payment.BankAccountRecord{BankCode: "054", BankName: "بانک پارسیان", HolderName: fullName},
		},
		{
			name: "Mellat", in: payment.BankAccountInput{Sheba: shebaMellat, Default: true}, fullName: fullName,
			sheba: shebaMellat,
			want:  payment.BankAccountRecord{BankCode: "012", BankName: "بانک ملت", HolderName: fullName, Default: true},
		},
		{
			name: "Sepah", in: payment.BankAccountInput{Sheba: shebaSepah, BankName: "ignored for a known code"}, fullName: fullName,
			sheba: shebaSepah,
			want:  payment.BankAccountRecord{BankCode: "015", BankName: "بانک سپه", HolderName: fullName},
		},
		{
			name: "PersianDigitsAndSpaces", in: payment.BankAccountInput{Sheba: " IR۸۲ ۰۵۴۰ ۱۰۲۶ ۸۰۰۲ ۰۸۱۷ ۹۰۹۰ ۰۲ "}, fullName: fullName,
			sheba: shebaParsian,
			want:  payment.BankAccountRecord{BankCode: "054", BankName: "بانک پارسیان", HolderName: fullName},
		},
		{
			name: "DigitsOnlyLowercase", in: payment.BankAccountInput{Sheba: "ir430120000000000000000001"}, fullName: fullName,
			sheba: shebaMellat,
			want:  payment.BankAccountRecord{BankCode: "012", BankName: "بانک ملت", HolderName: fullName},
		},
		{
			name: "UnknownBankWithName", in: payment.BankAccountInput{Sheba: shebaUnknown, BankName: "  بانک آزمایشی "}, fullName: fullName,
			sheba: shebaUnknown,
			want:  payment.BankAccountRecord{BankCode: "099", BankName: "بانک آزمایشی", HolderName: fullName},
		},
		{
			name: "CardGrouped", in: payment.BankAccountInput{Sheba: shebaParsian, Card: "6037 9911 9950 0590"}, fullName: fullName,
			sheba: shebaParsian, card: cardMelli,
			want: payment.BankAccountRecord{BankCode: "054", BankName: "بانک پارسیان", HolderName: fullName},
		},
		{
			name: "CardPersianDigits", in: payment.BankAccountInput{Sheba: shebaParsian, Card: "۶۰۳۷۹۹۱۱۹۹۵۰۰۵۹۰"}, fullName: fullName,
			sheba: shebaParsian, card: cardMelli,
			want: payment.BankAccountRecord{BankCode: "054", BankName: "بانک پارسیان", HolderName: fullName},
		},
		{
			name: "BlankCardIsNone", in: payment.BankAccountInput{Sheba: shebaParsian, Card: "   "}, fullName: fullName,
			sheba: shebaParsian,
			want:  payment.BankAccountRecord{BankCode: "054", BankName: "بانک پارسیان", HolderName: fullName},
		},
		{
			name: "AccountNumberPersianDigits", in: payment.BankAccountInput{Sheba: shebaParsian, AccountNumber: " ۰۱۰۱ ۲۳۴۵۶۷۸ "}, fullName: fullName,
			sheba: shebaParsian,
			want:  payment.BankAccountRecord{BankCode: "054", BankName: "بانک پارسیان", HolderName: fullName, AccountNumber: "01012345678"},
		},
		{
			name: "LongestAccountNumber", in: payment.BankAccountInput{Sheba: shebaParsian, AccountNumber: strings.Repeat("9", payment.MaxAccountNumberLen)}, fullName: fullName,
			sheba: shebaParsian,
			want:  payment.BankAccountRecord{BankCode: "054", BankName: "بانک پارسیان", HolderName: fullName, AccountNumber: strings.Repeat("9", payment.MaxAccountNumberLen)},
		},
		{
			name: "HolderGiven", in: payment.BankAccountInput{Sheba: shebaParsian, HolderName: " مریم کریمی "}, fullName: fullName,
			sheba: shebaParsian,
			want:  payment.BankAccountRecord{BankCode: "054", BankName: "بانک پارسیان", HolderName: "مریم کریمی"},
		},
		{
			name: "BlankHolderDefaults", in: payment.BankAccountInput{Sheba: shebaParsian, HolderName: "  "}, fullName: fullName,
			sheba: shebaParsian,
			want:  payment.BankAccountRecord{BankCode: "054", BankName: "بانک پارسیان", HolderName: fullName},
		},
		{
			name: "LongestHolder", in: payment.BankAccountInput{Sheba: shebaParsian, HolderName: strings.Repeat("ن", payment.MaxHolderNameLen/2)}, fullName: fullName,
			sheba: shebaParsian,
			want:  payment.BankAccountRecord{BankCode: "054", BankName: "بانک پارسیان", HolderName: strings.Repeat("ن", payment.MaxHolderNameLen/2)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := payment.NewBankAccount(testUser, tt.in, tt.fullName, t0)
			require.NoError(t, err)
			want := tt.want
			want.User, want.Sheba, want.CreatedAt, want.UpdatedAt = testUser, mustSheba(t, tt.sheba), t0, t0
			if tt.card != "" {
				want.Card = mustCard(t, tt.card)
			}
			require.Equal(t, want, a.Record())
			require.Equal(t, tt.sheba, a.Sheba().String())
			require.Zero(t, a.ID())
			require.Equal(t, testUser, a.User())
			require.False(t, a.Verified(), "a new account is unverified")
			require.False(t, a.Deleted())
			require.Equal(t, tt.in.Default, a.Default())
		})
	}
}

// TestDefaultHolderFromLongFullName: a full name longer than the holder limit is cut at a
// character boundary, never refused for a field the user did not send.
func TestDefaultHolderFromLongFullName(t *testing.T) {
	t.Parallel()
	full := strings.Repeat("ن", payment.MaxHolderNameLen) // 2 bytes each: twice the limit
	a, err := payment.NewBankAccount(testUser, payment.BankAccountInput{Sheba: shebaParsian}, full, time.Time{})
	require.NoError(t, err)
	holder := a.Record().HolderName
	require.Len(t, holder, payment.MaxHolderNameLen)
	require.True(t, utf8.ValidString(holder))
}

func TestNewBankAccountRefusals(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		user     core.UserID
		in       payment.BankAccountInput
		fullName string
		fields   []string
	}{
		{name: "NoSheba", user: testUser, in: payment.BankAccountInput{}, fields: []string{"sheba_number"}},
		{name: "WrongChecksum", user: testUser, in: payment.BankAccountInput{Sheba: "IR820540102680020817909003"}, fields: []string{"sheba_number"}},
		{name: "ShebaTooShort", user: testUser, in: payment.BankAccountInput{Sheba: "IR8205401026800208179090"}, fields: []string{"sheba_number"}},
		{name: "ShebaForeign", user: testUser, in: payment.BankAccountInput{Sheba: "DE89370400440532013000"}, fields: []string{"sheba_number"}},
		{name: "UnknownBankWithoutName", user: testUser, in: payment.BankAccountInput{Sheba: shebaUnknown, BankName: "  "}, fields: []string{"bank_name"}},
		{name: "CardLuhn", user: testUser, in: payment.BankAccountInput{Sheba: shebaParsian, Card: "6037991199500591"}, fields: []string{"card_number"}},
		{name: "CardTooShort", user: testUser, in: payment.BankAccountInput{Sheba: shebaParsian, Card: "603799119950059"}, fields: []string{"card_number"}},
		{name: "AccountNumberLetters", user: testUser, in: payment.BankAccountInput{Sheba: shebaParsian, AccountNumber: "0101a23"}, fields: []string{"account_number"}},
		{name: "AccountNumberDashes", user: testUser, in: payment.BankAccountInput{Sheba: shebaParsian, AccountNumber: "0101-23"}, fields: []string{"account_number"}},
		{name: "AccountNumberTooLong", user: testUser, in: payment.BankAccountInput{Sheba: shebaParsian, AccountNumber: strings.Repeat("1", payment.MaxAccountNumberLen+1)}, fields: []string{"account_number"}},
		{name: "HolderTooLong", user: testUser, in: payment.BankAccountInput{Sheba: shebaParsian, HolderName: strings.Repeat("ن", payment.MaxHolderNameLen/2) + "x"}, fields: []string{"account_holder_name"}},
		{name: "BankNameTooLong", user: testUser, in: payment.BankAccountInput{Sheba: shebaUnknown, BankName: strings.Repeat("b", payment.MaxBankNameLen+1)}, fields: []string{"bank_name"}},
		{name: "NoUser", in: payment.BankAccountInput{Sheba: shebaParsian}, fields: []string{core.NonFieldErrors}},
		{
			name: "EveryField",
			in: payment.BankAccountInput{
				Sheba: "IR000000000000000000000000", Card: "1234", AccountNumber: "abc",
				HolderName: strings.Repeat("x", payment.MaxHolderNameLen+1),
			},
			fields: []string{"sheba_number", "card_number", "account_number", "account_holder_name", core.NonFieldErrors},
		},
		{
			name: "UnknownBankAndBadCard", user: testUser,
			in:     payment.BankAccountInput{Sheba: shebaUnknown, Card: "6037991199500591", AccountNumber: "x"},
			fields: []string{"card_number", "account_number", "bank_name"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fullName := tt.fullName
			if fullName == "" {
				fullName = "رضا کریمی"
			}
			a, err := payment.NewBankAccount(tt.user, tt.in, fullName, t0)
			require.Nil(t, a)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			var ve *core.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.fields, ve.FieldNames(), "every broken field is reported, in order")
			for _, f := range tt.fields {
				require.Len(t, ve.Fields[f], 1, f)
				require.NotEmpty(t, ve.Fields[f][0], f)
			}
		})
	}
}

// bankAccountIn returns a stored account of testUser, verified or not, default and deleted
// as asked.
func bankAccountIn(t *testing.T, verified, deleted bool) *payment.BankAccount {
	t.Helper()
	a, err := payment.NewBankAccount(testUser, payment.BankAccountInput{Sheba: shebaParsian, Default: !deleted}, fullName, t0)
	require.NoError(t, err)
	r := a.Record()
	r.ID, r.Verified, r.Deleted = 6, verified, deleted
	if verified {
		r.VerifiedAt = t0
	}
	return payment.RehydrateBankAccount(r)
}

func TestBankAccountTransitions(t *testing.T) {
	t.Parallel()

	actions := []struct {
		name   string
		action string // the action's name in the InvalidStateError of a refusal
		do     func(*payment.BankAccount) error
		want   func(payment.BankAccountRecord) payment.BankAccountRecord
	}{
		{
			name: "Verify", action: "verify",
			do: func(a *payment.BankAccount) error { return a.Verify(later) },
			want: func(r payment.BankAccountRecord) payment.BankAccountRecord {
				if !r.Verified { // verifying twice is a no-op
					r.Verified, r.VerifiedAt, r.UpdatedAt = true, later, later
				}
				return r
			},
		},
		{
			name: "SetDefault", action: "change",
			do: func(a *payment.BankAccount) error { return a.SetDefault(true, later) },
			want: func(r payment.BankAccountRecord) payment.BankAccountRecord {
				r.Default, r.UpdatedAt = true, later
				return r
			},
		},
		{
			name: "ClearDefault", action: "change",
			do: func(a *payment.BankAccount) error { return a.SetDefault(false, later) },
			want: func(r payment.BankAccountRecord) payment.BankAccountRecord {
				r.Default, r.UpdatedAt = false, later
				return r
			},
		},
		{
			name: "Delete", action: "delete",
			do: func(a *payment.BankAccount) error { return a.Delete(later) },
			want: func(r payment.BankAccountRecord) payment.BankAccountRecord {
				r.Deleted, r.Default, r.UpdatedAt = true, false, later
				return r
			},
		},
	}
	states := []struct {
		name              string
		verified, deleted bool
	}{
		{name: "Unverified"}, {name: "Verified", verified: true},
		{name: "Deleted", deleted: true}, {name: "VerifiedDeleted", verified: true, deleted: true},
	}
	for _, s := range states {
		for _, a := range actions {
			t.Run(s.name+"/"+a.name, func(t *testing.T) {
				t.Parallel()
				acc := bankAccountIn(t, s.verified, s.deleted)
				before := acc.Record()
				err := a.do(acc)
				if s.deleted {
					requireInvalidState(t, err, "bank account", "deleted", a.action)
					require.Equal(t, before, acc.Record(), "a refused transition changes nothing")
					return
				}
				require.NoError(t, err)
				require.Equal(t, a.want(before), acc.Record())
			})
		}
	}
}

func TestBankAccountDeletedThenRefusesEverything(t *testing.T) {
	t.Parallel()

	a := bankAccountIn(t, false, false)
	require.True(t, a.Default())
	require.NoError(t, a.Delete(t0))
	require.True(t, a.Deleted())
	require.False(t, a.Default(), "a deleted account is never the default")
	before := a.Record()
	requireInvalidState(t, a.Verify(later), "bank account", "deleted", "verify")
	requireInvalidState(t, a.SetDefault(true, later), "bank account", "deleted", "change")
	requireInvalidState(t, a.Delete(later), "bank account", "deleted", "delete")
	require.Equal(t, before, a.Record())
}

func FuzzNewBankAccount(f *testing.F) {
	seeds := []struct {
		user                                             int64
		sheba, card, account, bankName, holder, fullName string
	}{
		{42, shebaParsian, cardMelli, "0101234567", "", "", fullName},
		{42, "IR۸۲ ۰۵۴۰ ۱۰۲۶ ۸۰۰۲ ۰۸۱۷ ۹۰۹۰ ۰۲", "۶۰۳۷-۹۹۱۱-۹۹۵۰-۰۵۹۰", "۰۱۲", "", "مریم", ""},
		{1, shebaUnknown, "", "", "بانک آزمایشی", "", ""},
		{1, shebaUnknown, "", "", "", "", ""},
		{0, "IR000000000000000000000000", "1234", "abc", "x", strings.Repeat("x", 101), ""},
		{-1, "", "", "", "", "", ""},
		{7, "ir430120000000000000000001", " ", "\u200c", "\xff", "\xff\xfe", "\x00"},
		{7, "IR" + strings.Repeat("۹", 24), strings.Repeat("٠", 16), strings.Repeat("1", 51), "", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.user, s.sheba, s.card, s.account, s.bankName, s.holder, s.fullName)
	}
	f.Fuzz(func(t *testing.T, user int64, sheba, card, account, bankName, holder, fullName string) {
		t.Parallel()
		in := payment.BankAccountInput{Sheba: sheba, Card: card, AccountNumber: account, BankName: bankName, HolderName: holder}
		a, err := payment.NewBankAccount(core.UserID(user), in, fullName, t0)
		if err != nil {
			require.Nil(t, a)
			require.ErrorIs(t, err, core.ErrInvalidInput)
			var ve *core.ValidationError
			require.ErrorAs(t, err, &ve)
			require.NotEmpty(t, ve.FieldNames())
			return
		}
		r := a.Record()
		require.Positive(t, int64(r.User))
		again, err := iran.ParseSheba(r.Sheba.String())
		require.NoError(t, err, "a returned account's Sheba re-parses")
		require.Equal(t, r.Sheba, again)
		require.Equal(t, r.Sheba.BankCode(), r.BankCode)
		require.NotEmpty(t, r.BankName)
		if !r.Card.IsZero() {
			c, err := iran.ParseCard(r.Card.Number())
			require.NoError(t, err)
			require.Equal(t, r.Card, c)
		}
		require.LessOrEqual(t, len(r.AccountNumber), payment.MaxAccountNumberLen)
		require.Empty(t, strings.Trim(r.AccountNumber, "0123456789"), "the account number is digits only")
		require.LessOrEqual(t, len(r.HolderName), payment.MaxHolderNameLen)
		require.Equal(t, strings.TrimSpace(r.HolderName), r.HolderName)
		require.False(t, r.Verified)
		require.False(t, r.Deleted)
	})
}
