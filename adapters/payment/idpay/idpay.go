// Package idpay is the IDPay web service v1.1 adapter of [ports.PaymentGateway]
// (PROVIDERS.md §5). Calls are JSON POSTs to {BaseURL}/payment, payment/verify and
// payment/inquiry with the key in X-API-KEY (and X-SANDBOX: 1 in [Config.Sandbox]); answers
// are read on every HTTP status, a refusal being {"error_code", "error_message"}, and fields
// IDPay sends as strings or numbers alike are read either way. Amounts are rials on both
// sides.
//
// IDPay's verify takes no amount: it captures whatever was paid and echoes the amount, the
// order id and the id, which Verify compares with ours and refuses as
// [ports.ErrPaymentMismatch] when they differ. The payment link is the one IDPay returns,
// never built here.
//
// Each [Client] owns its HTTP client (explicit timeouts, no redirects, no retries) and its
// circuit breaker. Refusals of our request and unknown payments do not count against the
// breaker; server errors, unreadable answers, account refusals and timeouts do. A caller's
// own cancellation never does.
//
// The test-support package idpayfake is an offline IDPay for tests.
package idpay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"

	"github.com/go-resty/resty/v2"
	"github.com/sony/gobreaker/v2"

	"github.com/talabin/talabin/adapters/internal/outbound"
	"github.com/talabin/talabin/adapters/internal/payadapter"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// ProviderName is the gateway's name in [ports.PaymentGateway.Name], its breaker and errors.
const ProviderName = "idpay"

// Field limits of payment (PROVIDERS.md §5.3).
const (
	maxCallback = 2048
	maxText     = 255
)

// idPattern is an IDPay payment id: 32 hex digits.
var idPattern = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)

// states maps a transaction status of §5.5 to the port's state.
var states = map[int64]ports.PaymentState{
	1: ports.PaymentPending, 8: ports.PaymentPending,
	2: ports.PaymentFailed, 3: ports.PaymentFailed, 4: ports.PaymentFailed, 7: ports.PaymentFailed,
	5: ports.PaymentReversed, 6: ports.PaymentReversed,
	10:  ports.PaymentAwaitingVerify,
	100: ports.PaymentVerified, 101: ports.PaymentVerified, 200: ports.PaymentVerified,
}

// Client talks to IDPay. Build it with [New]; it is safe for concurrent use.
type Client struct {
	cfg     Config
	http    *resty.Client
	breaker *gobreaker.CircuitBreaker[json.RawMessage]
}

var _ ports.PaymentGateway = (*Client)(nil)

// New validates cfg, fills its defaults and returns a client.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	headers := map[string]string{"Accept": "application/json", "Content-Type": "application/json", "X-API-KEY": cfg.APIKey}
	if cfg.Sandbox {
		headers["X-SANDBOX"] = "1"
	}
	return &Client{
		cfg:  cfg,
		http: outbound.NewHTTPClient(outbound.Options{Timeout: cfg.Timeout, Headers: headers, UserAgent: payadapter.UserAgent}),
		breaker: outbound.NewBreaker[json.RawMessage](ProviderName, cfg.Breaker, cfg.Logger, func(err error) bool {
			return err == nil || errors.Is(err, core.ErrInvalidInput) || errors.Is(err, core.ErrNotFound)
		}),
	}, nil
}

// Name returns [ProviderName].
func (c *Client) Name() string { return ProviderName }

// Request opens a payment with payment. See [ports.PaymentGateway.Request]: the description
// is cut to IDPay's 255 characters and an email longer than that is left out, both being
// only shown to the buyer.
func (c *Client) Request(ctx context.Context, req ports.PaymentRequest) (ports.PaymentSession, error) {
	if err := payadapter.CheckRequest(ProviderName, req); err != nil {
		return ports.PaymentSession{}, err
	}
	if len(req.CallbackURL) > maxCallback {
		return ports.PaymentSession{}, fmt.Errorf("%s: %w: callback longer than %d", ProviderName, core.ErrInvalidInput, maxCallback)
	}
	body := map[string]any{"order_id": req.OrderID, "amount": int64(req.Amount), "callback": req.CallbackURL}
	if req.Description != "" {
		body["desc"] = truncate(req.Description, maxText)
	}
	if !req.Mobile.IsZero() {
		body["phone"] = req.Mobile.Local()
	}
	if req.Email != "" && len(req.Email) <= maxText {
		body["mail"] = req.Email
	}
	data, err := c.call(ctx, "payment", body)
	if err != nil {
		return ports.PaymentSession{}, err
	}
	var out struct {
		ID   string `json:"id"`
		Link string `json:"link"`
	}
	if json.Unmarshal(data, &out) != nil || !idPattern.MatchString(out.ID) || !isPageURL(out.Link) {
		return ports.PaymentSession{}, fmt.Errorf("%s: payment: %w: success without a valid id and link",
			ProviderName, ports.ErrPaymentOutcomeUnknown)
	}
	return ports.PaymentSession{Authority: out.ID, RedirectURL: out.Link}, nil
}

// Verify captures the payment with payment/verify. See [ports.PaymentGateway.Verify]: status
// 100 reads as paid, 101 as already verified, error codes 53 and 54 as not paid, and an
// echoed id, order id or amount other than ours as [ports.ErrPaymentMismatch].
func (c *Client) Verify(ctx context.Context, req ports.VerifyRequest) (ports.Verification, error) {
	if err := checkSession(req.Authority, req.OrderID); err != nil {
		return ports.Verification{}, err
	}
	if req.Amount <= 0 {
		return ports.Verification{}, fmt.Errorf("%s: %w: amount must be positive", ProviderName, core.ErrInvalidInput)
	}
	const method = "payment/verify"
	data, err := c.call(ctx, method, map[string]any{"id": req.Authority, "order_id": req.OrderID})
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.notVerifiable() {
		return ports.Verification{Status: ports.PaymentNotPaid}, nil
	}
	if err != nil {
		return ports.Verification{}, err
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		return ports.Verification{}, unreadable(method, "unreadable record")
	}
	v := ports.Verification{Amount: req.Amount}
	switch status, _ := rec.Status.int(); status {
	case 100:
		v.Status = ports.PaymentPaid
	case 101:
		v.Status = ports.PaymentAlreadyVerified
	default:
		return ports.Verification{}, unreadable(method, "status "+strconv.Quote(string(rec.Status)))
	}
	pay := rec.payment()
	if err := c.checkEcho(ctx, method, rec, pay, req); err != nil {
		return ports.Verification{}, err
	}
	v.RefID = string(rec.TrackID)
	if v.RefID == "" {
		v.RefID = string(pay.TrackID)
	}
	if v.RefID == "" && v.Status == ports.PaymentPaid {
		return ports.Verification{}, unreadable(method, "status 100 without track_id")
	}
	v.CardPANMasked, v.CardHash = string(pay.CardNo), string(pay.HashedCardNo)
	return v, nil
}

// checkEcho compares the id, order id and amounts a verify echoes with ours: a missing or
// unreadable one is an answer that could not be read, a different one a mismatch, logged for
// an operator.
func (c *Client) checkEcho(ctx context.Context, method string, rec record, pay paymentBlock, req ports.VerifyRequest) error {
	if _, ok := rec.Amount.int(); rec.ID == "" || rec.OrderID == "" || !ok {
		return unreadable(method, "success without id, order_id or amount")
	}
	var err error
	want := strconv.FormatInt(int64(req.Amount), 10)
	switch {
	case string(rec.ID) != req.Authority:
		err = mismatch(method, "id", string(rec.ID), req.Authority)
	case string(rec.OrderID) != req.OrderID:
		err = mismatch(method, "order_id", string(rec.OrderID), req.OrderID)
	case !sameAmount(rec.Amount, req.Amount):
		err = mismatch(method, "amount", string(rec.Amount), want)
	case pay.Amount != "" && !sameAmount(pay.Amount, req.Amount):
		err = mismatch(method, "payment.amount", string(pay.Amount), want)
	}
	if err != nil {
		c.cfg.Logger.ErrorContext(ctx, "payment gateway's record does not match ours",
			"provider", ProviderName, "method", method, "authority", req.Authority, "error", err)
	}
	return err
}

// Inquire reads the payment's state with payment/inquiry. See [ports.PaymentGateway.Inquire];
// an echoed id or order id other than ours reads as [ports.ErrPaymentMismatch].
func (c *Client) Inquire(ctx context.Context, req ports.InquiryRequest) (ports.Inquiry, error) {
	if err := checkSession(req.Authority, req.OrderID); err != nil {
		return ports.Inquiry{}, err
	}
	const method = "payment/inquiry"
	data, err := c.call(ctx, method, map[string]any{"id": req.Authority, "order_id": req.OrderID})
	if err != nil {
		return ports.Inquiry{}, err
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		return ports.Inquiry{}, unreadable(method, "unreadable record")
	}
	switch {
	case rec.ID != "" && string(rec.ID) != req.Authority:
		return ports.Inquiry{}, mismatch(method, "id", string(rec.ID), req.Authority)
	case rec.OrderID != "" && string(rec.OrderID) != req.OrderID:
		return ports.Inquiry{}, mismatch(method, "order_id", string(rec.OrderID), req.OrderID)
	}
	status, _ := rec.Status.int()
	state, ok := states[status]
	if !ok {
		return ports.Inquiry{}, unreadable(method, "status "+strconv.Quote(string(rec.Status)))
	}
	amount, _ := rec.Amount.int()
	return ports.Inquiry{State: state, Amount: core.Rial(max(amount, 0))}, nil
}

// call runs one endpoint through the breaker and returns the answer of a 2xx without
// error_code.
func (c *Client) call(ctx context.Context, method string, body any) (json.RawMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", ProviderName, method, err)
	}
	data, err := c.breaker.Execute(func() (json.RawMessage, error) { return c.post(ctx, method, body) })
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return nil, fmt.Errorf("%s: %s: %w: %w", ProviderName, method, core.ErrGatewayUnavailable, err)
	}
	return data, err
}

// post makes one HTTP request and reads its answer.
func (c *Client) post(ctx context.Context, method string, body any) (json.RawMessage, error) {
	reqCtx, written, cancel := outbound.StartRequest(ctx, c.cfg.Timeout)
	defer cancel()
	resp, err := c.http.R().SetContext(reqCtx).SetBody(body).Post(c.cfg.BaseURL + "/" + method)
	if err != nil {
		return nil, payadapter.TransportError(ctx, ProviderName, method, written(), err)
	}
	data, err := interpret(method, resp.StatusCode(), resp.Body())
	var apiErr *APIError
	if errors.As(err, &apiErr) && (errors.Is(err, core.ErrGatewayUnavailable) || apiErr.logLevel() == slog.LevelError) {
		c.cfg.Logger.Log(ctx, apiErr.logLevel(), "payment gateway refused the call",
			"provider", ProviderName, "method", method, "code", apiErr.Code, "message", apiErr.Message)
	}
	return data, err
}

// interpret reads an answer: an object with error_code is a refusal on any status; any other
// object is the answer when the status is 2xx; anything else is unreadable.
func interpret(method string, httpStatus int, body []byte) (json.RawMessage, error) {
	var env struct {
		ErrorCode    text   `json:"error_code"`
		ErrorMessage string `json:"error_message"`
	}
	if json.Unmarshal(body, &env) != nil || len(body) == 0 || body[0] != '{' {
		return nil, payadapter.UnreadableAnswer(ProviderName, method, httpStatus)
	}
	if env.ErrorCode != "" {
		code, ok := env.ErrorCode.int()
		if !ok || code == 0 {
			return nil, payadapter.UnreadableAnswer(ProviderName, method, httpStatus)
		}
		return nil, newAPIError(method, int(code), env.ErrorMessage, httpStatus)
	}
	if httpStatus/100 != 2 {
		return nil, payadapter.UnreadableAnswer(ProviderName, method, httpStatus)
	}
	return body, nil
}

// unreadable is a success answer that could not be read: the gateway may have acted.
func unreadable(method, why string) error {
	return fmt.Errorf("%s: %s: %w: %s", ProviderName, method, ports.ErrPaymentOutcomeUnknown, why)
}

// checkSession refuses a malformed id or order id before any call; IDPay needs both.
func checkSession(id, orderID string) error {
	if err := checkID(id); err != nil {
		return err
	}
	return payadapter.CheckOrderID(ProviderName, orderID)
}

// checkID refuses an id that is not 32 hex digits.
func checkID(id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("%s: %w: malformed id", ProviderName, core.ErrInvalidInput)
	}
	return nil
}

// isPageURL reports whether link is an absolute http(s) URL to send the buyer to.
func isPageURL(link string) bool {
	u, err := url.Parse(link)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// sameAmount reports whether t is the amount a.
func sameAmount(t text, a core.Rial) bool {
	n, ok := t.int()
	return ok && n == int64(a)
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
