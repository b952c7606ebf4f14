package idpay

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"

	"github.com/talabin/talabin/adapters/internal/payadapter"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// maxCallbackBody bounds a POST callback's form; IDPay's eight fields take a few hundred bytes.
const maxCallbackBody = 16 << 10

// statusPattern is a transaction status of §5.5.
var statusPattern = regexp.MustCompile(`^[0-9]{1,3}$`)

// ParseCallback reads IDPay's return of the buyer. The IDPay panel chooses its method, so
// both are read: a POST form (status, track_id, id, order_id, amount, card_no,
// hashed_card_no, date) from the body only, or a GET query (status, track_id, id,
// order_id). See [ports.PaymentGateway.ParseCallback]: id and order_id route the request;
// status 10 (paid, waiting for verify) is the only claim of success, and the amount and card
// fields are never read, Verify compares IDPay's own record with ours.
func (c *Client) ParseCallback(r *http.Request) (ports.Callback, error) {
	fields, err := callbackFields(r)
	if err != nil {
		return ports.Callback{}, err
	}
	id, err := payadapter.SingleValue(ProviderName, fields, "id")
	if err != nil {
		return ports.Callback{}, err
	}
	if err := checkID(id); err != nil {
		return ports.Callback{}, fmt.Errorf("callback: %w", err)
	}
	orderID, err := payadapter.SingleValue(ProviderName, fields, "order_id")
	if err != nil {
		return ports.Callback{}, err
	}
	if err := payadapter.CheckOrderID(ProviderName, orderID); err != nil {
		return ports.Callback{}, fmt.Errorf("callback: %w", err)
	}
	status, err := payadapter.SingleValue(ProviderName, fields, "status")
	if err != nil {
		return ports.Callback{}, err
	}
	if !statusPattern.MatchString(status) {
		return ports.Callback{}, fmt.Errorf("%s: callback: %w: malformed status", ProviderName, core.ErrInvalidInput)
	}
	return ports.Callback{Authority: id, OrderID: orderID, Status: status, Succeeded: status == "10"}, nil
}

// callbackFields returns a GET's query or a POST's urlencoded form, refusing other methods,
// other bodies, oversized bodies and bad escapes.
func callbackFields(r *http.Request) (url.Values, error) {
	bad := func(why string) (url.Values, error) {
		return nil, fmt.Errorf("%s: callback: %w: %s", ProviderName, core.ErrInvalidInput, why)
	}
	switch r.Method {
	case http.MethodGet:
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return bad("bad query")
		}
		return q, nil
	case http.MethodPost:
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
			return bad("body is no urlencoded form")
		}
		if r.Body == nil {
			return bad("empty body")
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxCallbackBody+1))
		if err != nil {
			return bad("unreadable body")
		}
		if len(body) > maxCallbackBody {
			return bad("oversized body")
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return bad("bad form")
		}
		return form, nil
	default:
		return bad("method " + r.Method)
	}
}
