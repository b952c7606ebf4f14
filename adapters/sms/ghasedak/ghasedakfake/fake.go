// Package ghasedakfake is an in-process Ghasedak gateway web service (PROVIDERS.md §2, the
// current API) for offline tests of the ghasedak adapter and of integration suites. [Fake] is
// an [http.Handler]; serve it and point the client's base URL at
// {server}/rest/api/v1/WebService (paths are matched case-insensitively):
//
//	fake := ghasedakfake.New(ghasedakfake.Config{APIKey: "k", Templates: map[string][]string{"otp": {"Code"}}})
//	srv := httptest.NewServer(fake)
//	defer srv.Close()
//	defer fake.Close()
//
// It speaks the real protocol: the ApiKey header, JSON bodies in, the camelCase envelope
// {isSuccess, statusCode, message, data} out with data null on every failure. It implements
// SendSingleSMS, SendOtpSMS (unknown template, inputs that do not match the template's
// parameters, one item per receptor with a fresh messageId and the clientReferenceId echoed),
// CheckSmsStatus (by messageId with Type=1 or clientReferenceId with Type=2, Ids comma-joined
// or repeated, a scriptable status timeline) and GetAccountInformation.
//
// Ghasedak's statusCode table is not published (PROVIDERS.md §9); the fake uses an HTTP-like
// convention, which the adapter assumes too: 400 invalid request content (receptor, message,
// body), 401 missing or invalid key, 402 insufficient credit, 403 line not on the account,
// 404 unknown template or method, 405 wrong HTTP method, 422 template inputs mismatch. By
// default failures come with HTTP 200, as the SDKs expect; [Config.ErrorsWithHTTPStatus]
// makes the HTTP status follow statusCode. Knobs: [Fake.SetFault] (any statusCode such as 429,
// raw answers such as a 502 page or a 200 with a non-JSON body, slow answers),
// [Fake.SetAPIKey], [Fake.SetCredit] and [Fake.SetTimeline].
package ghasedakfake

import (
	"encoding/json"
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
	// APIKey is the key the fake accepts in the ApiKey header. Default "test-api-key".
	APIKey string
	// Templates maps OTP template names to their parameter names; SendOtpSMS must give
	// exactly these inputs.
	Templates map[string][]string
	// Lines lists the account's line numbers; when set, SendSingleSMS from another line (other
	// than "fastest", "cheapest" and "priority") is refused with 403.
	Lines []string
	// Credit is the account's starting credit in rials. Default 1,000,000,000.
	Credit int64
	// Cost is the price of one message in rials. Default 1,100.
	Cost int64
	// ErrorsWithHTTPStatus answers failures with an HTTP status equal to statusCode instead of
	// HTTP 200.
	ErrorsWithHTTPStatus bool
	// FirstMessageID is the id given to the first message. Default 4_000_000_001.
	FirstMessageID int64
	// Now is the fake's clock. Default time.Now.
	Now func() time.Time
}

// Fault makes the fake misbehave; see [Fake.SetFault].
type Fault struct {
	// StatusCode, when set, answers every request with isSuccess false, this statusCode and
	// Message, and data null (with HTTPStatus if set, else as [Config.ErrorsWithHTTPStatus]
	// says); nothing takes effect.
	StatusCode int
	// Message is the envelope message for StatusCode.
	Message string
	// HTTPStatus, when set and StatusCode is not, answers every request with this HTTP status
	// and Body verbatim; nothing takes effect.
	HTTPStatus int
	// Body is the raw body for HTTPStatus.
	Body string
	// Delay holds every answer back this long, or until the client goes away or the fake is
	// closed. Without StatusCode or HTTPStatus, the request takes effect before the wait.
	Delay time.Duration
}

// Message is one message the fake accepted.
type Message struct {
	// MessageID is the messageId the fake gave the message.
	MessageID string
	// Method is "SendSingleSMS" or "SendOtpSMS".
	Method string
	// Receptor is the number as the client sent it.
	Receptor string
	// LineNumber is SendSingleSMS's line.
	LineNumber string
	// Text is SendSingleSMS's message.
	Text string
	// Template is SendOtpSMS's templateName.
	Template string
	// Inputs holds SendOtpSMS's inputs by param name.
	Inputs map[string]string
	// IsVoice is SendOtpSMS's isVoice.
	IsVoice bool
	// ClientReferenceID is the client's reference for the message.
	ClientReferenceID string
	// SendDate is when the message was accepted, or when it is scheduled.
	SendDate time.Time
	// Cost is what the message cost in rials.
	Cost int64
}

// Fake is an in-process Ghasedak web service. It is safe for concurrent use.
type Fake struct {
	cfg    Config
	faults outboundtest.Faults[Fault]

	mu       sync.Mutex
	apiKey   string
	credit   int64
	nextID   int64
	messages []Message
	timeline []int
	steps    map[string]int // message id → status answers given
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
		cfg.Cost = 1100
	}
	if cfg.FirstMessageID == 0 {
		cfg.FirstMessageID = 4_000_000_001
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Fake{
		cfg:    cfg,
		apiKey: cfg.APIKey,
		credit: cfg.Credit,
		nextID: cfg.FirstMessageID,
		steps:  map[string]int{},
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

// SetCredit sets the account's credit in rials; 0 makes every send fail with 402.
func (f *Fake) SetCredit(rial int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.credit = rial
}

// SetTimeline scripts delivery: the n-th CheckSmsStatus answer for a message reports
// statuses[n], and the last one from then on (for example 2, 10, 14 or 2, 10, 13). Without a
// timeline every message reports 2 (to be sent).
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
		m.Inputs = maps.Clone(m.Inputs)
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
	case fault.StatusCode != 0:
		a = f.failure(fault.StatusCode, fault.Message)
		if fault.HTTPStatus != 0 {
			a.httpStatus = fault.HTTPStatus
		}
	case fault.HTTPStatus != 0:
		a = answer{httpStatus: fault.HTTPStatus, raw: []byte(fault.Body), isRaw: true}
	default:
		a = f.handle(r)
	}
	if fault.Delay > 0 && !f.faults.Hold(r.Context(), fault.Delay) {
		return
	}
	a.write(w)
}

// envelope is every answer.
type envelope struct {
	IsSuccess  bool   `json:"isSuccess"`
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
	Data       any    `json:"data"`
}

type answer struct {
	httpStatus int
	raw        []byte
	isRaw      bool
	env        envelope
}

// successMessage is the envelope message of every success.
const successMessage = "با موفقیت انجام شد"

func success(data any) answer {
	return answer{httpStatus: http.StatusOK, env: envelope{IsSuccess: true, StatusCode: 200, Message: successMessage, Data: data}}
}

func (f *Fake) failure(statusCode int, message string) answer {
	if message == "" {
		message = failureMessages[statusCode]
	}
	httpStatus := http.StatusOK
	if f.cfg.ErrorsWithHTTPStatus && statusCode >= 100 && statusCode <= 599 {
		httpStatus = statusCode
	}
	return answer{httpStatus: httpStatus, env: envelope{StatusCode: statusCode, Message: message}}
}

var failureMessages = map[int]string{
	400: "اطلاعات ارسالی نامعتبر است",
	401: "کلید وب سرویس نامعتبر است",
	402: "اعتبار حساب کافی نیست",
	403: "خط ارسال متعلق به حساب نیست",
	404: "یافت نشد",
	405: "متد درخواست مجاز نیست",
	422: "پارامترهای قالب با ورودی ها مطابقت ندارد",
	429: "تعداد درخواست ها بیش از حد مجاز است",
	500: "خطای داخلی سرور",
}

func (a answer) write(w http.ResponseWriter) {
	if a.isRaw {
		w.WriteHeader(a.httpStatus)
		_, _ = w.Write(a.raw)
		return
	}
	outboundtest.WriteJSON(w, a.httpStatus, "application/json; charset=utf-8", a.env)
}

// basePath is the web service root, matched case-insensitively.
const basePath = "/rest/api/v1/webservice/"

// maxBody caps request bodies.
const maxBody = 1 << 20

func (f *Fake) handle(r *http.Request) answer {
	method, ok := strings.CutPrefix(strings.ToLower(r.URL.Path), basePath)
	if !ok {
		return f.failure(404, "")
	}
	f.mu.Lock()
	validKey := r.Header.Get("ApiKey") == f.apiKey
	f.mu.Unlock()
	if !validKey {
		return f.failure(401, "")
	}
	wantMethod := map[string]string{
		"sendsinglesms": http.MethodPost, "sendotpsms": http.MethodPost,
		"checksmsstatus": http.MethodGet, "getaccountinformation": http.MethodGet,
	}[method]
	if wantMethod == "" {
		return f.failure(404, "")
	}
	if r.Method != wantMethod {
		return f.failure(405, "")
	}
	switch method {
	case "sendsinglesms":
		var body singleRequest
		if !decode(r, &body) {
			return f.failure(400, "")
		}
		return f.sendSingle(body)
	case "sendotpsms":
		var body otpRequest
		if !decode(r, &body) {
			return f.failure(400, "")
		}
		return f.sendOTP(body)
	case "checksmsstatus":
		return f.checkStatus(r)
	default:
		return f.accountInfo()
	}
}

func decode(r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody))
	return dec.Decode(v) == nil
}

type singleRequest struct {
	SendDate          string `json:"sendDate"`
	LineNumber        string `json:"lineNumber"`
	Receptor          string `json:"receptor"`
	Message           string `json:"message"`
	ClientReferenceID string `json:"clientReferenceId"`
	UDH               bool   `json:"udh"`
}

type otpRequest struct {
	SendDate  string `json:"sendDate"`
	Receptors []struct {
		Mobile            string `json:"mobile"`
		ClientReferenceID string `json:"clientReferenceId"`
	} `json:"receptors"`
	TemplateName string `json:"templateName"`
	Inputs       []struct {
		Param string `json:"param"`
		Value string `json:"value"`
	} `json:"inputs"`
	UDH     bool `json:"udh"`
	IsVoice bool `json:"isVoice"`
}

// sendTime reads an optional ISO-8601 sendDate; ok is false when it is malformed.
func (f *Fake) sendTime(raw string) (time.Time, bool) {
	if raw == "" {
		return f.cfg.Now(), true
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, raw); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (f *Fake) sendSingle(body singleRequest) answer {
	if body.LineNumber == "" || strings.TrimSpace(body.Message) == "" || !validMobile(body.Receptor) {
		return f.failure(400, "")
	}
	if len(f.cfg.Lines) > 0 && !slices.Contains(f.cfg.Lines, body.LineNumber) &&
		!slices.Contains([]string{"fastest", "cheapest", "priority"}, strings.ToLower(body.LineNumber)) {
		return f.failure(403, "")
	}
	at, ok := f.sendTime(body.SendDate)
	if !ok {
		return f.failure(400, "")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cfg.Cost > f.credit {
		return f.failure(402, "")
	}
	m := f.store(Message{
		Method: "SendSingleSMS", Receptor: body.Receptor, LineNumber: body.LineNumber, Text: body.Message,
		ClientReferenceID: body.ClientReferenceID, SendDate: at,
	})
	return success(map[string]any{
		"lineNumber": m.LineNumber, "receptor": m.Receptor, "messageId": m.MessageID, "cost": m.Cost,
		"clientReferenceId": m.ClientReferenceID, "sendDate": m.SendDate.Format("2006-01-02T15:04:05"), "message": m.Text,
	})
}

func (f *Fake) sendOTP(body otpRequest) answer {
	params, known := f.cfg.Templates[body.TemplateName]
	if body.TemplateName == "" || len(body.Receptors) == 0 {
		return f.failure(400, "")
	}
	if !known {
		return f.failure(404, "قالب یافت نشد")
	}
	inputs := map[string]string{}
	for _, in := range body.Inputs {
		inputs[in.Param] = in.Value
	}
	given := make([]string, 0, len(inputs))
	for p := range inputs {
		given = append(given, p)
	}
	want := slices.Clone(params)
	slices.Sort(given)
	slices.Sort(want)
	if len(given) != len(body.Inputs) || !slices.Equal(given, want) {
		return f.failure(422, "")
	}
	for _, rc := range body.Receptors {
		if !validMobile(rc.Mobile) {
			return f.failure(400, "")
		}
	}
	at, ok := f.sendTime(body.SendDate)
	if !ok {
		return f.failure(400, "")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if int64(len(body.Receptors))*f.cfg.Cost > f.credit {
		return f.failure(402, "")
	}
	items := make([]map[string]any, 0, len(body.Receptors))
	var total int64
	for _, rc := range body.Receptors {
		m := f.store(Message{
			Method: "SendOtpSMS", Receptor: rc.Mobile, Template: body.TemplateName, Inputs: inputs,
			IsVoice: body.IsVoice, ClientReferenceID: rc.ClientReferenceID, SendDate: at,
		})
		total += m.Cost
		items = append(items, map[string]any{
			"receptor": m.Receptor, "cost": m.Cost, "messageId": m.MessageID,
			"clientReferenceId": m.ClientReferenceID, "sendDate": m.SendDate.Format("2006-01-02T15:04:05"),
		})
	}
	return success(map[string]any{"items": items, "totalCost": total})
}

// store records m with a fresh id and charges for it; f.mu is held.
func (f *Fake) store(m Message) Message {
	m.MessageID = strconv.FormatInt(f.nextID, 10)
	f.nextID++
	m.Cost = f.cfg.Cost
	f.credit -= m.Cost
	f.messages = append(f.messages, m)
	return m
}

// Delivery statuses of CheckSmsStatus, from the official Python SDK's enum.
const statusToBeSent = 2

func (f *Fake) checkStatus(r *http.Request) answer {
	q := r.URL.Query()
	var ids []string
	for _, v := range q["Ids"] {
		for id := range strings.SplitSeq(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	byRef := q.Get("Type") == "2"
	if len(ids) == 0 || (q.Get("Type") != "1" && !byRef) {
		return f.failure(400, "")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	data := []map[string]any{}
	for _, id := range ids {
		for _, m := range f.messages {
			if (byRef && m.ClientReferenceID != id) || (!byRef && m.MessageID != id) {
				continue
			}
			status := statusToBeSent
			if len(f.timeline) > 0 {
				n := f.steps[m.MessageID]
				f.steps[m.MessageID] = n + 1
				status = f.timeline[min(n, len(f.timeline)-1)]
			}
			data = append(data, map[string]any{
				"messageId": m.MessageID, "clientReferenceId": m.ClientReferenceID, "message": m.Text,
				"lineNumber": m.LineNumber, "receptor": m.Receptor, "status": status, "price": m.Cost,
				"sendDate": m.SendDate.Format("2006-01-02T15:04:05"),
			})
		}
	}
	return success(data)
}

func (f *Fake) accountInfo() answer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return success(map[string]any{
		"credit": f.credit, "expireDate": f.cfg.Now().AddDate(1, 0, 0).Format("2006-01-02T15:04:05"), "plan": "basic",
	})
}

// validMobile accepts an Iranian mobile number as 09XXXXXXXXX, 9XXXXXXXXX, +989XXXXXXXXX or
// 989XXXXXXXXX.
func validMobile(s string) bool {
	for _, prefix := range []string{"+98", "98", "0"} {
		if rest, ok := strings.CutPrefix(s, prefix); ok && len(rest) == 10 {
			s = rest
			break
		}
	}
	if len(s) != 10 || s[0] != '9' {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
