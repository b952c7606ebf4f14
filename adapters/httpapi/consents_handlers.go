package httpapi

import (
	"net/http"

	"github.com/talabin/talabin/ports"
)

// maxTermsVersionLen bounds the version text read; versions are short labels ("2026-12").
const maxTermsVersionLen = 64

// consents is GET consents/: where the caller stands with the terms in force.
func (a *Auth) consents(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	st, err := a.accounts.Consents(r.Context(), p)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, consentStatusWire(st))
	return nil
}

// acceptTerms is POST consents/ {version}: the caller accepts the terms of version, which
// the service checks is the version in force (400 validation_error on version otherwise).
// Accepting again is harmless, so no Idempotency-Key is needed.
func (a *Auth) acceptTerms(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	in, err := Decode(r)
	if err != nil {
		return err
	}
	in.Require("version")
	version, _ := in.String("version", maxTermsVersionLen)
	if err := in.Err(); err != nil {
		return err
	}
	st, err := a.accounts.AcceptTerms(r.Context(), p, version)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, consentStatusWire(st))
	return nil
}

// consentStatusJSON is the answer of both consents/ routes.
type consentStatusJSON struct {
	CurrentVersion string             `json:"current_version"`
	Accepted       bool               `json:"accepted"`
	Consents       []givenConsentJSON `json:"consents"`
}

// givenConsentJSON is one consent the caller gave, as the caller sees it.
type givenConsentJSON struct {
	Kind    string    `json:"kind"`
	Version string    `json:"version"`
	At      Timestamp `json:"at"`
}

// consentStatusWire returns st on the wire; consents is a list even when empty.
func consentStatusWire(st ports.ConsentStatus) consentStatusJSON {
	out := consentStatusJSON{
		CurrentVersion: st.CurrentVersion,
		Accepted:       st.Accepted,
		Consents:       make([]givenConsentJSON, 0, len(st.Consents)),
	}
	for _, c := range st.Consents {
		out.Consents = append(out.Consents, givenConsentJSON{Kind: c.Kind, Version: c.Version, At: Timestamp(c.At)})
	}
	return out
}
