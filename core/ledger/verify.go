package ledger

import (
	"fmt"
	"slices"
	"strings"
)

// Balance is an account's balance: what the owner can spend and what holds reserve.
// System accounts only use Available.
type Balance struct {
	Available int64
	Held      int64
}

// Total returns Available + Held.
func (b Balance) Total() int64 { return b.Available + b.Held }

// AccountBalance pairs an account with a balance, as stored or as recomputed from postings.
type AccountBalance struct {
	Account Account
	Balance Balance
}

// Report is the outcome of checking the whole ledger; see [Reconcile].
type Report struct {
	Journals int64
	Postings int64
	Accounts int
	// Totals is, per asset, the sum of every stored balance including external accounts.
	// Conservation means every total is zero.
	Totals   map[Asset]int64
	Problems []string
}

// OK reports whether the check found no problem.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// String is a short human summary, one problem per line after the counts.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "journals=%d postings=%d accounts=%d", r.Journals, r.Postings, r.Accounts)
	for _, a := range Assets {
		fmt.Fprintf(&b, " total_%s=%d", a, r.Totals[a])
	}
	if r.OK() {
		b.WriteString(" ok")
	}
	for _, p := range r.Problems {
		b.WriteString("\nproblem: " + p)
	}
	return b.String()
}

// Reconcile checks the ledger's invariants from what a store read in one snapshot: stored
// balances equal balances recomputed from postings (derived), no account that may not go
// negative is negative, every asset sums to zero (conservation), and no journal is
// unbalanced (unbalanced lists journals whose postings do not sum to zero per asset).
func Reconcile(stored, derived []AccountBalance, unbalanced []JournalID, journals, postings int64) Report {
	r := Report{Journals: journals, Postings: postings, Totals: map[Asset]int64{}}
	storedBy := map[string]AccountBalance{}
	for _, s := range stored {
		storedBy[s.Account.Code()] = s
	}
	derivedBy := map[string]Balance{}
	for _, d := range derived {
		derivedBy[d.Account.Code()] = d.Balance
	}
	codes := make([]string, 0, len(storedBy))
	for c := range storedBy {
		codes = append(codes, c)
	}
	for c := range derivedBy {
		if _, ok := storedBy[c]; !ok {
			codes = append(codes, c)
			r.Problems = append(r.Problems, fmt.Sprintf("%s: postings exist but no stored balance", c))
		}
	}
	slices.Sort(codes)
	r.Accounts = len(storedBy)
	derivedTotals := map[Asset]int64{}
	for _, c := range codes {
		s, ok := storedBy[c]
		d := derivedBy[c]
		if !ok {
			continue
		}
		r.Totals[s.Account.Asset()] += s.Balance.Total()
		derivedTotals[s.Account.Asset()] += d.Total()
		if s.Balance != d {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: stored %+v, postings say %+v", c, s.Balance, d))
		}
		if !s.Account.MayGoNegative() && (s.Balance.Available < 0 || s.Balance.Held < 0) {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: negative balance %+v", c, s.Balance))
		}
		if !s.Account.IsUser() && s.Balance.Held != 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: system account with a held amount", c))
		}
	}
	for _, a := range Assets {
		if r.Totals[a] != 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: stored balances sum to %d, not zero", a, r.Totals[a]))
		}
		if derivedTotals[a] != 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: postings sum to %d, not zero", a, derivedTotals[a]))
		}
	}
	for _, id := range unbalanced {
		r.Problems = append(r.Problems, fmt.Sprintf("journal %d: postings do not sum to zero per asset", id))
	}
	return r
}
