package sandbox

import (
	"fmt"
	"net/http"

	"github.com/talabin/talabin/adapters/internal/payadapter"
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// maxCallbackBody bounds a POST callback's form; the sandbox's two fields take under 100 bytes.
const maxCallbackBody = 4 << 10

// ParseCallback reads the buyer's return from the payment page: Authority and Status (OK or
// NOK) from a GET's query, as the page sends it, or from a POST's urlencoded body only. Other
// fields (the caller's own, such as a signature) are ignored. See
// [ports.PaymentGateway.ParseCallback]: only Authority is of use.
func (g *Gateway) ParseCallback(r *http.Request) (ports.Callback, error) {
	fields, err := payadapter.CallbackFields(ProviderName, r, maxCallbackBody)
	if err != nil {
		return ports.Callback{}, err
	}
	authority, err := payadapter.SingleValue(ProviderName, fields, "Authority")
	if err != nil {
		return ports.Callback{}, err
	}
	if err := checkAuthority(authority); err != nil {
		return ports.Callback{}, fmt.Errorf("callback: %w", err)
	}
	status, err := payadapter.SingleValue(ProviderName, fields, "Status")
	if err != nil {
		return ports.Callback{}, err
	}
	if status != "OK" && status != "NOK" {
		return ports.Callback{}, fmt.Errorf("%s: callback: %w: malformed status", ProviderName, core.ErrInvalidInput)
	}
	return ports.Callback{Authority: authority, Status: status, Succeeded: status == "OK"}, nil
}
