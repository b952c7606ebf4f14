-- Trading: the gold price history, the trading switch, firm quotes, orders and the audit log.
-- Amounts are bigint rials and micrograms, prices bigint rials per gram; a time that has not
-- happened (quote not used, order not executed) is NULL.

-- +goose Up

-- Every accepted price, newest by observed_at (API.md §3.8 history and price list).
CREATE TABLE gold_prices (
    id          bigserial   PRIMARY KEY,
    buy         bigint      NOT NULL,
    sell        bigint      NOT NULL,
    source      text        NOT NULL CHECK (source <> ''),
    observed_at timestamptz NOT NULL,
    created_at  timestamptz NOT NULL,
    CONSTRAINT gold_prices_sides_check CHECK (buy > 0 AND sell >= buy)
);

CREATE INDEX gold_prices_observed_at_idx ON gold_prices (observed_at);

-- The one trading state of the platform (id 1, created here so that a locking read always
-- finds a row to lock): the halt switch and a price jump waiting for a staff confirmation.
-- changed_by has no foreign key, like audit_events.actor_id: it records who acted.
CREATE TABLE trading_state (
    id             smallint    PRIMARY KEY CHECK (id = 1),
    halted         boolean     NOT NULL DEFAULT false,
    reason         text        NOT NULL DEFAULT '',
    changed_by     bigint,
    changed_at     timestamptz,
    pending_buy    bigint,
    pending_sell   bigint,
    pending_source text,
    pending_at     timestamptz,
    CONSTRAINT trading_state_pending_check CHECK (
        (pending_buy IS NULL AND pending_sell IS NULL AND pending_source IS NULL AND pending_at IS NULL)
        OR (pending_buy > 0 AND pending_sell >= pending_buy AND pending_source <> '' AND pending_at IS NOT NULL)
    )
);

INSERT INTO trading_state (id) VALUES (1);

-- Firm quotes (API.md §3.9). A quote is used once: its use is saved with a conditional update
-- (used_at IS NULL). by_gold says the quote was priced by its gold amount (a sell by
-- gold_amount); an implicit quote is matched by gold then, else by amount_irr.
CREATE TABLE quotes (
    id         text        PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id),
    side       text        NOT NULL CHECK (side IN ('buy', 'sell')),
    amount_irr bigint      NOT NULL CHECK (amount_irr > 0),
    gold       bigint      NOT NULL CHECK (gold > 0),
    price      bigint      NOT NULL CHECK (price > 0),
    fee        bigint      NOT NULL CHECK (fee >= 0),
    total      bigint      NOT NULL CHECK (total > 0),
    by_gold    boolean     NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    CONSTRAINT quotes_by_gold_check CHECK (side = 'sell' OR NOT by_gold)
);

-- The implicit quote: the newest of a user's quotes for one side.
CREATE INDEX quotes_user_id_side_created_at_idx ON quotes (user_id, side, created_at DESC);
-- The clean-up of expired quotes.
CREATE INDEX quotes_expires_at_idx ON quotes (expires_at);

-- Orders. quote_id has no foreign key: quotes are deleted once expired, orders are kept.
CREATE TABLE orders (
    id             bigserial   PRIMARY KEY,
    number         text        NOT NULL,
    user_id        bigint      NOT NULL REFERENCES users (id),
    side           text        NOT NULL CHECK (side IN ('buy', 'sell')),
    status         text        NOT NULL
        CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    amount_irr     bigint      NOT NULL CHECK (amount_irr > 0),
    gold           bigint      NOT NULL CHECK (gold > 0),
    price          bigint      NOT NULL CHECK (price > 0),
    fee            bigint      NOT NULL CHECK (fee >= 0),
    total          bigint      NOT NULL CHECK (total > 0),
    quote_id       text,
    failure_reason text        NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    executed_at    timestamptz,
    cancelled_at   timestamptz,
    CONSTRAINT orders_number_key UNIQUE (number),
    CONSTRAINT orders_executed_check CHECK (executed_at IS NULL OR status = 'completed'),
    CONSTRAINT orders_cancelled_check CHECK (cancelled_at IS NULL OR status = 'cancelled')
);

-- A user's orders, newest first.
CREATE INDEX orders_user_id_created_at_id_idx ON orders (user_id, created_at DESC, id DESC);

-- The audit log (API.md §3.13): who did what, append-only like the ledger. actor_id has no
-- foreign key: the record of an action outlives whatever becomes of its actor's row. The
-- digests are SHA-256 hex, or '' when there is no state.
CREATE TABLE audit_events (
    id            bigserial   PRIMARY KEY,
    at            timestamptz NOT NULL,
    actor_id      bigint,
    actor_role    text        NOT NULL DEFAULT '',
    action        text        NOT NULL CHECK (action <> ''),
    entity        text        NOT NULL DEFAULT '',
    entity_id     text        NOT NULL DEFAULT '',
    reason        text        NOT NULL DEFAULT '',
    ip            text        NOT NULL DEFAULT '',
    user_agent    text        NOT NULL DEFAULT '',
    request_id    text        NOT NULL DEFAULT '',
    before_digest text        NOT NULL DEFAULT '' CHECK (length(before_digest) IN (0, 64)),
    after_digest  text        NOT NULL DEFAULT '' CHECK (length(after_digest) IN (0, 64))
);

CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id);
CREATE INDEX audit_events_actor_id_idx ON audit_events (actor_id) WHERE actor_id IS NOT NULL;

-- ledger_append_only (00002_ledger.sql) refuses any change, naming the table.
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- +goose Down
DROP TABLE audit_events;
DROP TABLE orders;
DROP TABLE quotes;
DROP TABLE trading_state;
DROP TABLE gold_prices;
