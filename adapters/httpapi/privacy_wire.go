package httpapi

import (
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/payment"
	"github.com/talabin/talabin/ports"
)

// exportJSON is the export of API.md §3.12: every part in the wire form of its own endpoint.
// Addresses and installments do not exist yet and are always empty.
type exportJSON struct {
	GeneratedAt        Timestamp         `json:"generated_at"`
	User               userJSON          `json:"user"`
	Addresses          []struct{}        `json:"addresses"`
	BankAccounts       []bankAccountJSON `json:"bank_accounts"`
	KYC                kycStatusJSON     `json:"kyc"`
	Wallet             walletJSON        `json:"wallet"`
	WalletTransactions []transactionJSON `json:"wallet_transactions"`
	Orders             []orderJSON       `json:"orders"`
	Deposits           []depositJSON     `json:"deposits"`
	Withdrawals        []withdrawalJSON  `json:"withdrawals"`
	Installments       []struct{}        `json:"installments"`
	Sessions           []sessionJSON     `json:"sessions"`
	Consents           []consentJSON     `json:"consents"`
}

// consentJSON is one acceptance of the terms.
type consentJSON struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Version    string    `json:"version"`
	AcceptedAt Timestamp `json:"accepted_at"`
	IP         *string   `json:"ip"`
}

// exportWire returns d as the export seen from session current. Withdrawals show the
// details of their bank account while it is among d's (not deleted).
func exportWire(d ports.PersonalData, current string) exportJSON {
	out := exportJSON{
		GeneratedAt:        Timestamp(d.GeneratedAt),
		User:               userWire(d.User, d.KYC.Profile),
		Addresses:          []struct{}{},
		BankAccounts:       make([]bankAccountJSON, 0, len(d.BankAccounts)),
		KYC:                kycStatusWire(d.KYC),
		Wallet:             walletWire(d.Wallet),
		WalletTransactions: make([]transactionJSON, 0, len(d.Transactions)),
		Orders:             make([]orderJSON, 0, len(d.Orders)),
		Deposits:           make([]depositJSON, 0, len(d.Deposits)),
		Withdrawals:        make([]withdrawalJSON, 0, len(d.Withdrawals)),
		Installments:       []struct{}{},
		Sessions:           make([]sessionJSON, 0, len(d.Sessions)),
		Consents:           make([]consentJSON, 0, len(d.Consents)),
	}
	accounts := make(map[payment.BankAccountID]*payment.BankAccount, len(d.BankAccounts))
	for _, a := range d.BankAccounts {
		accounts[a.ID()] = a
		out.BankAccounts = append(out.BankAccounts, bankAccountWire(a))
	}
	for _, e := range d.Transactions {
		out.WalletTransactions = append(out.WalletTransactions, walletHistory.wire(e))
	}
	for _, o := range d.Orders {
		out.Orders = append(out.Orders, orderWire(o))
	}
	for _, dep := range d.Deposits {
		out.Deposits = append(out.Deposits, depositWire(dep, depositView{}))
	}
	for _, w := range d.Withdrawals {
		out.Withdrawals = append(out.Withdrawals, withdrawalWire(w, accounts[w.Record().BankAccount]))
	}
	for _, s := range d.Sessions {
		out.Sessions = append(out.Sessions, sessionWire(sessionInfo(s), current))
	}
	for _, c := range d.Consents {
		out.Consents = append(out.Consents, consentJSON{
			ID: c.ID, Kind: c.Kind, Version: c.Version, AcceptedAt: Timestamp(c.At), IP: nonEmpty(c.IP),
		})
	}
	return out
}

// sessionInfo returns s as the sessions list shows it: last used when it was last refreshed,
// or created.
func sessionInfo(s *identity.Session) ports.SessionInfo {
	lastUsed := s.CreatedAt()
	if at := s.RotatedAt(); !at.IsZero() {
		lastUsed = at
	}
	return ports.SessionInfo{
		ID: s.ID(), CreatedAt: s.CreatedAt(), LastUsedAt: lastUsed, ExpiresAt: s.ExpiresAt(),
		UserAgent: s.UserAgent(), IP: s.IP(),
	}
}
