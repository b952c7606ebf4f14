// Package identity holds users and the rules of who they are.
package identity

import (
	"time"

	"github.com/talabin/talabin/core"
)

// User is a registered person. Build new users with [NewUser]; stores rebuild them with
// [RehydrateUser].
type User struct {
	id        core.UserID
	phone     string
	createdAt time.Time
}

// NewUser returns a user not yet stored, with phone in canonical E.164 form.
func NewUser(phone string, createdAt time.Time) User {
	return User{phone: phone, createdAt: createdAt}
}

// RehydrateUser rebuilds a stored user; only store adapters call it.
func RehydrateUser(id core.UserID, phone string, createdAt time.Time) User {
	return User{id: id, phone: phone, createdAt: createdAt}
}

// ID returns the stored id, or zero before the user is stored.
func (u User) ID() core.UserID { return u.id }

// Phone returns the mobile number in E.164 form (+989XXXXXXXXX).
func (u User) Phone() string { return u.phone }

// CreatedAt returns when the user registered.
func (u User) CreatedAt() time.Time { return u.createdAt }
