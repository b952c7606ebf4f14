package httpapi

import "net/http"

// indexEndpoints are the API's sections as the original's index listed them (API.md §3.14);
// installments are left out until that feature is served.
var indexEndpoints = map[string]string{
	"documentation": "/api/docs/",
	"schema":        "/api/schema/",
	"auth":          "/api/auth/",
	"wallet":        "/api/wallet/",
	"trading":       "/api/trading/",
	"transactions":  "/api/transactions/",
	"prices":        "/api/prices/",
}

// indexResponse is the body of GET /.
type indexResponse struct {
	Status    string            `json:"status"`
	Message   string            `json:"message"`
	Version   string            `json:"version"`
	Endpoints map[string]string `json:"endpoints"`
}

// WithIndex adds GET / (API.md §3.14): the original's JSON index, outside the envelope,
// naming the running version and where each section of the API starts. Probes and people
// with curl call it; it checks nothing.
func WithIndex(version string) RouterOption {
	return func(*Auth) (func(rt Routes), error) {
		body := indexResponse{Status: statusOK, Message: "Talabin API", Version: version, Endpoints: indexEndpoints}
		return func(rt Routes) {
			rt.Get("/", func(w http.ResponseWriter, r *http.Request) error {
				w.Header().Set("Cache-Control", "no-store")
				writeJSON(w, r, http.StatusOK, body)
				return nil
			}, QuietLog())
		}, nil
	}
}
