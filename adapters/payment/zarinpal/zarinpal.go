// Package zarinpal is the ZarinPal payment gateway v4 adapter of [ports.PaymentGateway]
// (PROVIDERS.md §4). Calls are JSON POSTs to {BaseURL}/{request,verify,inquiry}.json with
// the merchant id in the body; answers are read from the {"data", "errors"} envelope on
// every HTTP status, accepting errors as an object or an array. Amounts are rials in the
// port and rials or tomans on the wire ([Config.Currency]).
//
// Each [Client] owns its HTTP client (explicit timeouts, no redirects, no retries) and its
// circuit breaker. Refusals of our request and unknown authorities do not count against the
// breaker; server errors, unreadable answers, merchant refusals, throttling and timeouts do.
// A caller's own cancellation never does.
//
// The test-support package zarinpalfake is an offline ZarinPal for tests.
package zarinpal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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
const ProviderName = "zarinpal"

// authorityPattern is the SDK's check of an authority: A (production) or S (sandbox) and 35
// letters or digits.
var authorityPattern = regexp.MustCompile(`^[AS][0-9a-zA-Z]{35}$`)

// checkAuthority refuses an authority that is not well-formed.
func checkAuthority(authority string) error {
	if !authorityPattern.MatchString(authority) {
		return fmt.Errorf("%s: %w: malformed authority", ProviderName, core.ErrInvalidInput)
	}
	return nil
}

// Client talks to ZarinPal. Build it with [New]; it is safe for concurrent use.
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
	return &Client{
		cfg: cfg,
		http: outbound.NewHTTPClient(outbound.Options{
			Timeout:   cfg.Timeout,
			Headers:   map[string]string{"Accept": "application/json", "Content-Type": "application/json"},
			UserAgent: payadapter.UserAgent,
		}),
		breaker: outbound.NewBreaker[json.RawMessage](ProviderName, cfg.Breaker, cfg.Logger, func(err error) bool {
			return err == nil || errors.Is(err, core.ErrInvalidInput) || errors.Is(err, core.ErrNotFound)
		}),
	}, nil
}

// Name returns [ProviderName].
func (c *Client) Name() string { return ProviderName }

// Request opens a session with request.json. See [ports.PaymentGateway.Request].
func (c *Client) Request(ctx context.Context, req ports.PaymentRequest) (ports.PaymentSession, error) {
	if err := payadapter.CheckRequest(ProviderName, req); err != nil {
		return ports.PaymentSession{}, err
	}
	amount, err := c.wireAmount(req.Amount)
	if err != nil {
		return ports.PaymentSession{}, err
	}
	desc := req.Description
	if desc == "" {
		desc = DefaultDescription
	}
	meta := map[string]string{"order_id": req.OrderID}
	if !req.Mobile.IsZero() {
		meta["mobile"] = req.Mobile.Local()
	}
	if req.Email != "" {
		meta["email"] = req.Email
	}
	body := map[string]any{
		"merchant_id": c.cfg.MerchantID, "amount": amount, "currency": c.cfg.Currency,
		"description": desc, "callback_url": req.CallbackURL, "metadata": meta,
	}
	data, err := c.call(ctx, "request", body)
	if err != nil {
		return ports.PaymentSession{}, err
	}
	var out struct {
		Authority string `json:"authority"`
	}
	if json.Unmarshal(data, &out) != nil || !authorityPattern.MatchString(out.Authority) {
		return ports.PaymentSession{}, fmt.Errorf("%s: request: %w: success without a valid authority",
			ProviderName, ports.ErrPaymentOutcomeUnknown)
	}
	return ports.PaymentSession{Authority: out.Authority, RedirectURL: c.cfg.StartPayURL + out.Authority}, nil
}

// Verify captures the payment with verify.json and our amount. See
// [ports.PaymentGateway.Verify]: code 100 reads as paid, 101 as already verified, -51 as not
// paid, -50 as [ports.ErrPaymentMismatch].
func (c *Client) Verify(ctx context.Context, req ports.VerifyRequest) (ports.Verification, error) {
	if err := checkAuthority(req.Authority); err != nil {
		return ports.Verification{}, err
	}
	if req.Amount <= 0 {
		return ports.Verification{}, fmt.Errorf("%s: %w: amount must be positive", ProviderName, core.ErrInvalidInput)
	}
	amount, err := c.wireAmount(req.Amount)
	if err != nil {
		return ports.Verification{}, err
	}
	data, err := c.call(ctx, "verify", map[string]any{
		"merchant_id": c.cfg.MerchantID, "authority": req.Authority, "amount": amount,
	})
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Code == -51 {
		return ports.Verification{Status: ports.PaymentNotPaid}, nil
	}
	if err != nil {
		return ports.Verification{}, err
	}
	var out struct {
		Code     int         `json:"code"`
		RefID    json.Number `json:"ref_id"`
		CardPAN  string      `json:"card_pan"`
		CardHash string      `json:"card_hash"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return ports.Verification{}, fmt.Errorf("%s: verify: %w: unreadable data", ProviderName, ports.ErrPaymentOutcomeUnknown)
	}
	v := ports.Verification{
		Status: ports.PaymentPaid, RefID: out.RefID.String(),
		CardPANMasked: out.CardPAN, CardHash: out.CardHash, Amount: req.Amount,
	}
	if out.Code == 101 {
		v.Status = ports.PaymentAlreadyVerified
	} else if v.RefID == "" {
		return ports.Verification{}, fmt.Errorf("%s: verify: %w: code 100 without ref_id", ProviderName, ports.ErrPaymentOutcomeUnknown)
	}
	return v, nil
}

// Inquire reads the session's state with inquiry.json. See [ports.PaymentGateway.Inquire];
// ZarinPal does not tell the amount.
func (c *Client) Inquire(ctx context.Context, req ports.InquiryRequest) (ports.Inquiry, error) {
	if err := checkAuthority(req.Authority); err != nil {
		return ports.Inquiry{}, err
	}
	data, err := c.call(ctx, "inquiry", map[string]any{"merchant_id": c.cfg.MerchantID, "authority": req.Authority})
	if err != nil {
		return ports.Inquiry{}, err
	}
	var out struct {
		Status string `json:"status"`
	}
	_ = json.Unmarshal(data, &out)
	states := map[string]ports.PaymentState{
		"IN_BANK": ports.PaymentPending, "PAID": ports.PaymentAwaitingVerify, "VERIFIED": ports.PaymentVerified,
		"FAILED": ports.PaymentFailed, "REVERSED": ports.PaymentReversed,
	}
	state, ok := states[out.Status]
	if !ok {
		return ports.Inquiry{}, fmt.Errorf("%s: inquiry: %w: unknown status %q", ProviderName, ports.ErrPaymentOutcomeUnknown, out.Status)
	}
	return ports.Inquiry{State: state}, nil
}

// wireAmount converts rials to the configured currency.
func (c *Client) wireAmount(r core.Rial) (int64, error) {
	if c.cfg.Currency == CurrencyToman {
		if r%10 != 0 {
			return 0, fmt.Errorf("%s: %w: %d rials is no whole number of tomans", ProviderName, core.ErrInvalidInput, r)
		}
		return int64(r) / 10, nil
	}
	return int64(r), nil
}

// call runs one endpoint through the breaker and returns its data on code 100 or 101.
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
	resp, err := c.http.R().SetContext(reqCtx).SetBody(body).Post(c.cfg.BaseURL + "/" + method + ".json")
	if err != nil {
		return nil, payadapter.TransportError(ctx, ProviderName, method, written(), err)
	}
	data, err := interpret(method, resp.StatusCode(), resp.Body())
	var apiErr *APIError
	if errors.As(err, &apiErr) && errors.Is(err, core.ErrGatewayUnavailable) {
		c.cfg.Logger.Log(ctx, apiErr.logLevel(), "payment gateway refused the call",
			"provider", ProviderName, "method", method, "code", apiErr.Code, "message", apiErr.Message)
	}
	return data, err
}

// apiErrors is the errors member, an object or an array of objects.
type apiErrors struct {
	Code        int             `json:"code"`
	Message     string          `json:"message"`
	Validations json.RawMessage `json:"validations"`
}

// interpret reads an answer's envelope.
func interpret(method string, httpStatus int, body []byte) (json.RawMessage, error) {
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, payadapter.UnreadableAnswer(ProviderName, method, httpStatus)
	}
	var e apiErrors
	if json.Unmarshal(env.Errors, &e) != nil {
		var list []apiErrors
		if json.Unmarshal(env.Errors, &list) == nil && len(list) > 0 {
			e = list[0]
		}
	}
	if e.Code != 0 {
		msg := e.Message
		if len(e.Validations) > 0 && string(e.Validations) != "[]" && string(e.Validations) != "null" {
			msg += " " + string(e.Validations)
		}
		return nil, newAPIError(method, e.Code, msg)
	}
	var d struct {
		Code json.Number `json:"code"` // a string in some samples
	}
	if json.Unmarshal(env.Data, &d) != nil {
		return nil, payadapter.UnreadableAnswer(ProviderName, method, httpStatus)
	}
	code, _ := strconv.Atoi(d.Code.String())
	switch {
	case code != 100 && code != 101:
		return nil, payadapter.UnreadableAnswer(ProviderName, method, httpStatus)
	case httpStatus != http.StatusOK:
		return nil, fmt.Errorf("%s: %s: %w: code %d with HTTP status %d",
			ProviderName, method, ports.ErrPaymentOutcomeUnknown, code, httpStatus)
	}
	return env.Data, nil
}
