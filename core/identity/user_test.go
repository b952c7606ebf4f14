package identity_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
)

const testHash = "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA"

func ptr(s string) *string { return &s }

// registered returns a user that signed up at t0 with names and verified the phone when
// verified is set.
func registered(t *testing.T, verified bool) identity.User {
	t.Helper()
	u, err := identity.NewRegisteredUser("09121234567", testHash, "علی", "رضایی", t0)
	require.NoError(t, err)
	if verified {
		require.NoError(t, u.VerifyPhone(t0.Add(time.Minute)))
	}
	return u
}

func TestNewUserKeepsItsContract(t *testing.T) {
	t.Parallel()
	u := identity.NewUser(testPhone, t0)
	require.True(t, u.ID().IsZero())
	require.Equal(t, testPhone, u.Phone())
	require.Equal(t, t0, u.CreatedAt())
	require.Equal(t, t0, u.UpdatedAt())
	require.Equal(t, identity.RoleUser, u.Role())
	require.False(t, u.PhoneVerified())
	require.False(t, u.HasPassword())
	require.Equal(t, testPhone, u.FullName())

	r := identity.RehydrateUser(9, testPhone, t0)
	require.Equal(t, core.UserID(9), r.ID())
	require.Equal(t, testPhone, r.Phone())
	require.Equal(t, t0, r.CreatedAt())
	require.Equal(t, identity.RoleUser, r.Role())
	require.False(t, r.IsStaff())
}

func TestNewRegisteredUser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		phone      string
		hash       string
		first      string
		last       string
		wantFirst  string
		wantLast   string
		wantFields []string
		wantErr    bool
	}{
		{name: "Valid", phone: "09121234567", hash: testHash, first: "Ali", last: "Rezaei", wantFirst: "Ali", wantLast: "Rezaei"},
		{name: "NoNames", phone: "+989121234567", hash: testHash},
		{name: "ArabicLettersNormalised", phone: "9121234567", hash: testHash, first: " علي ", last: "كريمى", wantFirst: "علی", wantLast: "کریمی"},
		{name: "InnerSpaceCollapsed", phone: "09121234567", hash: testHash, first: "محمد   علی", wantFirst: "محمد علی"},
		{name: "ZWNJKept", phone: "09121234567", hash: testHash, last: "عبدالله\u200cزاده", wantLast: "عبدالله\u200cزاده"},
		{name: "HundredRunes", phone: "09121234567", hash: testHash, first: strings.Repeat("ب", 100), wantFirst: strings.Repeat("ب", 100)},
		{name: "FirstTooLong", phone: "09121234567", hash: testHash, first: strings.Repeat("ب", 101), wantFields: []string{"first_name"}},
		{name: "LastControlChar", phone: "09121234567", hash: testHash, last: "a\x00b", wantFields: []string{"last_name"}},
		{name: "InvalidUTF8", phone: "09121234567", hash: testHash, last: "a\xffb", wantFields: []string{"last_name"}},
		{name: "InvalidPhone", phone: "02112345678", hash: testHash, wantFields: []string{"phone_number"}},
		{name: "EveryFieldInvalid", phone: "x", hash: testHash, first: strings.Repeat("x", 101), last: strings.Repeat("y", 101), wantFields: []string{"phone_number", "first_name", "last_name"}},
		{name: "NoHash", phone: "09121234567", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := identity.NewRegisteredUser(tt.phone, tt.hash, tt.first, tt.last, t0)
			switch {
			case tt.wantFields != nil:
				var ve *core.ValidationError
				require.ErrorAs(t, err, &ve)
				require.Equal(t, tt.wantFields, ve.FieldNames())
				return
			case tt.wantErr:
				require.Error(t, err)
				require.NotErrorIs(t, err, core.ErrInvalidInput)
				return
			}
			require.NoError(t, err)
			require.Equal(t, testPhone, u.Phone())
			require.Equal(t, tt.hash, u.PasswordHash())
			require.True(t, u.HasPassword())
			require.Equal(t, t0, u.PasswordChangedAt())
			require.Equal(t, tt.wantFirst, u.FirstName())
			require.Equal(t, tt.wantLast, u.LastName())
			require.Equal(t, identity.RoleUser, u.Role())
			require.False(t, u.PhoneVerified())
			require.False(t, u.Disabled())
			require.Equal(t, t0, u.CreatedAt())
			require.Empty(t, u.Email())
		})
	}
}

func TestUserFullName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		first string
		last  string
		want  string
	}{
		{name: "Both", first: "Ali", last: "Rezaei", want: "Ali Rezaei"},
		{name: "FirstOnly", first: "Ali", want: "Ali"},
		{name: "LastOnly", last: "Rezaei", want: "Rezaei"},
		{name: "Neither", want: testPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := identity.RehydrateUserRecord(identity.UserRecord{ID: 1, Phone: testPhone, FirstName: tt.first, LastName: tt.last, CreatedAt: t0})
			require.Equal(t, tt.want, u.FullName())
		})
	}
}

func TestUserVerifyPhone(t *testing.T) {
	t.Parallel()
	u := registered(t, false)
	require.ErrorIs(t, u.CheckSignIn(), core.ErrPhoneNotVerified)
	at := t0.Add(2 * time.Minute)
	require.NoError(t, u.VerifyPhone(at))
	require.True(t, u.PhoneVerified())
	require.Equal(t, at, u.PhoneVerifiedAt())
	require.Equal(t, at, u.UpdatedAt())
	require.NoError(t, u.CheckSignIn())

	require.NoError(t, u.VerifyPhone(at.Add(time.Hour)), "verifying again succeeds")
	require.Equal(t, at, u.PhoneVerifiedAt(), "the first verification stands")

	d := registered(t, false)
	d.Disable(t0)
	require.ErrorIs(t, d.VerifyPhone(t0), core.ErrAccountDisabled)
	require.False(t, d.PhoneVerified())
}

func TestUserCheckSignIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		verified bool
		disabled bool
		want     error
	}{
		{name: "VerifiedActive", verified: true},
		{name: "Unverified", want: core.ErrPhoneNotVerified},
		{name: "DisabledVerified", verified: true, disabled: true, want: core.ErrAccountDisabled},
		{name: "DisabledBeatsUnverified", disabled: true, want: core.ErrAccountDisabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := registered(t, tt.verified)
			if tt.disabled {
				u.Disable(t0)
			}
			err := u.CheckSignIn()
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestUserSetPassword(t *testing.T) {
	t.Parallel()
	u := registered(t, true)
	at := t0.Add(time.Hour)
	require.NoError(t, u.SetPassword("$argon2id$new", at))
	require.Equal(t, "$argon2id$new", u.PasswordHash())
	require.Equal(t, at, u.PasswordChangedAt())
	require.Equal(t, at, u.UpdatedAt())

	require.Error(t, u.SetPassword("", at.Add(time.Hour)))
	require.Equal(t, "$argon2id$new", u.PasswordHash())
}

func TestUserReregister(t *testing.T) {
	t.Parallel()
	t.Run("UnverifiedIsReplaced", func(t *testing.T) {
		t.Parallel()
		u := registered(t, false)
		at := t0.Add(time.Hour)
		require.NoError(t, u.Reregister("$argon2id$again", "رضا", "", at))
		require.Equal(t, "$argon2id$again", u.PasswordHash())
		require.Equal(t, "رضا", u.FirstName())
		require.Empty(t, u.LastName())
		require.Equal(t, at, u.UpdatedAt())
		require.Equal(t, t0, u.CreatedAt())
	})
	t.Run("VerifiedIsTaken", func(t *testing.T) {
		t.Parallel()
		u := registered(t, true)
		before := u.Record()
		require.ErrorIs(t, u.Reregister("$argon2id$again", "x", "y", t0.Add(time.Hour)), core.ErrPhoneTaken)
		require.Equal(t, before, u.Record())
	})
	t.Run("DisabledIsTaken", func(t *testing.T) {
		t.Parallel()
		u := registered(t, false)
		u.Disable(t0)
		require.ErrorIs(t, u.Reregister("$argon2id$again", "x", "y", t0.Add(time.Hour)), core.ErrPhoneTaken)
	})
	t.Run("InvalidNameChangesNothing", func(t *testing.T) {
		t.Parallel()
		u := registered(t, false)
		before := u.Record()
		err := u.Reregister("$argon2id$again", strings.Repeat("x", 101), "y", t0.Add(time.Hour))
		require.ErrorIs(t, err, core.ErrInvalidInput)
		require.Equal(t, before, u.Record())
	})
}

func TestUserDisableEnable(t *testing.T) {
	t.Parallel()
	u := registered(t, true)
	u.Disable(t0.Add(time.Hour))
	require.True(t, u.Disabled())
	require.Equal(t, t0.Add(time.Hour), u.DisabledAt())
	u.Disable(t0.Add(2 * time.Hour))
	require.Equal(t, t0.Add(time.Hour), u.DisabledAt(), "disabling again keeps the first time")

	u.Enable(t0.Add(3 * time.Hour))
	require.False(t, u.Disabled())
	require.True(t, u.DisabledAt().IsZero())
	require.Equal(t, t0.Add(3*time.Hour), u.UpdatedAt())
	u.Enable(t0.Add(4 * time.Hour))
	require.Equal(t, t0.Add(3*time.Hour), u.UpdatedAt(), "enabling an enabled account changes nothing")
	require.NoError(t, u.CheckSignIn())
}

func TestUserUpdateProfile(t *testing.T) {
	t.Parallel()
	at := t0.Add(time.Hour)
	tests := []struct {
		name       string
		update     identity.ProfileUpdate
		wantFirst  string
		wantLast   string
		wantEmail  string
		wantFields []string
		unchanged  bool
	}{
		{name: "Nothing", unchanged: true, wantFirst: "علی", wantLast: "رضایی"},
		{name: "SameValues", update: identity.ProfileUpdate{FirstName: ptr(" علي ")}, unchanged: true, wantFirst: "علی", wantLast: "رضایی"},
		{name: "FirstOnly", update: identity.ProfileUpdate{FirstName: ptr("حسين")}, wantFirst: "حسین", wantLast: "رضایی"},
		{name: "ClearLast", update: identity.ProfileUpdate{LastName: ptr("  ")}, wantFirst: "علی"},
		{name: "Email", update: identity.ProfileUpdate{Email: ptr(" Ali.Rezaei@Example.COM ")}, wantFirst: "علی", wantLast: "رضایی", wantEmail: "Ali.Rezaei@example.com"},
		{name: "EmailPlus", update: identity.ProfileUpdate{Email: ptr("a+gold@mail.example.ir")}, wantFirst: "علی", wantLast: "رضایی", wantEmail: "a+gold@mail.example.ir"},
		{name: "ClearEmail", update: identity.ProfileUpdate{Email: ptr("")}, unchanged: true, wantFirst: "علی", wantLast: "رضایی"},
		{name: "EmailNoAt", update: identity.ProfileUpdate{Email: ptr("ali.example.com")}, wantFields: []string{"email"}},
		{name: "EmailNoDot", update: identity.ProfileUpdate{Email: ptr("ali@localhost")}, wantFields: []string{"email"}},
		{name: "EmailDisplayName", update: identity.ProfileUpdate{Email: ptr("Ali <ali@example.com>")}, wantFields: []string{"email"}},
		{name: "EmailDoubleDot", update: identity.ProfileUpdate{Email: ptr("ali@example..com")}, wantFields: []string{"email"}},
		{name: "EmailTrailingDot", update: identity.ProfileUpdate{Email: ptr("ali@example.com.")}, wantFields: []string{"email"}},
		{name: "EmailTooLong", update: identity.ProfileUpdate{Email: ptr(strings.Repeat("a", 64) + "@" + strings.Repeat("b", 190) + ".com")}, wantFields: []string{"email"}},
		{name: "NameTooLongChangesNothing", update: identity.ProfileUpdate{FirstName: ptr(strings.Repeat("x", 101)), Email: ptr("ali@example.com")}, wantFields: []string{"first_name"}},
		{name: "EveryFieldInvalid", update: identity.ProfileUpdate{FirstName: ptr(strings.Repeat("x", 101)), LastName: ptr("\x07"), Email: ptr("@")}, wantFields: []string{"first_name", "last_name", "email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := registered(t, true)
			before := u.Record()
			err := u.UpdateProfile(tt.update, at)
			if tt.wantFields != nil {
				var ve *core.ValidationError
				require.ErrorAs(t, err, &ve)
				require.Equal(t, tt.wantFields, ve.FieldNames())
				require.Equal(t, before, u.Record(), "a refused update changes nothing")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantFirst, u.FirstName())
			require.Equal(t, tt.wantLast, u.LastName())
			require.Equal(t, tt.wantEmail, u.Email())
			if tt.unchanged {
				require.Equal(t, before, u.Record())
				return
			}
			require.Equal(t, at, u.UpdatedAt())
		})
	}
}

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "Plain", in: "Ali", want: "Ali"},
		{name: "ArabicYeh", in: "علي", want: "علی"},
		{name: "ArabicAlefMaksura", in: "موسى", want: "موسی"},
		{name: "ArabicKaf", in: "كاظم", want: "کاظم"},
		{name: "Trimmed", in: "\t رضا \n", want: "رضا"},
		{name: "InnerSpaces", in: "امیر   حسین", want: "امیر حسین"},
		{name: "ZWNJKept", in: "مهدی\u200cزاده", want: "مهدی\u200cزاده"},
		{name: "Empty", in: "   ", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, identity.NormalizeName(tt.in))
		})
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		want  identity.Role
		staff bool
		ok    bool
	}{
		{name: "User", in: "user", want: identity.RoleUser, ok: true},
		{name: "Operator", in: "operator", want: identity.RoleOperator, staff: true, ok: true},
		{name: "Admin", in: "admin", want: identity.RoleAdmin, staff: true, ok: true},
		{name: "Empty", in: ""},
		{name: "Unknown", in: "superuser"},
		{name: "UpperCase", in: "ADMIN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := identity.ParseRole(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, core.ErrInvalidInput)
				require.True(t, r.IsZero())
				require.False(t, r.IsStaff())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, r)
			require.Equal(t, tt.in, r.String())
			require.Equal(t, tt.staff, r.IsStaff())

			u := registered(t, true)
			require.NoError(t, u.SetRole(r, t0.Add(time.Hour)))
			require.Equal(t, r, u.Role())
			require.Equal(t, tt.staff, u.IsStaff())
		})
	}
}

func TestUserSetRoleZero(t *testing.T) {
	t.Parallel()
	u := registered(t, true)
	require.Error(t, u.SetRole(identity.Role{}, t0))
	require.Equal(t, identity.RoleUser, u.Role())
}

func TestUserRecordRoundTrip(t *testing.T) {
	t.Parallel()
	u := registered(t, true)
	_, known := u.DateOfBirth()
	require.False(t, known, "a new user's date of birth is unknown")
	dob := time.Date(1990, time.May, 12, 0, 0, 0, 0, time.UTC)
	require.NoError(t, u.UpdateProfile(identity.ProfileUpdate{Email: ptr("ali@example.com"), DateOfBirth: &dob}, t0.Add(time.Hour)))
	require.NoError(t, u.SetRole(identity.RoleOperator, t0.Add(2*time.Hour)))
	u.Disable(t0.Add(3 * time.Hour))
	rec := u.Record()
	require.Equal(t, dob, rec.DateOfBirth)
	rec.ID = 12
	back := identity.RehydrateUserRecord(rec)
	require.Equal(t, rec, back.Record())
	require.Equal(t, core.UserID(12), back.ID())
	require.True(t, back.IsStaff())
	got, known := back.DateOfBirth()
	require.True(t, known)
	require.Equal(t, dob, got)

	bare := identity.RehydrateUserRecord(identity.UserRecord{ID: 3, Phone: testPhone, CreatedAt: t0})
	require.Equal(t, identity.RoleUser, bare.Role(), "a zero role reads as user")
	require.Equal(t, t0, bare.UpdatedAt(), "a zero update time reads as the creation time")
	_, known = bare.DateOfBirth()
	require.False(t, known, "a zero date of birth reads as unknown")

	local := identity.RehydrateUserRecord(identity.UserRecord{
		ID: 4, Phone: testPhone, CreatedAt: t0,
		DateOfBirth: time.Date(1990, time.May, 12, 23, 0, 0, 0, time.FixedZone("IRST", 3*3600+30*60)),
	})
	got, _ = local.DateOfBirth()
	require.Equal(t, dob, got, "only the stored calendar day counts, at midnight UTC")
}
