package loadrig

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/talabin/talabin/core"
	"github.com/talabin/talabin/core/identity"
	"github.com/talabin/talabin/core/ledger"
	"github.com/talabin/talabin/ports"
)

// password is every bench user's password; the database is thrown away.
const password = "bench-password-1234"

// userFunds is each user's starting rial balance: far more than a run can spend.
const userFunds core.Rial = 1_000_000_000_000

// userGold is the gold each user buys from the house treasury at seeding, for
// userGoldCost rials, so that a sell succeeds from the first request on.
const (
	userGold     core.Microgram = 10_000_000 // 10 g
	userGoldCost core.Rial      = 100_000_000
)

// User is one simulated trader with a wallet of its own.
type User struct {
	ID    core.UserID
	Phone string
	Token string
}

// seedUsers stores n users with verified phones and the password hash, each with open
// wallets credited userFunds rials from the external IRR account and then userGold bought
// from the house (a journal only: no order row, so the orders stored are the run's).
func seedUsers(ctx context.Context, store ports.Store, n int, passwordHash string) ([]User, error) {
	now := time.Now()
	users := make([]User, 0, n)
	err := store.InTx(ctx, func(ctx context.Context, tx ports.Tx) error {
		users = users[:0]
		for i := range n {
			phone := fmt.Sprintf("+98912%07d", i+1)
			u, err := identity.NewRegisteredUser(phone, passwordHash, "Bench", fmt.Sprintf("User %d", i+1), now)
			if err != nil {
				return err
			}
			if err := u.VerifyPhone(now); err != nil {
				return err
			}
			id, err := tx.Users().Create(ctx, u)
			if err != nil {
				return err
			}
			if err := tx.Ledger().OpenUserAccounts(ctx, id); err != nil {
				return err
			}
			j, err := ledger.DepositJournal(id, ledger.ExternalAccount(ledger.IRR), userFunds, "bench-funds")
			if err != nil {
				return err
			}
			if _, err := tx.Ledger().Post(ctx, j); err != nil {
				return err
			}
			if j, err = ledger.BuyJournal(id, userGoldCost, 0, userGold, "bench-gold"); err != nil {
				return err
			}
			if _, err := tx.Ledger().Post(ctx, j); err != nil {
				return err
			}
			users = append(users, User{ID: id, Phone: phone})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seed users: %w", err)
	}
	return users, nil
}

// logInAll signs every user in over HTTP, a few at a time (each login runs argon2id), and
// keeps the access tokens.
func logInAll(ctx context.Context, client *http.Client, base string, users []User) error {
	var (
		wg   sync.WaitGroup
		errs = make([]error, len(users))
		slot = make(chan struct{}, 4)
	)
	for i := range users {
		wg.Go(func() {
			slot <- struct{}{}
			defer func() { <-slot }()
			users[i].Token, errs[i] = logIn(ctx, client, base, users[i].Phone)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// logIn posts the phone and password to login/ and returns the access token.
func logIn(ctx context.Context, client *http.Client, base, phone string) (string, error) {
	body, err := json.Marshal(map[string]string{"phone_number": phone, "password": password})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/auth/login/", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("log in %s: %w", phone, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("log in %s: %w", phone, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("log in %s: %s: %s", phone, resp.Status, raw)
	}
	var out struct {
		Data struct {
			Tokens struct {
				Access string `json:"access"`
			} `json:"tokens"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Data.Tokens.Access == "" {
		return "", fmt.Errorf("log in %s: no access token in %s", phone, raw)
	}
	return out.Data.Tokens.Access, nil
}
