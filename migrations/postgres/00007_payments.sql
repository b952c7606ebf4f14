-- Payments: users' bank accounts, deposits and withdrawals (API.md §3.4–3.7). Amounts are
-- bigint rials; a time that has not happened is NULL, and so is a staff member who has not
-- acted (reviewed_by, approved_by, processed_by have no foreign key, like
-- audit_events.actor_id: they record who acted). Empty text means "none".

-- +goose Up

-- A user's own bank accounts. card_number is the full card (the user's own; the API masks
-- it). Deleted accounts stay for the history of their withdrawals, so the rules of one active
-- Sheba per user and one default account per user are partial unique indexes over the
-- accounts that are not deleted.
CREATE TABLE bank_accounts (
    id             bigserial   PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES users (id),
    sheba          text        NOT NULL CHECK (sheba ~ '^IR[0-9]{24}$'),
    card_number    text        NOT NULL DEFAULT '' CHECK (card_number ~ '^([0-9]{16})?$'),
    account_number text        NOT NULL DEFAULT '',
    bank_name      text        NOT NULL DEFAULT '',
    bank_code      text        NOT NULL DEFAULT '',
    holder_name    text        NOT NULL DEFAULT '',
    verified       boolean     NOT NULL DEFAULT false,
    verified_at    timestamptz,
    is_default     boolean     NOT NULL DEFAULT false,
    deleted        boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    -- The target of withdrawals' (bank_account_id, user_id) foreign key.
    CONSTRAINT bank_accounts_id_user_id_key UNIQUE (id, user_id),
    CONSTRAINT bank_accounts_default_check CHECK (NOT (is_default AND deleted))
);

-- Also serves a user's active accounts (ListByUser).
CREATE UNIQUE INDEX bank_accounts_user_id_sheba_key ON bank_accounts (user_id, sheba)
    WHERE NOT deleted;
CREATE UNIQUE INDEX bank_accounts_user_id_default_key ON bank_accounts (user_id)
    WHERE is_default AND NOT deleted;

-- Deposits. (gateway, authority) names one payment session of one gateway; an online deposit
-- has no authority until its session opens. return_url is where the browser goes after the
-- gateway ('' for the web app's pages). credited is what the ledger credited, zero until
-- verified.
CREATE TABLE deposits (
    id                bigserial   PRIMARY KEY,
    number            text        NOT NULL CHECK (number <> ''),
    user_id           bigint      NOT NULL REFERENCES users (id),
    amount            bigint      NOT NULL CHECK (amount > 0),
    method            text        NOT NULL CHECK (method IN ('online', 'bank_transfer')),
    gateway           text        NOT NULL DEFAULT '',
    authority         text        NOT NULL DEFAULT '',
    status            text        NOT NULL
        CHECK (status IN ('pending', 'unknown', 'paid', 'verified', 'rejected', 'cancelled', 'failed')),
    gateway_reference text        NOT NULL DEFAULT '',
    card_pan_masked   text        NOT NULL DEFAULT '',
    receipt_key       text        NOT NULL DEFAULT '',
    notes             text        NOT NULL DEFAULT '',
    reason            text        NOT NULL DEFAULT '',
    return_url        text        NOT NULL DEFAULT '',
    credited          bigint      NOT NULL DEFAULT 0 CHECK (credited >= 0),
    reviewed_by       bigint,
    expires_at        timestamptz,
    verified_at       timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT deposits_number_key UNIQUE (number),
    CONSTRAINT deposits_gateway_check CHECK (method <> 'online' OR gateway <> ''),
    CONSTRAINT deposits_credited_verified_check CHECK (credited = 0 OR status = 'verified')
);

CREATE UNIQUE INDEX deposits_gateway_authority_key ON deposits (gateway, authority)
    WHERE authority <> '';
-- A user's deposits, newest first, and the sums of the deposit limits.
CREATE INDEX deposits_user_id_created_at_id_idx
    ON deposits (user_id, created_at DESC, id DESC);
-- Staff lists of one status (bank transfers waiting for review), newest first.
CREATE INDEX deposits_status_created_at_id_idx
    ON deposits (status, created_at DESC, id DESC);
-- The reconciler's work (DepositUnsettled states the same predicate).
CREATE INDEX deposits_unsettled_idx ON deposits (updated_at, id)
    WHERE method = 'online' AND status IN ('pending', 'unknown');

-- Withdrawals. The bank account must be the user's own: the foreign key names both. hold_id
-- is the ledger hold of amount + fee, NULL only until the service places it; a hold belongs
-- to one withdrawal.
CREATE TABLE withdrawals (
    id              bigserial   PRIMARY KEY,
    number          text        NOT NULL CHECK (number <> ''),
    user_id         bigint      NOT NULL REFERENCES users (id),
    bank_account_id bigint      NOT NULL,
    amount          bigint      NOT NULL CHECK (amount > 0),
    fee             bigint      NOT NULL CHECK (fee >= 0),
    status          text        NOT NULL
        CHECK (status IN ('pending', 'approved', 'processing', 'completed', 'rejected', 'cancelled')),
    hold_id         bigint      REFERENCES ledger_holds (id),
    channel         text        NOT NULL DEFAULT '' CHECK (channel IN ('', 'paya', 'satna', 'pol')),
    tracking_code   text        NOT NULL DEFAULT '',
    reason          text        NOT NULL DEFAULT '',
    approved_by     bigint,
    processed_by    bigint,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    processed_at    timestamptz,
    CONSTRAINT withdrawals_number_key UNIQUE (number),
    CONSTRAINT withdrawals_hold_id_key UNIQUE (hold_id),
    CONSTRAINT withdrawals_bank_account_fkey FOREIGN KEY (bank_account_id, user_id)
        REFERENCES bank_accounts (id, user_id)
);

-- A user's withdrawals, newest first, and the sums of the withdrawal limits.
CREATE INDEX withdrawals_user_id_created_at_id_idx
    ON withdrawals (user_id, created_at DESC, id DESC);
-- Staff lists of one status (the payout queue), newest first.
CREATE INDEX withdrawals_status_created_at_id_idx
    ON withdrawals (status, created_at DESC, id DESC);
-- The open withdrawals of one bank account (CountOpen).
CREATE INDEX withdrawals_bank_account_id_idx ON withdrawals (bank_account_id);

-- Defence in depth against crediting one deposit twice: the credit journal of a deposit has
-- the deposit's number as its reference, and the trigger below files every deposit journal
-- whose reference is a stored deposit's number here, so a second one breaks the primary key
-- and its Post fails with a conflict. The rule is scoped to real deposits rather than to every
-- deposit journal: tests, benchmarks and seeds credit many wallets under one reference.
CREATE TABLE deposit_credits (
    number     text   PRIMARY KEY REFERENCES deposits (number),
    journal_id bigint NOT NULL REFERENCES ledger_journals (id)
);

-- +goose StatementBegin
CREATE FUNCTION deposit_credit_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deposit_credits (number, journal_id)
    SELECT NEW.reference, NEW.id
    WHERE EXISTS (SELECT 1 FROM deposits WHERE number = NEW.reference);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER ledger_journals_deposit_once AFTER INSERT ON ledger_journals
    FOR EACH ROW WHEN (NEW.type = 'deposit') EXECUTE FUNCTION deposit_credit_once();

-- +goose Down
DROP TRIGGER ledger_journals_deposit_once ON ledger_journals;
DROP FUNCTION deposit_credit_once();
DROP TABLE deposit_credits;
DROP TABLE withdrawals;
DROP TABLE deposits;
DROP TABLE bank_accounts;
