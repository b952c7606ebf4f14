package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Check statuses in the /readyz body.
const (
	statusOK   = "ok"
	statusFail = "fail"
)

// NewRouter returns the HTTP handler of the API. It serves GET /healthz, which answers 200
// {"status":"ok"} whenever the process can serve a request, and GET /readyz, which runs the
// checks of readiness and answers 200 when all pass or 503 naming the failing ones, e.g.
// {"status":"fail","checks":{"db":"fail"}}. Failure reasons are logged, never returned.
func NewRouter(logger *slog.Logger, readiness *Readiness) http.Handler {
	r := chi.NewRouter()
	r.Get("/healthz", healthzHandler(logger))
	r.Get("/readyz", readyzHandler(logger, readiness))
	return r
}

// healthResponse is the body of /healthz.
type healthResponse struct {
	Status string `json:"status"`
}

// readyResponse is the body of /readyz: the overall status and each check's status.
type readyResponse struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

func healthzHandler(logger *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, logger, http.StatusOK, healthResponse{Status: statusOK})
	}
}

func readyzHandler(logger *slog.Logger, readiness *Readiness) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		results := readiness.Check(req.Context())
		body := readyResponse{Status: statusOK, Checks: make(map[string]string, len(results))}
		status := http.StatusOK
		for _, res := range results {
			if res.Err == nil {
				body.Checks[res.Name] = statusOK
				continue
			}
			body.Checks[res.Name] = statusFail
			body.Status = statusFail
			status = http.StatusServiceUnavailable
			if errors.Is(res.Err, errDraining) {
				continue
			}
			logger.WarnContext(req.Context(), "readiness check failed", "check", res.Name, "error", res.Err)
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, logger, status, body)
	}
}
