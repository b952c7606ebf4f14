// Package httpjsonfake is an in-process gold price API for offline tests of the httpjson
// adapter and of integration suites. [Fake] is an [http.Handler] that answers GET on its
// path with the price it was given, in a JSON shape set by [Config]:
//
//	fake := httpjsonfake.New(httpjsonfake.Config{BuyPath: "data.gold18.buy", SellPath: "data.gold18.sell", TimestampPath: "data.ts"})
//	srv := httptest.NewServer(fake)
//	defer srv.Close()
//	defer fake.Close()
//	fake.SetPrice(71_250_000, 72_100_000, at) // {"data":{"gold18":{"buy":71250000,"sell":72100000,"ts":1774083600}}}
//
// The shape covers what real feeds do: nested objects and arrays (numeric path segments
// are array indexes), a single mid price, toman instead of rials, numbers as JSON numbers,
// plain strings or Persian strings with Persian thousands separators, and Unix or RFC 3339
// timestamps. The fake serves whatever price it was given, absurd ones included (zero,
// negative, sell below buy, 10^15), so that a client's sanity checks can be tested. Knobs:
// [Fake.SetFault] for server errors, hangs, garbage bodies, missing fields and dropped
// connections, a required auth header ([Config.HeaderName]), and [Fake.Requests].
package httpjsonfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/talabin/talabin/adapters/internal/outbound/outboundtest"
)

// Numbers is how the fake writes prices.
type Numbers int

// The ways to write a price.
const (
	// JSONNumbers writes JSON numbers: 71250000, or 7125000.5 in toman.
	JSONNumbers Numbers = iota
	// PlainStrings writes ASCII digits in a string: "71250000".
	PlainStrings
	// PersianStrings writes Persian digits grouped by the Arabic thousands separator
	// (U+066C), with the Arabic decimal separator (U+066B): "۷۱٬۲۵۰٬۰۰۰".
	PersianStrings
)

// Timestamps is how the fake writes the observation time.
type Timestamps int

// The ways to write a time.
const (
	// UnixSeconds writes a JSON number of seconds since the Unix epoch.
	UnixSeconds Timestamps = iota
	// RFC3339 writes an RFC 3339 string with the +03:30 (Tehran) offset.
	RFC3339
)

// Config sets up a [Fake]. The zero value serves {"buy": …, "sell": …} in rials at "/".
type Config struct {
	// Path is the URL path the fake answers; others are answered 404. Default "/".
	Path string
	// BuyPath and SellPath place the two sides in the document, as dot-separated keys and
	// array indexes. Default "buy" and "sell", unless MidPath is set.
	BuyPath  string
	SellPath string
	// MidPath, when set, places the exact mid price (buy + sell) / 2 there instead of the
	// two sides, with a decimal when needed.
	MidPath string
	// TimestampPath, when set, places the observation time there.
	TimestampPath string
	// Timestamps is how the time is written.
	Timestamps Timestamps
	// Toman, when set, writes prices in toman (rials / 10, with one decimal when needed).
	Toman bool
	// Numbers is how prices are written.
	Numbers Numbers
	// HeaderName and HeaderValue, when set, are required on every request; a request
	// without them is answered 401.
	HeaderName  string
	HeaderValue string
}

// Fault makes the fake misbehave; see [Fake.SetFault].
type Fault struct {
	// HTTPStatus, when set, answers with this status and Body verbatim (a proxy's error
	// page, a body that is not JSON).
	HTTPStatus int
	// Body is the raw body for HTTPStatus.
	Body string
	// MissingField answers 200 with the document but without the price fields.
	MissingField bool
	// Drop closes the connection without answering.
	Drop bool
	// Delay holds every answer back this long, or until the client goes away or the fake
	// is closed: a hang, when longer than the client's timeout.
	Delay time.Duration
	// Times, when positive, limits the fault to that many requests; the fake then heals.
	Times int
}

// Fake is an in-process gold price API. It is safe for concurrent use.
type Fake struct {
	cfg    Config
	faults outboundtest.Faults[Fault]

	mu        sync.Mutex
	priced    bool
	buy, sell int64
	at        time.Time
	faultLeft int // requests left for a Fault with Times; 0 means no limit
}

// New returns a fake with cfg's defaults filled in. It offers no price until
// [Fake.SetPrice]; until then every request is answered 503.
func New(cfg Config) *Fake {
	if cfg.Path == "" {
		cfg.Path = "/"
	}
	if cfg.MidPath == "" {
		if cfg.BuyPath == "" {
			cfg.BuyPath = "buy"
		}
		if cfg.SellPath == "" {
			cfg.SellPath = "sell"
		}
	}
	return &Fake{cfg: cfg}
}

// SetPrice makes the fake offer buy and sell, in rials per gram, observed at at. Nothing is
// checked: absurd prices are served as given.
func (f *Fake) SetPrice(buy, sell int64, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.priced, f.buy, f.sell, f.at = true, buy, sell, at
}

// SetFault makes the following requests misbehave as fault says; SetFault(Fault{}) heals
// the fake.
func (f *Fake) SetFault(fault Fault) {
	f.mu.Lock()
	f.faultLeft = fault.Times
	f.mu.Unlock()
	f.faults.Set(fault)
}

// Requests returns how many requests reached the fake, answered or not.
func (f *Fake) Requests() int { return f.faults.Requests() }

// Close ends every held-back answer at once. Call it before closing the server that serves
// the fake, which otherwise waits for them (outboundtest.Serve does).
func (f *Fake) Close() { f.faults.Close() }

// ServeHTTP answers one request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault := f.faults.Begin()
	f.countDown(fault)
	if fault.Drop {
		drop(w)
		return
	}
	status, contentType, body := f.answer(r, fault)
	if fault.Delay > 0 && !f.faults.Hold(r.Context(), fault.Delay) {
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// countDown heals the fake once a limited fault has been shown its number of times.
func (f *Fake) countDown(fault Fault) {
	if fault.Times <= 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.faultLeft--; f.faultLeft == 0 {
		f.faults.Set(Fault{})
	}
}

// drop closes the connection under w without an answer; where the connection cannot be
// taken over (HTTP/2), it aborts the answer as net/http documents.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	_ = conn.Close()
}

const jsonType = "application/json; charset=utf-8"

// answer builds the status, content type and body for r.
func (f *Fake) answer(r *http.Request, fault Fault) (int, string, []byte) {
	switch {
	case fault.HTTPStatus != 0:
		return fault.HTTPStatus, "text/html; charset=utf-8", []byte(fault.Body)
	case r.URL.Path != f.cfg.Path:
		return errorAnswer(http.StatusNotFound, "not found")
	case r.Method != http.MethodGet:
		return errorAnswer(http.StatusMethodNotAllowed, "method not allowed")
	case f.cfg.HeaderName != "" && r.Header.Get(f.cfg.HeaderName) != f.cfg.HeaderValue:
		return errorAnswer(http.StatusUnauthorized, "invalid api key")
	}
	f.mu.Lock()
	priced, buy, sell, at := f.priced, f.buy, f.sell, f.at
	f.mu.Unlock()
	if !priced {
		return errorAnswer(http.StatusServiceUnavailable, "no price yet")
	}
	doc := any(map[string]any{})
	if !fault.MissingField {
		if f.cfg.MidPath != "" {
			doc = setPath(doc, f.cfg.MidPath, f.number(buy+sell, 2))
		} else {
			doc = setPath(doc, f.cfg.BuyPath, f.number(buy, 1))
			doc = setPath(doc, f.cfg.SellPath, f.number(sell, 1))
		}
	}
	if f.cfg.TimestampPath != "" {
		doc = setPath(doc, f.cfg.TimestampPath, f.timestamp(at))
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return errorAnswer(http.StatusInternalServerError, err.Error())
	}
	return http.StatusOK, jsonType, body
}

func errorAnswer(status int, message string) (int, string, []byte) {
	body, _ := json.Marshal(map[string]any{"error": message, "status": status})
	return status, jsonType, body
}

// number writes rials/div in the configured unit and style.
func (f *Fake) number(rials, div int64) any {
	if f.cfg.Toman {
		div *= 10
	}
	text := decimal(rials, div)
	switch f.cfg.Numbers {
	case PlainStrings:
		return text
	case PersianStrings:
		return persian(text)
	default:
		return json.Number(text)
	}
}

// decimal writes n / div exactly, for div 1, 2, 10 or 20 (every such quotient ends after at
// most two decimals).
func decimal(n, div int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	whole, rem := n/div, n%div
	text := strconv.FormatInt(whole, 10)
	if rem != 0 {
		frac := strconv.FormatInt(rem*100/div, 10)
		if len(frac) < 2 {
			frac = "0" + frac
		}
		text += "." + strings.TrimRight(frac, "0")
	}
	if neg {
		text = "-" + text
	}
	return text
}

// persian writes an ASCII decimal with Persian digits, the integer part grouped by three
// with U+066C and the point as U+066B.
func persian(text string) string {
	sign := ""
	if strings.HasPrefix(text, "-") {
		sign, text = "-", text[1:]
	}
	whole, frac, hasPoint := strings.Cut(text, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune('\u066C')
		}
		b.WriteRune('۰' + (d - '0'))
	}
	if hasPoint {
		b.WriteRune('\u066B')
		for _, d := range frac {
			b.WriteRune('۰' + (d - '0'))
		}
	}
	return b.String()
}

// timestamp writes at in the configured style.
func (f *Fake) timestamp(at time.Time) any {
	if f.cfg.Timestamps == RFC3339 {
		return at.In(time.FixedZone("IRST", 3*3600+1800)).Format(time.RFC3339Nano)
	}
	return at.Unix()
}

// setPath returns node with v placed at the dot-separated path: a numeric segment indexes
// an array (grown with nulls as needed), any other names an object key.
func setPath(node any, path string, v any) any {
	head, rest, more := strings.Cut(path, ".")
	var child any
	if i, err := strconv.Atoi(head); err == nil && i >= 0 {
		arr, _ := node.([]any)
		for len(arr) <= i {
			arr = append(arr, nil)
		}
		if more {
			child = setPath(arr[i], rest, v)
		} else {
			child = v
		}
		arr[i] = child
		return arr
	}
	obj, ok := node.(map[string]any)
	if !ok {
		obj = map[string]any{}
	}
	if more {
		child = setPath(obj[head], rest, v)
	} else {
		child = v
	}
	obj[head] = child
	return obj
}
