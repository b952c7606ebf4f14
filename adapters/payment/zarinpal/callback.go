package zarinpal

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/talabin/talabin/adapters/internal/payadapter"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// ParseCallback reads ZarinPal's return of the buyer: a GET to the callback URL with
// Authority and Status (OK or NOK) in the query; any other query parameters are the caller's
// own and ignored, and a body is never read. See [ports.PaymentGateway.ParseCallback]:
// ZarinPal sends no amount and no signature, so only Authority is of use.
func (c *Client) ParseCallback(r *http.Request) (ports.Callback, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return ports.Callback{}, fmt.Errorf("%s: callback: %w: bad query", ProviderName, core.ErrInvalidInput)
	}
	authority, err := payadapter.SingleValue(ProviderName, q, "Authority")
	if err != nil {
		return ports.Callback{}, err
	}
	if err := checkAuthority(authority); err != nil {
		return ports.Callback{}, fmt.Errorf("callback: %w", err)
	}
	status, err := payadapter.SingleValue(ProviderName, q, "Status")
	if err != nil {
		return ports.Callback{}, err
	}
	return ports.Callback{Authority: authority, Status: status, Succeeded: status == "OK"}, nil
}
