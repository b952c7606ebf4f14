package identity

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/iran"
)

// Bounds of profile fields, in characters (runes).
const (
	// MaxNameLength is the longest first or last name.
	MaxNameLength = 100
	// MaxEmailLength is the longest email address.
	MaxEmailLength = 254
)

// Field messages of the profile rules, in the style of the original API's validators.
const (
	msgNameTooLong   = "Ensure this field has no more than 100 characters."
	msgNameInvalid   = "This field contains characters that are not allowed."
	msgNameRequired  = "This field is required."
	msgEmailInvalid  = "Enter a valid email address."
	msgMobileInvalid = "Enter a valid Iranian mobile number."
)

// Role says what a user may do. The zero value is not a role; use the declared values or
// [ParseRole].
type Role struct{ name string }

// The roles, from least to most privileged.
var (
	// RoleUser is a customer.
	RoleUser = Role{"user"}
	// RoleOperator is staff who review KYC, deposits and withdrawals.
	RoleOperator = Role{"operator"}
	// RoleAdmin is staff who also manage prices, limits and other staff.
	RoleAdmin = Role{"admin"}
)

var roles = []Role{RoleUser, RoleOperator, RoleAdmin}

// ParseRole returns the role named s ("user", "operator" or "admin"). An unknown name
// returns an error wrapping [core.ErrInvalidInput].
func ParseRole(s string) (Role, error) {
	for _, r := range roles {
		if r.name == s {
			return r, nil
		}
	}
	return Role{}, fmt.Errorf("%w: unknown role %q", core.ErrInvalidInput, s)
}

// String returns the role's stable name, or "" for the zero value.
func (r Role) String() string { return r.name }

// IsZero reports whether the role is unset.
func (r Role) IsZero() bool { return r.name == "" }

// IsStaff reports whether the role is a staff role (operator or admin).
func (r Role) IsStaff() bool { return r == RoleOperator || r == RoleAdmin }

// User is a registered person. Build new users with [NewRegisteredUser] (or the bare
// [NewUser]); stores rebuild them with [RehydrateUserRecord] (or the bare [RehydrateUser]).
// Accessors take a value receiver; the state changes take a pointer and return an error
// when the rule refuses them.
type User struct {
	id                core.UserID
	phone             string
	passwordHash      string
	firstName         string
	lastName          string
	email             string
	dateOfBirth       time.Time // a civil date at midnight UTC; zero when unknown
	role              Role
	phoneVerifiedAt   time.Time
	disabledAt        time.Time
	passwordChangedAt time.Time
	createdAt         time.Time
	updatedAt         time.Time
}

// NewUser returns a user not yet stored, with phone in canonical E.164 form and nothing
// else set: no password, no names, phone not verified, role [RoleUser].
func NewUser(phone string, createdAt time.Time) User {
	return User{phone: phone, role: RoleUser, createdAt: createdAt, updatedAt: createdAt}
}

// RehydrateUser rebuilds a stored user from its id, phone and creation time only; only store
// adapters call it. Stores that keep the other fields use [RehydrateUserRecord].
func RehydrateUser(id core.UserID, phone string, createdAt time.Time) User {
	return User{id: id, phone: phone, role: RoleUser, createdAt: createdAt, updatedAt: createdAt}
}

// NewRegisteredUser returns a user not yet stored, signing up at now with phone (any form
// [iran.ParseMobile] accepts; kept in E.164 form), a password already hashed by the app and
// optional names (normalised with [NormalizeName]). The phone is not verified yet. Invalid
// input returns a [core.ValidationError] on "phone_number", "first_name" or "last_name"; an
// empty passwordHash is a programming error.
func NewRegisteredUser(phone, passwordHash, firstName, lastName string, now time.Time) (User, error) {
	ve := core.NewValidationError()
	m, err := iran.ParseMobile(phone)
	if err != nil {
		ve.Add("phone_number", msgMobileInvalid)
	}
	first := checkName(ve, "first_name", firstName)
	last := checkName(ve, "last_name", lastName)
	if err := ve.Err(); err != nil {
		return User{}, err
	}
	if passwordHash == "" {
		return User{}, errors.New("new user: password hash is required")
	}
	return User{
		phone:             m.String(),
		passwordHash:      passwordHash,
		firstName:         first,
		lastName:          last,
		role:              RoleUser,
		passwordChangedAt: now,
		createdAt:         now,
		updatedAt:         now,
	}, nil
}

// UserRecord is the stored form of a [User], for store adapters. Zero times mean "not
// happened"; a zero Role reads as [RoleUser] and a zero UpdatedAt as CreatedAt.
// DateOfBirth is a civil date at midnight UTC (a DATE column), zero when unknown;
// [RehydrateUserRecord] keeps only its calendar day.
type UserRecord struct {
	ID                core.UserID
	Phone             string
	PasswordHash      string
	FirstName         string
	LastName          string
	Email             string
	DateOfBirth       time.Time
	Role              Role
	PhoneVerifiedAt   time.Time
	DisabledAt        time.Time
	PasswordChangedAt time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// RehydrateUserRecord rebuilds a stored user with all its fields; only store adapters call
// it.
func RehydrateUserRecord(r UserRecord) User {
	u := User{
		id:                r.ID,
		phone:             r.Phone,
		passwordHash:      r.PasswordHash,
		firstName:         r.FirstName,
		lastName:          r.LastName,
		email:             r.Email,
		dateOfBirth:       civilDate(r.DateOfBirth),
		role:              r.Role,
		phoneVerifiedAt:   r.PhoneVerifiedAt,
		disabledAt:        r.DisabledAt,
		passwordChangedAt: r.PasswordChangedAt,
		createdAt:         r.CreatedAt,
		updatedAt:         r.UpdatedAt,
	}
	if u.role.IsZero() {
		u.role = RoleUser
	}
	if u.updatedAt.IsZero() {
		u.updatedAt = u.createdAt
	}
	return u
}

// Record returns the user's stored form.
func (u User) Record() UserRecord {
	return UserRecord{
		ID:                u.id,
		Phone:             u.phone,
		PasswordHash:      u.passwordHash,
		FirstName:         u.firstName,
		LastName:          u.lastName,
		Email:             u.email,
		DateOfBirth:       u.dateOfBirth,
		Role:              u.Role(),
		PhoneVerifiedAt:   u.phoneVerifiedAt,
		DisabledAt:        u.disabledAt,
		PasswordChangedAt: u.passwordChangedAt,
		CreatedAt:         u.createdAt,
		UpdatedAt:         u.updatedAt,
	}
}

// ID returns the stored id, or zero before the user is stored.
func (u User) ID() core.UserID { return u.id }

// Phone returns the mobile number in E.164 form (+989XXXXXXXXX).
func (u User) Phone() string { return u.phone }

// CreatedAt returns when the user registered.
func (u User) CreatedAt() time.Time { return u.createdAt }

// UpdatedAt returns when the user last changed.
func (u User) UpdatedAt() time.Time { return u.updatedAt }

// PasswordHash returns the stored password hash, or "" when the account has no password.
func (u User) PasswordHash() string { return u.passwordHash }

// HasPassword reports whether the account has a password.
func (u User) HasPassword() bool { return u.passwordHash != "" }

// PasswordChangedAt returns when the password was last set, or the zero time.
func (u User) PasswordChangedAt() time.Time { return u.passwordChangedAt }

// FirstName returns the first name, or "".
func (u User) FirstName() string { return u.firstName }

// LastName returns the last name, or "".
func (u User) LastName() string { return u.lastName }

// FullName returns "first last" (or whichever is set), or the phone number when both are
// empty (the `full_name` of API.md §2).
func (u User) FullName() string {
	if full := strings.TrimSpace(u.firstName + " " + u.lastName); full != "" {
		return full
	}
	return u.phone
}

// Email returns the email address, or "".
func (u User) Email() string { return u.email }

// DateOfBirth returns the date of birth as a civil date at midnight UTC, and false when it
// is unknown (`date_of_birth` of API.md §2; the app formats `date_of_birth_jalali` from it).
func (u User) DateOfBirth() (time.Time, bool) { return u.dateOfBirth, !u.dateOfBirth.IsZero() }

// PhoneVerified reports whether the user proved the phone with a code (`is_verified` and
// `phone_verified` of API.md §2).
func (u User) PhoneVerified() bool { return !u.phoneVerifiedAt.IsZero() }

// PhoneVerifiedAt returns when the phone was verified, or the zero time.
func (u User) PhoneVerifiedAt() time.Time { return u.phoneVerifiedAt }

// Disabled reports whether staff disabled the account.
func (u User) Disabled() bool { return !u.disabledAt.IsZero() }

// DisabledAt returns when the account was disabled, or the zero time.
func (u User) DisabledAt() time.Time { return u.disabledAt }

// Role returns the user's role; [RoleUser] unless staff.
func (u User) Role() Role {
	if u.role.IsZero() {
		return RoleUser
	}
	return u.role
}

// IsStaff reports whether the user is an operator or an admin (`is_staff`).
func (u User) IsStaff() bool { return u.Role().IsStaff() }

// CheckSignIn returns the reason the user may not sign in although the password or code was
// right: [core.ErrAccountDisabled] when disabled, else [core.ErrPhoneNotVerified] when the
// phone is not verified; nil when sign-in may proceed.
func (u User) CheckSignIn() error {
	switch {
	case u.Disabled():
		return core.ErrAccountDisabled
	case !u.PhoneVerified():
		return core.ErrPhoneNotVerified
	}
	return nil
}

// VerifyPhone records at now that the user proved the phone. A disabled account returns
// [core.ErrAccountDisabled]; an already verified phone keeps its first verification time.
func (u *User) VerifyPhone(now time.Time) error {
	if u.Disabled() {
		return core.ErrAccountDisabled
	}
	if u.PhoneVerified() {
		return nil
	}
	u.phoneVerifiedAt = now
	u.updatedAt = now
	return nil
}

// SetPassword replaces the password hash at now (change, reset, or first password). The
// app revokes sessions as API.md §1.5 requires. An empty hash is a programming error.
func (u *User) SetPassword(hash string, now time.Time) error {
	if hash == "" {
		return errors.New("set password: hash is required")
	}
	u.passwordHash = hash
	u.passwordChangedAt = now
	u.updatedAt = now
	return nil
}

// Reregister applies a repeated registration for the same phone at now: while the phone is
// not verified the account is inert, so the password and names are replaced (API.md §3.1).
// A verified phone or a disabled account returns [core.ErrPhoneTaken] and changes nothing;
// invalid names return a [core.ValidationError] and change nothing.
func (u *User) Reregister(passwordHash, firstName, lastName string, now time.Time) error {
	if u.PhoneVerified() || u.Disabled() {
		return core.ErrPhoneTaken
	}
	ve := core.NewValidationError()
	first := checkName(ve, "first_name", firstName)
	last := checkName(ve, "last_name", lastName)
	if err := ve.Err(); err != nil {
		return err
	}
	if err := u.SetPassword(passwordHash, now); err != nil {
		return err
	}
	u.firstName, u.lastName = first, last
	return nil
}

// Disable marks the account disabled at now (staff action); the app revokes its sessions.
// Disabling a disabled account keeps the first time.
func (u *User) Disable(now time.Time) {
	if u.Disabled() {
		return
	}
	u.disabledAt = now
	u.updatedAt = now
}

// Enable lifts a disable at now. Enabling an enabled account changes nothing.
func (u *User) Enable(now time.Time) {
	if !u.Disabled() {
		return
	}
	u.disabledAt = time.Time{}
	u.updatedAt = now
}

// SetRole gives the user role at now (admin action). A zero role is a programming error.
func (u *User) SetRole(role Role, now time.Time) error {
	if role.IsZero() {
		return errors.New("set role: role is required")
	}
	if u.Role() == role {
		return nil
	}
	u.role = role
	u.updatedAt = now
	return nil
}

// ProfileUpdate is a partial profile change: nil fields stay as they are (PUT behaves as
// PATCH, API.md §3.1). An empty string clears a text field; a pointer to the zero time
// clears the date of birth. Only the calendar day of DateOfBirth, in its own location,
// counts; [ParseDateOfBirth] reads it from the request.
type ProfileUpdate struct {
	FirstName   *string
	LastName    *string
	Email       *string
	DateOfBirth *time.Time
}

// UpdateProfile applies p at now. Names are normalised with [NormalizeName] and may have at
// most [MaxNameLength] characters; the email, trimmed and with its domain in lower case,
// must be a plain address of at most [MaxEmailLength] characters; a date of birth must be
// no earlier than 1900-01-01, not after today and at least [MinAge] years before today,
// where today is now's calendar day in now's location. Any invalid field returns a
// [core.ValidationError] on "first_name", "last_name", "email" or "date_of_birth" and
// changes nothing. Whether KYC approval locks the names and the date of birth is the app's
// check (it holds the KYC state).
func (u *User) UpdateProfile(p ProfileUpdate, now time.Time) error {
	ve := core.NewValidationError()
	first, last, email, dob := u.firstName, u.lastName, u.email, u.dateOfBirth
	if p.FirstName != nil {
		first = checkName(ve, "first_name", *p.FirstName)
	}
	if p.LastName != nil {
		last = checkName(ve, "last_name", *p.LastName)
	}
	if p.Email != nil {
		var ok bool
		if email, ok = normalizeEmail(*p.Email); !ok {
			ve.Add("email", msgEmailInvalid)
		}
	}
	if p.DateOfBirth != nil {
		if dob = civilDate(*p.DateOfBirth); !dob.IsZero() {
			checkDateOfBirth(ve, "date_of_birth", dob, now)
		}
	}
	if err := ve.Err(); err != nil {
		return err
	}
	if first == u.firstName && last == u.lastName && email == u.email && dob.Equal(u.dateOfBirth) {
		return nil
	}
	u.firstName, u.lastName, u.email, u.dateOfBirth = first, last, email, dob
	u.updatedAt = now
	return nil
}

// NormalizeName returns a person's name in its stored form (API.md §1.9): Arabic yeh
// (ي, ى) written as Persian yeh (ی), Arabic kaf (ك) as Persian kaf (ک), surrounding space
// trimmed and inner runs of space collapsed to one. It does not check the length.
func NormalizeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case 'ي', 'ى':
			return 'ی'
		case 'ك':
			return 'ک'
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// checkName normalises name and adds a message to field of ve when the result is too long
// or holds control characters or invalid UTF-8.
func checkName(ve *core.ValidationError, field, name string) string {
	n := NormalizeName(name)
	if !utf8.ValidString(name) || strings.IndexFunc(n, unicode.IsControl) >= 0 {
		ve.Add(field, msgNameInvalid)
		return n
	}
	if utf8.RuneCountInString(n) > MaxNameLength {
		ve.Add(field, msgNameTooLong)
	}
	return n
}

// normalizeEmail trims s and lower-cases its domain. It reports false unless the result is
// empty (clearing the field) or a plain address (no display name, no angle brackets) with a
// dotted domain, at most [MaxEmailLength] characters long.
func normalizeEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if utf8.RuneCountInString(s) > MaxEmailLength {
		return "", false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") {
		return "", false
	}
	return local + "@" + domain, true
}
