//go:build integration

package e2e_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// staffAccount is a staff member created with `talabin admin create`.
type staffAccount struct {
	phone09, password, role string
}

// phone98 is the staff member's phone as the login form sends it.
func (a staffAccount) phone98() string { return "+98" + a.phone09[1:] }

// The two staff members of every test: an admin, who approves, and an operator, who pays
// out.
var (
	admin    = staffAccount{phone09: "09129990001", password: "Saffron-Coin-77", role: "admin"}
	operator = staffAccount{phone09: "09129990002", password: "Amber-Ledger-58", role: "operator"}
)

// userPassword is every customer's password.
const userPassword = "Gold-Bar-2026"

// payoutSheba is the customers' bank account (a valid Sheba of Bank Melli).
const payoutSheba = "IR820540102680020817909002"

// user is a signed-in customer.
type user struct {
	*client
	id               int64
	phone09, phone98 string
}

// signIn signs a staff member in from a device of their own.
func (s *stack) signIn(t *testing.T, a staffAccount) *client {
	t.Helper()
	c := s.newClient(t)
	r := c.ok(t, http.StatusOK, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": a.phone98(), "password": a.password})
	require.Equal(t, true, r.data(t)["user"].(map[string]any)["is_staff"])
	c.bearer = r.data(t)["tokens"].(map[string]any)["access"].(string)
	return c
}

// signUp registers a new customer with the code the SMS provider received, verifies the
// phone and signs in, as the web client's register, verify and login pages do.
func (s *stack) signUp(t *testing.T, firstName string) *user {
	t.Helper()
	c := s.newClient(t)
	s.mu.Lock()
	phone09 := fmt.Sprintf("%s%04d", s.phones, len(s.users)+1)
	s.mu.Unlock()
	u := &user{client: c, phone09: phone09, phone98: "+98" + phone09[1:]}

	seen := s.smsCount(phone09)
	r := c.ok(t, http.StatusCreated, http.MethodPost, "/api/auth/register/", map[string]any{
		"phone_number": phone09, "password": userPassword, "password_confirm": userPassword,
		"first_name": firstName, "last_name": "احمدی",
	})
	require.Equal(t, u.phone98, r.data(t)["phone_number"])
	// Not signed in before the phone is verified.
	c.fails(t, http.StatusForbidden, "phone_not_verified", http.MethodPost, "/api/auth/login/",
		map[string]any{"phone_number": u.phone98, "password": userPassword})
	code := s.smsCode(t, phone09, seen)
	r = c.ok(t, http.StatusOK, http.MethodPost, "/api/auth/verify-otp/", map[string]any{
		"phone_number": u.phone98, "code": code, "otp_type": "registration",
	})
	require.Equal(t, true, r.data(t)["phone_verified"])
	// A code is single use.
	c.fails(t, http.StatusBadRequest, "otp_invalid", http.MethodPost, "/api/auth/verify-otp/", map[string]any{
		"phone_number": u.phone98, "code": code, "otp_type": "registration",
	})

	r = c.ok(t, http.StatusOK, http.MethodPost, "/api/auth/login/", map[string]any{"phone_number": u.phone98, "password": userPassword})
	me := r.data(t)["user"].(map[string]any)
	require.Equal(t, u.phone98, me["phone_number"])
	require.Equal(t, true, me["phone_verified"])
	require.InDelta(t, 0, me["kyc_level"], 0)
	u.id = num(t, me, "id")
	c.bearer = r.data(t)["tokens"].(map[string]any)["access"].(string)
	s.mu.Lock()
	s.users = append(s.users, u.id)
	s.mu.Unlock()
	return u
}

// submitKYC uploads the national card's two sides and a selfie, then submits the identity
// for level 2, and returns the national id.
func (u *user) submitKYC(t *testing.T) string {
	t.Helper()
	for _, doc := range []struct {
		kind, name string
		content    []byte
	}{
		{"national_card_front", "front.jpg", jpegImage(t)},
		{"national_card_back", "back.png", pngImage(t)},
		{"selfie", "selfie.jpg", jpegImage(t)},
	} {
		r := u.upload(t, "/api/kyc/documents/", map[string]string{"kind": doc.kind}, "file", doc.name, doc.content)
		require.Equal(t, http.StatusCreated, r.status, r.raw)
		require.Equal(t, doc.kind, r.data(t)["kind"])
	}
	id := nationalID(t)
	r := u.ok(t, http.StatusOK, http.MethodPost, "/api/kyc/submit/", map[string]any{
		"first_name": "مریم", "last_name": "احمدی", "national_id": id, "birth_date": "1370/05/15", "target_level": 2,
	})
	require.Equal(t, "pending", r.data(t)["status"])
	return id
}

// kycLevel returns the user's KYC level as the API reports it.
func (u *user) kycLevel(t *testing.T) int64 {
	t.Helper()
	return num(t, u.ok(t, http.StatusOK, http.MethodGet, "/api/auth/me/", nil).data(t), "kyc_level")
}

// balance returns the user's wallet.
func (u *user) balance(t *testing.T) map[string]any {
	t.Helper()
	return u.ok(t, http.StatusOK, http.MethodGet, "/api/wallet/balance/", nil).data(t)
}

// requireBalance checks the wallet's rials (total and held) and gold (micrograms, total and
// held).
func (u *user) requireBalance(t *testing.T, rials, frozenRials, gold, frozenGold int64) {
	t.Helper()
	w := u.balance(t)
	require.Equal(t, rials, num(t, w, "balance_irr"), "balance_irr: %v", w)
	require.Equal(t, frozenRials, num(t, w, "frozen_balance_irr"), "frozen_balance_irr: %v", w)
	require.Equal(t, rials-frozenRials, num(t, w, "available_balance_irr"), "available_balance_irr: %v", w)
	require.Equal(t, grams(gold), w["gold_balance"], "gold_balance: %v", w)
	require.Equal(t, grams(frozenGold), w["frozen_gold_balance"], "frozen_gold_balance: %v", w)
}

// createDeposit starts an online deposit through gateway and returns it and its payment URL.
func (u *user) createDeposit(t *testing.T, gateway string, amount int64) (map[string]any, string) {
	t.Helper()
	r := u.ok(t, http.StatusCreated, http.MethodPost, "/api/wallet/deposits/create_deposit/",
		map[string]any{"amount": amount, "payment_method": "online", "gateway": gateway})
	d := r.data(t)["deposit"].(map[string]any)
	require.Equal(t, "pending", d["status"])
	require.Equal(t, gateway, d["gateway"])
	require.Equal(t, amount, num(t, d, "amount"))
	return d, r.data(t)["payment_url"].(string)
}

// requireReturn checks the app's answer to a gateway's return: a 303 to the web client's
// success page for the deposit's amount.
func requireReturn(t *testing.T, r response, amount int64) {
	t.Helper()
	require.Equal(t, http.StatusSeeOther, r.status, r.raw)
	to, err := url.Parse(r.header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, webApp+"/payment/success", to.Scheme+"://"+to.Host+to.Path, to.String())
	require.Equal(t, fmt.Sprint(amount), to.Query().Get("amount"))
	require.NotEmpty(t, to.Query().Get("trackingId"))
}

// depositZarinPal pays amount on ZarinPal's page and follows its redirect back to the API.
func (u *user) depositZarinPal(t *testing.T, amount int64) map[string]any {
	t.Helper()
	d, payURL := u.createDeposit(t, "zarinpal", amount)
	require.True(t, strings.HasPrefix(payURL, u.s.environ["ZARINPAL_STARTPAY_URL"]), payURL)
	status, callback, page := u.s.get(t, payURL)
	require.Equal(t, http.StatusFound, status, page)
	require.True(t, strings.HasPrefix(callback, publicAPI+"/api/wallet/deposits/"+idOf(t, d)+"/callback/"), callback)
	r, err := u.s.send(t, http.MethodGet, callback, "", nil, "", u.ip)
	require.NoError(t, err)
	requireReturn(t, r, amount)
	return u.requireVerified(t, d, "zarinpal")
}

// depositIDPay pays amount on IDPay's page and posts its auto-submitting form back to the
// API, as the browser does.
func (u *user) depositIDPay(t *testing.T, amount int64) map[string]any {
	t.Helper()
	d, payURL := u.createDeposit(t, "idpay", amount)
	status, _, page := u.s.get(t, payURL)
	require.Equal(t, http.StatusOK, status, page)
	action, fields := postedForm(t, page)
	require.True(t, strings.HasPrefix(action, publicAPI+"/api/wallet/deposits/"+idOf(t, d)+"/callback/"), action)
	require.Equal(t, "10", fields.Get("status"), "paid")
	r, err := u.s.send(t, http.MethodPost, action, "application/x-www-form-urlencoded", strings.NewReader(fields.Encode()), "", u.ip)
	require.NoError(t, err)
	requireReturn(t, r, amount)
	return u.requireVerified(t, d, "idpay")
}

// requireVerified checks that deposit d is verified and returns it.
func (u *user) requireVerified(t *testing.T, d map[string]any, gateway string) map[string]any {
	t.Helper()
	got := u.ok(t, http.StatusOK, http.MethodGet, "/api/wallet/deposits/"+idOf(t, d)+"/", nil).data(t)
	require.Equal(t, "verified", got["status"], "%v", got)
	require.Equal(t, gateway, got["gateway"])
	require.NotEmpty(t, got["gateway_reference"])
	return got
}

// stepUp asks for a step-up code of otpType and returns it as the SMS provider received it.
func (u *user) stepUp(t *testing.T, otpType string) string {
	t.Helper()
	seen := u.s.smsCount(u.phone09)
	u.ok(t, http.StatusOK, http.MethodPost, "/api/auth/send-otp/", map[string]any{"phone_number": u.phone98, "otp_type": otpType})
	return u.s.smsCode(t, u.phone09, seen)
}

// addBankAccount registers the payout account, confirmed by a step-up code, and has staff
// confirm its ownership (production has no ownership inquiry configured), returning its id.
func (u *user) addBankAccount(t *testing.T, staff *client) string {
	t.Helper()
	u.fails(t, http.StatusBadRequest, "otp_invalid", http.MethodPost, "/api/wallet/bank-accounts/",
		map[string]any{"sheba_number": payoutSheba, "otp_code": "000000"})
	r := u.ok(t, http.StatusCreated, http.MethodPost, "/api/wallet/bank-accounts/",
		map[string]any{"sheba_number": payoutSheba, "otp_code": u.stepUp(t, "bank_account")})
	account := r.data(t)
	require.Equal(t, payoutSheba, account["sheba_number"])
	require.Equal(t, false, account["is_verified"], "no ownership inquiry is configured")
	id := idOf(t, account)
	r = staff.ok(t, http.StatusOK, http.MethodPost, "/api/admin/bank-accounts/"+id+"/verify/",
		map[string]any{"reason": "ownership checked against the bank letter"})
	require.Equal(t, true, r.data(t)["is_verified"])
	require.Equal(t, true, u.ok(t, http.StatusOK, http.MethodGet, "/api/wallet/bank-accounts/"+id+"/", nil).data(t)["is_verified"])
	return id
}

// withdraw asks to be paid amount to account, confirmed by a step-up code, and returns the
// withdrawal.
func (u *user) withdraw(t *testing.T, account string, amount int64) map[string]any {
	t.Helper()
	r := u.ok(t, http.StatusCreated, http.MethodPost, "/api/wallet/withdrawals/create_withdrawal/",
		map[string]any{"bank_account_id": account, "amount": amount, "otp_code": u.stepUp(t, "withdrawal")})
	w := r.data(t)
	require.Equal(t, "pending", w["status"])
	require.Equal(t, amount, num(t, w, "amount"))
	return w
}

// fee is the fee of an order or a withdrawal of amount rials at the default 0.5 %, rounded
// up (API.md §3.7 and §3.9).
func fee(amount int64) int64 { return (amount*50 + 9_999) / 10_000 }
