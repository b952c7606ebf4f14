package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/talabin/talabin/ports"
)

// PaymentsLimits are the rate limits of the deposit, bank-account and withdrawal endpoints
// (API.md §1.7, §3.4, §3.6, §3.7).
type PaymentsLimits struct {
	// BankAccountAdd limits POST wallet/bank-accounts/ per user.
	BankAccountAdd ports.Limit
	// BankAccountVerify limits POST wallet/bank-accounts/{id}/verify/ per user: each one
	// costs an ownership inquiry.
	BankAccountVerify ports.Limit
	// DepositCreate limits POST wallet/deposits/create_deposit/ (and its aliases) per user.
	DepositCreate ports.Limit
	// ReceiptUpload limits POST wallet/deposits/{id}/upload_receipt/ per user.
	ReceiptUpload ports.Limit
	// Callback limits the gateway return, GET and POST wallet/deposits/{id}/callback/, per
	// client IP.
	Callback ports.Limit
	// WithdrawalCreate limits POST wallet/withdrawals/create_withdrawal/ (and its aliases)
	// per user.
	WithdrawalCreate ports.Limit
}

// DefaultPaymentsLimits returns the limits of API.md §3.4–§3.7: bank account add 10/h and
// verify 5/h, deposit create 20/h, receipt upload 10/h and withdrawal create 10/h per user;
// the gateway return 60/min per IP.
func DefaultPaymentsLimits() PaymentsLimits {
	return PaymentsLimits{
		BankAccountAdd:    ports.PerPeriod("wallet.bank_account_add", 10, time.Hour),
		BankAccountVerify: ports.PerPeriod("wallet.bank_account_verify", 5, time.Hour),
		DepositCreate:     ports.PerPeriod("wallet.deposit_create", 20, time.Hour),
		ReceiptUpload:     ports.PerPeriod("wallet.receipt_upload", 10, time.Hour),
		Callback:          ports.PerPeriod("wallet.deposit_callback", 60, time.Minute),
		WithdrawalCreate:  ports.PerPeriod("wallet.withdrawal_create", 10, time.Hour),
	}
}

// withDefaults returns l with every unnamed limit taken from [DefaultPaymentsLimits].
func (l PaymentsLimits) withDefaults() PaymentsLimits {
	d := DefaultPaymentsLimits()
	for _, p := range []struct{ dst, def *ports.Limit }{
		{&l.BankAccountAdd, &d.BankAccountAdd}, {&l.BankAccountVerify, &d.BankAccountVerify},
		{&l.DepositCreate, &d.DepositCreate}, {&l.ReceiptUpload, &d.ReceiptUpload},
		{&l.Callback, &d.Callback}, {&l.WithdrawalCreate, &d.WithdrawalCreate},
	} {
		if p.dst.Name == "" {
			*p.dst = *p.def
		}
	}
	return l
}

// validate reports every invalid limit.
func (l PaymentsLimits) validate() error {
	var errs []error
	for _, lim := range []ports.Limit{
		l.BankAccountAdd, l.BankAccountVerify, l.DepositCreate, l.ReceiptUpload, l.Callback, l.WithdrawalCreate,
	} {
		errs = append(errs, lim.Validate())
	}
	return errors.Join(errs...)
}

// PaymentsConfig configures [NewPayments]: the bank-account, deposit and withdrawal
// endpoints of API.md §3.4, §3.6 and §3.7 and the staff's deposit and withdrawal work of
// §3.13. Payments and Staff are required; app/payments' Service implements both.
type PaymentsConfig struct {
	Payments ports.Payments
	Staff    ports.PaymentsStaff
	// Limits are the rate limits; a limit left zero (no Name) takes its value from
	// [DefaultPaymentsLimits].
	Limits PaymentsLimits
	// TransferDestination is the platform's account for bank transfers, the one the service
	// names when such a deposit is created. Bank-transfer deposits read back later (GET, lists,
	// actions) show it as transfer_destination so the user can still find where to pay;
	// zero: null there. The creation answer always shows the service's own.
	TransferDestination ports.TransferDestination
	// IdempotencyRequired makes the Idempotency-Key header mandatory on the money-moving
	// POSTs (IDEMPOTENCY_REQUIRED), as [TradingConfig.IdempotencyRequired] does for trading.
	IdempotencyRequired bool
}

// Payments serves the caller's bank accounts, deposits and withdrawals, the gateway return
// and the staff's review of deposits and withdrawals. Build it with [NewPayments] and
// register [Payments.Routes], or pass [WithPayments] to [NewRouter].
type Payments struct {
	auth        *Auth
	payments    ports.Payments
	staff       ports.PaymentsStaff
	limits      PaymentsLimits
	destination ports.TransferDestination
	required    bool
}

// NewPayments validates cfg and returns the endpoints it configures, behind auth's
// middleware (client IP, backstop limits, authentication) and rate limiter.
func NewPayments(auth *Auth, cfg PaymentsConfig) (*Payments, error) {
	var errs []error
	if auth == nil {
		errs = append(errs, errors.New("auth is required"))
	}
	if cfg.Payments == nil || cfg.Staff == nil {
		errs = append(errs, errors.New("payments and staff are required"))
	}
	limits := cfg.Limits.withDefaults()
	errs = append(errs, limits.validate())
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("httpapi: payments config: %w", err)
	}
	return &Payments{
		auth: auth, payments: cfg.Payments, staff: cfg.Staff, limits: limits,
		destination: cfg.TransferDestination, required: cfg.IdempotencyRequired,
	}, nil
}

// WithPayments adds the bank-account, deposit, withdrawal and staff payment endpoints
// configured by cfg (see [NewPayments]).
func WithPayments(cfg PaymentsConfig) RouterOption {
	return func(a *Auth) (func(rt Routes), error) {
		p, err := NewPayments(a, cfg)
		if err != nil {
			return nil, err
		}
		return p.Routes, nil
	}
}

// Routes registers the endpoints: the caller's bank accounts under
// /api/wallet/bank-accounts/, deposits under /api/wallet/deposits/ (create also as POST
// /api/wallet/deposits/ and POST /api/wallet/deposit/) and withdrawals under
// /api/wallet/withdrawals/ (create also as POST /api/wallet/withdrawals/ and POST
// /api/wallet/withdraw/); PUT, PATCH and DELETE on a deposit or withdrawal answer 405. The
// gateway return, GET and POST /api/wallet/deposits/{id}/callback/, is public and answers a
// redirect. The staff's deposit and withdrawal work is under /api/admin/ (403
// permission_denied for non-staff). Money-moving POSTs honour Idempotency-Key (API.md §1.6).
func (p *Payments) Routes(rt Routes) {
	a := p.auth
	user := a.User(rt)
	user.Route("/api/wallet/bank-accounts", func(rt Routes) {
		rt.Get("/", p.listBankAccounts)
		rt.With(a.limitBy(p.limits.BankAccountAdd, KeyByUser)).Post("/", p.addBankAccount)
		rt.Get("/{id}/", p.getBankAccount)
		rt.Put("/{id}/", p.updateBankAccount)
		rt.Patch("/{id}/", p.updateBankAccount)
		rt.Delete("/{id}/", p.deleteBankAccount)
		rt.With(a.limitBy(p.limits.BankAccountVerify, KeyByUser)).Post("/{id}/verify/", p.verifyBankAccount)
	})
	user.Route("/api/wallet", func(rt Routes) {
		deposit := rt.With(a.limitBy(p.limits.DepositCreate, KeyByUser))
		for _, path := range []string{"/deposits/create_deposit/", "/deposits/", "/deposit/"} {
			deposit.Post(path, p.createDeposit)
		}
		rt.Get("/deposits/", p.listDeposits)
		rt.Get("/deposits/{id}/", p.getDeposit)
		rt.With(a.limitBy(p.limits.ReceiptUpload, KeyByUser)).Post("/deposits/{id}/upload_receipt/", p.uploadReceipt)
		rt.Post("/deposits/{id}/cancel/", p.cancelDeposit)

		withdraw := rt.With(a.limitBy(p.limits.WithdrawalCreate, KeyByUser))
		for _, path := range []string{"/withdrawals/create_withdrawal/", "/withdrawals/", "/withdraw/"} {
			withdraw.Post(path, p.createWithdrawal)
		}
		rt.Get("/withdrawals/", p.listWithdrawals)
		rt.Get("/withdrawals/{id}/", p.getWithdrawal)
		rt.Post("/withdrawals/{id}/cancel/", p.cancelWithdrawal)
	})
	// The gateway return is a browser sent back by the gateway's page: public, and without
	// the Origin check of cookie-mode writes, which would strand the buyer on a JSON 403; the
	// service trusts nothing in it (signature, stored authority, server-to-server verify).
	rt.With(a.clientIP, a.securityEvents, a.limitBy(a.limits.GlobalIP, KeyByIP), a.limitBy(p.limits.Callback, KeyByIP), noStore).
		Route("/api/wallet/deposits/{id}/callback", func(rt Routes) {
			rt.Get("/", p.gatewayReturn)
			rt.Post("/", p.gatewayReturn)
		})
	user.With(requireStaff).Route("/api/admin", func(rt Routes) {
		rt.Get("/deposits/", p.staffDeposits)
		rt.Post("/deposits/{id}/verify/", p.staffVerifyDeposit)
		rt.Post("/deposits/{id}/reject/", p.staffRejectDeposit)
		rt.Get("/deposits/{id}/receipt/", p.staffReceipt)
		rt.Get("/withdrawals/", p.staffWithdrawals)
		rt.Post("/withdrawals/{id}/approve/", p.staffApproveWithdrawal)
		rt.Post("/withdrawals/{id}/process/", p.staffProcessWithdrawal)
		rt.Post("/withdrawals/{id}/complete/", p.staffCompleteWithdrawal)
		rt.Post("/withdrawals/{id}/reject/", p.staffRejectWithdrawal)
		rt.Post("/bank-accounts/{id}/verify/", p.staffConfirmBankAccount)
	})
}

// idempotentCall is [idempotentCall] for a payments operation, with keys required when the
// configuration says so.
func (p *Payments) idempotentCall(r *http.Request, in *Body, op string, render renderFunc) (ports.IdempotentCall, error) {
	return idempotentCall(r, in, op, p.required, render)
}
