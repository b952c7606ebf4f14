// Package idpayfake is an in-process IDPay web service v1.1 (PROVIDERS.md §5.8) for offline
// tests of the idpay adapter and of integration suites. [Fake] is an [http.Handler] serving
// POST {prefix}/v1.1/payment, payment/verify and payment/inquiry, and the payment page GET
// {prefix}/p/ws/{id} (or /p/ws-sandbox/{id})?result=paid|failed|canceled, which settles the
// payment and returns the buyer to the callback: a 302 with the query fields (GET callbacks)
// or an auto-submitting form with the form fields (POST callbacks, the default).
// [Fake.Settle] does the same without HTTP and [Fake.Callback] builds a callback alone.
//
// It reproduces: X-API-KEY required (missing or unknown → 403/12), X-SANDBOX: 1 or true
// accepted; JSON bodies; create validation → 406 with 32 (order_id empty or over 50), 33
// (amount missing), 34 (< 1,000 rials), 35 (> 500,000,000), 36 (above [Config.AccountLimit]),
// 37 (callback empty), 39 (callback not absolute http(s) or over 2,048), 38 (callback host
// not in [Config.CallbackHosts], unless sandbox); success 201 {id, link} with a 32-hex id;
// settling as paid (status 10), failed (2) or canceled (7); verify: 31/32 for a missing id or
// order_id, 400/52 when no payment has this id and order_id, status 10 → 200 status 100 with
// the payment and verify blocks and string amounts, repeats → 200 status 101 with the same
// body, not paid → 405/53, more than [Config.VerifyWindow] after payment → 405/54 with the
// payment then reversed ([Config.ReversedStatus]); inquiry: 400/52 when unknown, otherwise
// the whole record with its current status. Knobs: [Fake.SetFault] (any error code with its
// HTTP status, such as 13 for an unregistered IP; raw HTTP answers; slow answers) and an
// injectable clock.
package idpayfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
)

// Transaction statuses of PROVIDERS.md §5.5 that the fake sets.
const (
	StatusCreated   = 1
	StatusFailed    = 2
	StatusReturned  = 5
	StatusReversed  = 6
	StatusCanceled  = 7
	StatusPaid      = 10
	StatusVerified  = 100
	StatusRepeated  = 101
	defaultWindow   = 10 * time.Minute
	minAmount       = 1_000
	maxAmount       = 500_000_000
	maxCallbackSize = 2048
)

// Config sets up a [Fake]. The zero value is usable.
type Config struct {
	// APIKeys lists the keys accepted; empty accepts any 36-character key.
	APIKeys []string
	// CallbackHosts lists the hosts callback may name outside the sandbox; empty accepts any.
	CallbackHosts []string
	// CallbackMethod is how the buyer returns: http.MethodPost (default) or http.MethodGet.
	CallbackMethod string
	// AccountLimit, when positive, refuses larger amounts with 36.
	AccountLimit int64
	// VerifyWindow is how long after payment a verify succeeds. Default 10 minutes.
	VerifyWindow time.Duration
	// ReversedStatus is the status of a payment whose window passed: 5 or 6 (default), as
	// PROVIDERS.md does not pin it down.
	ReversedStatus int
	// Now is the fake's clock. Default time.Now.
	Now func() time.Time
}

// Fault makes the fake misbehave. The zero value heals it.
type Fault struct {
	// Code, when not zero, answers every call with this error_code and its HTTP status.
	Code int
	// HTTPStatus with Body answers raw, e.g. 502 with an HTML page, after acting when the
	// status is 2xx.
	HTTPStatus int
	Body       string
	// Delay holds every answer back this long after acting.
	Delay time.Duration
	// Tamper overrides these fields of every verify or inquiry record, after acting: a
	// gateway (or a man in the middle) echoing another amount, order id or id.
	Tamper map[string]any
}

// Session is one payment as the fake holds it.
type Session struct {
	ID             string
	OrderID        string
	AmountRial     int64
	Callback       string
	Name           string
	Phone          string
	Mail           string
	Desc           string
	Sandbox        bool
	Status         int
	TrackID        string
	PaymentTrackID string
	CardNo         string
	HashedCardNo   string
	CreatedAt      time.Time
	PaidAt         time.Time
	VerifiedAt     time.Time
	expired        bool
}

// Fake is an offline IDPay. Build it with [New]; it is safe for concurrent use.
type Fake struct {
	cfg    Config
	faults outboundtest.Faults[Fault]

	mu       sync.Mutex
	sessions map[string]*Session
	seq      int
}

// New returns a fake configured by cfg.
func New(cfg Config) *Fake {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CallbackMethod == "" {
		cfg.CallbackMethod = http.MethodPost
	}
	if cfg.VerifyWindow == 0 {
		cfg.VerifyWindow = defaultWindow
	}
	if cfg.ReversedStatus == 0 {
		cfg.ReversedStatus = StatusReversed
	}
	return &Fake{cfg: cfg, sessions: map[string]*Session{}}
}

// SetFault makes every following API call show fault.
func (f *Fake) SetFault(fault Fault) { f.faults.Set(fault) }

// Requests returns how many API calls reached the fake (the payment page is not one).
func (f *Fake) Requests() int { return f.faults.Requests() }

// Close ends held answers.
func (f *Fake) Close() { f.faults.Close() }

// Session returns a copy of the session, and whether it exists.
func (f *Fake) Session(id string) (Session, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
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

// Delivery is the buyer's return to the callback: a GET to URL (its query holding Fields) or
// a POST of Fields as a form to URL.
type Delivery struct {
	Method string
	URL    string
	Fields url.Values
}

// Settle plays the buyer on the payment page and returns the callback IDPay sends them back
// with. Only a payment not yet settled can be.
func (f *Fake) Settle(id string, r Result) (Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok || s.Status != StatusCreated {
		return Delivery{}, fmt.Errorf("idpayfake: no open payment %q", id)
	}
	switch r {
	case Paid:
		f.seq++
		s.Status, s.PaidAt = StatusPaid, f.cfg.Now()
		s.PaymentTrackID = strconv.Itoa(880_000_000 + f.seq)
		s.CardNo = "603799******7999"
		sum := sha256.Sum256([]byte("6037991234567999"))
		s.HashedCardNo = strings.ToUpper(hex.EncodeToString(sum[:]))
	case Failed:
		s.Status = StatusFailed
	case Canceled:
		s.Status = StatusCanceled
	default:
		return Delivery{}, fmt.Errorf("idpayfake: unknown result %q", r)
	}
	return f.delivery(s), nil
}

// Callback returns the callback of the payment as if the buyer left the page with r, with
// the exact field set of the configured method, without settling anything.
func (f *Fake) Callback(id string, r Result) (Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok {
		return Delivery{}, fmt.Errorf("idpayfake: no payment %q", id)
	}
	shown := *s
	switch r {
	case Paid:
		shown.Status, shown.CardNo = StatusPaid, "603799******7999"
		sum := sha256.Sum256([]byte("6037991234567999"))
		shown.HashedCardNo = strings.ToUpper(hex.EncodeToString(sum[:]))
		if shown.PaidAt.IsZero() {
			shown.PaidAt = f.cfg.Now()
		}
	case Failed:
		shown.Status = StatusFailed
	default:
		shown.Status = StatusCanceled
	}
	return f.delivery(&shown), nil
}

// delivery builds the callback of s: GET carries status, track_id, id and order_id; POST adds
// amount, card_no, hashed_card_no and date.
func (f *Fake) delivery(s *Session) Delivery {
	fields := url.Values{
		"status": {strconv.Itoa(s.Status)}, "track_id": {s.TrackID}, "id": {s.ID}, "order_id": {s.OrderID},
	}
	if f.cfg.CallbackMethod == http.MethodGet {
		u, err := url.Parse(s.Callback)
		if err != nil {
			return Delivery{Method: http.MethodGet, URL: s.Callback, Fields: fields}
		}
		q := u.Query()
		for k, v := range fields {
			q[k] = v
		}
		u.RawQuery = q.Encode()
		return Delivery{Method: http.MethodGet, URL: u.String(), Fields: fields}
	}
	date := ""
	if !s.PaidAt.IsZero() {
		date = strconv.FormatInt(s.PaidAt.Unix(), 10)
	}
	fields.Set("amount", strconv.FormatInt(s.AmountRial, 10))
	fields.Set("card_no", s.CardNo)
	fields.Set("hashed_card_no", s.HashedCardNo)
	fields.Set("date", date)
	return Delivery{Method: http.MethodPost, URL: s.Callback, Fields: fields}
}

// ServeHTTP routes the API and the payment page.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, page := range []string{"/p/ws/", "/p/ws-sandbox/"} {
		if i := strings.Index(r.URL.Path, page); i >= 0 && r.Method == http.MethodGet {
			f.paymentPage(w, r, r.URL.Path[i+len(page):])
			return
		}
	}
	i := strings.Index(r.URL.Path, "/v1.1/")
	if i < 0 || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	method := r.URL.Path[i+len("/v1.1/"):]
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

var postForm = template.Must(template.New("form").Parse(`<!doctype html>
<html><body onload="document.forms[0].submit()"><form method="post" action="{{.URL}}">
{{range $k, $vs := .Fields}}{{range $vs}}<input type="hidden" name="{{$k}}" value="{{.}}">
{{end}}{{end}}</form></body></html>
`))

func (f *Fake) paymentPage(w http.ResponseWriter, r *http.Request, id string) {
	result := Result(r.URL.Query().Get("result"))
	if result == "" {
		result = Paid
	}
	d, err := f.Settle(id, result)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	if d.Method == http.MethodGet {
		http.Redirect(w, r, d.URL, http.StatusFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = postForm.Execute(w, d)
}

// httpStatuses are the HTTP statuses of the error codes (PROVIDERS.md §5.4).
var httpStatuses = map[int]int{
	11: http.StatusForbidden, 12: http.StatusForbidden, 13: http.StatusForbidden, 14: http.StatusForbidden,
	21: http.StatusForbidden, 22: http.StatusNotFound, 23: http.StatusUnauthorized, 24: http.StatusForbidden,
	51: http.StatusMethodNotAllowed, 52: http.StatusBadRequest, 53: http.StatusMethodNotAllowed, 54: http.StatusMethodNotAllowed,
}

func fail(code int, msg string) (int, map[string]any) {
	status, ok := httpStatuses[code]
	if !ok {
		status = http.StatusNotAcceptable // 31..44
	}
	return status, map[string]any{"error_code": code, "error_message": msg}
}

// answer acts on one API call unless the fault refuses it first, and returns the answer.
func (f *Fake) answer(method string, r *http.Request, fault Fault) (int, any) {
	if fault.HTTPStatus >= 300 {
		return 0, nil // answered raw without acting
	}
	if fault.Code != 0 {
		return fail(fault.Code, "fault")
	}
	key := r.Header.Get("X-API-KEY")
	if len(key) != 36 || (len(f.cfg.APIKeys) > 0 && !slices.Contains(f.cfg.APIKeys, key)) {
		return fail(12, "API Key یافت نشد.")
	}
	sandbox := r.Header.Get("X-SANDBOX") == "1" || r.Header.Get("X-SANDBOX") == "true"
	var body struct {
		ID       string      `json:"id"`
		OrderID  string      `json:"order_id"`
		Amount   json.Number `json:"amount"`
		Callback string      `json:"callback"`
		Name     string      `json:"name"`
		Phone    string      `json:"phone"`
		Mail     string      `json:"mail"`
		Desc     string      `json:"desc"`
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.NewDecoder(r.Body).Decode(&body) // a bad body reads as empty fields
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch method {
	case "payment":
		s, code, msg := f.create(body.OrderID, body.Amount, body.Callback, sandbox)
		if code != 0 {
			return fail(code, msg)
		}
		s.Name, s.Phone, s.Mail, s.Desc = body.Name, body.Phone, body.Mail, body.Desc
		page := "/p/ws/"
		if sandbox {
			page = "/p/ws-sandbox/"
		}
		return http.StatusCreated, map[string]any{"id": s.ID, "link": origin(r) + page + s.ID}
	case "payment/verify", "payment/inquiry":
		switch {
		case body.ID == "":
			return fail(31, "کد تراکنش id نباید خالی باشد.")
		case body.OrderID == "":
			return fail(32, "شماره سفارش order_id نباید خالی باشد.")
		}
		s, ok := f.sessions[body.ID]
		if !ok || s.OrderID != body.OrderID {
			return fail(52, "استعلام نتیجه ای نداشت.")
		}
		f.expire(s)
		status, rec := http.StatusOK, f.inquiry(s)
		if method == "payment/verify" {
			status, rec = f.verify(s)
		}
		if status == http.StatusOK {
			for k, v := range fault.Tamper {
				rec[k] = v
			}
		}
		return status, rec
	default:
		return http.StatusNotFound, map[string]any{"error_code": 0, "error_message": "not found"}
	}
}

// origin is the scheme and host the request reached, for payment links to this fake.
func origin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

func (f *Fake) create(orderID string, amount json.Number, callback string, sandbox bool) (*Session, int, string) {
	if orderID == "" || len(orderID) > 50 {
		return nil, 32, "شماره سفارش order_id نباید خالی باشد."
	}
	if amount == "" {
		return nil, 33, "مبلغ amount نباید خالی باشد."
	}
	a, err := amount.Int64()
	switch {
	case err != nil || a < minAmount:
		return nil, 34, "مبلغ amount باید بیشتر از 1,000 ریال باشد."
	case a > maxAmount:
		return nil, 35, "مبلغ amount باید کمتر از 500,000,000 ریال باشد."
	case f.cfg.AccountLimit > 0 && a > f.cfg.AccountLimit:
		return nil, 36, "مبلغ amount بیشتر از حد مجاز است."
	case callback == "":
		return nil, 37, "لینک بازگشت callback نباید خالی باشد."
	}
	u, err := url.Parse(callback)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(callback) > maxCallbackSize {
		return nil, 39, "لینک بازگشت callback معتبر نیست."
	}
	if !sandbox && len(f.cfg.CallbackHosts) > 0 && !slices.Contains(f.cfg.CallbackHosts, u.Hostname()) {
		return nil, 38, "دامنه لینک بازگشت callback با دامنه ثبت شده در وب سرویس همخوانی ندارد."
	}
	f.seq++
	sum := sha256.Sum256([]byte(fmt.Sprintf("idpayfake-%d", f.seq)))
	s := &Session{
		ID: hex.EncodeToString(sum[:16]), OrderID: orderID, AmountRial: a, Callback: callback, Sandbox: sandbox,
		Status: StatusCreated, TrackID: strconv.Itoa(10_000 + f.seq), CreatedAt: f.cfg.Now(),
	}
	f.sessions[s.ID] = s
	return s, 0, ""
}

// expire reverses a paid payment whose verify window passed, as IDPay does.
func (f *Fake) expire(s *Session) {
	if s.Status == StatusPaid && f.cfg.Now().Sub(s.PaidAt) > f.cfg.VerifyWindow {
		s.Status, s.expired = f.cfg.ReversedStatus, true
	}
}

func (f *Fake) verify(s *Session) (int, map[string]any) {
	switch {
	case s.expired:
		return fail(54, "مهلت تایید پرداخت سپری شده است.")
	case s.Status == StatusPaid:
		s.Status, s.VerifiedAt = StatusVerified, f.cfg.Now()
		return http.StatusOK, f.record(s, StatusVerified)
	case s.Status == StatusVerified:
		return http.StatusOK, f.record(s, StatusRepeated)
	default:
		return fail(53, "تایید پرداخت امکان پذیر نیست.")
	}
}

func (f *Fake) inquiry(s *Session) map[string]any {
	rec := f.record(s, s.Status)
	rec["wage"] = map[string]any{"by": "payee", "type": "percent", "amount": "0"}
	rec["payer"] = map[string]any{"name": s.Name, "phone": s.Phone, "mail": s.Mail, "desc": s.Desc}
	if s.Status == StatusVerified {
		rec["settlement"] = map[string]any{"track_id": "", "amount": "", "date": ""}
	}
	return rec
}

// record is the payment as verify and inquiry return it, with string amounts and dates.
func (f *Fake) record(s *Session, status int) map[string]any {
	unix := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return strconv.FormatInt(t.Unix(), 10)
	}
	amount := strconv.FormatInt(s.AmountRial, 10)
	rec := map[string]any{
		"status": status, "track_id": s.TrackID, "id": s.ID, "order_id": s.OrderID,
		"amount": amount, "date": unix(s.CreatedAt),
	}
	if !s.PaidAt.IsZero() {
		rec["payment"] = map[string]any{"track_id": s.PaymentTrackID, "amount": amount, "card_no": s.CardNo,
			"hashed_card_no": s.HashedCardNo, "date": unix(s.PaidAt)}
	}
	if !s.VerifiedAt.IsZero() {
		rec["verify"] = map[string]any{"date": unix(s.VerifiedAt)}
	}
	return rec
}
