// Package zarinpalfake is an in-process ZarinPal payment gateway v4 (PROVIDERS.md §4.7) for
// offline tests of the zarinpal adapter and of integration suites. [Fake] is an
// [http.Handler] serving {prefix}/pg/v4/payment/{request,verify,inquiry,unVerified,reverse}.json
// and the payment page GET {prefix}/pg/StartPay/{authority}?result=paid|failed|canceled,
// which settles the session and 302s to callback_url?Authority=…&Status=OK|NOK keeping the
// callback's own query. [Fake.Settle] does the same without HTTP.
//
// It reproduces: JSON POST only (bad JSON or missing fields → -9 with validations, HTTP
// 422); merchant allow-list (-10); callback domain allow-list (-14); amount bounds in rials
// (< 10,000 → -9, > 1e9 → -41), IRT amounts ×10; 36-character A/S authorities; verify
// (unknown -54, other merchant -53, unpaid -51, wrong amount -50, first 100 with ref_id,
// card_pan, card_hash, fee_type, fee, repeats 101 with the same data); inquiry IN_BANK,
// PAID, VERIFIED, FAILED, REVERSED; unVerified; reverse (100 within 30 minutes of payment,
// -63 after, -61 not paid or reversed, -62 without a server IP). Knobs: [Fake.SetFault]
// (any error code such as -12, raw HTTP answers, errors as an array, slow answers).
package zarinpalfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
)

// Config sets up a [Fake]. The zero value is usable.
type Config struct {
	// Merchants lists the merchant ids accepted; empty accepts any 36-character id.
	Merchants []string
	// CallbackHosts lists the hosts callback_url may name; empty accepts any.
	CallbackHosts []string
	// Sandbox makes authorities start with S instead of A.
	Sandbox bool
	// NoServerIP makes reverse answer -62.
	NoServerIP bool
	// Now is the fake's clock. Default time.Now.
	Now func() time.Time
}

// Fault makes the fake misbehave. The zero value heals it.
type Fault struct {
	// Code, when not zero, answers every call with this error code.
	Code int
	// HTTPStatus with Body answers raw, e.g. 502 with an HTML page, after acting when the
	// status is 2xx.
	HTTPStatus int
	Body       string
	// ErrorsAsArray sends errors as [{code, message}] instead of an object.
	ErrorsAsArray bool
	// Delay holds every answer back this long after acting.
	Delay time.Duration
}

// Session is one payment session as the fake holds it.
type Session struct {
	Authority   string
	Merchant    string
	AmountRial  int64
	Currency    string
	CallbackURL string
	Description string
	Metadata    map[string]string
	Status      string // IN_BANK, PAID, VERIFIED, FAILED, REVERSED
	PaidAt      time.Time
	RefID       int64
	CardPAN     string
	CardHash    string
}

// Fake is an offline ZarinPal. Build it with [New]; it is safe for concurrent use.
type Fake struct {
	cfg    Config
	faults outboundtest.Faults[Fault]

	mu       sync.Mutex
	sessions map[string]*Session
	order    []string
	seq      int
}

// New returns a fake configured by cfg.
func New(cfg Config) *Fake {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Fake{cfg: cfg, sessions: map[string]*Session{}}
}

// SetFault makes every following API call show f.
func (f *Fake) SetFault(fault Fault) { f.faults.Set(fault) }

// Requests returns how many API calls reached the fake (the payment page is not one).
func (f *Fake) Requests() int { return f.faults.Requests() }

// Close ends held answers.
func (f *Fake) Close() { f.faults.Close() }

// Session returns a copy of the session, and whether it exists.
func (f *Fake) Session(authority string) (Session, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[authority]
	if !ok {
		return Session{}, false
	}
	return *s, true
}

// Result is how the buyer leaves the payment page.
type Result string

// The results of [Fake.Settle].
const (
	Paid     Result = "paid"
	Failed   Result = "failed"
	Canceled Result = "canceled"
)

// Settle plays the buyer on the payment page and returns the callback URL ZarinPal would
// redirect to. Only a session still IN_BANK can be settled.
func (f *Fake) Settle(authority string, r Result) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[authority]
	if !ok || s.Status != "IN_BANK" {
		return "", fmt.Errorf("zarinpalfake: no open session %q", authority)
	}
	status := "NOK"
	switch r {
	case Paid:
		s.Status, s.PaidAt, status = "PAID", f.cfg.Now(), "OK"
		s.CardPAN = "502229******5995"
		sum := sha256.Sum256([]byte("5022291234565995"))
		s.CardHash = strings.ToUpper(hex.EncodeToString(sum[:]))
	case Failed, Canceled:
		s.Status = "FAILED"
	default:
		return "", fmt.Errorf("zarinpalfake: unknown result %q", r)
	}
	u, err := url.Parse(s.CallbackURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("Authority", authority)
	q.Set("Status", status)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ServeHTTP routes the API and the payment page.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if i := strings.Index(r.URL.Path, "/pg/StartPay/"); i >= 0 && r.Method == http.MethodGet {
		f.startPay(w, r, r.URL.Path[i+len("/pg/StartPay/"):])
		return
	}
	i := strings.Index(r.URL.Path, "/pg/v4/payment/")
	if i < 0 || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	method := strings.TrimSuffix(r.URL.Path[i+len("/pg/v4/payment/"):], ".json")
	fault := f.faults.Begin()
	status, answer := f.answer(method, r, fault)
	if fault.Delay > 0 && !f.faults.Hold(r.Context(), fault.Delay) {
		return
	}
	if fault.HTTPStatus != 0 {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(fault.HTTPStatus)
		_, _ = w.Write([]byte(fault.Body))
		return
	}
	outboundtest.WriteJSON(w, status, "application/json", answer)
}

func (f *Fake) startPay(w http.ResponseWriter, r *http.Request, authority string) {
	result := Result(r.URL.Query().Get("result"))
	if result == "" {
		result = Paid
	}
	to, err := f.Settle(authority, result)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	http.Redirect(w, r, to, http.StatusFound)
}

// answer acts on one API call unless the fault refuses it first, and returns the answer.
func (f *Fake) answer(method string, r *http.Request, fault Fault) (int, any) {
	if fault.HTTPStatus >= 300 {
		return 0, nil // answered raw without acting
	}
	fail := func(code int, msg string, validations ...map[string]string) (int, any) {
		status := http.StatusBadRequest
		if code == -9 {
			status = http.StatusUnprocessableEntity
		}
		if validations == nil {
			validations = []map[string]string{}
		}
		e := map[string]any{"code": code, "message": msg, "validations": validations}
		if fault.ErrorsAsArray {
			return status, map[string]any{"data": []any{}, "errors": []any{e}}
		}
		return status, map[string]any{"data": []any{}, "errors": e}
	}
	if fault.Code != 0 {
		return fail(fault.Code, "fault")
	}
	var body struct {
		MerchantID  string            `json:"merchant_id"`
		Amount      *int64            `json:"amount"`
		Currency    string            `json:"currency"`
		Description string            `json:"description"`
		CallbackURL string            `json:"callback_url"`
		Authority   string            `json:"authority"`
		Metadata    map[string]string `json:"metadata"`
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.NewDecoder(r.Body).Decode(&body) != nil {
		return fail(-9, "The input params invalid, validation error.", map[string]string{"body": "must be json"})
	}
	if body.MerchantID == "" {
		return fail(-9, "The input params invalid, validation error.", map[string]string{"merchant_id": "required"})
	}
	if len(body.MerchantID) != 36 || (len(f.cfg.Merchants) > 0 && !slices.Contains(f.cfg.Merchants, body.MerchantID)) {
		return fail(-10, "Terminal is not valid, please check merchant_id or ip address.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch method {
	case "request":
		return f.request(body.MerchantID, body.Amount, body.Currency, body.Description, body.CallbackURL, body.Metadata, fail)
	case "verify", "inquiry", "reverse":
		s, ok := f.sessions[body.Authority]
		if !ok {
			return fail(-54, "Invalid authority.")
		}
		if s.Merchant != body.MerchantID {
			return fail(-53, "Session is not this merchant_id session")
		}
		switch method {
		case "verify":
			return f.verify(s, body.Amount, fail)
		case "inquiry":
			return ok200(map[string]any{"code": 100, "message": "Success", "status": s.Status})
		default:
			return f.reverse(s, fail)
		}
	case "unVerified":
		list := []map[string]any{}
		for _, a := range f.order {
			s := f.sessions[a]
			if s.Status == "PAID" && s.Merchant == body.MerchantID {
				list = append(list, map[string]any{"authority": a, "amount": s.AmountRial, "callback_url": s.CallbackURL,
					"referer": "", "date": s.PaidAt.Format(time.DateTime)})
			}
		}
		return ok200(map[string]any{"code": 100, "message": "Success", "authorities": list})
	default:
		return http.StatusNotFound, map[string]any{"data": []any{}, "errors": map[string]any{"code": -9, "message": "not found"}}
	}
}

func ok200(data map[string]any) (int, any) {
	return http.StatusOK, map[string]any{"data": data, "errors": []any{}}
}

type failFunc func(code int, msg string, validations ...map[string]string) (int, any)

// rials converts a wire amount of currency to rials.
func rials(amount int64, currency string) int64 {
	if currency == "IRT" {
		return amount * 10
	}
	return amount
}

func (f *Fake) request(merchant string, amount *int64, currency, desc, callback string, meta map[string]string, fail failFunc) (int, any) {
	switch {
	case amount == nil:
		return fail(-9, "The input params invalid, validation error.", map[string]string{"amount": "required"})
	case desc == "" || len([]rune(desc)) > 500:
		return fail(-9, "The input params invalid, validation error.", map[string]string{"description": "required, at most 500"})
	case currency != "" && currency != "IRR" && currency != "IRT":
		return fail(-9, "The input params invalid, validation error.", map[string]string{"currency": "invalid"})
	}
	u, err := url.Parse(callback)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fail(-9, "The input params invalid, validation error.", map[string]string{"callback_url": "invalid"})
	}
	if len(f.cfg.CallbackHosts) > 0 && !slices.Contains(f.cfg.CallbackHosts, u.Hostname()) {
		return fail(-14, "The callback URL domain does not match the registered terminal domain.")
	}
	r := rials(*amount, currency)
	if r < 10_000 {
		return fail(-9, "The input params invalid, validation error.", map[string]string{"amount": "The amount must be at least 1000."})
	}
	if r > 1_000_000_000 {
		return fail(-41, "Maximum amount is 100,000,000 tomans.")
	}
	f.seq++
	prefix := "A"
	if f.cfg.Sandbox {
		prefix = "S"
	}
	authority := fmt.Sprintf("%s%035d", prefix, f.seq)
	f.sessions[authority] = &Session{Authority: authority, Merchant: merchant, AmountRial: r, Currency: currency,
		CallbackURL: callback, Description: desc, Metadata: meta, Status: "IN_BANK"}
	f.order = append(f.order, authority)
	return ok200(map[string]any{"code": 100, "message": "Success", "authority": authority, "fee_type": "Merchant", "fee": r / 100})
}

func (f *Fake) verify(s *Session, amount *int64, fail failFunc) (int, any) {
	if amount == nil {
		return fail(-9, "The input params invalid, validation error.", map[string]string{"amount": "required"})
	}
	switch s.Status {
	case "IN_BANK", "FAILED", "REVERSED":
		return fail(-51, "Session is not valid, session is not active paid try.")
	}
	if rials(*amount, s.Currency) != s.AmountRial {
		return fail(-50, "Session is not valid, amounts values is not the same.")
	}
	code, msg := 101, "Verified"
	if s.Status == "PAID" {
		f.seq++
		s.Status, s.RefID, code, msg = "VERIFIED", 201_000_000+int64(f.seq), 100, "Paid"
	}
	return ok200(map[string]any{"code": code, "message": msg, "card_hash": s.CardHash, "card_pan": s.CardPAN,
		"ref_id": s.RefID, "fee_type": "Merchant", "fee": s.AmountRial / 100, "shaparak_fee": 0})
}

func (f *Fake) reverse(s *Session, fail failFunc) (int, any) {
	switch {
	case f.cfg.NoServerIP:
		return fail(-62, "Terminal ip limit most be active.")
	case s.Status != "VERIFIED" && s.Status != "PAID":
		return fail(-61, "Session is not in success status.")
	case f.cfg.Now().Sub(s.PaidAt) > 30*time.Minute:
		return fail(-63, "Maximum time for reverse this session is expired.")
	}
	s.Status = "REVERSED"
	return ok200(map[string]any{"code": 100, "message": "Reversed"})
}
