package zarinpal

import (
	"fmt"
	"net/http"
	"net/url"

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
	authority, err := single(q, "Authority")
	if err != nil {
		return ports.Callback{}, err
	}
	if err := checkAuthority(authority); err != nil {
		return ports.Callback{}, fmt.Errorf("callback: %w", err)
	}
	status, err := single(q, "Status")
	if err != nil {
		return ports.Callback{}, err
	}
	return ports.Callback{Authority: authority, Status: status, Succeeded: status == "OK"}, nil
}

// single returns the one value of key, refusing it missing or given with different values.
func single(q url.Values, key string) (string, error) {
	vs := q[key]
	if len(vs) == 0 {
		return "", fmt.Errorf("%s: callback: %w: %s missing", ProviderName, core.ErrInvalidInput, key)
	}
	for _, v := range vs[1:] {
		if v != vs[0] {
			return "", fmt.Errorf("%s: callback: %w: conflicting %s", ProviderName, core.ErrInvalidInput, key)
		}
	}
	return vs[0], nil
}
