// Package ippanelfake is an in-process IPPanel Edge API (PROVIDERS.md §3) for offline tests
// of the ippanel adapter and of integration suites. [Fake] is an [http.Handler]; serve it and
// point the client's base URL at {server}/v1:
//
//	fake := ippanelfake.New(ippanelfake.Config{APIKey: "k", Patterns: map[string][]string{"pat1": {"code"}}})
//	srv := httptest.NewServer(fake)
//	defer srv.Close()
//	defer fake.Close()
//
// It speaks the real protocol: the raw key in the Authorization header (401 with message
// code "400-1" otherwise), JSON bodies, and the envelope {data, meta: {status, message,
// message_parameters, message_code, errors}} with data null on every failure. POST /api/send
// dispatches on sending_type: webservice, pattern and votp; missing or invalid fields are
// answered 422 with "400-2" and per-field meta.errors (recipients.0, code, params, ...);
// pattern and votp refuse more than one recipient; an unknown pattern code is a 422 on code.
// Success returns message_outbox_ids. GET /api/report/recipients?bulk_id= returns each
// recipient's message_status along a scriptable timeline (0 sent to operator, 1 received by
// operator, 2 delivered, 3 not delivered, 4 blacklisted); GET /api/payment/credit/mine
// returns the credit. Knobs: [Fake.SetFault] (any status and message code such as 429 or
// 500, raw answers such as a 502 page or a 200 with a non-JSON body, slow answers),
// [Fake.SetAPIKey], [Fake.SetCredit] and [Fake.SetTimeline].
package ippanelfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
)

// Config sets up a [Fake]. The zero value is usable.
type Config struct {
	// APIKey is the key the fake accepts in the Authorization header. Default
	// "test-api-key".
	APIKey string
	// Patterns maps approved pattern codes to their placeholder names; a pattern send must
	// give exactly these params.
	Patterns map[string][]string
	// Lines lists the account's line numbers in E.164 form; when set, a send from another
	// from_number is a 422 on from_number.
	Lines []string
	// Credit is the account's starting credit in rials. Default 1,000,000,000.
	Credit int64
	// Cost is the price of one message in rials. Default 1,250.
	Cost int64
	// FirstOutboxID is the id given to the first accepted send. Default 620_000_001.
	FirstOutboxID int64
	// Now is the fake's clock. Default time.Now.
	Now func() time.Time
}

// Fault makes the fake misbehave; see [Fake.SetFault].
type Fault struct {
	// HTTPStatus, when set, answers every request with this status, and nothing takes
	// effect. The body is Body verbatim when Raw is set, else an envelope with meta.status
	// false, MessageCode and Errors.
	HTTPStatus int
	// MessageCode is meta.message_code of the envelope, e.g. "429-1".
	MessageCode string
	// Errors is meta.errors of the envelope.
	Errors map[string][]string
	// Raw answers Body instead of an envelope.
	Raw bool
	// Body is the raw body.
	Body string
	// Delay holds every answer back this long, or until the client goes away or the fake is
	// closed. Without HTTPStatus, the request takes effect before the wait.
	Delay time.Duration
}

// Message is one message the fake accepted: one recipient of one send.
type Message struct {
	// OutboxID is the message_outbox_id of the send the message belongs to.
	OutboxID int64
	// SendingType is "webservice", "pattern" or "votp".
	SendingType string
	// Recipient is the number as the client sent it.
	Recipient string
	// FromNumber is the line the message went out from.
	FromNumber string
	// Text is the webservice message or the votp code.
	Text string
	// PatternCode is the pattern's code.
	PatternCode string
	// Params holds the pattern's placeholder values.
	Params map[string]string
	// SendTime is when the message was accepted, or when it is scheduled.
	SendTime time.Time
	// Cost is what the message cost in rials.
	Cost int64
}

// Fake is an in-process IPPanel Edge API. It is safe for concurrent use.
type Fake struct {
	cfg    Config
	faults outboundtest.Faults[Fault]

	mu       sync.Mutex
	apiKey   string
	credit   int64
	nextID   int64
	messages []Message
	timeline []int
	steps    map[int64]int // outbox id → report answers given
}

// New returns a fake with cfg's defaults filled in.
func New(cfg Config) *Fake {
	if cfg.APIKey == "" {
		cfg.APIKey = "test-api-key"
	}
	if cfg.Credit == 0 {
		cfg.Credit = 1_000_000_000
	}
	if cfg.Cost == 0 {
		cfg.Cost = 1250
	}
	if cfg.FirstOutboxID == 0 {
		cfg.FirstOutboxID = 620_000_001
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Fake{
		cfg:    cfg,
		apiKey: cfg.APIKey,
		credit: cfg.Credit,
		nextID: cfg.FirstOutboxID,
		steps:  map[int64]int{},
	}
}

// SetFault makes every following request misbehave as f says; SetFault(Fault{}) heals the
// fake.
func (f *Fake) SetFault(fault Fault) { f.faults.Set(fault) }

// SetAPIKey changes the key the fake accepts, e.g. to make the client's key invalid.
func (f *Fake) SetAPIKey(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.apiKey = key
}

// SetCredit sets the account's credit in rials; too little makes sends fail with a 422 on
// credit ("400-31").
func (f *Fake) SetCredit(rial int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.credit = rial
}

// SetTimeline scripts delivery: the n-th report of a send gives each recipient
// message_status statuses[n], and the last one from then on (for example 0, 1, 2 or 0, 1,
// 3). Without a timeline every recipient reports 0 (sent to operator).
func (f *Fake) SetTimeline(statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.timeline = slices.Clone(statuses)
}

// Messages returns the messages the fake accepted, in order.
func (f *Fake) Messages() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Message, len(f.messages))
	for i, m := range f.messages {
		m.Params = maps.Clone(m.Params)
		out[i] = m
	}
	return out
}

// Requests returns how many requests reached the fake, answered with success or not.
func (f *Fake) Requests() int { return f.faults.Requests() }

// Close ends every held-back answer at once. Call it before closing the server that serves
// the fake, which otherwise waits for them (outboundtest.Serve does).
func (f *Fake) Close() { f.faults.Close() }

// ServeHTTP answers one API request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault := f.faults.Begin()

	var a answer
	switch {
	case fault.HTTPStatus != 0 && fault.Raw:
		a = answer{status: fault.HTTPStatus, raw: []byte(fault.Body), isRaw: true}
	case fault.HTTPStatus != 0:
		a = failure(fault.HTTPStatus, fault.MessageCode, fault.Errors)
	default:
		a = f.handle(r)
	}
	if fault.Delay > 0 && !f.faults.Hold(r.Context(), fault.Delay) {
		return
	}
	a.write(w)
}

type meta struct {
	Status            bool                `json:"status"`
	Message           string              `json:"message"`
	MessageParameters []string            `json:"message_parameters"`
	MessageCode       string              `json:"message_code"`
	Errors            map[string][]string `json:"errors"`
}

type envelope struct {
	Data any  `json:"data"`
	Meta meta `json:"meta"`
}

type answer struct {
	status int
	raw    []byte
	isRaw  bool
	env    envelope
}

func success(data any) answer {
	return answer{status: http.StatusOK, env: envelope{Data: data, Meta: meta{
		Status: true, Message: "انجام شد", MessageParameters: []string{}, MessageCode: "200-1", Errors: map[string][]string{},
	}}}
}

func failure(status int, code string, errs map[string][]string) answer {
	if errs == nil {
		errs = map[string][]string{}
	}
	if code == "" {
		code = fmt.Sprintf("%d-1", status)
	}
	return answer{status: status, env: envelope{Meta: meta{
		Status: false, Message: failureMessages[code], MessageParameters: []string{}, MessageCode: code, Errors: errs,
	}}}
}

var failureMessages = map[string]string{
	"400-1":  "توکن نامعتبر یا منقضی شده است",
	"400-2":  "اطلاعات ارسالی نامعتبر است",
	"400-31": "اعتبار کافی نیست",
	"404-1":  "یافت نشد",
	"405-1":  "متد مجاز نیست",
}

// invalid is a 422 validation failure on the given fields.
func invalid(fields ...string) answer {
	errs := map[string][]string{}
	for _, field := range fields {
		errs[field] = []string{"مقدار " + field + " نامعتبر است"}
	}
	return failure(http.StatusUnprocessableEntity, "400-2", errs)
}

func (a answer) write(w http.ResponseWriter) {
	if a.isRaw {
		w.WriteHeader(a.status)
		_, _ = w.Write(a.raw)
		return
	}
	outboundtest.WriteJSON(w, a.status, "application/json", a.env)
}

// maxBody caps request bodies.
const maxBody = 1 << 20

func (f *Fake) handle(r *http.Request) answer {
	path := strings.TrimPrefix(r.URL.Path, "/v1")
	route := map[string]string{
		"/api/send":                http.MethodPost,
		"/api/report/recipients":   http.MethodGet,
		"/api/payment/credit/mine": http.MethodGet,
	}
	want, known := route[path]
	if !known {
		return failure(http.StatusNotFound, "404-1", nil)
	}
	f.mu.Lock()
	validKey := r.Header.Get("Authorization") == f.apiKey
	f.mu.Unlock()
	if !validKey {
		return failure(http.StatusUnauthorized, "400-1", nil)
	}
	if r.Method != want {
		return failure(http.StatusMethodNotAllowed, "405-1", nil)
	}
	switch path {
	case "/api/send":
		var req sendRequest
		if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody)).Decode(&req); err != nil {
			return invalid("sending_type")
		}
		return f.send(req)
	case "/api/report/recipients":
		return f.report(r)
	default:
		f.mu.Lock()
		defer f.mu.Unlock()
		return success(map[string]any{"credit": f.credit})
	}
}

// sendRequest is /api/send's body for every sending_type.
type sendRequest struct {
	SendingType string          `json:"sending_type"`
	FromNumber  string          `json:"from_number"`
	Message     string          `json:"message"`
	Code        string          `json:"code"`
	Recipients  []string        `json:"recipients"`
	Params      json.RawMessage `json:"params"`
	SendTime    string          `json:"send_time"`
}

func (f *Fake) send(req sendRequest) answer {
	switch req.SendingType {
	case "webservice":
		return f.sendWebservice(req)
	case "pattern":
		return f.sendPattern(req)
	case "votp":
		return f.sendVOTP(req)
	default:
		return invalid("sending_type")
	}
}

// checkFrom validates from_number.
func (f *Fake) checkFrom(from string) bool {
	if !strings.HasPrefix(from, "+") || len(from) < 4 || !allDigits(from[1:]) {
		return false
	}
	return len(f.cfg.Lines) == 0 || slices.Contains(f.cfg.Lines, from)
}

// recipientParams is the params object of webservice and votp sends.
type recipientParams struct {
	Recipients []string `json:"recipients"`
}

func (f *Fake) sendWebservice(req sendRequest) answer {
	var params recipientParams
	if len(req.Params) == 0 || json.Unmarshal(req.Params, &params) != nil || len(params.Recipients) == 0 {
		return invalid("params.recipients")
	}
	var bad []string
	if !f.checkFrom(req.FromNumber) {
		bad = append(bad, "from_number")
	}
	if strings.TrimSpace(req.Message) == "" {
		bad = append(bad, "message")
	}
	for i, rc := range params.Recipients {
		if !validMobile(rc) {
			bad = append(bad, "params.recipients."+strconv.Itoa(i))
		}
	}
	at := f.cfg.Now()
	if req.SendTime != "" {
		t, err := time.Parse("2006-01-02 15:04:05", req.SendTime)
		if err != nil {
			bad = append(bad, "send_time")
		}
		at = t
	}
	if len(bad) > 0 {
		return invalid(bad...)
	}
	return f.accept(req.SendingType, params.Recipients, Message{FromNumber: req.FromNumber, Text: req.Message, SendTime: at})
}

func (f *Fake) sendPattern(req sendRequest) answer {
	var bad []string
	if !f.checkFrom(req.FromNumber) {
		bad = append(bad, "from_number")
	}
	placeholders, known := f.cfg.Patterns[req.Code]
	if !known {
		bad = append(bad, "code")
	}
	if len(req.Recipients) != 1 {
		bad = append(bad, "recipients")
	} else if !validMobile(req.Recipients[0]) {
		bad = append(bad, "recipients.0")
	}
	var params map[string]string
	if json.Unmarshal(req.Params, &params) != nil {
		bad = append(bad, "params")
	} else if known && !slices.Equal(slices.Sorted(maps.Keys(params)), slices.Sorted(slices.Values(placeholders))) {
		bad = append(bad, "params")
	}
	if len(bad) > 0 {
		return invalid(bad...)
	}
	return f.accept(req.SendingType, req.Recipients, Message{FromNumber: req.FromNumber, PatternCode: req.Code, Params: params, SendTime: f.cfg.Now()})
}

func (f *Fake) sendVOTP(req sendRequest) answer {
	var params recipientParams
	var bad []string
	if !allDigits(req.Message) {
		bad = append(bad, "message")
	}
	if len(req.Params) == 0 || json.Unmarshal(req.Params, &params) != nil || len(params.Recipients) != 1 {
		bad = append(bad, "params.recipients")
	} else if !validMobile(params.Recipients[0]) {
		bad = append(bad, "params.recipients.0")
	}
	if len(bad) > 0 {
		return invalid(bad...)
	}
	return f.accept(req.SendingType, params.Recipients, Message{Text: req.Message, SendTime: f.cfg.Now()})
}

// accept records one send to recipients under a fresh outbox id and charges for it.
func (f *Fake) accept(kind string, recipients []string, m Message) answer {
	f.mu.Lock()
	defer f.mu.Unlock()
	if int64(len(recipients))*f.cfg.Cost > f.credit {
		return failure(http.StatusUnprocessableEntity, "400-31", map[string][]string{"credit": {failureMessages["400-31"]}})
	}
	id := f.nextID
	f.nextID++
	for _, rc := range recipients {
		msg := m
		msg.OutboxID, msg.SendingType, msg.Recipient, msg.Cost = id, kind, rc, f.cfg.Cost
		msg.Params = maps.Clone(m.Params)
		f.credit -= msg.Cost
		f.messages = append(f.messages, msg)
	}
	return success(map[string]any{"message_outbox_ids": []int64{id}})
}

func (f *Fake) report(r *http.Request) answer {
	id, err := strconv.ParseInt(r.URL.Query().Get("bulk_id"), 10, 64)
	if err != nil {
		return invalid("bulk_id")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	status := 0
	if len(f.timeline) > 0 {
		n := f.steps[id]
		f.steps[id] = n + 1
		status = f.timeline[min(n, len(f.timeline)-1)]
	}
	rows := []map[string]any{}
	for _, m := range f.messages {
		if m.OutboxID != id {
			continue
		}
		rows = append(rows, map[string]any{
			"recipient": m.Recipient, "message": m.Text, "is_readable": true, "msg_parts": 1, "message_status": status,
		})
	}
	if len(rows) == 0 {
		return failure(http.StatusNotFound, "404-1", nil)
	}
	return success(rows)
}

// validMobile accepts an Iranian mobile number in E.164 form (+989XXXXXXXXX) or as
// 09XXXXXXXXX.
func validMobile(s string) bool {
	rest, ok := strings.CutPrefix(s, "+98")
	if !ok {
		rest, ok = strings.CutPrefix(s, "0")
	}
	return ok && len(rest) == 10 && rest[0] == '9' && allDigits(rest)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
