package httpapi_test

import (
	"bytes"
	"context"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/ports"
)

func TestMe(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/api/auth/me/", "/api/auth/me", "/api//auth/me/", "/api/auth/profile/", "/api/auth/profile"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, http.MethodGet, path, "", withBearer(tokenGood))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, wantUser(), dataOf(t, rec))
			require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			call, _ := lastCall[principalCall](b.accounts)
			require.Equal(t, ports.Principal{
				UserID: fakeUserID, SessionID: fakeSessionID, Role: identity.RoleUser,
				Client: ports.Client{IP: clientAddr, UserAgent: "talabin-test", RequestID: rec.Header().Get("X-Request-ID")},
			}, call.Principal)
		})
	}
	t.Run("AccountDisabled", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)
		b.accounts.MeFunc = func(context.Context, ports.Principal) (identity.User, error) {
			return identity.User{}, core.ErrAccountDisabled
		}

		rec := b.send(t, http.MethodGet, "/api/auth/me/", "", withBearer(tokenGood))

		requireError(t, rec, http.StatusForbidden, "account_disabled")
	})
}

func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	const body = `{"first_name":"مريم","email":"Maryam@Example.COM","phone_number":"09350000000","national_id":"0012345678","date_of_birth":"1370/01/01"}`
	for _, method := range []string{http.MethodPut, http.MethodPatch} {
		for _, path := range []string{"/api/auth/profile/update/", "/api/auth/profile/", "/api/auth/update-profile/", "/api/auth/profile/update"} {
			t.Run(method+path, func(t *testing.T) {
				t.Parallel()
				b := setupAuth(t)

				rec := b.send(t, method, path, body, withBearer(tokenGood))

				require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
				data := dataOf(t, rec)
				require.Equal(t, "مریم", data["first_name"])
				require.Equal(t, "رضایی", data["last_name"], "PUT is partial")
				require.Equal(t, "Maryam@example.com", data["email"])
				require.Equal(t, "1991-03-21", data["date_of_birth"])
				require.Equal(t, "1370/01/01", data["date_of_birth_jalali"])
				require.Equal(t, fakePhone, data["phone_number"])
				require.Equal(t, "پروفایل با موفقیت به\u200cروزرسانی شد", messageOf(t, rec))
				call, _ := lastCall[principalCall](b.accounts)
				require.Equal(t, "UpdateProfile", call.Method)
				upd, ok := call.Input.(identity.ProfileUpdate)
				require.True(t, ok)
				require.Equal(t, "مریم", *upd.FirstName)
				require.Nil(t, upd.LastName)
				require.Equal(t, "Maryam@Example.COM", *upd.Email)
				require.Equal(t, time.Date(1991, time.March, 21, 0, 0, 0, 0, time.UTC), *upd.DateOfBirth)
			})
		}
	}
	t.Run("Multipart", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		require.NoError(t, mw.WriteField("last_name", "کريمی"))
		fw, err := mw.CreateFormFile("profile_image", "me.png")
		require.NoError(t, err)
		_, err = fw.Write([]byte("\x89PNG\r\n\x1a\n"))
		require.NoError(t, err)
		require.NoError(t, mw.Close())

		rec := b.send(t, http.MethodPut, "/api/auth/profile/update/", buf.String(),
			withBearer(tokenGood), withContentType(mw.FormDataContentType()))

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.Equal(t, "کریمی", dataOf(t, rec)["last_name"])
	})
	t.Run("NameTooLong", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPatch, "/api/auth/profile/", `{"first_name":"`+string(bytes.Repeat([]byte("a"), 101))+`"}`, withBearer(tokenGood))

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "first_name")
		_, called := lastCall[principalCall](b.accounts)
		require.False(t, called)
	})
	t.Run("InvalidEmail", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPatch, "/api/auth/profile/", `{"email":"not-an-address"}`, withBearer(tokenGood))

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "email")
	})
	t.Run("DateOfBirth", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name, value string
			want        any // the date_of_birth answered
		}{
			{name: "Gregorian", value: "1991-09-22", want: "1991-09-22"},
			{name: "JalaliPersianDigits", value: "۱۳۷۰/۰۶/۳۱", want: "1991-09-22"},
			{name: "BlankClears", value: "", want: nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := setupAuth(t)

				rec := b.send(t, http.MethodPatch, "/api/auth/profile/", `{"date_of_birth":"`+tt.value+`"}`, withBearer(tokenGood))

				require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
				require.Equal(t, tt.want, dataOf(t, rec)["date_of_birth"])
			})
		}
	})
	t.Run("DateOfBirthMalformed", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPatch, "/api/auth/profile/", `{"date_of_birth":"1370/13/01"}`, withBearer(tokenGood), inEnglish())

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Equal(t, map[string]any{"date_of_birth": []any{
			"Date has wrong format. Use one of these formats instead: YYYY-MM-DD, YYYY/MM/DD (Jalali).",
		}}, e["details"])
		_, called := lastCall[principalCall](b.accounts)
		require.False(t, called)
	})
	t.Run("TooYoung", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPatch, "/api/auth/profile/", `{"date_of_birth":"2010-01-01"}`, withBearer(tokenGood))

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Contains(t, e["details"], "date_of_birth")
	})
	t.Run("KYCLocked", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)
		b.accounts.UpdateProfileFunc = func(context.Context, ports.Principal, identity.ProfileUpdate) (identity.User, error) {
			return identity.User{}, core.ErrKYCLocked
		}

		rec := b.send(t, http.MethodPut, "/api/auth/profile/update/", `{"first_name":"x"}`, withBearer(tokenGood))

		requireError(t, rec, http.StatusConflict, "kyc_locked")
	})
	t.Run("NotAuthenticated", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPut, "/api/auth/profile/update/", `{"first_name":"x"}`)

		requireError(t, rec, http.StatusUnauthorized, "not_authenticated")
	})
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	const body = `{"old_password":"old-pass1","new_password":"n3w-pass!","new_password_confirm":"n3w-pass!"}`
	for _, path := range []string{"/api/auth/profile/change-password/", "/api/auth/change-password/", "/api/auth/change-password"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, http.MethodPost, path, body, withBearer(tokenGood))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, map[string]any{}, dataOf(t, rec))
			require.Equal(t, "رمز عبور با موفقیت تغییر کرد", messageOf(t, rec))
			call, _ := lastCall[principalCall](b.accounts)
			require.Equal(t, ports.ChangePasswordInput{OldPassword: "old-pass1", NewPassword: "n3w-pass!", NewPasswordConfirm: "n3w-pass!"}, call.Input)
			require.Equal(t, fakeSessionID, call.Principal.SessionID)
		})
	}
	t.Run("MissingFields", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodPost, "/api/auth/change-password/", `{"new_password":"n3w-pass!"}`, withBearer(tokenGood))

		e := requireError(t, rec, http.StatusBadRequest, "validation_error")
		require.Equal(t, []string{"new_password_confirm", "old_password"}, sortedKeys(e["details"]))
	})
	t.Run("RateLimitedByService", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)
		b.accounts.ChangePasswordFunc = func(context.Context, ports.Principal, ports.ChangePasswordInput) error {
			return &core.RateLimitedError{RetryAfter: 90 * time.Second}
		}

		rec := b.send(t, http.MethodPost, "/api/auth/change-password/", body, withBearer(tokenGood))

		e := requireError(t, rec, http.StatusTooManyRequests, "rate_limit_exceeded")
		require.Equal(t, "90", rec.Header().Get("Retry-After"))
		require.Equal(t, map[string]any{"retry_after": 90.0}, e["details"])
		require.Empty(t, b.securityEvents(t), "the service logs its own limits")
	})
	runErrorCases(t, []errorCase{
		{name: "WrongPassword", err: core.ErrWrongPassword, status: http.StatusBadRequest, code: "wrong_password"},
		{name: "ServiceValidation", err: core.FieldError("new_password", "This password is too common."), status: http.StatusBadRequest, code: "validation_error"},
		{name: "AccountDisabled", err: core.ErrAccountDisabled, status: http.StatusForbidden, code: "account_disabled"},
	}, func(f *fakeAccounts, err error) {
		f.ChangePasswordFunc = func(context.Context, ports.Principal, ports.ChangePasswordInput) error { return err }
	}, func(t *testing.T, b authBundle) *httptest.ResponseRecorder {
		return b.send(t, http.MethodPost, "/api/auth/profile/change-password/", body, withBearer(tokenGood))
	})
}

// sortedKeys returns the keys of a decoded JSON object, sorted.
func sortedKeys(v any) []string {
	m, _ := v.(map[string]any)
	return slices.Sorted(maps.Keys(m))
}

func TestSessions(t *testing.T) {
	t.Parallel()
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodGet, "/api/auth/sessions/", "", withBearer(tokenGood))

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		body := decodeBody(t, rec)
		require.Equal(t, []any{
			map[string]any{
				"id": fakeSessionID, "current": true,
				"created_at": "2025-03-01T14:30:00+03:30", "last_used_at": "2025-03-01T14:30:00+03:30",
				"expires_at": "2025-03-08T14:30:00+03:30", "user_agent": "Firefox", "ip": "203.0.113.7",
			},
			map[string]any{
				"id": fakeOtherSID, "current": false,
				"created_at": "2025-03-01T14:30:00+03:30", "last_used_at": "2025-03-01T14:30:00+03:30",
				"expires_at": "2025-03-08T14:30:00+03:30", "user_agent": "", "ip": nil,
			},
		}, body["data"])
		pagination, _ := body["pagination"].(map[string]any)
		require.InDelta(t, 2, pagination["count"], 0)
	})
	t.Run("PastLastPage", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodGet, "/api/auth/sessions/?page=2", "", withBearer(tokenGood))

		requireError(t, rec, http.StatusNotFound, "not_found")
	})
	for _, tc := range []struct{ name, method, path string }{
		{name: "Delete", method: http.MethodDelete, path: "/api/auth/sessions/" + fakeOtherSID + "/"},
		{name: "DeleteWithoutSlash", method: http.MethodDelete, path: "/api/auth/sessions/" + fakeOtherSID},
		{name: "PostRevoke", method: http.MethodPost, path: "/api/auth/sessions/" + fakeOtherSID + "/revoke/"},
	} {
		t.Run("Revoke"+tc.name, func(t *testing.T) {
			t.Parallel()
			b := setupAuth(t)

			rec := b.send(t, tc.method, tc.path, "", withBearer(tokenGood))

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.Equal(t, "نشست با موفقیت باطل شد", messageOf(t, rec))
			call, _ := lastCall[principalCall](b.accounts)
			require.Equal(t, "RevokeSession", call.Method)
			require.Equal(t, fakeOtherSID, call.Input)
			require.Empty(t, cookiesOf(rec))
		})
	}
	t.Run("RevokeUnknown", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodDelete, "/api/auth/sessions/ses_nope/", "", withBearer(tokenGood))

		requireError(t, rec, http.StatusNotFound, "not_found")
	})
	t.Run("RevokeOwnCookieSession", func(t *testing.T) {
		t.Parallel()
		b := setupAuth(t)

		rec := b.send(t, http.MethodDelete, "/api/auth/sessions/"+fakeSessionID+"/", "",
			withCookie("access_token", tokenGood), withCookie("csrftoken", csrfFor(fakeSessionID)),
			withHeader("X-CSRFToken", csrfFor(fakeSessionID)), withOrigin(appOrigin))

		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.Len(t, cookiesOf(rec), 3, "the revoked session's cookies are cleared")
	})
}
