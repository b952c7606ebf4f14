package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// me is GET me/ (and GET profile/): the signed-in user.
func (a *Auth) me(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	u, err := a.accounts.Me(r.Context(), p)
	if err != nil {
		return err
	}
	profile, err := a.kycProfile(r.Context(), p)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, userWire(u, profile))
	return nil
}

// kycProfile returns p's verification profile for a User answer, or nil when no KYC service
// is configured (the User then shows [noKYC]).
func (a *Auth) kycProfile(ctx context.Context, p ports.Principal) (*kyc.Profile, error) {
	if a.kyc == nil {
		return nil, nil
	}
	st, err := a.kyc.Status(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("kyc status of user %s: %w", p.UserID, err)
	}
	return st.Profile, nil
}

// maxDateLen bounds the date_of_birth text; a date is at most ten characters plus spaces.
const maxDateLen = 32

// updateProfile is PUT or PATCH profile/update/ (aliases profile/, update-profile/): a
// partial change, PUT included, as in the original. JSON or multipart. date_of_birth is
// YYYY-MM-DD or Jalali YYYY/MM/DD; an empty one clears it. phone_number and national_id are
// read-only and ignored like any unknown field; profile_image is accepted and ignored until
// the profile holds an image.
func (a *Auth) updateProfile(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	var upd identity.ProfileUpdate
	if v, ok := in.Name("first_name"); ok {
		upd.FirstName = &v
	}
	if v, ok := in.Name("last_name"); ok {
		upd.LastName = &v
	}
	if v, ok := in.String("email", identity.MaxEmailLength); ok {
		upd.Email = &v
	}
	if v, ok := in.String("date_of_birth", maxDateLen); ok {
		upd.DateOfBirth = parseDateOfBirth(in, v)
	}
	if err := in.Err(); err != nil {
		return err
	}
	u, err := a.accounts.UpdateProfile(r.Context(), p, upd)
	if err != nil {
		return err
	}
	profile, err := a.kycProfile(r.Context(), p)
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgProfileUpdated.in(LanguageOf(r)), userWire(u, profile))
	return nil
}

// parseDateOfBirth reads a date_of_birth value with [identity.ParseDateOfBirth]: a pointer to
// the date, to the zero time for a blank value (clear), or nil with an error recorded on in.
// Whether the date is acceptable (age, not in the future) is the service's check.
func parseDateOfBirth(in *Body, v string) *time.Time {
	if v == "" {
		return &time.Time{}
	}
	dob, err := identity.ParseDateOfBirth(v)
	if err != nil {
		in.AddError("date_of_birth", msgDateFormat.in(in.lang))
		return nil
	}
	return &dob
}

// changePassword is POST profile/change-password/ (alias change-password/). The service
// keeps the current session and revokes the others.
func (a *Auth) changePassword(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	in.Require("old_password", "new_password", "new_password_confirm")
	old, _ := in.String("old_password", maxPasswordLen)
	password, _ := in.String("new_password", maxPasswordLen)
	confirm, _ := in.String("new_password_confirm", maxPasswordLen)
	if err := in.Err(); err != nil {
		return err
	}
	err = a.accounts.ChangePassword(r.Context(), p, ports.ChangePasswordInput{
		OldPassword: old, NewPassword: password, NewPasswordConfirm: confirm,
	})
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgPasswordChanged.in(LanguageOf(r)), nil)
	return nil
}

// sessions is GET sessions/: the user's active sessions, newest first, as a list (API.md
// §1.4), the caller's own marked current.
func (a *Auth) sessions(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	list, err := a.accounts.Sessions(r.Context(), p)
	if err != nil {
		return err
	}
	lo := min(page.Offset(), len(list))
	hi := min(lo+page.Limit(), len(list))
	items := make([]sessionJSON, 0, hi-lo)
	for _, s := range list[lo:hi] {
		items = append(items, sessionWire(s, p.SessionID))
	}
	WriteList(w, r, page, len(list), items)
	return nil
}

// revokeSession is DELETE sessions/{id}/ (and POST sessions/{id}/revoke/). Revoking the
// session a browser is signed in with by cookie also clears its cookies.
func (a *Auth) revokeSession(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "id")
	if err := a.accounts.RevokeSession(r.Context(), p, id, ClientOf(r)); err != nil {
		return err
	}
	if c := callerOf(r.Context()); c != nil && c.byCookie && id == p.SessionID {
		a.clearCookies(w)
	}
	WriteMessage(w, r, http.StatusOK, msgSessionRevoked.in(LanguageOf(r)), nil)
	return nil
}
