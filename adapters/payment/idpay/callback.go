package idpay

import (
	"fmt"
	"net/http"
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
	fields, err := payadapter.CallbackFields(ProviderName, r, maxCallbackBody)
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
