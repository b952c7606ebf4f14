// Package kavenegarfake is an in-process Kavenegar REST API (PROVIDERS.md §1) for offline
// tests of the kavenegar adapter and of integration suites. [Fake] is an [http.Handler]:
//
//	fake := kavenegarfake.New(kavenegarfake.Config{APIKey: "k", Templates: map[string]string{"otp": "code %token"}})
//	srv := httptest.NewServer(fake)
//	defer srv.Close()
//	defer fake.Close()
//
// It speaks the real protocol: POST or GET /v1/{key}/{scope}/{method}.json with form-encoded
// (or query) parameters matched case-insensitively and comma-separated lists, the envelope
// {"return": {"status", "message"}, "entries"}, and errors answered with an HTTP status equal
// to return.status and null entries. It implements sms/send (one entry per receptor, 414
// above 200 receptors, 413 empty or too long, 417 bad date, 418 credit, localid
// de-duplication), verify/lookup (424 unknown template, 432 template without %token, 431 bad
// token, 428 voice with a non-digit token), sms/status and sms/statuslocalmessageid (status
// 100 for unknown ids, a scriptable delivery timeline), account/info and utils/getdate.
// Knobs: [Fake.SetFault] (any error code such as 409 or 451, raw HTTP answers such as a 502
// HTML page or a 200 with a non-JSON body, slow answers), [Fake.SetAPIKey], [Fake.SetCredit],
// [Config.TestAccountOwner] (501) and [Fake.SetTimeline].
package kavenegarfake

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
)

// Config sets up a [Fake]. The zero value is usable.
type Config struct {
	// APIKey is the key the fake accepts in the URL path; any other key is answered 403.
	// Default "test-api-key".
	APIKey string
	// Templates maps the names of approved verify/lookup templates to their text, in which
	// %token, %token2, %token3, %token10 and %token20 are replaced. A lookup with another name
	// is answered 424.
	Templates map[string]string
	// Tags lists the tags defined in the panel; sms/send with another tag is answered 607.
	Tags []string
	// Credit is the account's starting credit in rials. Default 1,000,000,000.
	Credit int64
	// Cost is the price of one message in rials. Default 1,170.
	Cost int64
	// TestAccountOwner, when set, makes the account an unverified test account that may only
	// send to this number (any accepted form); other receptors are answered 501.
	TestAccountOwner string
	// LookupLine is the line verify/lookup messages are sent from. Default "2000660110".
	LookupLine string
	// DefaultLine is the line sms/send uses when no sender is given. Default "10008663".
	DefaultLine string
	// FirstMessageID is the id given to the first message. Default 8792343.
	FirstMessageID int64
	// Now is the fake's clock. Default time.Now.
	Now func() time.Time
}

// Fault makes the fake misbehave; see [Fake.SetFault].
type Fault struct {
	// Status, when set, answers every request with this return.status (an error code of
	// PROVIDERS.md §1.5, e.g. 409, 451, 418) and the same HTTP status, with null entries,
	// and nothing takes effect.
	Status int
	// HTTPStatus, when set and Status is not, answers every request with this HTTP status and
	// Body verbatim (a proxy's error page, a body that is not JSON), and nothing takes effect.
	HTTPStatus int
	// Body is the raw body for HTTPStatus.
	Body string
	// Delay holds every answer back this long, or until the client goes away or the fake is
	// closed. Without Status or HTTPStatus, the request takes effect before the wait, as a
	// provider that sends the SMS and answers late.
	Delay time.Duration
}

// Message is one message the fake accepted.
type Message struct {
	// ID is the messageid the fake gave the message.
	ID int64
	// Method is "sms/send" or "verify/lookup".
	Method string
	// Receptor is the number as the client sent it.
	Receptor string
	// Sender is the line the message went out from.
	Sender string
	// Text is the message: sms/send's message, or verify/lookup's rendered template.
	Text string
	// Template is verify/lookup's template name.
	Template string
	// Tokens holds verify/lookup's token parameters by lower-case name (token, token2,
	// token3, token10, token20).
	Tokens map[string]string
	// Type is verify/lookup's delivery type ("sms" or "call") or sms/send's display type.
	Type string
	// LocalID is sms/send's localid for this receptor.
	LocalID string
	// Tag is the panel tag the message was sent with.
	Tag string
	// Date is when the message was accepted, or when it is scheduled.
	Date time.Time
	// Cost is what the message cost in rials.
	Cost int64
	// Status is the message status given on acceptance (1 queued, 2 scheduled, 5 sent to
	// telecom).
	Status int
}

// Fake is an in-process Kavenegar API. It is safe for concurrent use.
type Fake struct {
	cfg    Config
	faults outboundtest.Faults[Fault]

	mu        sync.Mutex
	apiKey    string
	credit    int64
	nextID    int64
	messages  []Message
	byID      map[int64]int  // message id → index in messages
	byLocalID map[string]int // localid → index in messages
	timeline  []int          // delivery statuses sms/status steps through
	steps     map[int64]int  // message id → sms/status calls answered
	templates map[string]string
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
		cfg.Cost = 1170
	}
	if cfg.LookupLine == "" {
		cfg.LookupLine = "2000660110"
	}
	if cfg.DefaultLine == "" {
		cfg.DefaultLine = "10008663"
	}
	if cfg.FirstMessageID == 0 {
		cfg.FirstMessageID = 8792343
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	templates := make(map[string]string, len(cfg.Templates))
	for name, text := range cfg.Templates {
		templates[name] = text
	}
	return &Fake{
		cfg:       cfg,
		apiKey:    cfg.APIKey,
		credit:    cfg.Credit,
		nextID:    cfg.FirstMessageID,
		byID:      map[int64]int{},
		byLocalID: map[string]int{},
		steps:     map[int64]int{},
		templates: templates,
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

// SetCredit sets the account's credit in rials; 0 makes every send fail with 418.
func (f *Fake) SetCredit(rial int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.credit = rial
}

// Credit returns the account's remaining credit in rials.
func (f *Fake) Credit() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.credit
}

// SetTimeline scripts delivery: the n-th sms/status (or statuslocalmessageid) answer for a
// message reports statuses[n], and the last one from then on (for example 1, 5, 10 or 1, 5,
// 11). Without a timeline a message keeps the status it was accepted with.
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
		m.Tokens = maps.Clone(m.Tokens)
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
	case fault.Status != 0:
		a = errorAnswer(fault.Status)
	case fault.HTTPStatus != 0:
		a = answer{httpStatus: fault.HTTPStatus, raw: []byte(fault.Body)}
	default:
		a = f.handle(r)
	}
	if fault.Delay > 0 && !f.faults.Hold(r.Context(), fault.Delay) {
		return
	}
	a.write(w)
}

// answer is a response about to be written.
type answer struct {
	httpStatus int
	raw        []byte // written verbatim when set
	status     int
	entries    any
}

func errorAnswer(status int) answer { return answer{httpStatus: status, status: status} }

func okAnswer(entries any) answer {
	return answer{httpStatus: http.StatusOK, status: http.StatusOK, entries: entries}
}

func (a answer) write(w http.ResponseWriter) {
	if a.raw != nil || a.status == 0 {
		w.WriteHeader(a.httpStatus)
		_, _ = w.Write(a.raw)
		return
	}
	outboundtest.WriteJSON(w, a.httpStatus, "application/json; charset=utf-8", envelope{Return: returnBlock{Status: a.status, Message: statusMessage(a.status)}, Entries: a.entries})
}

type envelope struct {
	Return  returnBlock `json:"return"`
	Entries any         `json:"entries"`
}

type returnBlock struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// entry is one message object of an entries array.
type entry struct {
	MessageID  int64  `json:"messageid"`
	Message    string `json:"message"`
	Status     int    `json:"status"`
	StatusText string `json:"statustext"`
	Sender     string `json:"sender"`
	Receptor   string `json:"receptor"`
	Date       int64  `json:"date"`
	Cost       int64  `json:"cost"`
}

type statusEntry struct {
	MessageID  int64  `json:"messageid"`
	LocalID    string `json:"localid,omitempty"`
	Status     int    `json:"status"`
	StatusText string `json:"statustext"`
}

// maxBody caps request bodies, as any real server does.
const maxBody = 1 << 20

// handle routes a request that no fault intercepted.
func (f *Fake) handle(r *http.Request) answer {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return errorAnswer(405)
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(parts) != 4 || parts[0] != "v1" || !strings.HasSuffix(parts[3], ".json") {
		return errorAnswer(404)
	}
	key, scope, method := parts[1], strings.ToLower(parts[2]), strings.ToLower(strings.TrimSuffix(parts[3], ".json"))
	route := scope + "/" + method
	f.mu.Lock()
	validKey := key == f.apiKey
	f.mu.Unlock()
	if !validKey && (route != "utils/getdate" || key != "0") {
		return errorAnswer(403)
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		return errorAnswer(400)
	}
	p := params{}
	for name, values := range r.Form {
		if len(values) > 0 {
			p[strings.ToLower(name)] = values[0]
		}
	}
	switch route {
	case "sms/send":
		return f.send(p)
	case "verify/lookup":
		return f.lookup(p)
	case "sms/status":
		return f.status(p)
	case "sms/statuslocalmessageid":
		return f.statusLocal(p)
	case "account/info":
		return f.accountInfo()
	case "utils/getdate":
		now := f.cfg.Now()
		return okAnswer(map[string]any{"datetime": now.Unix()})
	default:
		return errorAnswer(404)
	}
}

// params holds a request's parameters by lower-case name.
type params map[string]string

// list splits a comma-separated parameter, dropping empty items.
func (p params) list(name string) []string {
	var out []string
	for item := range strings.SplitSeq(p[name], ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// Limits of the API.
const (
	maxReceptors   = 200
	maxStatusIDs   = 500
	maxMessageLen  = 1800
	maxTokenLen    = 100
	lookupStatus   = 5
	sendStatus     = 1
	scheduled      = 2
	unknownMessage = 100
)

func (f *Fake) send(p params) answer {
	receptors := p.list("receptor")
	if len(receptors) == 0 {
		return errorAnswer(406)
	}
	if len(receptors) > maxReceptors {
		return errorAnswer(414)
	}
	text := p["message"]
	if strings.TrimSpace(text) == "" || len([]rune(text)) > maxMessageLen {
		return errorAnswer(413)
	}
	for _, rc := range receptors {
		if _, ok := nationalNumber(rc); !ok {
			return errorAnswer(411)
		}
	}
	now := f.cfg.Now()
	date, status := now, sendStatus
	if d, ok := p["date"]; ok && d != "" {
		unix, err := strconv.ParseInt(d, 10, 64)
		if err != nil || !time.Unix(unix, 0).After(now) {
			return errorAnswer(417)
		}
		date, status = time.Unix(unix, 0), scheduled
	}
	localIDs := p.list("localid")
	if len(localIDs) != 0 && len(localIDs) != len(receptors) {
		return errorAnswer(400)
	}
	tag := p["tag"]
	if tag != "" && !slices.Contains(f.cfg.Tags, tag) {
		return errorAnswer(607)
	}
	if ans, ok := f.testAccountRefusal(receptors); !ok {
		return ans
	}
	sender := p["sender"]
	if sender == "" {
		sender = f.cfg.DefaultLine
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	var fresh int64
	for i := range receptors {
		if len(localIDs) == 0 {
			fresh++
		} else if _, seen := f.byLocalID[localIDs[i]]; !seen {
			fresh++
		}
	}
	if fresh*f.cfg.Cost > f.credit {
		return errorAnswer(418)
	}
	entries := make([]entry, 0, len(receptors))
	for i, rc := range receptors {
		localID := ""
		if len(localIDs) != 0 {
			localID = localIDs[i]
			if idx, seen := f.byLocalID[localID]; seen {
				entries = append(entries, entryOf(f.messages[idx]))
				continue
			}
		}
		m := f.store(Message{
			Method: "sms/send", Receptor: rc, Sender: sender, Text: text, Type: p["type"],
			LocalID: localID, Tag: tag, Date: date, Status: status,
		})
		entries = append(entries, entryOf(m))
	}
	return okAnswer(entries)
}

func (f *Fake) lookup(p params) answer {
	receptor, name, token := p["receptor"], p["template"], p["token"]
	if receptor == "" || name == "" || token == "" {
		return errorAnswer(406)
	}
	if _, ok := nationalNumber(receptor); !ok {
		return errorAnswer(411)
	}
	f.mu.Lock()
	text, ok := f.templates[name]
	f.mu.Unlock()
	if !ok {
		return errorAnswer(424)
	}
	if !strings.Contains(text, "%token") {
		return errorAnswer(432)
	}
	tokens := map[string]string{}
	for _, tk := range []struct {
		name      string
		maxSpaces int
	}{{"token", 0}, {"token2", 0}, {"token3", 0}, {"token10", 5}, {"token20", 8}} {
		v, given := p[tk.name]
		if !given {
			continue
		}
		if !validToken(v, tk.maxSpaces) {
			return errorAnswer(431)
		}
		tokens[tk.name] = v
	}
	kind := p["type"]
	switch kind {
	case "", "sms":
		kind = "sms"
	case "call":
		if !allDigits(token) {
			return errorAnswer(428)
		}
	default:
		return errorAnswer(400)
	}
	if ans, ok := f.testAccountRefusal([]string{receptor}); !ok {
		return ans
	}
	rendered := text
	for _, name := range []string{"token20", "token10", "token3", "token2", "token"} {
		rendered = strings.ReplaceAll(rendered, "%"+name, tokens[name])
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cfg.Cost > f.credit {
		return errorAnswer(418)
	}
	m := f.store(Message{
		Method: "verify/lookup", Receptor: receptor, Sender: f.cfg.LookupLine, Text: rendered,
		Template: name, Tokens: tokens, Type: kind, Tag: p["tag"], Date: f.cfg.Now(), Status: lookupStatus,
	})
	return okAnswer([]entry{entryOf(m)})
}

// store records m with a fresh id and charges for it; f.mu is held.
func (f *Fake) store(m Message) Message {
	m.ID = f.nextID
	f.nextID++
	m.Cost = f.cfg.Cost
	f.credit -= m.Cost
	f.messages = append(f.messages, m)
	f.byID[m.ID] = len(f.messages) - 1
	if m.LocalID != "" {
		f.byLocalID[m.LocalID] = len(f.messages) - 1
	}
	return m
}

// testAccountRefusal answers 501 when a test account sends to anyone but its owner.
func (f *Fake) testAccountRefusal(receptors []string) (answer, bool) {
	if f.cfg.TestAccountOwner == "" {
		return answer{}, true
	}
	owner, _ := nationalNumber(f.cfg.TestAccountOwner)
	for _, rc := range receptors {
		if n, _ := nationalNumber(rc); n != owner {
			return errorAnswer(501), false
		}
	}
	return answer{}, true
}

func (f *Fake) status(p params) answer {
	ids := p.list("messageid")
	if len(ids) == 0 {
		return errorAnswer(406)
	}
	if len(ids) > maxStatusIDs {
		return errorAnswer(414)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	entries := make([]statusEntry, 0, len(ids))
	for _, raw := range ids {
		id, err := strconv.ParseInt(raw, 10, 64)
		idx, known := f.byID[id]
		if err != nil || !known {
			entries = append(entries, statusEntry{MessageID: id, Status: unknownMessage, StatusText: statusText(unknownMessage)})
			continue
		}
		st := f.step(f.messages[idx])
		entries = append(entries, statusEntry{MessageID: id, Status: st, StatusText: statusText(st)})
	}
	return okAnswer(entries)
}

func (f *Fake) statusLocal(p params) answer {
	ids := p.list("localid")
	if len(ids) == 0 {
		return errorAnswer(406)
	}
	if len(ids) > maxStatusIDs {
		return errorAnswer(414)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	entries := make([]statusEntry, 0, len(ids))
	for _, localID := range ids {
		idx, known := f.byLocalID[localID]
		if !known {
			entries = append(entries, statusEntry{LocalID: localID, Status: unknownMessage, StatusText: statusText(unknownMessage)})
			continue
		}
		m := f.messages[idx]
		st := f.step(m)
		entries = append(entries, statusEntry{MessageID: m.ID, LocalID: localID, Status: st, StatusText: statusText(st)})
	}
	return okAnswer(entries)
}

// step returns m's status for one more status query and advances its timeline; f.mu is
// held.
func (f *Fake) step(m Message) int {
	if len(f.timeline) == 0 {
		return m.Status
	}
	n := f.steps[m.ID]
	f.steps[m.ID] = n + 1
	return f.timeline[min(n, len(f.timeline)-1)]
}

func (f *Fake) accountInfo() answer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return okAnswer(map[string]any{
		"remaincredit": f.credit,
		"expiredate":   f.cfg.Now().AddDate(1, 0, 0).Unix(),
		"type":         "master",
	})
}

func entryOf(m Message) entry {
	return entry{
		MessageID: m.ID, Message: m.Text, Status: m.Status, StatusText: statusText(m.Status),
		Sender: m.Sender, Receptor: m.Receptor, Date: m.Date.Unix(), Cost: m.Cost,
	}
}

// nationalNumber returns the ten national digits (9XXXXXXXXX) of an Iranian mobile number in
// one of the forms Kavenegar accepts: 09XXXXXXXXX, 9XXXXXXXXX, +989XXXXXXXXX,
// 00989XXXXXXXXX.
func nationalNumber(s string) (string, bool) {
	for _, prefix := range []string{"+98", "0098", "0"} {
		if rest, ok := strings.CutPrefix(s, prefix); ok && len(rest) == 10 {
			s = rest
			break
		}
	}
	if len(s) != 10 || s[0] != '9' || !allDigits(s) {
		return "", false
	}
	return s, true
}

// validToken reports whether a lookup token is acceptable: at most maxTokenLen characters,
// no newline, underscore or comma, and at most maxSpaces spaces.
func validToken(v string, maxSpaces int) bool {
	if v == "" || len([]rune(v)) > maxTokenLen {
		return false
	}
	spaces := 0
	for _, r := range v {
		switch {
		case r == ' ':
			spaces++
		case r == '_' || r == ',' || unicode.IsSpace(r) || unicode.IsControl(r):
			return false
		}
	}
	return spaces <= maxSpaces
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

// statusMessage is return.message for a return.status, in the provider's language.
func statusMessage(status int) string {
	if msg, ok := returnMessages[status]; ok {
		return msg
	}
	return "خطای ناشناخته"
}

var returnMessages = map[int]string{
	200: "تایید شد",
	400: "پارامترها ناقص هستند",
	401: "حساب کاربری غیرفعال شده است",
	402: "عملیات ناموفق بود",
	403: "کد شناسائی API-Key معتبر نمی\u200cباشد",
	404: "متودی با این نام پیدا نشده است",
	405: "متد Get/Post اشتباه است",
	406: "پارامترهای اجباری خالی ارسال شده اند",
	407: "دسترسی به اطلاعات مورد نظر برای شما امکان پذیر نیست",
	409: "سرور قادر به پاسخگوئی نیست بعدا تلاش کنید",
	411: "دریافت کننده نامعتبر است",
	412: "ارسال کننده نامعتبر است",
	413: "پیام خالی است و یا طول پیام بیش از حد مجاز می\u200cباشد",
	414: "حجم درخواست بیشتر از حد مجاز است",
	417: "تاریخ معتبر نمی\u200cباشد",
	418: "اعتبار حساب شما کافی نیست",
	424: "الگوی مورد نظر پیدا نشد",
	428: "ارسال کد از طریق تماس تلفنی امکان پذیر نیست",
	431: "ساختار کد صحیح نمی\u200cباشد",
	432: "پارامتر کد در متن پیام پیدا نشد",
	451: "فراخوانی بیش از حد در بازه زمانی مشخص",
	501: "فقط امکان ارسال پیام تست به شماره صاحب حساب کاربری وجود دارد",
	607: "نام تگ انتخابی اشتباه است",
}

// statusText is statustext for a message status.
func statusText(status int) string {
	switch status {
	case 1:
		return "در صف ارسال"
	case 2:
		return "زمان بندی شده"
	case 4, 5:
		return "ارسال به مخابرات"
	case 6:
		return "خطا در ارسال پیام"
	case 10:
		return "رسیده به گیرنده"
	case 11:
		return "نرسیده به گیرنده"
	case 13:
		return "لغو شده"
	case 14:
		return "بلاک شده"
	default:
		return "شناسه پیامک نامعتبر است"
	}
}
