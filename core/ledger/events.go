package ledger

import (
	"fmt"

	"github.com/talabin/talabin/core"
)

// BuyJournal records user paying cost plus fee rials for gold micrograms from the house:
// user IRR −(cost+fee), house IRR +cost, fees +fee, house gold −gold, user gold +gold.
// The house gold debit is what enforces the treasury cap.
func BuyJournal(user core.UserID, cost, fee core.Rial, gold core.Microgram, reference string) (Journal, error) {
	if cost <= 0 || fee < 0 || gold <= 0 {
		return Journal{}, fmt.Errorf("%w: buy needs positive cost and gold and a non-negative fee", core.ErrInvalidInput)
	}
	total, err := cost.Add(fee)
	if err != nil {
		return Journal{}, fmt.Errorf("buy total: %w", err)
	}
	postings := []Posting{
		{Account: UserAccount(user, IRR), Amount: -int64(total)},
		{Account: HouseAccount(IRR), Amount: int64(cost)},
		{Account: HouseAccount(Gold), Amount: -int64(gold)},
		{Account: UserAccount(user, Gold), Amount: int64(gold)},
	}
	if fee > 0 {
		postings = append(postings, Posting{Account: FeesAccount(), Amount: int64(fee)})
	}
	return NewJournal(JournalBuy, reference, postings...)
}

// SellJournal records user selling gold micrograms to the house for gross rials, of which
// fee goes to fees: user gold −gold, house gold +gold, house IRR −gross, user IRR
// +(gross−fee), fees +fee. The house rial debit fails when the house cannot pay.
func SellJournal(user core.UserID, gold core.Microgram, gross, fee core.Rial, reference string) (Journal, error) {
	if gold <= 0 || gross <= 0 || fee < 0 || fee >= gross {
		return Journal{}, fmt.Errorf("%w: sell needs positive gold, gross above the fee and a non-negative fee", core.ErrInvalidInput)
	}
	postings := []Posting{
		{Account: UserAccount(user, Gold), Amount: -int64(gold)},
		{Account: HouseAccount(Gold), Amount: int64(gold)},
		{Account: HouseAccount(IRR), Amount: -int64(gross)},
		{Account: UserAccount(user, IRR), Amount: int64(gross - fee)},
	}
	if fee > 0 {
		postings = append(postings, Posting{Account: FeesAccount(), Amount: int64(fee)})
	}
	return NewJournal(JournalSell, reference, postings...)
}

// DepositJournal credits amount rials to user's wallet from source, which must be the
// external IRR account (bank transfer) or a gateway's clearing account (online payment).
func DepositJournal(user core.UserID, source Account, amount core.Rial, reference string) (Journal, error) {
	if source.Kind() != KindExternal && source.Kind() != KindClearing || source.Asset() != IRR {
		return Journal{}, fmt.Errorf("%w: deposit source must be external or clearing IRR", core.ErrInvalidInput)
	}
	if amount <= 0 {
		return Journal{}, fmt.Errorf("%w: deposit amount must be positive", core.ErrInvalidInput)
	}
	return NewJournal(JournalDeposit, reference,
		Posting{Account: source, Amount: -int64(amount)},
		Posting{Account: UserAccount(user, IRR), Amount: int64(amount)},
	)
}

// TreasuryInJournal records amount of asset entering the house inventory from outside
// (staff buying metal or adding capital).
func TreasuryInJournal(asset Asset, amount int64, reference string) (Journal, error) {
	if amount <= 0 {
		return Journal{}, fmt.Errorf("%w: treasury amount must be positive", core.ErrInvalidInput)
	}
	return NewJournal(JournalTreasuryIn, reference,
		Posting{Account: ExternalAccount(asset), Amount: -amount},
		Posting{Account: HouseAccount(asset), Amount: amount},
	)
}

// TreasuryOutJournal records amount of asset leaving the house inventory.
func TreasuryOutJournal(asset Asset, amount int64, reference string) (Journal, error) {
	if amount <= 0 {
		return Journal{}, fmt.Errorf("%w: treasury amount must be positive", core.ErrInvalidInput)
	}
	return NewJournal(JournalTreasuryOut, reference,
		Posting{Account: HouseAccount(asset), Amount: -amount},
		Posting{Account: ExternalAccount(asset), Amount: amount},
	)
}

// PayoutJournal records amount rials leaving payable for a user's bank account.
func PayoutJournal(amount core.Rial, reference string) (Journal, error) {
	if amount <= 0 {
		return Journal{}, fmt.Errorf("%w: payout amount must be positive", core.ErrInvalidInput)
	}
	return NewJournal(JournalWithdrawalPayout, reference,
		Posting{Account: PayableAccount(), Amount: -int64(amount)},
		Posting{Account: ExternalAccount(IRR), Amount: int64(amount)},
	)
}
