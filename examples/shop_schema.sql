-- A Postgres-dialect shop schema: SERIAL keys, CHECKs, DEFAULTs, comments, foreign and composite keys.
CREATE TABLE customers (
    customer_id  SERIAL PRIMARY KEY,
    email        VARCHAR(255) NOT NULL UNIQUE,
    full_name    TEXT NOT NULL,
    country      VARCHAR(2) NOT NULL DEFAULT 'PT',
    birth_year   INTEGER CHECK (birth_year BETWEEN 1930 AND 2008),
    tier         TEXT NOT NULL DEFAULT 'basic' CHECK (tier IN ('basic', 'silver', 'gold')),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
COMMENT ON COLUMN customers.country IS 'ISO 3166-1 alpha-2 country code';

CREATE TABLE products (
    product_id   SERIAL PRIMARY KEY,
    sku          VARCHAR(12) NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    price        NUMERIC(10, 2) NOT NULL CHECK (price > 0),
    in_stock     BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE orders (
    order_id     BIGSERIAL PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (customer_id),
    ordered_on   DATE NOT NULL,
    status       VARCHAR(10) NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
    note         TEXT
);

CREATE TABLE order_lines (
    order_id     BIGINT NOT NULL REFERENCES orders (order_id),
    line_no      SMALLINT NOT NULL CHECK (line_no > 0),
    product_id   INTEGER NOT NULL REFERENCES products (product_id),
    quantity     INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 100),
    PRIMARY KEY (order_id, line_no)
);
