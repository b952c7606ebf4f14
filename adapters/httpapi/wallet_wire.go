package httpapi

import (
	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// walletJSON is the Wallet object of API.md §2. balance_* is available plus frozen.
type walletJSON struct {
	ID                   core.UserID `json:"id"`
	BalanceIRR           core.Rial   `json:"balance_irr"`
	GoldBalance          Gold        `json:"gold_balance"`
	FrozenBalanceIRR     core.Rial   `json:"frozen_balance_irr"`
	FrozenGoldBalance    Gold        `json:"frozen_gold_balance"`
	AvailableBalanceIRR  core.Rial   `json:"available_balance_irr"`
	AvailableGoldBalance Gold        `json:"available_gold_balance"`
	TotalValueIRR        core.Rial   `json:"total_value_irr"`
	CreatedAt            Timestamp   `json:"created_at"`
	UpdatedAt            Timestamp   `json:"updated_at"`
}

// walletWire returns w as the Wallet object.
func walletWire(w ports.Wallet) walletJSON {
	return walletJSON{
		ID:                   w.User,
		BalanceIRR:           core.Rial(w.IRR.Total()),
		GoldBalance:          Gold(w.Gold.Total()),
		FrozenBalanceIRR:     core.Rial(w.IRR.Held),
		FrozenGoldBalance:    Gold(w.Gold.Held),
		AvailableBalanceIRR:  core.Rial(w.IRR.Available),
		AvailableGoldBalance: Gold(w.Gold.Available),
		TotalValueIRR:        w.TotalValue,
		CreatedAt:            Timestamp(w.CreatedAt),
		UpdatedAt:            Timestamp(w.UpdatedAt),
	}
}

// A history is the wallet's (API.md §3.5, types deposit|withdraw|buy_gold|sell_gold|fee|
// refund) or the unified one (§3.10, buy and sell instead of buy_gold and sell_gold, and
// installment).
type history struct {
	// names maps each journal type a user sees to its transaction_type.
	names map[ledger.JournalType]string
	// types lists the transaction types a client may filter by, and the journal types
	// behind each; a type with none (installment, for now) matches nothing.
	types map[string][]ledger.JournalType
	order []string // types, in the order error messages list them
}

// walletHistory and unifiedHistory are the two histories.
var (
	walletHistory  = newHistory("buy_gold", "sell_gold")
	unifiedHistory = newHistory("buy", "sell", "installment")
)

// newHistory returns a history whose buys and sells are named buy and sell, with extra
// types that match no journal yet.
func newHistory(buy, sell string, extra ...string) history {
	h := history{names: map[ledger.JournalType]string{
		ledger.JournalDeposit:          "deposit",
		ledger.JournalWithdrawalSettle: "withdraw",
		ledger.JournalBuy:              buy,
		ledger.JournalSell:             sell,
		ledger.JournalFee:              "fee",
		ledger.JournalCorrection:       "refund",
	}, types: map[string][]ledger.JournalType{}}
	for _, jt := range []ledger.JournalType{
		ledger.JournalDeposit, ledger.JournalWithdrawalSettle, ledger.JournalBuy, ledger.JournalSell,
		ledger.JournalFee, ledger.JournalCorrection,
	} {
		name := h.names[jt]
		h.types[name] = append(h.types[name], jt)
		h.order = append(h.order, name)
	}
	for _, name := range extra {
		h.types[name] = nil
		h.order = append(h.order, name)
	}
	return h
}

// transactionStatuses are the status values a history accepts; ledger journals are all
// completed, so the others match nothing.
var transactionStatuses = []string{"pending", "processing", "completed", "failed", "cancelled"}

// statusCompleted is the status of every journal.
const statusCompleted = "completed"

// transactionJSON is a WalletTransaction or a Transaction (API.md §2): amounts are what
// moved, without sign; amount_irr is a string the web client searches.
type transactionJSON struct {
	ID                     ledger.JournalID `json:"id"`
	TransactionType        string           `json:"transaction_type"`
	TransactionTypeDisplay string           `json:"transaction_type_display"`
	Status                 string           `json:"status"`
	StatusDisplay          string           `json:"status_display"`
	AmountIRR              AmountString     `json:"amount_irr"`
	AmountGold             Gold             `json:"amount_gold"`
	Description            string           `json:"description"`
	ReferenceID            string           `json:"reference_id"`
	CreatedAt              Timestamp        `json:"created_at"`
}

// descriptions are the Persian descriptions of the movements, by transaction type.
var descriptions = map[string]string{
	"deposit":   "واریز به کیف پول",
	"withdraw":  "برداشت از کیف پول",
	"buy_gold":  "خرید طلا",
	"sell_gold": "فروش طلا",
	"buy":       "خرید طلا",
	"sell":      "فروش طلا",
	"fee":       "کارمزد",
	"refund":    "بازگشت وجه",
}

// wire returns e as a transaction of h.
func (h history) wire(e ports.LedgerEntry) transactionJSON {
	name := h.names[e.Type]
	if name == "" {
		name = e.Type.String()
	}
	return transactionJSON{
		ID:                     e.Journal,
		TransactionType:        name,
		TransactionTypeDisplay: display(name),
		Status:                 statusCompleted,
		StatusDisplay:          display(statusCompleted),
		AmountIRR:              AmountString(absAmount(int64(e.IRR))),
		AmountGold:             Gold(absAmount(int64(e.Gold))),
		Description:            descriptions[name],
		ReferenceID:            e.Reference,
		CreatedAt:              Timestamp(e.CreatedAt),
	}
}

// absAmount returns |v|; the most negative int64, which no balance change reaches, stays
// as it is.
func absAmount(v int64) int64 {
	if v < 0 && -v > 0 {
		return -v
	}
	return v
}

// summaryJSON is the answer of transactions/summary/ (API.md §3.10), in rials.
type summaryJSON struct {
	TotalDeposits     core.Rial `json:"total_deposits"`
	TotalWithdrawals  core.Rial `json:"total_withdrawals"`
	TotalBuys         core.Rial `json:"total_buys"`
	TotalSells        core.Rial `json:"total_sells"`
	TotalFees         core.Rial `json:"total_fees"`
	TotalTransactions int       `json:"total_transactions"`
}

// summaryWire returns s as the summary object.
func summaryWire(s ports.TransactionSummary) summaryJSON {
	return summaryJSON{
		TotalDeposits: s.Deposits, TotalWithdrawals: s.Withdrawals, TotalBuys: s.Buys,
		TotalSells: s.Sells, TotalFees: s.Fees, TotalTransactions: s.Count,
	}
}
