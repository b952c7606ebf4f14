package httpapi

import (
	"cmp"
	"net/http"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/kyc"
	"github.com/talabin/talabin/ports"
)

// Lengths the decoder enforces before a value reaches the service, which checks the real
// rules (password policy, code format, token format).
const (
	maxTokenLen    = 4096 // access, refresh and reset tokens; ours are far shorter
	maxPasswordLen = 1024 // the policy allows 128; this only bounds hashing work
	maxCodeLen     = 32
)

// otpTypes are the otp_type values verify-otp takes (API.md §3.1); the default is login.
var otpTypes = []string{
	identity.PurposeRegistration.String(), identity.PurposeLogin.String(),
	identity.PurposePasswordReset.String(), identity.PurposePhoneVerification.String(),
}

// sendOTPTypes are the otp_type values send-otp takes: those of verify-otp, and the step-up
// codes that confirm a withdrawal, a new bank account or an account deletion, which only
// those requests redeem.
var sendOTPTypes = append(append([]string(nil), otpTypes...),
	identity.PurposeWithdrawal.String(), identity.PurposeBankAccount.String(),
	identity.PurposeAccountDeletion.String())

// otpSentJSON is the answer to send-otp/.
type otpSentJSON struct {
	ExpiresIn   int64  `json:"expires_in"`
	ResendAfter int64  `json:"resend_after"`
	DebugCode   string `json:"debug_code,omitempty"`
}

// registeredJSON is the answer to register/.
type registeredJSON struct {
	PhoneNumber  string `json:"phone_number"`
	OTPExpiresIn int64  `json:"otp_expires_in"`
	ResendAfter  int64  `json:"resend_after"`
	DebugCode    string `json:"debug_code,omitempty"`
}

// signInJSON is the answer to login/ and to verify-otp/ for login. Tokens is {} in cookie
// mode; Access and Refresh repeat the tokens for verify-otp/ (the Flutter plan reads
// data.access), and are left out in cookie mode.
type signInJSON struct {
	User    userJSON `json:"user"`
	Tokens  any      `json:"tokens"`
	Access  string   `json:"access,omitempty"`
	Refresh string   `json:"refresh,omitempty"`
}

// refreshEnvelope is the answer to token/refresh/: the token pair in data and, as simplejwt
// answered it, access and refresh again at the top level (left out in cookie mode).
type refreshEnvelope struct {
	Success bool   `json:"success"`
	Data    any    `json:"data"`
	Access  string `json:"access,omitempty"`
	Refresh string `json:"refresh,omitempty"`
}

// codeField returns the name the one-time code was sent under: code, or its alias otp_code.
func codeField(in *Body) string {
	if !in.Has("code") && in.Has("otp_code") {
		return "otp_code"
	}
	return "code"
}

// otpPurpose reads otp_type, one of types, login when absent.
func otpPurpose(in *Body, types []string) identity.Purpose {
	name, ok := in.Enum("otp_type", types...)
	if !ok {
		return identity.PurposeLogin
	}
	p, err := identity.ParsePurpose(name)
	if err != nil {
		return identity.PurposeLogin // unreachable: otpTypes are purposes
	}
	return p
}

// register is POST register/: sign up and send the registration code.
func (a *Auth) register(w http.ResponseWriter, r *http.Request) error {
	in, err := Decode(r)
	if err != nil {
		return err
	}
	in.Require("phone_number", "password", "password_confirm")
	phone, _ := in.Phone("phone_number")
	password, _ := in.String("password", maxPasswordLen)
	confirm, _ := in.String("password_confirm", maxPasswordLen)
	first, _ := in.Name("first_name")
	last, _ := in.Name("last_name")
	if err := in.Err(); err != nil {
		return err
	}
	sent, err := a.accounts.Register(r.Context(), ports.RegisterInput{
		Phone: phone, Password: password, PasswordConfirm: confirm,
		FirstName: first, LastName: last, Client: ClientOf(r),
	})
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusCreated, msgRegistered.in(LanguageOf(r)), registeredJSON{
		PhoneNumber:  cmp.Or(sent.Phone, phone),
		OTPExpiresIn: ceilSeconds(sent.ExpiresIn),
		ResendAfter:  ceilSeconds(sent.ResendAfter),
		DebugCode:    sent.DebugCode,
	})
	return nil
}

// sendOTP is POST send-otp/. The answer never tells whether a message left.
func (a *Auth) sendOTP(w http.ResponseWriter, r *http.Request) error {
	in, err := Decode(r)
	if err != nil {
		return err
	}
	in.Require("phone_number")
	phone, _ := in.Phone("phone_number")
	purpose := otpPurpose(in, sendOTPTypes)
	if err := in.Err(); err != nil {
		return err
	}
	sent, err := a.accounts.SendOTP(r.Context(), ports.SendOTPInput{Phone: phone, Purpose: purpose, Client: ClientOf(r)})
	if err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgOTPSent.in(LanguageOf(r)), otpSentJSON{
		ExpiresIn:   ceilSeconds(sent.ExpiresIn),
		ResendAfter: ceilSeconds(sent.ResendAfter),
		DebugCode:   sent.DebugCode,
	})
	return nil
}

// verifyOTP is POST verify-otp/: what the answer holds depends on the code's purpose.
func (a *Auth) verifyOTP(w http.ResponseWriter, r *http.Request) error {
	in, err := Decode(r)
	if err != nil {
		return err
	}
	field := codeField(in)
	in.Require("phone_number", field)
	phone, _ := in.Phone("phone_number")
	code, _ := in.String(field, maxCodeLen)
	purpose := otpPurpose(in, otpTypes)
	if err := in.Err(); err != nil {
		return err
	}
	res, err := a.accounts.VerifyOTP(r.Context(), ports.VerifyOTPInput{
		Phone: phone, Code: core.NormalizeDigits(code), Purpose: purpose, Client: ClientOf(r),
	})
	if err != nil {
		return err
	}
	lang := LanguageOf(r)
	switch {
	case res.SignIn != nil:
		a.writeSignIn(w, r, *res.SignIn, true)
	case res.ResetToken != "":
		WriteMessage(w, r, http.StatusOK, msgResetCodeOK.in(lang), map[string]any{
			"reset_token": res.ResetToken,
			"expires_in":  ceilSeconds(res.ResetTokenTTL),
		})
	default:
		WriteMessage(w, r, http.StatusOK, msgPhoneVerified.in(lang), map[string]bool{"phone_verified": true})
	}
	return nil
}

// login is POST login/.
func (a *Auth) login(w http.ResponseWriter, r *http.Request) error {
	in, err := Decode(r)
	if err != nil {
		return err
	}
	in.Require("phone_number", "password")
	phone, _ := in.Phone("phone_number")
	password, _ := in.String("password", maxPasswordLen)
	if err := in.Err(); err != nil {
		return err
	}
	res, err := a.accounts.Login(r.Context(), ports.LoginInput{Phone: phone, Password: password, Client: ClientOf(r)})
	if err != nil {
		return err
	}
	a.writeSignIn(w, r, res, false)
	return nil
}

// writeSignIn answers a new session: the user and the tokens, in the body, or as cookies
// when the client asked for cookie mode (tokens {}). withTopLevel repeats the tokens beside
// the user.
func (a *Auth) writeSignIn(w http.ResponseWriter, r *http.Request, s ports.SignIn, withTopLevel bool) {
	data := signInJSON{User: userWire(s.User, a.signInProfile(r, s))}
	if wantsCookieMode(r) {
		a.setSessionCookies(w, s.Tokens)
		data.Tokens = emptyData
	} else {
		data.Tokens = tokensWire(s.Tokens)
		if withTopLevel {
			data.Access, data.Refresh = s.Tokens.Access, s.Tokens.Refresh
		}
	}
	WriteMessage(w, r, http.StatusOK, msgLoggedIn.in(LanguageOf(r)), data)
}

// signInProfile returns the verification profile of the user who just signed in, for the
// User of the answer. The request carries no principal yet: it is the new session's. The
// session exists already, so a failing KYC service does not fail the sign-in: the user shows
// as [noKYC] and the error is logged with the request.
func (a *Auth) signInProfile(r *http.Request, s ports.SignIn) *kyc.Profile {
	p := ports.Principal{UserID: s.User.ID(), SessionID: s.Tokens.SessionID, Role: s.User.Role(), Client: ClientOf(r)}
	profile, err := a.kycProfile(r.Context(), p)
	if err != nil {
		stateOf(r.Context()).recordError(err)
		return nil
	}
	return profile
}

// refresh is POST token/refresh/: rotate the refresh token from the body or, in cookie mode,
// from the refresh_token cookie.
func (a *Auth) refresh(w http.ResponseWriter, r *http.Request) error {
	in, err := Decode(r)
	if err != nil {
		return err
	}
	token, _ := in.String("refresh", maxTokenLen)
	if err := in.Err(); err != nil {
		return err
	}
	fromCookie := false
	if token == "" && inCookieMode(r) {
		if c, err := r.Cookie(cookieRefresh); err == nil && c.Value != "" {
			token, fromCookie = c.Value, true
		}
	}
	if token == "" {
		in.Require("refresh")
		return in.Err()
	}
	t, err := a.accounts.Refresh(r.Context(), ports.RefreshInput{RefreshToken: token, Client: ClientOf(r)})
	if err != nil {
		return err
	}
	if fromCookie || wantsCookieMode(r) {
		a.setSessionCookies(w, t)
		writeJSON(w, r, http.StatusOK, refreshEnvelope{Success: true, Data: emptyData})
		return nil
	}
	writeJSON(w, r, http.StatusOK, refreshEnvelope{Success: true, Data: tokensWire(t), Access: t.Access, Refresh: t.Refresh})
	return nil
}

// logout is POST logout/: end the session of the refresh token (body, or cookie in cookie
// mode) and the one the caller is signed in with. An expired bearer is no obstacle (the web
// client logs out with one); in cookie mode the three cookies are cleared.
func (a *Auth) logout(w http.ResponseWriter, r *http.Request) error {
	in, err := Decode(r)
	if err != nil {
		return err
	}
	token, _ := in.String("refresh", maxTokenLen)
	if err := in.Err(); err != nil {
		return err
	}
	cookieMode := inCookieMode(r)
	if token == "" && cookieMode {
		if c, err := r.Cookie(cookieRefresh); err == nil {
			token = c.Value
		}
	}
	var sid string
	if p, ok := PrincipalOf(r.Context()); ok {
		sid = p.SessionID
	}
	if cookieMode {
		a.clearCookies(w)
	}
	if err := a.accounts.Logout(r.Context(), ports.LogoutInput{RefreshToken: token, SessionID: sid, Client: ClientOf(r)}); err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgLoggedOut.in(LanguageOf(r)), nil)
	return nil
}

// resetPassword is POST password-reset/ (alias reset-password/): a new password proven by a
// reset token or a password_reset code (otp_code accepted for code). When both are sent the
// reset token is used.
func (a *Auth) resetPassword(w http.ResponseWriter, r *http.Request) error {
	in, err := Decode(r)
	if err != nil {
		return err
	}
	in.Require("phone_number", "new_password", "new_password_confirm")
	phone, _ := in.Phone("phone_number")
	resetToken, _ := in.String("reset_token", maxTokenLen)
	field := codeField(in)
	code, _ := in.String(field, maxCodeLen)
	password, _ := in.String("new_password", maxPasswordLen)
	confirm, _ := in.String("new_password_confirm", maxPasswordLen)
	if resetToken == "" && code == "" {
		in.AddError(core.NonFieldErrors, msgResetProof.in(LanguageOf(r)))
	}
	if err := in.Err(); err != nil {
		return err
	}
	input := ports.ResetPasswordInput{
		Phone: phone, NewPassword: password, NewPasswordConfirm: confirm, Client: ClientOf(r),
	}
	if resetToken != "" {
		input.ResetToken = resetToken
	} else {
		input.Code = core.NormalizeDigits(code)
	}
	if err := a.accounts.ResetPassword(r.Context(), input); err != nil {
		return err
	}
	WriteMessage(w, r, http.StatusOK, msgPasswordReset.in(LanguageOf(r)), nil)
	return nil
}

// csrfToken is GET csrf/: a fresh csrftoken cookie and its value, bound to the caller's
// session when there is one.
func (a *Auth) csrfToken(w http.ResponseWriter, r *http.Request) error {
	token := a.csrf.anonymous()
	if p, ok := PrincipalOf(r.Context()); ok {
		token = a.csrf.forSession(p.SessionID)
	}
	a.setCSRFCookie(w, token, a.refreshTTL)
	WriteData(w, r, http.StatusOK, map[string]string{"csrf_token": token})
	return nil
}
