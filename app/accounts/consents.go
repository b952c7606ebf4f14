package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/ports"
)

// msgTermsVersion is the field message of an acceptance of terms that are not in force.
const msgTermsVersion = "This is not the current version of the terms."

// Consents returns where p's user stands with the terms in force
// ([ServiceConfig.TermsVersion]): after the version changes the user shows as not accepted
// until [Service.AcceptTerms].
func (s *Service) Consents(ctx context.Context, p ports.Principal) (ports.ConsentStatus, error) {
	var st ports.ConsentStatus
	err := s.store.Snapshot(ctx, func(ctx context.Context, tx ports.Tx) error {
		user, err := tx.Users().Get(ctx, p.UserID)
		if err != nil {
			return err
		}
		if user.Disabled() {
			return core.ErrAccountDisabled
		}
		st, err = s.consentStatus(ctx, tx, p.UserID)
		return err
	})
	switch {
	case errors.Is(err, core.ErrAccountDisabled):
		return ports.ConsentStatus{}, err
	case err != nil:
		return ports.ConsentStatus{}, fmt.Errorf("consents: %w", err)
	}
	return st, nil
}

// AcceptTerms records that p's user accepts the terms of version, which must be the one in
// force, at the clock's now from p's client address. The user's row is locked first, so
// that concurrent acceptances record one consent: accepting the version the user's latest
// acceptance names already records nothing.
func (s *Service) AcceptTerms(ctx context.Context, p ports.Principal, version string) (ports.ConsentStatus, error) {
	switch {
	case version == "":
		return ports.ConsentStatus{}, core.FieldError("version", msgRequired)
	case version != s.cfg.TermsVersion:
		return ports.ConsentStatus{}, core.FieldError("version", msgTermsVersion)
	}
	var st ports.ConsentStatus
	err := s.store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		user, err := tx.Users().GetForUpdate(ctx, p.UserID)
		if err != nil {
			return err
		}
		if user.Disabled() {
			return core.ErrAccountDisabled
		}
		if st, err = s.consentStatus(ctx, tx, p.UserID); err != nil || st.Accepted {
			return err
		}
		if err := s.recordConsent(ctx, tx, p.UserID, p.Client, s.now()); err != nil {
			return err
		}
		st, err = s.consentStatus(ctx, tx, p.UserID)
		return err
	})
	switch {
	case errors.Is(err, core.ErrAccountDisabled):
		return ports.ConsentStatus{}, err
	case err != nil:
		return ports.ConsentStatus{}, fmt.Errorf("accept terms: %w", err)
	}
	return st, nil
}

// consentStatus reads user's consents in tx and compares the latest acceptance of the terms
// with the version in force.
func (s *Service) consentStatus(ctx context.Context, tx ports.Tx, user core.UserID) (ports.ConsentStatus, error) {
	list, err := tx.Consents().List(ctx, user)
	if err != nil {
		return ports.ConsentStatus{}, err
	}
	st := ports.ConsentStatus{CurrentVersion: s.cfg.TermsVersion, Consents: list}
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Kind == ConsentTerms {
			st.Accepted = st.CurrentVersion != "" && list[i].Version == st.CurrentVersion
			break
		}
	}
	return st, nil
}
