-- An online shop: customers, a category tree, products, orders and their lines, stock.
CREATE TABLE customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email VARCHAR(320) NOT NULL UNIQUE,
    "fullName" TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    is_active BOOLEAN NOT NULL DEFAULT 1,
    referred_by INTEGER REFERENCES customers (id) ON DELETE SET NULL
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES categories (id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    slug VARCHAR(100) NOT NULL,
    CONSTRAINT categories_slug_parent_key UNIQUE (parent_id, slug)
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    category_id INTEGER NOT NULL REFERENCES categories (id),
    sku CHAR(12) NOT NULL,
    name TEXT NOT NULL,
    price NUMERIC(10, 2) NOT NULL CHECK (price >= 0),
    weight_kg REAL,
    attributes JSON,
    deleted_at TIMESTAMP
);

CREATE UNIQUE INDEX products_sku_key ON products (sku);

CREATE INDEX products_live_idx ON products (category_id) WHERE deleted_at IS NULL;

CREATE TABLE "order" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE RESTRICT ON UPDATE CASCADE,
    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT ck_order_status_enum CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
    placed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    note TEXT
);

CREATE INDEX order_customer_idx ON "order" (customer_id, placed_at);

CREATE TABLE "OrderLines" (
    order_id INTEGER NOT NULL REFERENCES "order" (id) ON DELETE CASCADE,
    "lineNo" SMALLINT NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL DEFAULT 1,
    "unitPrice" NUMERIC(10, 2) NOT NULL,
    PRIMARY KEY (order_id, "lineNo"),
    CONSTRAINT qty_positive CHECK (quantity > 0)
);

CREATE TABLE warehouses (
    id SMALLINT NOT NULL PRIMARY KEY,
    code VARCHAR(8) NOT NULL UNIQUE,
    city TEXT
);

CREATE TABLE stock (
    warehouse_id SMALLINT NOT NULL REFERENCES warehouses (id),
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    on_hand INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (warehouse_id, product_id)
);

CREATE TABLE shipments (
    id UUID NOT NULL PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES "order" (id),
    shipped_on DATE,
    carrier VARCHAR(40)
);

CREATE TABLE coupons (
    code VARCHAR(20) NOT NULL PRIMARY KEY,
    percent SMALLINT NOT NULL CHECK (percent BETWEEN 1 AND 100),
    valid_until DATE,
    uses INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE order_coupons (
    order_id INTEGER NOT NULL REFERENCES "order" (id) ON DELETE CASCADE,
    coupon_code VARCHAR(20) NOT NULL REFERENCES coupons (code) ON UPDATE CASCADE,
    PRIMARY KEY (order_id, coupon_code)
);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    rating SMALLINT NOT NULL,
    body TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5)
);

CREATE UNIQUE INDEX reviews_one_per_customer ON reviews (product_id, customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE invoice_totals (
    order_id INTEGER NOT NULL PRIMARY KEY REFERENCES "order" (id),
    net NUMERIC(12, 2) NOT NULL,
    vat NUMERIC(12, 2) NOT NULL,
    gross NUMERIC(12, 2) GENERATED ALWAYS AS (net + vat) STORED
);

CREATE VIEW order_summary AS SELECT o.id, c.email, o.status FROM "order" o JOIN customers c ON c.id = o.customer_id;

CREATE TRIGGER stock_not_negative AFTER INSERT ON stock WHEN NEW.on_hand < 0 BEGIN UPDATE stock SET on_hand = 0 WHERE warehouse_id = NEW.warehouse_id AND product_id = NEW.product_id; END;

INSERT INTO customers (email, "fullName") VALUES ('ann@example.com', 'Ann'), ('bob@example.com', 'Bob');

INSERT INTO categories (parent_id, name, slug) VALUES (NULL, 'Books', 'books'), (1, 'Novels', 'novels');

INSERT INTO products (category_id, sku, name, price) VALUES (2, 'BK-0001', 'Dune', 9.90);

INSERT INTO "order" (customer_id, status) VALUES (1, 'paid');

INSERT INTO "OrderLines" (order_id, "lineNo", product_id, quantity, "unitPrice") VALUES (1, 1, 1, 2, 9.90);

INSERT INTO warehouses (id, code, city) VALUES (1, 'BER', 'Berlin');

INSERT INTO stock (warehouse_id, product_id, on_hand) VALUES (1, 1, -5);

INSERT INTO invoice_totals (order_id, net, vat) VALUES (1, 19.80, 3.76);
