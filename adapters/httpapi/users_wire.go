package httpapi

import (
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/jalali"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// kycView is the KYC part of a User on the wire.
type kycView struct {
	VerificationStatus string `json:"verification_status"`
	KYCStatus          string `json:"kyc_status"`
	KYCLevel           int    `json:"kyc_level"`
}

// noKYC is a user who submitted nothing: the one place the KYC defaults are written, shown
// for every user when no KYC service is configured.
var noKYC = kycView{VerificationStatus: "pending", KYCStatus: "not_submitted", KYCLevel: 0}

// userKYCView returns the KYC part of a User whose verification profile is p; nil is
// [noKYC]. verification_status is the original's projection: approved is verified, rejected
// is rejected, anything else pending (API.md §2).
func userKYCView(p *kyc.Profile) kycView {
	if p == nil {
		return noKYC
	}
	v := kycView{VerificationStatus: "pending", KYCStatus: kycStatusName(p), KYCLevel: p.Level()}
	switch p.Status() {
	case kyc.StatusApproved:
		v.VerificationStatus = "verified"
	case kyc.StatusRejected:
		v.VerificationStatus = "rejected"
	}
	return v
}

// nationalIDOf returns the national id of profile p, nil (JSON null) when there is none.
func nationalIDOf(p *kyc.Profile) *string {
	if p == nil {
		return nil
	}
	return nonEmpty(p.Record().NationalID.String())
}

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

// userWire returns u as the User object, its KYC fields and national_id from u's
// verification profile p (nil: [noKYC], no national id).
func userWire(u identity.User, p *kyc.Profile) userJSON {
	dob, jalaliDOB := dateOfBirthWire(u)
	return userJSON{
		ID:                u.ID(),
		PhoneNumber:       u.Phone(),
		Email:             nonEmpty(u.Email()),
		FirstName:         u.FirstName(),
		LastName:          u.LastName(),
		FullName:          u.FullName(),
		NationalID:        nationalIDOf(p),
		DateOfBirth:       dob,
		DateOfBirthJalali: jalaliDOB,
		IsVerified:        u.PhoneVerified(),
		kycView:           userKYCView(p),
		PhoneVerified:     u.PhoneVerified(),
		IsStaff:           u.IsStaff(),
		CreatedAt:         Timestamp(u.CreatedAt()),
	}
}

// dateOfBirthWire returns u's date of birth as YYYY-MM-DD and as Jalali YYYY/MM/DD, each nil
// when unknown (the Jalali one also when the date is outside the Jalali calendar's range).
func dateOfBirthWire(u identity.User) (gregorian, jalaliDate *string) {
	dob, _ := u.DateOfBirth()
	return dateWire(dob)
}

// dateWire returns the civil date d as YYYY-MM-DD and as Jalali YYYY/MM/DD, each nil for the
// zero time (the Jalali one also when d is outside the Jalali calendar's range).
func dateWire(d time.Time) (gregorian, jalaliDate *string) {
	if d.IsZero() {
		return nil, nil
	}
	g := d.Format(time.DateOnly)
	if j, err := jalali.FromTime(d); err == nil {
		return &g, nonEmpty(j.Format())
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
