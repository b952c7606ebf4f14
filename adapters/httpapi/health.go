package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
)

// Check statuses in the /readyz body.
const (
	statusOK   = "ok"
	statusFail = "fail"
)

// Health registers the operational endpoints, outside the API envelope (API.md §3.14):
// GET /healthz, which answers 200 {"status":"ok"} whenever the process can serve a request,
// and GET /readyz, which runs the checks of readiness and answers 200 when all pass or 503
// naming the failing ones, e.g. {"status":"fail","checks":{"db":"fail"}}. A failing advisory
// check is marked "fail" in checks but leaves the answer 200 with status "ok". Failure
// reasons are logged, never returned. Their access log lines are at debug level ([QuietLog]).
func Health(logger *slog.Logger, readiness *Readiness) func(rt Routes) {
	return func(rt Routes) {
		rt.Get("/healthz", healthz, QuietLog())
		rt.Get("/readyz", readyz(logger, readiness), QuietLog())
	}
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

func healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, r, http.StatusOK, healthResponse{Status: statusOK})
	return nil
}

func readyz(logger *slog.Logger, readiness *Readiness) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		results := readiness.Check(r.Context())
		body := readyResponse{Status: statusOK, Checks: make(map[string]string, len(results))}
		status := http.StatusOK
		for _, res := range results {
			if res.Err == nil {
				body.Checks[res.Name] = statusOK
				continue
			}
			body.Checks[res.Name] = statusFail
			if !res.Advisory {
				body.Status = statusFail
				status = http.StatusServiceUnavailable
			}
			if errors.Is(res.Err, errDraining) {
				continue
			}
			logger.WarnContext(r.Context(), "readiness check failed",
				"check", res.Name, "error", res.Err, "request_id", RequestID(r.Context()))
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, r, status, body)
		return nil
	}
}
