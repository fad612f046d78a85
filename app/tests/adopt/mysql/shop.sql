-- An online shop: customers, a category tree, products, orders and their lines, stock.
CREATE TABLE customers (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(320) NOT NULL,
    `fullName` VARCHAR(200) NOT NULL,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    is_active TINYINT(1) NOT NULL DEFAULT 1,
    referred_by BIGINT NULL,
    UNIQUE KEY customers_email_key (email),
    CONSTRAINT customers_referred_by_fk FOREIGN KEY (referred_by) REFERENCES customers (id) ON DELETE SET NULL
) COMMENT = 'people who buy';

CREATE TABLE categories (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    parent_id INT NULL,
    name VARCHAR(100) NOT NULL,
    slug VARCHAR(100) NOT NULL,
    UNIQUE KEY categories_slug_parent_key (parent_id, slug),
    CONSTRAINT categories_parent_fk FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE CASCADE
);

CREATE TABLE products (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    category_id INT NOT NULL,
    sku CHAR(12) NOT NULL,
    name VARCHAR(200) NOT NULL,
    price DECIMAL(10, 2) NOT NULL COMMENT 'in euros, VAT excluded',
    weight_kg FLOAT NULL,
    attributes JSON NULL,
    stock_units INT UNSIGNED NOT NULL DEFAULT 0,
    deleted_at DATETIME NULL,
    UNIQUE KEY products_sku_key (sku),
    KEY products_category_idx (category_id, deleted_at),
    CONSTRAINT products_category_fk FOREIGN KEY (category_id) REFERENCES categories (id),
    CONSTRAINT products_price_check CHECK (price >= 0)
);

CREATE TABLE `order` (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status ENUM('pending', 'paid', 'shipped', 'cancelled') NOT NULL DEFAULT 'pending',
    placed_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    note TEXT NULL,
    KEY order_customer_idx (customer_id, placed_at),
    CONSTRAINT order_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE TABLE `OrderLines` (
    order_id BIGINT NOT NULL,
    `lineNo` SMALLINT NOT NULL,
    product_id BIGINT NOT NULL,
    quantity INT NOT NULL DEFAULT 1,
    `unitPrice` DECIMAL(10, 2) NOT NULL,
    PRIMARY KEY (order_id, `lineNo`),
    CONSTRAINT orderlines_order_fk FOREIGN KEY (order_id) REFERENCES `order` (id) ON DELETE CASCADE,
    CONSTRAINT orderlines_product_fk FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT qty_positive CHECK (quantity > 0)
);

CREATE TABLE warehouses (
    id SMALLINT NOT NULL PRIMARY KEY,
    code VARCHAR(8) NOT NULL,
    city VARCHAR(100) NULL,
    UNIQUE KEY warehouses_code_key (code)
);

CREATE TABLE stock (
    warehouse_id SMALLINT NOT NULL,
    product_id BIGINT NOT NULL,
    on_hand INT NOT NULL DEFAULT 0,
    PRIMARY KEY (warehouse_id, product_id),
    CONSTRAINT stock_warehouse_fk FOREIGN KEY (warehouse_id) REFERENCES warehouses (id),
    CONSTRAINT stock_product_fk FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE
);

CREATE TABLE shipments (
    id CHAR(36) NOT NULL PRIMARY KEY,
    order_id BIGINT NOT NULL,
    shipped_on DATE NULL,
    carrier VARCHAR(40) NULL,
    CONSTRAINT shipments_order_fk FOREIGN KEY (order_id) REFERENCES `order` (id)
);

CREATE TABLE coupons (
    code VARCHAR(20) NOT NULL PRIMARY KEY,
    percent SMALLINT NOT NULL,
    valid_until DATE NULL,
    uses INT NOT NULL DEFAULT 0,
    CONSTRAINT coupons_percent_check CHECK (percent BETWEEN 1 AND 100)
);

CREATE TABLE order_coupons (
    order_id BIGINT NOT NULL,
    coupon_code VARCHAR(20) NOT NULL,
    PRIMARY KEY (order_id, coupon_code),
    CONSTRAINT order_coupons_order_fk FOREIGN KEY (order_id) REFERENCES `order` (id) ON DELETE CASCADE,
    CONSTRAINT order_coupons_coupon_fk FOREIGN KEY (coupon_code) REFERENCES coupons (code) ON UPDATE CASCADE
);

CREATE TABLE reviews (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    product_id BIGINT NOT NULL,
    customer_id BIGINT NULL,
    rating SMALLINT NOT NULL,
    body TEXT NULL,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY reviews_one_per_customer (product_id, customer_id),
    CONSTRAINT reviews_product_fk FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE,
    CONSTRAINT reviews_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL,
    CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5)
);

CREATE TABLE invoice_totals (
    order_id BIGINT NOT NULL PRIMARY KEY,
    net DECIMAL(12, 2) NOT NULL,
    vat DECIMAL(12, 2) NOT NULL,
    gross DECIMAL(12, 2) AS (net + vat) STORED,
    CONSTRAINT invoice_totals_order_fk FOREIGN KEY (order_id) REFERENCES `order` (id)
);

CREATE VIEW order_summary AS SELECT o.id, c.email, o.status FROM `order` o JOIN customers c ON c.id = o.customer_id;

CREATE TRIGGER stock_not_negative BEFORE INSERT ON stock FOR EACH ROW SET NEW.on_hand = GREATEST(NEW.on_hand, 0);

INSERT INTO customers (email, `fullName`) VALUES ('ann@example.com', 'Ann'), ('bob@example.com', 'Bob');

INSERT INTO categories (parent_id, name, slug) VALUES (NULL, 'Books', 'books'), (1, 'Novels', 'novels');

INSERT INTO products (category_id, sku, name, price, attributes) VALUES (2, 'BK-0001', 'Dune', 9.90, '{"pages": 412}');

INSERT INTO `order` (customer_id, status) VALUES (1, 'paid');

INSERT INTO `OrderLines` (order_id, `lineNo`, product_id, quantity, `unitPrice`) VALUES (1, 1, 1, 2, 9.90);

INSERT INTO warehouses (id, code, city) VALUES (1, 'BER', 'Berlin');

INSERT INTO stock (warehouse_id, product_id, on_hand) VALUES (1, 1, -5);

INSERT INTO invoice_totals (order_id, net, vat) VALUES (1, 19.80, 3.76);
