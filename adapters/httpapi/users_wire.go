package httpapi

import (
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/jalali"
	"github.com/talabin/talabin/ports"
)

// kycView is the KYC part of a User on the wire. Until identity verification exists every
// user is at [noKYC]; the KYC service will supply the real values.
type kycView struct {
	VerificationStatus string `json:"verification_status"`
	KYCStatus          string `json:"kyc_status"`
	KYCLevel           int    `json:"kyc_level"`
}

// noKYC is a user who submitted nothing: the one place the KYC defaults are written.
var noKYC = kycView{VerificationStatus: "pending", KYCStatus: "not_submitted", KYCLevel: 0}

// userJSON is the User object of API.md §2. is_verified keeps the original meaning, a
// verified phone.
type userJSON struct {
	ID                core.UserID `json:"id"`
	PhoneNumber       string      `json:"phone_number"`
	Email             *string     `json:"email"`
	FirstName         string      `json:"first_name"`
	LastName          string      `json:"last_name"`
	FullName          string      `json:"full_name"`
	NationalID        *string     `json:"national_id"`
	ProfileImage      *string     `json:"profile_image"`
	DateOfBirth       *string     `json:"date_of_birth"`
	DateOfBirthJalali *string     `json:"date_of_birth_jalali"`
	IsVerified        bool        `json:"is_verified"`
	kycView
	PhoneVerified bool      `json:"phone_verified"`
	IsStaff       bool      `json:"is_staff"`
	CreatedAt     Timestamp `json:"created_at"`
}

// userWire returns u as the User object.
func userWire(u identity.User) userJSON {
	dob, jalaliDOB := dateOfBirthWire(u)
	return userJSON{
		ID:                u.ID(),
		PhoneNumber:       u.Phone(),
		Email:             nonEmpty(u.Email()),
		FirstName:         u.FirstName(),
		LastName:          u.LastName(),
		FullName:          u.FullName(),
		DateOfBirth:       dob,
		DateOfBirthJalali: jalaliDOB,
		IsVerified:        u.PhoneVerified(),
		kycView:           noKYC,
		PhoneVerified:     u.PhoneVerified(),
		IsStaff:           u.IsStaff(),
		CreatedAt:         Timestamp(u.CreatedAt()),
	}
}

// dateOfBirthWire returns u's date of birth as YYYY-MM-DD and as Jalali YYYY/MM/DD, each nil
// when unknown (the Jalali one also when the date is outside the Jalali calendar's range).
func dateOfBirthWire(u identity.User) (gregorian, jalaliDate *string) {
	dob, ok := u.DateOfBirth()
	if !ok {
		return nil, nil
	}
	g := dob.Format(time.DateOnly)
	if d, err := jalali.FromTime(dob); err == nil {
		return &g, nonEmpty(d.Format())
	}
	return &g, nil
}

// nonEmpty returns &s, or nil (JSON null) for an empty s.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// tokensJSON is the Tokens object of API.md §2.
type tokensJSON struct {
	Access           string `json:"access"`
	Refresh          string `json:"refresh"`
	AccessExpiresIn  int64  `json:"access_expires_in"`
	RefreshExpiresIn int64  `json:"refresh_expires_in"`
}

// tokensWire returns t as the Tokens object.
func tokensWire(t ports.Tokens) tokensJSON {
	return tokensJSON{
		Access:           t.Access,
		Refresh:          t.Refresh,
		AccessExpiresIn:  ceilSeconds(t.AccessTTL),
		RefreshExpiresIn: ceilSeconds(t.RefreshTTL),
	}
}

// sessionJSON is one of the user's sessions.
type sessionJSON struct {
	ID         string    `json:"id"`
	Current    bool      `json:"current"`
	CreatedAt  Timestamp `json:"created_at"`
	LastUsedAt Timestamp `json:"last_used_at"`
	ExpiresAt  Timestamp `json:"expires_at"`
	UserAgent  string    `json:"user_agent"`
	IP         *string   `json:"ip"`
}

// sessionWire returns s as seen by the caller in session current.
func sessionWire(s ports.SessionInfo, current string) sessionJSON {
	return sessionJSON{
		ID:         s.ID,
		Current:    s.Current || s.ID == current,
		CreatedAt:  Timestamp(s.CreatedAt),
		LastUsedAt: Timestamp(s.LastUsedAt),
		ExpiresAt:  Timestamp(s.ExpiresAt),
		UserAgent:  s.UserAgent,
		IP:         nonEmpty(s.IP),
	}
}
