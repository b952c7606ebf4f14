-- Payments: users' bank accounts, deposits and withdrawals. It mirrors
-- migrations/postgres/00007_payments.sql with the conventions of 00001_initial.sql: timestamps
-- are INTEGER Unix microseconds in UTC, NULL where the domain has a zero time ("not happened");
-- booleans are INTEGER 0/1; ids that leave the database are AUTOINCREMENT; every table is
-- STRICT. A staff member who has not acted (reviewed_by, approved_by, processed_by) is NULL;
-- those columns have no foreign key, like audit_events.actor_id.

-- +goose Up

-- A user's own bank accounts, card_number in full ('' when none). Deleted accounts stay for
-- the history of their withdrawals; one active Sheba and one default account per user are
-- partial unique indexes over the accounts that are not deleted.
CREATE TABLE bank_accounts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    sheba          TEXT    NOT NULL
        CHECK (length(sheba) = 26 AND substr(sheba, 1, 2) = 'IR'
            AND substr(sheba, 3) NOT GLOB '*[^0-9]*'),
    card_number    TEXT    NOT NULL DEFAULT ''
        CHECK (card_number = '' OR (length(card_number) = 16 AND card_number NOT GLOB '*[^0-9]*')),
    account_number TEXT    NOT NULL DEFAULT '',
    bank_name      TEXT    NOT NULL DEFAULT '',
    bank_code      TEXT    NOT NULL DEFAULT '',
    holder_name    TEXT    NOT NULL DEFAULT '',
    verified       INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    verified_at    INTEGER,
    is_default     INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    -- The target of withdrawals' (bank_account_id, user_id) foreign key.
    UNIQUE (id, user_id),
    CHECK (NOT (is_default = 1 AND deleted = 1))
) STRICT;

-- Also serves a user's active accounts (ListByUser).
CREATE UNIQUE INDEX bank_accounts_user_id_sheba_key ON bank_accounts (user_id, sheba)
    WHERE deleted = 0;
CREATE UNIQUE INDEX bank_accounts_user_id_default_key ON bank_accounts (user_id)
    WHERE is_default = 1 AND deleted = 0;

-- Deposits; (gateway, authority) names one payment session, '' until it opens.
CREATE TABLE deposits (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    number            TEXT    NOT NULL UNIQUE CHECK (number <> ''),
    user_id           INTEGER NOT NULL REFERENCES users (id),
    amount            INTEGER NOT NULL CHECK (amount > 0),
    method            TEXT    NOT NULL CHECK (method IN ('online', 'bank_transfer')),
    gateway           TEXT    NOT NULL DEFAULT '',
    authority         TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL
        CHECK (status IN ('pending', 'unknown', 'paid', 'verified', 'rejected', 'cancelled', 'failed')),
    gateway_reference TEXT    NOT NULL DEFAULT '',
    card_pan_masked   TEXT    NOT NULL DEFAULT '',
    receipt_key       TEXT    NOT NULL DEFAULT '',
    notes             TEXT    NOT NULL DEFAULT '',
    reason            TEXT    NOT NULL DEFAULT '',
    return_url        TEXT    NOT NULL DEFAULT '',
    credited          INTEGER NOT NULL DEFAULT 0 CHECK (credited >= 0),
    reviewed_by       INTEGER,
    expires_at        INTEGER,
    verified_at       INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    CHECK (method <> 'online' OR gateway <> ''),
    CHECK (credited = 0 OR status = 'verified')
) STRICT;

CREATE UNIQUE INDEX deposits_gateway_authority_key ON deposits (gateway, authority)
    WHERE authority <> '';
CREATE INDEX deposits_user_id_created_at_id_idx
    ON deposits (user_id, created_at DESC, id DESC);
CREATE INDEX deposits_status_created_at_id_idx
    ON deposits (status, created_at DESC, id DESC);
-- The reconciler's work (DepositUnsettled states the same predicate).
CREATE INDEX deposits_unsettled_idx ON deposits (updated_at, id)
    WHERE method = 'online' AND status IN ('pending', 'unknown');

-- Withdrawals, to the user's own bank account (the foreign key names both). hold_id is NULL
-- only until the service places the hold; a hold belongs to one withdrawal.
CREATE TABLE withdrawals (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    number          TEXT    NOT NULL UNIQUE CHECK (number <> ''),
    user_id         INTEGER NOT NULL REFERENCES users (id),
    bank_account_id INTEGER NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount > 0),
    fee             INTEGER NOT NULL CHECK (fee >= 0),
    status          TEXT    NOT NULL
        CHECK (status IN ('pending', 'approved', 'processing', 'completed', 'rejected', 'cancelled')),
    hold_id         INTEGER UNIQUE REFERENCES ledger_holds (id),
    channel         TEXT    NOT NULL DEFAULT '' CHECK (channel IN ('', 'paya', 'satna', 'pol')),
    tracking_code   TEXT    NOT NULL DEFAULT '',
    reason          TEXT    NOT NULL DEFAULT '',
    approved_by     INTEGER,
    processed_by    INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    processed_at    INTEGER,
    FOREIGN KEY (bank_account_id, user_id) REFERENCES bank_accounts (id, user_id)
) STRICT;

CREATE INDEX withdrawals_user_id_created_at_id_idx
    ON withdrawals (user_id, created_at DESC, id DESC);
CREATE INDEX withdrawals_status_created_at_id_idx
    ON withdrawals (status, created_at DESC, id DESC);
CREATE INDEX withdrawals_bank_account_id_idx ON withdrawals (bank_account_id);

-- Defence in depth against crediting one deposit twice, as on PostgreSQL: every deposit
-- journal whose reference is a stored deposit's number is filed here by the trigger below,
-- so a second one breaks the primary key and its Post fails with a conflict. Deposit journals
-- under other references (tests, benchmarks, seeds) are not checked.
CREATE TABLE deposit_credits (
    number     TEXT    NOT NULL PRIMARY KEY REFERENCES deposits (number),
    journal_id INTEGER NOT NULL REFERENCES ledger_journals (id)
) STRICT;

-- +goose StatementBegin
CREATE TRIGGER ledger_journals_deposit_once AFTER INSERT ON ledger_journals
WHEN NEW.type = 'deposit' AND EXISTS (SELECT 1 FROM deposits WHERE number = NEW.reference)
BEGIN
    INSERT INTO deposit_credits (number, journal_id) VALUES (NEW.reference, NEW.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER ledger_journals_deposit_once;
DROP TABLE deposit_credits;
DROP TABLE withdrawals;
DROP TABLE deposits;
DROP TABLE bank_accounts;
