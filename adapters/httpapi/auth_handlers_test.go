package httpapi_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

// csrfFor is the CSRF token of session sid under testCSRFKey, as API.md §1.5 defines it.
func csrfFor(sid string) string {
	m := hmac.New(sha256.New, testCSRFKey)
	m.Write([]byte("talabin/csrf/v1\x00" + sid))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// wantUser is the fixture user as the User object of API.md §2, decoded.
func wantUser() map[string]any {
	return map[string]any{
		"id":                   float64(fakeUserID),
		"phone_number":         fakePhone,
		"email":                nil,
		"first_name":           "علی",
		"last_name":            "رضایی",
		"full_name":            "علی رضایی",
		"national_id":          nil,
		"profile_image":        nil,
		"date_of_birth":        nil,
		"date_of_birth_jalali": nil,
		"is_verified":          true,
		"verification_status":  "pending",
		"kyc_status":           "not_submitted",
		"kyc_level":            0.0,
		"phone_verified":       true,
		"is_staff":             false,
		"created_at":           "2025-03-01T14:30:00+03:30",
	}
}

// wantTokens is fakeTokens(sid) as the Tokens object, decoded.
func wantTokens(sid string) map[string]any {
	return map[string]any{
		"access":             "new-access-" + sid,
		"refresh":            "new-refresh-" + sid,
		"access_expires_in":  3600.0,
		"refresh_expires_in": 604800.0,
	}
}

// errorCase is a service error and the answer it must produce.
type errorCase struct {
	name   string
	err    error
	status int
	code   string
}

// runErrorCases checks, for each case, that the request made by do answers the error the
// service returned through fail.
func runErrorCases(t *testing.T, cases []errorCase, fail func(f *fakeAccounts, err error), do func(t *testing.T, b authBundle) *httptest.ResponseRecorder) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)
			fail(b.accounts, tc.err)

			rec := do(t, b)

			requireError(t, rec, tc.status, tc.code)
		})
	}
}

// commonServiceErrors are answers every public endpoint can give from its service.
var commonServiceErrors = []errorCase{
	{name: "ServiceValidation", err: core.FieldError("phone_number", "Enter a valid Iranian mobile number."), status: http.StatusBadRequest, code: "validation_error"},
	{name: "ServiceRateLimited", err: &core.RateLimitedError{RetryAfter: 30 * time.Second}, status: http.StatusTooManyRequests, code: "rate_limit_exceeded"},
}

func TestRegister(t *testing.T) {
	t.Parallel()
	const body = `{"phone_number":"09121234567","password":"s3cret-pass","password_confirm":"s3cret-pass","first_name":" علي ","last_name":"رضايی"}`

	t.Run("Created", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/register/", body, withHeader("X-Request-ID", "req-1"))

		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		require.Equal(t, map[string]any{"phone_number": fakePhone, "otp_expires_in": 300.0, "resend_after": 60.0}, dataOf(t, rec))
		require.Equal(t, "ثبت\u200cنام انجام شد. کد تایید ارسال شد", messageOf(t, rec))
		require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
		in, ok := lastCall[ports.RegisterInput](b.accounts)
		require.True(t, ok)
		require.Equal(t, ports.RegisterInput{
			Phone: "09121234567", Password: "s3cret-pass", PasswordConfirm: "s3cret-pass",
			FirstName: "علی", LastName: "رضایی",
			Client: ports.Client{IP: clientAddr, UserAgent: "talabin-test", RequestID: "req-1"},
		}, in)
	})
	t.Run("WithoutTrailingSlashInEnglish", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/register", body, inEnglish())

		require.Equal(t, http.StatusCreated, rec.Code)
		require.Equal(t, "Registration complete. A verification code has been sent.", messageOf(t, rec))
	})
	t.Run("DebugCode", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)
		b.accounts.RegisterFunc = func(context.Context, ports.RegisterInput) (ports.OTPSent, error) {
			return ports.OTPSent{Phone: fakePhone, ExpiresIn: fakeOTPTTL, ResendAfter: fakeResendAfter, DebugCode: "123456"}, nil
		}

		rec := b.send(t, http.MethodPost, "/api/auth/register/", body)

		require.Equal(t, "123456", dataOf(t, rec)["debug_code"])
	})
	t.Run("MissingFields", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/register/", `{"password":""}`)

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Equal(t, map[string]any{
			"phone_number":     []any{"این فیلد الزامی است."},
			"password":         []any{"این فیلد نمی\u200cتواند خالی باشد."},
			"password_confirm": []any{"این فیلد الزامی است."},
		}, e["details"])
		require.Empty(t, b.accounts.Calls())
	})
	t.Run("InvalidJSON", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/register/", `{"phone_number":`)

		requireError(t, rec, http.StatusBadRequest, "invalid_json")
	})
	runErrorCases(t, append([]errorCase{
		{name: "PhoneTaken", err: core.ErrPhoneTaken, status: http.StatusConflict, code: "phone_taken"},
		{name: "SMSUnavailable", err: core.ErrSMSUnavailable, status: http.StatusServiceUnavailable, code: "sms_unavailable"},
	}, commonServiceErrors...), func(f *fakeAccounts, err error) {
		f.RegisterFunc = func(context.Context, ports.RegisterInput) (ports.OTPSent, error) { return ports.OTPSent{}, err }
	}, func(t *testing.T, b authBundle) *httptest.ResponseRecorder {
		return b.send(t, http.MethodPost, "/api/auth/register/", body)
	})
}

func TestSendOTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		body        string
		wantPurpose identity.Purpose
	}{
		{name: "DefaultLogin", body: `{"phone_number":"+989121234567"}`, wantPurpose: identity.PurposeLogin},
		{name: "Registration", body: `{"phone_number":"+989121234567","otp_type":"registration"}`, wantPurpose: identity.PurposeRegistration},
		{name: "PasswordReset", body: `{"phone_number":"+989121234567","otp_type":"password_reset"}`, wantPurpose: identity.PurposePasswordReset},
		{name: "PhoneVerification", body: `{"phone_number":"+989121234567","otp_type":"PHONE_VERIFICATION"}`, wantPurpose: identity.PurposePhoneVerification},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, http.MethodPost, "/api/auth/send-otp/", tt.body, withBearer(tokenExpired))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, map[string]any{"expires_in": 300.0, "resend_after": 60.0}, dataOf(t, rec))
			require.Equal(t, "کد تایید ارسال شد", messageOf(t, rec))
			in, ok := lastCall[ports.SendOTPInput](b.accounts)
			require.True(t, ok)
			require.Equal(t, ports.SendOTPInput{Phone: fakePhone, Purpose: tt.wantPurpose, Client: ports.Client{
				IP: clientAddr, UserAgent: "talabin-test", RequestID: rec.Header().Get("X-Request-ID"),
			}}, in)
		})
	}
	t.Run("DebugCodeInEnglish", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)
		b.accounts.SendOTPFunc = func(context.Context, ports.SendOTPInput) (ports.OTPSent, error) {
			return ports.OTPSent{ExpiresIn: fakeOTPTTL, ResendAfter: fakeResendAfter, DebugCode: "654321"}, nil
		}

		rec := b.send(t, http.MethodPost, "/api/auth/send-otp", `{"phone_number":"+989121234567"}`, inEnglish())

		require.Equal(t, map[string]any{"expires_in": 300.0, "resend_after": 60.0, "debug_code": "654321"}, dataOf(t, rec))
		require.Equal(t, "A verification code has been sent.", messageOf(t, rec))
	})
	t.Run("BadOTPType", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/send-otp/", `{"phone_number":"+989121234567","otp_type":"sms_login"}`)

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "otp_type")
	})
	t.Run("StepUpOTPType", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/send-otp/", `{"phone_number":"+989121234567","otp_type":"withdrawal"}`)

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		in, ok := lastCall[ports.SendOTPInput](b.accounts)
		require.True(t, ok)
		require.Equal(t, identity.PurposeWithdrawal, in.Purpose)
	})
	runErrorCases(t, append([]errorCase{
		{name: "SMSUnavailable", err: core.ErrSMSUnavailable, status: http.StatusServiceUnavailable, code: "sms_unavailable"},
	}, commonServiceErrors...), func(f *fakeAccounts, err error) {
		f.SendOTPFunc = func(context.Context, ports.SendOTPInput) (ports.OTPSent, error) { return ports.OTPSent{}, err }
	}, func(t *testing.T, b authBundle) *httptest.ResponseRecorder {
		return b.send(t, http.MethodPost, "/api/auth/send-otp/", `{"phone_number":"+989121234567"}`)
	})
}

func TestVerifyOTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		body        string
		wantPurpose identity.Purpose
		wantCode    string
		wantData    map[string]any
		wantMessage string
	}{
		{
			name:        "Registration",
			body:        `{"phone_number":"+989121234567","code":"123456","otp_type":"registration"}`,
			wantPurpose: identity.PurposeRegistration, wantCode: "123456",
			wantData:    map[string]any{"phone_verified": true},
			wantMessage: "شماره موبایل با موفقیت تایید شد",
		},
		{
			name:        "PhoneVerification",
			body:        `{"phone_number":"+989121234567","code":"123456","otp_type":"phone_verification"}`,
			wantPurpose: identity.PurposePhoneVerification, wantCode: "123456",
			wantData:    map[string]any{"phone_verified": true},
			wantMessage: "شماره موبایل با موفقیت تایید شد",
		},
		{
			name:        "LoginByDefault",
			body:        `{"phone_number":"+989121234567","code":"123456"}`,
			wantPurpose: identity.PurposeLogin, wantCode: "123456",
			wantData: map[string]any{
				"user": wantUser(), "tokens": wantTokens("ses_new"),
				"access": "new-access-ses_new", "refresh": "new-refresh-ses_new",
			},
			wantMessage: "ورود با موفقیت انجام شد",
		},
		{
			name:        "OTPCodeAliasPersianDigits",
			body:        `{"phone_number":"+989121234567","otp_code":"۱۲۳۴۵۶","otp_type":"registration"}`,
			wantPurpose: identity.PurposeRegistration, wantCode: "123456",
			wantData:    map[string]any{"phone_verified": true},
			wantMessage: "شماره موبایل با موفقیت تایید شد",
		},
		{
			name:        "PasswordReset",
			body:        `{"phone_number":"+989121234567","code":"123456","otp_type":"password_reset"}`,
			wantPurpose: identity.PurposePasswordReset, wantCode: "123456",
			wantData:    map[string]any{"reset_token": "reset-token", "expires_in": 600.0},
			wantMessage: "کد تایید شد؛ رمز عبور جدید را وارد کنید",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			// The web client sends its stale bearer here (API.md §5.1 item 4).
			rec := b.send(t, http.MethodPost, "/api/auth/verify-otp/", tt.body, withBearer(tokenExpired))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, tt.wantData, dataOf(t, rec))
			require.Equal(t, tt.wantMessage, messageOf(t, rec))
			in, ok := lastCall[ports.VerifyOTPInput](b.accounts)
			require.True(t, ok)
			require.Equal(t, tt.wantPurpose, in.Purpose)
			require.Equal(t, tt.wantCode, in.Code)
			require.Equal(t, fakePhone, in.Phone)
			_, authenticated := lastCall[string](b.accounts)
			require.False(t, authenticated, "a public endpoint never checks the bearer")
		})
	}
	t.Run("MissingCode", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/verify-otp/", `{"phone_number":"+989121234567"}`)

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Equal(t, map[string]any{"code": []any{"این فیلد الزامی است."}}, e["details"])
	})
	runErrorCases(t, append([]errorCase{
		{name: "OTPInvalid", err: core.ErrOTPInvalid, status: http.StatusBadRequest, code: "otp_invalid"},
		{name: "OTPExpired", err: core.ErrOTPExpired, status: http.StatusBadRequest, code: "otp_expired"},
		{name: "OTPAttemptsExceeded", err: core.ErrOTPAttemptsExceeded, status: http.StatusBadRequest, code: "otp_attempts_exceeded"},
		{name: "AccountDisabled", err: core.ErrAccountDisabled, status: http.StatusForbidden, code: "account_disabled"},
	}, commonServiceErrors...), func(f *fakeAccounts, err error) {
		f.VerifyOTPFunc = func(context.Context, ports.VerifyOTPInput) (ports.VerifyOTPResult, error) {
			return ports.VerifyOTPResult{}, err
		}
	}, func(t *testing.T, b authBundle) *httptest.ResponseRecorder {
		return b.send(t, http.MethodPost, "/api/auth/verify-otp/", `{"phone_number":"+989121234567","code":"123456"}`)
	})
}

func TestLogin(t *testing.T) {
	t.Parallel()
	const body = `{"phone_number":"+989121234567","password":"s3cret-pass"}`

	t.Run("SignedIn", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/login/", body, withBearer("garbage"))

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.Equal(t, map[string]any{"user": wantUser(), "tokens": wantTokens("ses_new")}, dataOf(t, rec))
		require.Equal(t, "ورود با موفقیت انجام شد", messageOf(t, rec))
		require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
		require.Empty(t, cookiesOf(rec), "bearer mode sets no cookies")
		in, ok := lastCall[ports.LoginInput](b.accounts)
		require.True(t, ok)
		require.Equal(t, fakePhone, in.Phone)
		require.Equal(t, "s3cret-pass", in.Password)
		require.Equal(t, clientAddr, in.Client.IP)
	})
	t.Run("MissingPassword", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/login", `{"phone_number":"+989121234567"}`, inEnglish())

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Equal(t, "This field is required.", e["message"])
	})
	runErrorCases(t, append([]errorCase{
		{name: "InvalidCredentials", err: core.ErrInvalidCredentials, status: http.StatusUnauthorized, code: "invalid_credentials"},
		{name: "AccountDisabled", err: core.ErrAccountDisabled, status: http.StatusForbidden, code: "account_disabled"},
		{name: "PhoneNotVerified", err: core.ErrPhoneNotVerified, status: http.StatusForbidden, code: "phone_not_verified"},
	}, commonServiceErrors...), func(f *fakeAccounts, err error) {
		f.LoginFunc = func(context.Context, ports.LoginInput) (ports.SignIn, error) { return ports.SignIn{}, err }
	}, func(t *testing.T, b authBundle) *httptest.ResponseRecorder {
		return b.send(t, http.MethodPost, "/api/auth/login/", body)
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		opts []requestOption
		want ports.LogoutInput
	}{
		{
			// What the web client does (API.md §5.1 item 6).
			name: "RefreshWithExpiredBearer", body: `{"refresh":"r1"}`,
			opts: []requestOption{withBearer(tokenExpired)},
			want: ports.LogoutInput{RefreshToken: "r1"},
		},
		{
			name: "ValidBearerOnly", body: `{}`,
			opts: []requestOption{withBearer(tokenGood)},
			want: ports.LogoutInput{SessionID: fakeSessionID},
		},
		{
			name: "RefreshAndBearer", body: `{"refresh":"r1"}`,
			opts: []requestOption{withBearer(tokenGood)},
			want: ports.LogoutInput{RefreshToken: "r1", SessionID: fakeSessionID},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, http.MethodPost, "/api/auth/logout/", tt.body, tt.opts...)

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, map[string]any{}, dataOf(t, rec))
			require.Equal(t, "خروج با موفقیت انجام شد", messageOf(t, rec))
			require.Empty(t, cookiesOf(rec), "bearer mode clears no cookies")
			in, ok := lastCall[ports.LogoutInput](b.accounts)
			require.True(t, ok)
			tt.want.Client = in.Client
			require.Equal(t, tt.want, in)
			require.Equal(t, clientAddr, in.Client.IP)
		})
	}
	t.Run("NothingToRevoke", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/logout", "", withBearer(tokenExpired))

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "refresh")
	})
	t.Run("CookieModeClearsCookies", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/logout/", "",
			withCookie("access_token", tokenGood), withCookie("refresh_token", "r-cookie"),
			withCookie("csrftoken", csrfFor(fakeSessionID)), withHeader("X-CSRFToken", csrfFor(fakeSessionID)),
			withOrigin(appOrigin))

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		in, _ := lastCall[ports.LogoutInput](b.accounts)
		require.Equal(t, "r-cookie", in.RefreshToken)
		require.Equal(t, fakeSessionID, in.SessionID)
		cookies := cookiesOf(rec)
		for name, path := range map[string]string{"access_token": "/api/", "refresh_token": "/api/auth/", "csrftoken": "/"} {
			c := cookies[name]
			require.NotNil(t, c, "cookie %s not cleared", name)
			require.Empty(t, c.Value)
			require.Equal(t, path, c.Path)
			require.Equal(t, -1, c.MaxAge, "Max-Age=0 deletes %s", name)
		}
	})
	t.Run("CookieModeNeedsCSRF", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/logout/", "",
			withCookie("access_token", tokenGood), withCookie("refresh_token", "r-cookie"), withOrigin(appOrigin))

		requireError(t, rec, http.StatusForbidden, "csrf_failed")
		_, called := lastCall[ports.LogoutInput](b.accounts)
		require.False(t, called)
	})
}

func TestTokenRefresh(t *testing.T) {
	t.Parallel()
	t.Run("Body", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/token/refresh/", `{"refresh":"r1"}`, withBearer(tokenExpired))

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		body := decodeBody(t, rec)
		require.Equal(t, map[string]any{
			"success": true,
			"data":    wantTokens(fakeSessionID),
			"access":  "new-access-" + fakeSessionID,
			"refresh": "new-refresh-" + fakeSessionID,
		}, body)
		require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
		in, _ := lastCall[ports.RefreshInput](b.accounts)
		require.Equal(t, "r1", in.RefreshToken)
		require.Equal(t, clientAddr, in.Client.IP)
	})
	t.Run("Missing", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/token/refresh", `{}`)

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "refresh")
	})
	t.Run("CookieMode", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/token/refresh/", "",
			withHeader("X-Auth-Mode", "cookie"), withOrigin(appOrigin), withCookie("refresh_token", "r-cookie"))

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.Equal(t, map[string]any{"success": true, "data": map[string]any{}}, decodeBody(t, rec))
		in, _ := lastCall[ports.RefreshInput](b.accounts)
		require.Equal(t, "r-cookie", in.RefreshToken)
		cookies := cookiesOf(rec)
		require.Equal(t, "new-access-"+fakeSessionID, cookies["access_token"].Value)
		require.Equal(t, "new-refresh-"+fakeSessionID, cookies["refresh_token"].Value)
		require.Equal(t, csrfFor(fakeSessionID), cookies["csrftoken"].Value)
	})
	t.Run("CookieFromOtherOrigin", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/token/refresh/", "",
			withOrigin(evilOrigin), withCookie("refresh_token", "r-cookie"))

		requireError(t, rec, http.StatusForbidden, "csrf_failed")
		b.requireSecurityEvent(t, "csrf_failed")
		require.Empty(t, b.accounts.Calls())
	})
	for _, tc := range []struct {
		errorCase
		securityEvent string
	}{
		{errorCase: errorCase{name: "TokenInvalid", err: core.ErrTokenInvalid, status: http.StatusUnauthorized, code: "token_invalid"}},
		{errorCase: errorCase{name: "TokenExpired", err: core.ErrTokenExpired, status: http.StatusUnauthorized, code: "token_expired"}},
		{errorCase: errorCase{name: "TokenRevoked", err: core.ErrTokenRevoked, status: http.StatusUnauthorized, code: "token_revoked"}, securityEvent: "token_revoked"},
		{errorCase: errorCase{name: "TokenReused", err: core.ErrTokenReused, status: http.StatusUnauthorized, code: "token_reused"}, securityEvent: "token_reused"},
		{errorCase: errorCase{name: "AccountDisabled", err: core.ErrAccountDisabled, status: http.StatusForbidden, code: "account_disabled"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)
			b.accounts.RefreshFunc = func(context.Context, ports.RefreshInput) (ports.Tokens, error) { return ports.Tokens{}, tc.err }

			rec := b.send(t, http.MethodPost, "/api/auth/token/refresh/", `{"refresh":"r1"}`)

			requireError(t, rec, tc.status, tc.code)
			if tc.securityEvent == "" {
				require.Empty(t, b.securityEvents(t))
				return
			}
			ev := b.requireSecurityEvent(t, tc.securityEvent)
			require.Equal(t, clientAddr, ev["ip"])
			require.Equal(t, rec.Header().Get("X-Request-ID"), ev["request_id"])
		})
	}
}

func TestResetPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		path      string
		body      string
		wantToken string
		wantCode  string
	}{
		{
			name: "ResetToken", path: "/api/auth/password-reset/", wantToken: "rt",
			body: `{"phone_number":"+989121234567","reset_token":"rt","new_password":"n3w-pass!","new_password_confirm":"n3w-pass!"}`,
		},
		{
			name: "CodeOnAlias", path: "/api/auth/reset-password/", wantCode: "123456",
			body: `{"phone_number":"+989121234567","code":"123456","new_password":"n3w-pass!","new_password_confirm":"n3w-pass!"}`,
		},
		{
			name: "OTPCodeWithoutSlash", path: "/api/auth/password-reset", wantCode: "123456",
			body: `{"phone_number":"+989121234567","otp_code":"123456","new_password":"n3w-pass!","new_password_confirm":"n3w-pass!"}`,
		},
		{
			name: "BothPreferToken", path: "/api/auth/password-reset/", wantToken: "rt",
			body: `{"phone_number":"+989121234567","reset_token":"rt","code":"123456","new_password":"n3w-pass!","new_password_confirm":"n3w-pass!"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, http.MethodPost, tt.path, tt.body)

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, map[string]any{}, dataOf(t, rec))
			require.Equal(t, "رمز عبور با موفقیت بازنشانی شد", messageOf(t, rec))
			in, _ := lastCall[ports.ResetPasswordInput](b.accounts)
			require.Equal(t, ports.ResetPasswordInput{
				Phone: fakePhone, ResetToken: tt.wantToken, Code: tt.wantCode,
				NewPassword: "n3w-pass!", NewPasswordConfirm: "n3w-pass!", Client: in.Client,
			}, in)
		})
	}
	t.Run("NoProof", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/password-reset/",
			`{"phone_number":"+989121234567","new_password":"n3w-pass!","new_password_confirm":"n3w-pass!"}`, inEnglish())

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Equal(t, map[string]any{"non_field_errors": []any{"Provide either reset_token or code."}}, e["details"])
	})
	runErrorCases(t, append([]errorCase{
		{name: "OTPInvalid", err: core.ErrOTPInvalid, status: http.StatusBadRequest, code: "otp_invalid"},
		{name: "OTPExpired", err: core.ErrOTPExpired, status: http.StatusBadRequest, code: "otp_expired"},
		{name: "OTPAttemptsExceeded", err: core.ErrOTPAttemptsExceeded, status: http.StatusBadRequest, code: "otp_attempts_exceeded"},
	}, commonServiceErrors...), func(f *fakeAccounts, err error) {
		f.ResetPasswordFunc = func(context.Context, ports.ResetPasswordInput) error { return err }
	}, func(t *testing.T, b authBundle) *httptest.ResponseRecorder {
		return b.send(t, http.MethodPost, "/api/auth/reset-password/",
			`{"phone_number":"+989121234567","code":"123456","new_password":"n3w-pass!","new_password_confirm":"n3w-pass!"}`)
	})
}

func TestCSRFEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []requestOption
		want string // "" means an anonymous nonce token
	}{
		{name: "Anonymous"},
		{name: "StaleBearer", opts: []requestOption{withBearer(tokenExpired)}},
		{name: "CookieSession", opts: []requestOption{withCookie("access_token", tokenGood)}, want: csrfFor(fakeSessionID)},
		{name: "BearerSession", opts: []requestOption{withBearer(tokenOther)}, want: csrfFor(fakeOtherSID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, http.MethodGet, "/api/auth/csrf/", "", tt.opts...)

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			token, _ := dataOf(t, rec)["csrf_token"].(string)
			if tt.want != "" {
				require.Equal(t, tt.want, token)
			} else {
				require.Regexp(t, `^[A-Z2-7]{26}\.[A-Za-z0-9_-]{43}$`, token)
			}
			c := cookiesOf(rec)["csrftoken"]
			require.NotNil(t, c)
			require.Equal(t, token, c.Value)
			require.Equal(t, "/", c.Path)
			require.False(t, c.HttpOnly, "scripts read the CSRF cookie")
			require.True(t, c.Secure)
			require.Equal(t, http.SameSiteLaxMode, c.SameSite)
		})
	}
	t.Run("FreshNonces", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		first := dataOf(t, b.send(t, http.MethodGet, "/api/auth/csrf", ""))["csrf_token"]
		second := dataOf(t, b.send(t, http.MethodGet, "/api/auth/csrf", ""))["csrf_token"]

		require.NotEqual(t, first, second)
	})
}
