package sandbox

import (
	"bytes"
	"crypto/subtle"
	"html/template"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// maxFormBody bounds the body of a POST from the page, which holds one token.
const maxFormBody = 1 << 10

// policy is the Content-Security-Policy of every answer: nothing loads but inline styles,
// and forms post to the app only. The payment page adds its callback's origin to
// form-action, as browsers also check the redirect that follows a form post against it.
const policy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// ServeHTTP serves the payment page under [Config.PathPrefix]:
//
//	GET  {prefix}{authority}         the page, with a Pay and a Cancel form
//	POST {prefix}{authority}/pay     pays the session, then 303 to the callback with Status=OK
//	POST {prefix}{authority}/cancel  cancels it, then 303 to the callback with Status=NOK
//
// Each form carries the session's anti-forgery token, and a POST without it is refused (403).
// An unknown or expired session reads as 404, and a POST to a settled one as 409.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", policy)

	rest, ok := strings.CutPrefix(r.URL.Path, g.cfg.PathPrefix)
	authority, action, hasAction := strings.Cut(rest, "/")
	if !ok || !authorityPattern.MatchString(authority) || (hasAction && action == "") {
		render(w, http.StatusNotFound, msgNotFound)
		return
	}
	switch {
	case !hasAction:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			render(w, http.StatusMethodNotAllowed, msgMethod)
			return
		}
		g.servePage(w, authority)
	case action == "pay" || action == "cancel":
		if r.Method != http.MethodPost {
			h.Set("Allow", "POST")
			render(w, http.StatusMethodNotAllowed, msgMethod)
			return
		}
		g.serveSettle(w, r, authority, action == "pay")
	default:
		render(w, http.StatusNotFound, msgNotFound)
	}
}

// servePage shows an open session's page, or says that it is settled.
func (g *Gateway) servePage(w http.ResponseWriter, authority string) {
	g.mu.Lock()
	s, err := g.openSession(authority)
	var snap session
	if err == nil {
		snap = *s
	}
	g.mu.Unlock()
	switch {
	case err != nil:
		render(w, http.StatusNotFound, msgNotFound)
	case snap.status != statusOpen:
		render(w, http.StatusOK, settledMessage(snap.status))
	default:
		origin := snap.callbackURL.Scheme + "://" + snap.callbackURL.Host
		w.Header().Set("Content-Security-Policy", strings.Replace(policy, "form-action 'self'", "form-action 'self' "+origin, 1))
		write(w, http.StatusOK, "pay", pageData{
			Authority: snap.authority, Amount: groupDigits(int64(snap.amount)), OrderID: snap.orderID,
			Description: snap.description, Token: snap.token,
		})
	}
}

// serveSettle checks the form's token, settles the session and returns the browser to the
// callback.
func (g *Gateway) serveSettle(w http.ResponseWriter, r *http.Request, authority string, paid bool) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		render(w, http.StatusBadRequest, msgBadRequest)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		render(w, http.StatusBadRequest, msgBadRequest)
		return
	}
	to, code, m := g.settleForm(authority, r.PostForm["token"], paid)
	if code != http.StatusSeeOther {
		render(w, code, m)
		return
	}
	// The target is the callback URL the app gave Request, read from the session; the
	// request only names the session.
	http.Redirect(w, r, to, http.StatusSeeOther) //nolint:gosec // G710: not request input, see above
}

// settleForm settles an open session whose token is among tokens and returns where to send
// the browser (status 303), or the page to show instead. An unknown session reads as 404
// before the token is checked, since there is no token to check against.
func (g *Gateway) settleForm(authority string, tokens []string, paid bool) (to string, code int, m message) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, err := g.openSession(authority)
	switch {
	case err != nil:
		return "", http.StatusNotFound, msgNotFound
	case len(tokens) != 1 || subtle.ConstantTimeCompare([]byte(tokens[0]), []byte(s.token)) != 1:
		return "", http.StatusForbidden, msgForbidden
	case s.status != statusOpen:
		return "", http.StatusConflict, settledMessage(s.status)
	}
	return g.settle(s, paid), http.StatusSeeOther, message{}
}

// pageData fills the payment page.
type pageData struct {
	Authority   string
	Amount      string
	OrderID     string
	Description string
	Token       string
}

// message is a page that only tells something, in Persian and English.
type message struct {
	Fa, En string
}

var (
	msgNotFound   = message{"جلسهٔ پرداخت پیدا نشد یا منقضی شده است.", "The payment session does not exist or has expired."}
	msgForbidden  = message{"فرم معتبر نیست؛ صفحهٔ پرداخت را دوباره باز کنید.", "The form is not valid; open the payment page again."}
	msgBadRequest = message{"درخواست نامعتبر است.", "The request is not valid."}
	msgMethod     = message{"این روش درخواست پذیرفته نیست.", "This request method is not allowed."}
	msgPaid       = message{"این پرداخت پیش\u200cتر انجام شده است.", "This payment is already settled: paid."}
	msgCanceled   = message{"این پرداخت پیش\u200cتر لغو شده است.", "This payment is already settled: canceled."}
)

func settledMessage(st status) message {
	if st == statusCanceled {
		return msgCanceled
	}
	return msgPaid
}

// render writes a message page.
func render(w http.ResponseWriter, code int, m message) { write(w, code, "message", m) }

// write executes the named page into a buffer, so that a template failure still reads as a
// clean 500, and sends it.
func write(w http.ResponseWriter, code int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// groupDigits writes n with a comma between groups of three digits.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String()
}

var pages = template.Must(template.New("pages").Parse(`
{{- define "head" -}}
<!doctype html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>درگاه آزمایشی طلابین · Talabin sandbox gateway</title>
<style>
body{font-family:Tahoma,system-ui,sans-serif;background:#f4f4f0;color:#222;margin:0;padding:2rem 1rem}
main{max-width:28rem;margin:auto;background:#fff;border-radius:8px;padding:1.5rem;box-shadow:0 1px 4px #0002}
.warn{background:#fff4d6;border:1px solid #e0b84c;border-radius:6px;padding:.5rem .75rem;font-size:.9rem}
.en{color:#666;font-size:.9rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.5rem 1rem}
dt{font-weight:bold}dd{margin:0}
.row{display:flex;gap:.75rem;margin-top:1.5rem}
form{flex:1}
button{width:100%;padding:.75rem;border:0;border-radius:6px;font:inherit;cursor:pointer}
.pay{background:#1e7d4f;color:#fff}.cancel{background:#ddd}
</style>
</head>
<body><main>
<p class="warn">درگاه آزمایشی است و پولی جابه&zwnj;جا نمی&zwnj;شود.<br><span class="en" dir="ltr">Sandbox gateway: no money moves.</span></p>
{{- end}}

{{- define "pay" -}}
{{template "head"}}
<h1>پرداخت <span class="en" dir="ltr">Payment</span></h1>
<dl>
<dt>مبلغ <span class="en">Amount</span></dt><dd><bdi dir="ltr">{{.Amount}}</bdi> ریال <span class="en">IRR</span></dd>
<dt>شمارهٔ سفارش <span class="en">Order</span></dt><dd><bdi dir="ltr">{{.OrderID}}</bdi></dd>
{{with .Description}}<dt>شرح <span class="en">Description</span></dt><dd><bdi>{{.}}</bdi></dd>{{end}}
</dl>
<div class="row">
<form method="post" action="{{.Authority}}/pay"><input type="hidden" name="token" value="{{.Token}}"><button class="pay" type="submit">پرداخت · Pay</button></form>
<form method="post" action="{{.Authority}}/cancel"><input type="hidden" name="token" value="{{.Token}}"><button class="cancel" type="submit">انصراف · Cancel</button></form>
</div>
</main></body></html>
{{end}}

{{- define "message" -}}
{{template "head"}}
<p>{{.Fa}}</p>
<p class="en" dir="ltr">{{.En}}</p>
</main></body></html>
{{end}}
`))
