package httpapi

import (
	"net/http"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
)

// walletBalance is GET wallet/balance/: the caller's Wallet.
func (t *Trading) walletBalance(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	wallet, err := t.wallets.Wallet(r.Context(), p)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, walletWire(wallet))
	return nil
}

// walletTransactions is GET wallet/transactions/: the caller's WalletTransactions, newest
// first, filtered by type and status.
func (t *Trading) walletTransactions(w http.ResponseWriter, r *http.Request) error {
	return t.listHistory(w, r, walletHistory)
}

// transactions is GET transactions/: the unified history.
func (t *Trading) transactions(w http.ResponseWriter, r *http.Request) error {
	return t.listHistory(w, r, unifiedHistory)
}

// listHistory answers one page of h for the caller.
func (t *Trading) listHistory(w http.ResponseWriter, r *http.Request, h history) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	page, err := ParsePage(r)
	if err != nil {
		return err
	}
	types, none, err := h.filter(r)
	if err != nil {
		return err
	}
	if none {
		WriteList[transactionJSON](w, r, page, 0, nil)
		return nil
	}
	entries, count, err := t.wallets.Entries(r.Context(), p, types, page.Offset(), page.Limit())
	if err != nil {
		return err
	}
	items := make([]transactionJSON, len(entries))
	for i, e := range entries {
		items[i] = h.wire(e)
	}
	WriteList(w, r, page, count, items)
	return nil
}

// filter reads the type and status query parameters of a history request: the journal types
// to list (nil for all), or none when the filter matches no journal (a status other than
// completed, a type with no journals yet). An unknown value is a validation error.
func (h history) filter(r *http.Request) (types []ledger.JournalType, none bool, err error) {
	ve := core.NewValidationError()
	lang := LanguageOf(r)
	name, hasType := queryEnum(r, ve, lang, "type", h.order)
	status, hasStatus := queryEnum(r, ve, lang, "status", transactionStatuses)
	if err := ve.Err(); err != nil {
		return nil, false, err
	}
	if hasStatus && status != statusCompleted {
		return nil, true, nil
	}
	if !hasType {
		return nil, false, nil
	}
	types = h.types[name]
	return types, len(types) == 0, nil
}

// transaction is GET transactions/{id}/: one movement of the caller.
func (t *Trading) transaction(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := t.wallets.Entry(r.Context(), p, ledger.JournalID(id))
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, unifiedHistory.wire(e))
	return nil
}

// transactionSummary is GET transactions/summary/: the caller's totals.
func (t *Trading) transactionSummary(w http.ResponseWriter, r *http.Request) error {
	p, err := principal(r)
	if err != nil {
		return err
	}
	s, err := t.wallets.Summary(r.Context(), p)
	if err != nil {
		return err
	}
	WriteData(w, r, http.StatusOK, summaryWire(s))
	return nil
}
