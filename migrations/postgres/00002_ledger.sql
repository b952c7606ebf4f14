-- The double-entry ledger. Amounts are bigint minor units: rials, or micrograms of 750 gold.
--
-- Balances live in two tables. ledger_user_balances has one row per user account, changed only
-- by conditional updates under its row lock. ledger_system_balances spreads every system
-- account (house, fees, payable, clearing, external) over shards, so that concurrent trades,
-- which all touch the house and fee accounts, lock different rows; an account's balance is the
-- sum of its shards. The store adapter picks an unlocked shard per posting (FOR UPDATE SKIP
-- LOCKED) and falls back to locking every shard when no single one fits a debit. The shard
-- count is an adapter option; this migration seeds 32 and the adapter adds missing ones.

-- +goose Up
CREATE TABLE ledger_accounts (
    id              bigserial PRIMARY KEY,
    code            text      NOT NULL,
    kind            text      NOT NULL
        CHECK (kind IN ('user', 'house', 'fees', 'payable', 'clearing', 'external')),
    user_id         bigint    REFERENCES users (id),
    asset           text      NOT NULL CHECK (asset IN ('IRR', 'GOLD')),
    may_go_negative boolean   NOT NULL,
    CONSTRAINT ledger_accounts_code_key UNIQUE (code),
    CHECK ((kind = 'user') = (user_id IS NOT NULL)),
    CHECK (may_go_negative = (kind IN ('clearing', 'external')))
);

CREATE INDEX ledger_accounts_user_id_idx ON ledger_accounts (user_id) WHERE user_id IS NOT NULL;

-- One row per user account: the only balances checked under a row lock.
CREATE TABLE ledger_user_balances (
    account_id bigint PRIMARY KEY REFERENCES ledger_accounts (id),
    available  bigint NOT NULL DEFAULT 0 CONSTRAINT ledger_user_balances_available_check CHECK (available >= 0),
    held       bigint NOT NULL DEFAULT 0 CONSTRAINT ledger_user_balances_held_check CHECK (held >= 0)
);

-- The shards of the system accounts' balances.
CREATE TABLE ledger_system_balances (
    account_id      bigint  NOT NULL REFERENCES ledger_accounts (id),
    shard           integer NOT NULL CHECK (shard >= 0),
    balance         bigint  NOT NULL DEFAULT 0,
    may_go_negative boolean NOT NULL,
    PRIMARY KEY (account_id, shard),
    CONSTRAINT ledger_system_balances_balance_check CHECK (may_go_negative OR balance >= 0)
);

CREATE TABLE ledger_journals (
    id         bigserial   PRIMARY KEY,
    type       text        NOT NULL,
    reference  text        NOT NULL,
    created_at timestamptz NOT NULL
);

-- account_id has no foreign key: its check would take a KEY SHARE lock on the account row for
-- every posting, and every trade posts to the same house and fee accounts, so those rows would
-- collect a new multixact per transaction. The store resolves account ids from
-- ledger_accounts, accounts are append-only (below), and Verify reports postings that name no
-- account.
CREATE TABLE ledger_postings (
    id         bigserial PRIMARY KEY,
    journal_id bigint    NOT NULL REFERENCES ledger_journals (id),
    account_id bigint    NOT NULL,
    bucket     smallint  NOT NULL CHECK (bucket IN (0, 1)),
    amount     bigint    NOT NULL CHECK (amount <> 0)
);

CREATE INDEX ledger_postings_account_id_idx ON ledger_postings (account_id);
CREATE INDEX ledger_postings_journal_id_idx ON ledger_postings (journal_id);

-- Accounts, journals and postings are append-only: accounts are never renamed or removed,
-- and corrections are new journals.
-- +goose StatementBegin
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;
-- +goose StatementEnd

CREATE TRIGGER ledger_accounts_append_only BEFORE UPDATE OR DELETE ON ledger_accounts
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_journals_append_only BEFORE UPDATE OR DELETE ON ledger_journals
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_journals_no_truncate BEFORE TRUNCATE ON ledger_journals
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE TABLE ledger_holds (
    id         bigserial   PRIMARY KEY,
    account_id bigint      NOT NULL REFERENCES ledger_accounts (id),
    amount     bigint      NOT NULL CHECK (amount > 0),
    state      text        NOT NULL CHECK (state IN ('placed', 'released', 'settled')),
    reference  text        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- The system accounts of ledger.SystemAccounts(), each with 32 shards.
INSERT INTO ledger_accounts (code, kind, user_id, asset, may_go_negative) VALUES
    ('house:IRR', 'house', NULL, 'IRR', false),
    ('house:GOLD', 'house', NULL, 'GOLD', false),
    ('fees:IRR', 'fees', NULL, 'IRR', false),
    ('payable:IRR', 'payable', NULL, 'IRR', false),
    ('external:IRR', 'external', NULL, 'IRR', true),
    ('external:GOLD', 'external', NULL, 'GOLD', true);

INSERT INTO ledger_system_balances (account_id, shard, balance, may_go_negative)
SELECT a.id, s.shard, 0, a.may_go_negative
FROM ledger_accounts a CROSS JOIN generate_series(0, 31) AS s (shard)
WHERE a.kind <> 'user';

-- +goose Down
DROP TABLE ledger_holds;
DROP TABLE ledger_postings;
DROP TABLE ledger_journals;
DROP TABLE ledger_system_balances;
DROP TABLE ledger_user_balances;
DROP TABLE ledger_accounts;
DROP FUNCTION ledger_append_only();
